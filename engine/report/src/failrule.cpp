#include <loadwizard/comparison.h>

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace Loadwizard {

namespace {

constexpr const char *metricList = "p50, p90, p95, p99, mean, max, error_rate, rps or count";

struct Parser
{
    std::string_view text;

    tl::unexpected<Error> fail(std::size_t at, const std::string &message) const
    {
        Error error;
        error.field = fmt::format("--fail-if \"{}\"", shortened(text));
        error.column = int(at) + 1;
        error.message = fmt::format("column {}: {}", at + 1, message);
        return tl::make_unexpected(std::move(error));
    }
};

std::optional<CompareMetric> metricNamed(std::string_view name)
{
    for (CompareMetric metric :
         {CompareMetric::P50, CompareMetric::P90, CompareMetric::P95, CompareMetric::P99,
          CompareMetric::Mean, CompareMetric::Max, CompareMetric::ErrorRate, CompareMetric::Rps,
          CompareMetric::Count}) {
        if (compareMetricName(metric) == name)
            return metric;
    }
    return std::nullopt;
}

bool isLatency(CompareMetric metric)
{
    return metric != CompareMetric::ErrorRate && metric != CompareMetric::Rps &&
           metric != CompareMetric::Count;
}

const NameFigures *find(const std::map<std::string, NameFigures, std::less<>> &names,
                        std::string_view name)
{
    const auto it = names.find(name);
    return it == names.end() ? nullptr : &it->second;
}

std::string amountText(const FailRule &rule)
{
    const char sign = rule.increase ? '+' : '-';
    if (rule.metric == CompareMetric::ErrorRate)
        return fmt::format("{}{:g} pp", sign, rule.amount * 100);
    if (rule.relative)
        return fmt::format("{}{:g} %", sign, rule.amount * 100);
    return fmt::format("{}{:g}{}", sign, rule.amount, isLatency(rule.metric) ? " ms" : "");
}

std::string valueText(CompareMetric metric, double value)
{
    if (metric == CompareMetric::ErrorRate)
        return fmt::format("{:.2f} %", value * 100);
    if (metric == CompareMetric::Rps)
        return fmt::format("{:.1f}/s", value);
    if (metric == CompareMetric::Count)
        return fmt::format("{:.0f}", value);
    return fmt::format("{:.2f} ms", value);
}

/// The breach of `rule` by one name's figures, if any.
std::optional<RuleBreach> check(const FailRule &rule, const std::string &where,
                                const NameFigures &a, const NameFigures &b)
{
    // A side without a single request has no latency, rate or error rate to compare: the new run
    // measured nothing (killed at once, every vuser failed to start), which a gate must not pass.
    if (a.count == 0 || b.count == 0) {
        if (rule.metric == CompareMetric::Count && b.count > 0)
            return std::nullopt;
        RuleBreach breach;
        breach.where = where;
        breach.explanation = fmt::format("no requests in {}: nothing to compare",
                                         a.count == 0 && b.count == 0 ? "either run"
                                         : a.count == 0               ? "A"
                                                                      : "B");
        return breach;
    }
    const double before = metricValue(a, rule.metric);
    const double after = metricValue(b, rule.metric);
    const double change = rule.increase ? after - before : before - after;
    double limit = rule.amount;
    if (rule.relative && rule.metric != CompareMetric::ErrorRate)
        limit = rule.amount * before;
    if (!(change > limit + 1e-12))
        return std::nullopt;
    RuleBreach breach;
    breach.where = where;
    breach.before = before;
    breach.after = after;
    std::string delta;
    if (rule.metric == CompareMetric::ErrorRate)
        delta = fmt::format("{:+.2f} pp", (after - before) * 100);
    else if (rule.relative)
        delta = before > 0 ? fmt::format("{:+.1f} %", (after - before) / before * 100) : "new";
    else
        delta = fmt::format("{:+.2f}", after - before);
    breach.explanation = fmt::format("{} {} → {} ({}, beyond {})", compareMetricName(rule.metric),
                                     valueText(rule.metric, before), valueText(rule.metric, after),
                                     delta, amountText(rule));
    return breach;
}

} // namespace

tl::expected<FailRule, Error> parseFailRule(std::string_view text)
{
    const Parser parser{text};
    FailRule rule;
    rule.text = std::string(text);

    std::size_t at = 0;
    const auto skipSpace = [&] {
        while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at])))
            ++at;
    };
    skipSpace();
    const std::size_t metricStart = at;
    while (at < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_'))
        ++at;
    const std::string_view metricName = text.substr(metricStart, at - metricStart);
    if (metricName.empty())
        return parser.fail(metricStart, fmt::format("expected a metric ({})", metricList));
    const auto metric = metricNamed(metricName);
    if (!metric)
        return parser.fail(metricStart, fmt::format("unknown metric \"{}\" (expected {})",
                                                    shortened(metricName), metricList));
    rule.metric = *metric;

    if (at < text.size() && text[at] == '{') {
        // The scope runs to the last '}' before the change, so a name may hold braces.
        const std::size_t open = at;
        const std::size_t close = text.rfind('}');
        if (close == std::string_view::npos || close < open)
            return parser.fail(open, "'{' without its '}'");
        const std::string_view scope = text.substr(open + 1, close - open - 1);
        const std::size_t colon = scope.find(':');
        const std::string_view kind = scope.substr(0, colon);
        if (kind == "total" && colon == std::string_view::npos) {
            rule.scope = FailRule::Scope::Total;
        } else if ((kind == "request" || kind == "transaction") &&
                   colon != std::string_view::npos) {
            rule.scope =
                kind == "request" ? FailRule::Scope::Request : FailRule::Scope::Transaction;
            rule.name = std::string(scope.substr(colon + 1));
            if (rule.name.empty())
                return parser.fail(open + 1 + colon + 1,
                                   fmt::format("expected a name after \"{}:\"", kind));
        } else {
            return parser.fail(open + 1, "expected a scope: {total}, {request:NAME} or "
                                         "{transaction:NAME}");
        }
        at = close + 1;
    }

    skipSpace();
    if (at >= text.size())
        return parser.fail(at, "expected a change after the metric: +10%, +50ms, -5%");
    if (text[at] != '+' && text[at] != '-')
        return parser.fail(at, fmt::format("expected '+' (fail on a rise) or '-' (fail on a "
                                           "fall) before the amount, found \"{}\"",
                                           shortened(text.substr(at))));
    rule.increase = text[at] == '+';
    ++at;
    skipSpace();
    const std::size_t numberStart = at;
    double amount = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), amount);
    if (ec != std::errc() || !std::isfinite(amount) || amount < 0)
        return parser.fail(numberStart, "expected a number after the sign");
    at = std::size_t(end - text.data());
    skipSpace();
    const std::size_t unitStart = at;
    const std::string_view unit = text.substr(at);
    const auto badUnit = [&](const char *expected) {
        return parser.fail(unitStart,
                           fmt::format("unit \"{}\" does not fit {} (expected {})", shortened(unit),
                                       compareMetricName(rule.metric), expected));
    };
    if (isLatency(rule.metric)) {
        if (unit == "%") {
            rule.relative = true;
            rule.amount = amount / 100;
        } else if (unit == "ms") {
            rule.amount = amount;
        } else if (unit == "s") {
            rule.amount = amount * 1000;
        } else {
            return badUnit("%, ms or s");
        }
    } else if (rule.metric == CompareMetric::ErrorRate) {
        if (unit != "%" && unit != "pp")
            return badUnit("% or pp: percentage points of the error rate");
        rule.amount = amount / 100;
    } else {
        if (unit == "%") {
            rule.relative = true;
            rule.amount = amount / 100;
        } else if (unit.empty() || (rule.metric == CompareMetric::Rps && unit == "/s")) {
            rule.amount = amount;
        } else {
            return badUnit(rule.metric == CompareMetric::Rps ? "% or /s" : "% or nothing");
        }
    }
    return rule;
}

