#include <loadwizard/thresholdevaluator.h>

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace Loadwizard {

namespace {

/// The percentiles every LatencyStats carries; others need the histogram.
std::optional<double> statsPercentile(const LatencyStats &stats, double p)
{
    if (p == 50)
        return stats.p50Ms;
    if (p == 90)
        return stats.p90Ms;
    if (p == 95)
        return stats.p95Ms;
    if (p == 99)
        return stats.p99Ms;
    return std::nullopt;
}

std::optional<double> latencyOf(const ThresholdExpression &expression, const LatencyStats &stats,
                                const Histogram *histogram)
{
    if (stats.count == 0)
        return std::nullopt;
    switch (expression.aggregation) {
    case ThresholdAggregation::Mean:
        return stats.meanMs;
    case ThresholdAggregation::Min:
        return stats.minMs;
    case ThresholdAggregation::Max:
        return stats.maxMs;
    case ThresholdAggregation::Percentile:
        if (auto known = statsPercentile(stats, expression.percentile))
            return known;
        if (histogram)
            return double(histogram->percentileMicros(expression.percentile)) / 1000.0;
        return std::nullopt;
    }
    return std::nullopt;
}

using NameMap = std::map<std::string, NameStats, std::less<>>;

/// What a threshold reads: the whole run's totals, or one group's.
struct Scope
{
    const Counters *total = nullptr;
    const LatencyStats *latency = nullptr;
    const LatencyStats *intendedLatency = nullptr; ///< the open model's, from the intended start
    const Histogram *histogram = nullptr;
    const NameMap *requests = nullptr;
    const NameMap *transactions = nullptr;
    const std::map<std::string, CheckStats, std::less<>> *checks = nullptr;
};

/// The run, or the group `{group=NAME}` names; nullopt when the snapshot has groups and none of
/// them is that one (no data). A run without groups is its one group, "default".
std::optional<Scope> scopeOf(const ThresholdExpression &expression, const Snapshot &snapshot)
{
    if (expression.group.empty() || (snapshot.groups.empty() && expression.group == "default"))
        return Scope{&snapshot.total,
                     &snapshot.totalLatency,
                     &snapshot.totalIntendedLatency,
                     snapshot.totalHistogram.get(),
                     &snapshot.requestsTotal,
                     &snapshot.transactionsTotal,
                     &snapshot.checks};
    for (const GroupSnapshot &group : snapshot.groups) {
        // A group that has produced nothing yet (its start delay, its first iteration still
        // running) has no data until the end: a count of 0 then must not fail, nor abort, a
        // run whose group is still to come.
        const Counters &t = group.total;
        const bool produced = t.requests > 0 || t.iterations > 0 || t.iterationsDropped > 0 ||
                              t.checksPassed + t.checksFailed > 0 || t.vuserInitFailures > 0;
        if (group.name == expression.group && !produced && !snapshot.final)
            return std::nullopt;
        if (group.name == expression.group)
            return Scope{&group.total,
                         &group.totalLatency,
                         &group.totalIntendedLatency,
                         group.totalHistogram.get(),
                         &group.requestsTotal,
                         &group.transactionsTotal,
                         &group.checks};
    }
    return std::nullopt;
}

const NameStats *named(const ThresholdExpression &expression, const Scope &scope)
{
    const NameMap &map =
        expression.subject == ThresholdSubject::Transaction ? *scope.transactions : *scope.requests;
    const auto found = map.find(expression.name);
    return found == map.end() || found->second.count == 0 ? nullptr : &found->second;
}

bool compare(ThresholdComparison comparison, double observed, double limit)
{
    switch (comparison) {
    case ThresholdComparison::Less:
        return observed < limit;
    case ThresholdComparison::LessEqual:
        return observed <= limit;
    case ThresholdComparison::Greater:
        return observed > limit;
    case ThresholdComparison::GreaterEqual:
        return observed >= limit;
    case ThresholdComparison::Equal:
        return observed == limit;
    case ThresholdComparison::NotEqual:
        return observed != limit;
    }
    return false;
}

} // namespace

std::optional<double> observeThreshold(const ThresholdExpression &expression,
                                       const Snapshot &snapshot)
{
    const auto scope = scopeOf(expression, snapshot);
    if (!scope)
        return std::nullopt;
    const Counters &total = *scope->total;
    const bool byName = expression.subject == ThresholdSubject::Request ||
                        expression.subject == ThresholdSubject::Transaction;
    switch (expression.metric) {
    case ThresholdMetric::Latency:
        // Latency from the intended start has no histogram: the parser allows only the
        // percentiles LatencyStats holds.
        if (byName) {
            const NameStats *stats = named(expression, *scope);
            if (!stats)
                return std::nullopt;
            return expression.fromIntended
                       ? latencyOf(expression, stats->intendedLatency, nullptr)
                       : latencyOf(expression, stats->latency, stats->histogram.get());
        }
        return expression.fromIntended ? latencyOf(expression, *scope->intendedLatency, nullptr)
                                       : latencyOf(expression, *scope->latency, scope->histogram);
    case ThresholdMetric::ErrorRate:
        if (byName) {
            const NameStats *stats = named(expression, *scope);
            return stats ? std::optional(double(stats->errors) / double(stats->count))
                         : std::nullopt;
        }
        return total.requests ? std::optional(double(total.requestErrors) / double(total.requests))
                              : std::nullopt;
    case ThresholdMetric::Checks: {
        std::uint64_t passes = total.checksPassed, fails = total.checksFailed;
        if (!expression.name.empty()) {
            const auto found = scope->checks->find(expression.name);
            if (found == scope->checks->end())
                return std::nullopt;
            passes = found->second.passes;
            fails = found->second.fails;
        }
        return passes + fails ? std::optional(double(passes) / double(passes + fails))
                              : std::nullopt;
    }
    case ThresholdMetric::Rate: {
        if (snapshot.elapsedSeconds <= 0)
            return std::nullopt;
        const std::uint64_t count =
            expression.subject == ThresholdSubject::Iterations ? total.iterations
            : expression.subject == ThresholdSubject::Errors   ? total.requestErrors
                                                               : total.requests;
        return double(count) / snapshot.elapsedSeconds;
    }
    case ThresholdMetric::Count:
        if (byName) {
            const NameStats *stats = named(expression, *scope);
            return stats ? std::optional(double(stats->count)) : std::nullopt;
        }
        return double(expression.subject == ThresholdSubject::Iterations ? total.iterations
                      : expression.subject == ThresholdSubject::Errors   ? total.requestErrors
                                                                         : total.requests);
    case ThresholdMetric::IterationsFailed:
        return double(total.iterationsFailed);
    case ThresholdMetric::IterationsDropped:
        return double(total.iterationsDropped);
    }
    return std::nullopt;
}

std::string formatObserved(const ThresholdExpression &expression, double value)
{
    switch (expression.metric) {
    case ThresholdMetric::Latency:
        return fmt::format("{:.2f} ms", value);
    case ThresholdMetric::ErrorRate:
    case ThresholdMetric::Checks:
        return fmt::format("{:.2f} %", value * 100);
    case ThresholdMetric::Rate:
        return fmt::format("{:.1f}/s", value);
    case ThresholdMetric::Count:
    case ThresholdMetric::IterationsFailed:
    case ThresholdMetric::IterationsDropped:
        return fmt::format("{:.0f}", value);
    }
    return fmt::format("{}", value);
}

tl::expected<ThresholdEvaluator, Error>
ThresholdEvaluator::create(const std::vector<ThresholdSettings> &thresholds,
                           const std::vector<std::string> &groups)
{
    ThresholdEvaluator evaluator;
    for (std::size_t i = 0; i < thresholds.size(); ++i) {
        auto parsed = parseThreshold(thresholds[i].expression, groups);
        if (!parsed) {
            Error error = parsed.error();
            if (error.field.empty())
                error.field = "thresholds[" + std::to_string(i) + "]";
            return tl::make_unexpected(std::move(error));
        }
        evaluator.m_settings.push_back(thresholds[i]);
        evaluator.m_expressions.push_back(std::move(*parsed));
    }
    return evaluator;
}

bool ThresholdEvaluator::needsHistograms() const
{
    for (const auto &expression : m_expressions) {
        if (expression.metric == ThresholdMetric::Latency && !expression.fromIntended &&
            expression.aggregation == ThresholdAggregation::Percentile &&
            !statsPercentile(LatencyStats{}, expression.percentile))
            return true;
    }
    return false;
}

std::vector<ThresholdResult> ThresholdEvaluator::evaluate(const Snapshot &snapshot) const
{
    std::vector<ThresholdResult> results;
    results.reserve(m_expressions.size());
    for (std::size_t i = 0; i < m_expressions.size(); ++i) {
        ThresholdResult result;
        result.settings = m_settings[i];
        result.group = m_expressions[i].group;
        if (const auto observed = observeThreshold(m_expressions[i], snapshot)) {
            result.observed = *observed;
            result.observedText = formatObserved(m_expressions[i], *observed);
            result.status = compare(m_expressions[i].comparison, *observed, m_expressions[i].value)
                                ? ThresholdStatus::Passed
                                : ThresholdStatus::Failed;
        } else {
            result.observedText = "no data";
        }
        results.push_back(std::move(result));
    }
    return results;
}

std::optional<std::size_t>
ThresholdEvaluator::abortingThreshold(const std::vector<ThresholdResult> &results,
                                      double elapsedSeconds)
{
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ThresholdResult &result = results[i];
        if (result.settings.abort && result.status == ThresholdStatus::Failed &&
            elapsedSeconds >= result.settings.graceSeconds)
            return i;
    }
    return std::nullopt;
}