tl::expected<std::vector<RuleBreach>, Error> checkRule(const FailRule &rule, const RunFigures &a,
                                                       const RunFigures &b)
{
    std::vector<RuleBreach> breaches;
    const auto add = [&](const std::string &where, const NameFigures &x, const NameFigures &y) {
        if (auto breach = check(rule, where, x, y))
            breaches.push_back(std::move(*breach));
    };
    const auto every = [&](const char *kind,
                           const std::map<std::string, NameFigures, std::less<>> &inA,
                           const std::map<std::string, NameFigures, std::less<>> &inB) {
        for (const auto &[name, figures] : inA) {
            if (const NameFigures *other = find(inB, name))
                add(std::string(kind) + " " + name, figures, *other);
        }
    };
    switch (rule.scope) {
    case FailRule::Scope::Every:
        add("total", a.total, b.total);
        every("transaction", a.transactions, b.transactions);
        every("request", a.requests, b.requests);
        break;
    case FailRule::Scope::Total:
        add("total", a.total, b.total);
        break;
    case FailRule::Scope::Request:
    case FailRule::Scope::Transaction: {
        const bool request = rule.scope == FailRule::Scope::Request;
        const char *kind = request ? "request" : "transaction";
        const NameFigures *x = find(request ? a.requests : a.transactions, rule.name);
        const NameFigures *y = find(request ? b.requests : b.transactions, rule.name);
        const std::string where = std::string(kind) + " " + rule.name;
        if (!x && !y) {
            Error error;
            error.field = fmt::format("--fail-if \"{}\"", shortened(rule.text));
            error.message =
                fmt::format("no {} named \"{}\" in either run", kind, shortened(rule.name));
            return tl::make_unexpected(std::move(error));
        }
        if (!x || !y) {
            RuleBreach breach;
            breach.where = where;
            breach.explanation = fmt::format("only in {}: nothing to compare", x ? "A" : "B");
            breaches.push_back(std::move(breach));
        } else {
            add(where, *x, *y);
        }
        break;
    }
    }
    return breaches;
}

} // namespace Loadwizard