std::size_t failedThresholds(const std::vector<ThresholdResult> &results, bool final)
{
    std::size_t failed = 0;
    for (const auto &result : results)
        failed += result.failed(final);
    return failed;
}

std::string runVerdict(const Snapshot &snapshot, const std::vector<ThresholdResult> &results,
                       std::string_view stopped)
{
    std::vector<std::string> parts;
    if (!stopped.empty())
        parts.emplace_back(stopped);
    if (!snapshot.incomplete.empty())
        parts.push_back("incomplete");
    for (const auto &result : results) {
        if (result.aborted)
            parts.push_back("aborted by threshold \"" + result.settings.expression + "\"");
    }
    if (const std::size_t failed = failedThresholds(results, snapshot.final))
        parts.push_back(fmt::format("thresholds failed ({} of {})", failed, results.size()));
    if (snapshot.total.requests > 0 && snapshot.total.requestErrors == snapshot.total.requests)
        parts.push_back("every request failed");
    if (snapshot.total.vuserInitFailures > 0 && snapshot.total.iterationsStarted == 0)
        parts.push_back("every vuser failed its vuserInit (no iteration ran)");
    std::string verdict;
    for (const auto &part : parts)
        verdict += (verdict.empty() ? "" : "; ") + part;
    return verdict;
}

} // namespace Loadwizard
