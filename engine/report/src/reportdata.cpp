#include "reportdata.h"

#include <loadwizard/comparison.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>

namespace Loadwizard::ReportData {

namespace {

using nlohmann::json;
using NameMap = std::map<std::string, NameStats, std::less<>>;

/// A run of consecutive snapshots drawn as one point.
struct Bucket
{
    std::size_t first = 0;
    std::size_t end = 0; ///< one past the last
};

std::vector<Bucket> bucketsFor(std::size_t count, std::size_t maxPoints)
{
    std::vector<Bucket> buckets;
    const std::size_t n = std::max<std::size_t>(1, std::min(count, maxPoints));
    for (std::size_t i = 0; i < n && count > 0; ++i)
        buckets.push_back({i * count / n, (i + 1) * count / n});
    return buckets;
}

/// The chart points of a run: bucketsFor(), with a short last interval (the run's end, a few
/// milliseconds after the last whole second) folded into the point before it, so a rate is not
/// a handful of events divided by 0.03 s (a spike) nor a cliff.
std::vector<Bucket> chartBuckets(const std::vector<std::shared_ptr<const Snapshot>> &snapshots,
                                 std::size_t maxPoints)
{
    std::vector<Bucket> buckets = bucketsFor(snapshots.size(), maxPoints);
    if (buckets.size() > 1 && buckets.back().end - buckets.back().first == 1 &&
        snapshots.back()->intervalSeconds < 0.5) {
        buckets[buckets.size() - 2].end = buckets.back().end;
        buckets.pop_back();
    }
    return buckets;
}

json number(double value)
{
    return std::isfinite(value) ? json(rounded(value)) : json(nullptr);
}

/// A chart's value: 3 significant digits (the histograms' own precision), for a small file.
json point(double value)
{
    return std::isfinite(value) ? json(rounded(value, 3)) : json(nullptr);
}

json latencyRow(const LatencyStats &l)
{
    return json::array({number(l.minMs), number(l.meanMs), number(l.p50Ms), number(l.p90Ms),
                        number(l.p95Ms), number(l.p99Ms), number(l.maxMs)});
}

std::string isoTime(std::chrono::system_clock::time_point time)
{
    return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC",
                       std::chrono::time_point_cast<std::chrono::seconds>(time));
}

/// The lowest value (µs) of a bucket index in the results format's layout.
double bucketMidpoint(std::uint32_t index)
{
    if (index < 2048)
        return index;
    const unsigned range = index / 1024 - 1;
    const double low = double(std::uint64_t(index - range * 1024) << range);
    const double width = double(std::uint64_t(1) << range);
    return low + (width - 1) / 2;
}

/// The names that get charts: the busiest ones.
std::vector<std::string> busiest(const NameMap &totals, std::size_t limit)
{
    std::vector<std::pair<std::uint64_t, std::string>> byCount;
    for (const auto &[name, stats] : totals)
        byCount.emplace_back(stats.count, name);
    std::stable_sort(byCount.begin(), byCount.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<std::string> names;
    for (std::size_t i = 0; i < byCount.size() && i < limit; ++i)
        names.push_back(byCount[i].second);
    return names;
}

/// Percentiles of one bucket: from the merged interval histograms when the folder has them,
/// else the count-weighted means of the intervals' percentiles and the largest maximum.
struct LatencyAccumulator
{
    Histogram histogram;
    bool exact = true;
    std::uint64_t count = 0;
    double weighted[4] = {};
    double maxMs = 0;

    void add(const LatencyStats &stats, const HistogramBuckets *buckets)
    {
        if (stats.count == 0 && (!buckets || buckets->count == 0))
            return;
        if (buckets)
            histogram.merge(*buckets);
        else
            exact = false;
        count += stats.count;
        const double w = double(stats.count);
        weighted[0] += stats.p50Ms * w;
        weighted[1] += stats.p90Ms * w;
        weighted[2] += stats.p95Ms * w;
        weighted[3] += stats.p99Ms * w;
        maxMs = std::max(maxMs, stats.maxMs);
    }
    /// p50, p90, p95, p99, max (null without requests).
    std::array<json, 5> take()
    {
        std::array<json, 5> out;
        out.fill(nullptr);
        if (exact && histogram.count()) {
            const LatencyStats s = histogram.stats();
            out = {point(s.p50Ms), point(s.p90Ms), point(s.p95Ms), point(s.p99Ms), point(s.maxMs)};
        } else if (count) {
            const double c = double(count);
            out = {point(weighted[0] / c), point(weighted[1] / c), point(weighted[2] / c),
                   point(weighted[3] / c), point(maxMs)};
        }
        histogram.reset();
        exact = true;
        count = 0;
        std::fill(std::begin(weighted), std::end(weighted), 0.0);
        maxMs = 0;
        return out;
    }
};

json latencySeries()
{
    return json{{"p50", json::array()},
                {"p90", json::array()},
                {"p95", json::array()},
                {"p99", json::array()},
                {"max", json::array()}};
}

void push(json &series, std::array<json, 5> values)
{
    static const char *keys[] = {"p50", "p90", "p95", "p99", "max"};
    for (std::size_t i = 0; i < 5; ++i) {
        if (series.contains(keys[i]))
            series[keys[i]].push_back(std::move(values[i]));
    }
}

/// Each charted name's p50, p95, p99 and max over time, on a coarser axis of its own
/// (`names_t`): there are up to twenty of them.
void nameSeries(const SavedRun &run, const ReportOptions &options,
                const std::vector<std::pair<std::string, std::string>> &charted, json &series)
{
    const auto &snapshots = run.snapshots;
    json t = json::array();
    std::vector<json> perName(charted.size(), json{{"p50", json::array()},
                                                   {"p95", json::array()},
                                                   {"p99", json::array()},
                                                   {"max", json::array()}});
    std::vector<LatencyAccumulator> accumulators(charted.size());
    for (const Bucket &bucket : chartBuckets(snapshots, options.namePoints)) {
        for (std::size_t i = bucket.first; i < bucket.end; ++i) {
            const Snapshot &s = *snapshots[i];
            for (std::size_t n = 0; n < charted.size(); ++n) {
                const NameMap &names =
                    charted[n].first == "request" ? s.requestsInterval : s.transactionsInterval;
                const auto it = names.find(charted[n].second);
                if (it != names.end())
                    accumulators[n].add(it->second.latency, it->second.buckets.get());
            }
        }
        t.push_back(point(snapshots[bucket.end - 1]->elapsedSeconds));
        for (std::size_t n = 0; n < charted.size(); ++n)
            push(perName[n], accumulators[n].take());
    }
    json names = json::array();
    for (std::size_t n = 0; n < charted.size(); ++n) {
        json entry = std::move(perName[n]);
        entry["kind"] = charted[n].first;
        entry["name"] = charted[n].second;
        names.push_back(std::move(entry));
    }
    series["names_t"] = std::move(t);
    series["names"] = std::move(names);
}

json seriesData(const SavedRun &run, const ReportOptions &options, bool open)
{
    const auto &snapshots = run.snapshots;
    json t = json::array(), vusers = json::array(), planned = json::array();
    json arrivalsPlanned = json::array(), arrivalsAchieved = json::array();
    json rps = json::array(), errors = json::array(), iterations = json::array();
    json bytesIn = json::array(), bytesOut = json::array();
    json latency = latencySeries();
    json timings{{"dns", json::array()},
                 {"connect", json::array()},
                 {"tls", json::array()},
                 {"ttfb", json::array()}};

    LatencyAccumulator all;
    for (const Bucket &bucket : chartBuckets(snapshots, options.maxPoints)) {
        double dt = 0;
        long long active = 0, plannedVusers = 0;
        double plannedRate = 0, achievedRate = 0;
        Counters sum;
        double timingSums[4] = {};
        double timingWeight = 0;
        for (std::size_t i = bucket.first; i < bucket.end; ++i) {
            const Snapshot &s = *snapshots[i];
            dt += s.intervalSeconds;
            active = std::max(active, s.activeVusers);
            plannedVusers = std::max(plannedVusers, s.plannedVusers);
            plannedRate += s.arrivals.plannedRate * s.intervalSeconds;
            achievedRate += s.arrivals.achievedRate * s.intervalSeconds;
            sum.add(s.interval);
            all.add(s.intervalLatency, s.intervalBuckets.get());
            for (const auto &[name, timing] : s.timingsInterval) {
                const auto it = s.requestsInterval.find(name);
                const double w = it == s.requestsInterval.end() ? 0 : double(it->second.count);
                timingSums[0] += timing.dnsMs * w;
                timingSums[1] += timing.connectMs * w;
                timingSums[2] += timing.tlsMs * w;
                timingSums[3] += timing.ttfbMs * w;
                timingWeight += w;
            }
        }
        const Snapshot &last = *snapshots[bucket.end - 1];
        const auto perSecond = [&](std::uint64_t count) {
            return dt > 0 ? point(double(count) / dt) : json(nullptr);
        };
        t.push_back(point(last.elapsedSeconds));
        vusers.push_back(active);
        planned.push_back(plannedVusers);
        if (open) {
            arrivalsPlanned.push_back(dt > 0 ? point(plannedRate / dt) : json(nullptr));
            arrivalsAchieved.push_back(dt > 0 ? point(achievedRate / dt) : json(nullptr));
        }
        rps.push_back(perSecond(sum.requests));
        errors.push_back(perSecond(sum.requestErrors));
        iterations.push_back(perSecond(sum.iterations));
        bytesIn.push_back(perSecond(sum.bytesIn));
        bytesOut.push_back(perSecond(sum.bytesOut));
        push(latency, all.take());
        static const char *timingKeys[] = {"dns", "connect", "tls", "ttfb"};
        for (std::size_t k = 0; k < 4; ++k)
            timings[timingKeys[k]].push_back(timingWeight > 0 ? point(timingSums[k] / timingWeight)
                                                              : json(nullptr));
    }

    json series{{"t", t},
                {"vusers", vusers},
                {"planned_vusers", planned},
                {"rps", rps},
                {"errors", errors},
                {"iterations", iterations},
                {"bytes_in", bytesIn},
                {"bytes_out", bytesOut},
                {"latency", latency},
                {"timings", timings}};
    if (open) {
        series["arrivals_planned"] = arrivalsPlanned;
        series["arrivals_achieved"] = arrivalsAchieved;
    }
    return series;
}

/// A name's whole-run histogram: the final snapshot's, else its intervals' merged.
Histogram wholeRun(const SavedRun &run, const std::string &kind, const std::string &name)
{
    Histogram histogram;
    const Snapshot &last = *run.snapshots.back();
    const NameMap &totals = kind == "request" ? last.requestsTotal : last.transactionsTotal;
    if (const auto it = totals.find(name); it != totals.end() && it->second.histogram) {
        histogram.merge(*it->second.histogram);
        return histogram;
    }
    for (const auto &snapshot : run.snapshots) {
        const NameMap &names =
            kind == "request" ? snapshot->requestsInterval : snapshot->transactionsInterval;
        if (const auto it = names.find(name); it != names.end() && it->second.buckets)
            histogram.merge(*it->second.buckets);
    }
    return histogram;
}

/// Bars over [min, max]: log-spaced when the range spans more than a factor of 4.
json distribution(const Histogram &histogram, std::size_t bars)
{
    const HistogramBuckets sparse = histogram.buckets();
    if (sparse.count == 0 || bars == 0)
        return nullptr;
    const double low = std::max<double>(1, double(sparse.min));
    const double high = std::max<double>(low + 1, double(sparse.max) + 1);
    const bool logarithmic = high / low > 4;
    std::vector<double> edges(bars + 1);
    for (std::size_t i = 0; i <= bars; ++i) {
        const double f = double(i) / double(bars);
        edges[i] = logarithmic ? low * std::pow(high / low, f) : low + (high - low) * f;
    }
    std::vector<std::uint64_t> counts(bars);
    for (const auto &[index, count] : sparse.buckets) {
        const double value = std::clamp(bucketMidpoint(index), low, high);
        const auto at = std::upper_bound(edges.begin(), edges.end(), value) - edges.begin();
        counts[std::size_t(std::clamp<std::ptrdiff_t>(at - 1, 0, std::ptrdiff_t(bars) - 1))] +=
            count;
    }
    json edgesMs = json::array();
    for (double edge : edges)
        edgesMs.push_back(number(edge / 1000));
    return json{{"edges", edgesMs}, {"counts", counts}, {"log", logarithmic}};
}

json nameTable(const NameMap &totals, double seconds, bool withTimings,
               const std::map<std::string, TimingBreakdown, std::less<>> &timings,
               const std::map<std::string, NameFigures, std::less<>> &figures)
{
    json rows = json::array();
    for (const auto &[name, stats] : totals) {
        const auto f = figures.find(name);
        const LatencyStats latency = f != figures.end() ? f->second.latency : stats.latency;
        json row =
            json::array({name, stats.count, number(seconds > 0 ? double(stats.count) / seconds : 0),
                         stats.errors});
        for (auto &value : latencyRow(latency))
            row.push_back(std::move(value));
        if (withTimings) {
            const auto t = timings.find(name);
            const TimingBreakdown b = t == timings.end() ? TimingBreakdown{} : t->second;
            for (double v : {b.dnsMs, b.connectMs, b.tlsMs, b.ttfbMs})
                row.push_back(number(v));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

json errorData(const SavedRun &run, const json &summary)
{
    const Snapshot &last = *run.snapshots.back();
    json classes = json::array();
    for (std::size_t c = 0; c < errorClassCount; ++c) {
        if (const std::uint64_t n = last.total.errors[c])
            classes.push_back(json::array({errorClassName(ErrorClass(c)), n}));
    }

    // Messages with exact counts: the summary's, else the reader's (the final snapshot), else
    // the log's (which may have dropped lines: marked as such).
    json messages = json::array();
    bool fromLog = false;
    if (summary.is_object() && summary.contains("error_messages") &&
        summary["error_messages"].is_array()) {
        for (const json &m : summary["error_messages"])
            messages.push_back(json::array({m.value("message", ""), m.value("class", ""),
                                            m.value("count", 0), m.value("sample", "")}));
    } else if (!last.topErrors.empty()) {
        for (const ErrorMessageCount &e : last.topErrors)
            messages.push_back(
                json::array({e.message, errorClassName(e.errorClass), e.count, e.sample}));
    } else {
        std::map<std::pair<std::string, std::string>, std::uint64_t> counted;
        for (const LogEvent &event : run.events) {
            if (event.level == "error")
                ++counted[{event.message, std::string(errorClassName(event.errorClass))}];
        }
        std::vector<std::pair<std::uint64_t, std::pair<std::string, std::string>>> sorted;
        for (auto &[key, n] : counted)
            sorted.emplace_back(n, key);
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        for (std::size_t i = 0; i < sorted.size() && i < 20; ++i)
            messages.push_back(json::array(
                {sorted[i].second.first, sorted[i].second.second, sorted[i].first, ""}));
        fromLog = !sorted.empty();
    }

    // Statuses: from the messages' "HTTP 404" (the counts are the messages' own).
    static const std::regex status(R"(HTTP ([1-5][0-9][0-9])\b)");
    std::map<std::string, std::uint64_t> statuses;
    for (const json &m : messages) {
        std::smatch match;
        const std::string text = m[0].get<std::string>();
        if (std::regex_search(text, match, status))
            statuses[match[1].str()] += m[2].get<std::uint64_t>();
    }
    json statusRows = json::array();
    for (const auto &[code, n] : statuses)
        statusRows.push_back(json::array({code, n}));

    // Samples: the first few log lines of each message, with their time and vuser.
    std::map<std::string, int> perMessage;
    json samples = json::array();
    for (const LogEvent &event : run.events) {
        if (event.level != "error" || samples.size() >= 100)
            continue;
        if (++perMessage[event.message] > 3)
            continue;
        samples.push_back(
            json::array({number(event.elapsedSeconds), errorClassName(event.errorClass),
                         event.vuser, event.message}));
    }
    return json{{"classes", classes},
                {"messages", messages},
                {"messages_from_log", fromLog},
                {"statuses", statusRows},
                {"samples", samples}};
}

json manifestData(const ResultsManifest &m)
{
    std::string commandLine;
    for (const std::string &argument : m.commandLine) {
        if (!commandLine.empty())
            commandLine += ' ';
        const bool plain =
            !argument.empty() && argument.find_first_of(" \t\"'$\\;&|<>()*?") == std::string::npos;
        commandLine += plain ? argument : "'" + argument + "'";
    }
    return json{{"tool_version", m.toolVersion},
                {"command_line", commandLine},
                {"host", m.host},
                {"run_id", m.runId},
                {"project", m.project},
                {"project_file", m.projectFile},
                {"scenario", m.scenario},
                {"model", m.model},
                {"groups", m.groups},
                {"started", isoTime(m.started)},
                {"ended", m.ended ? json(isoTime(*m.ended)) : json(nullptr)},
                {"duration_s", number(m.durationSeconds)},
                {"planned_duration_s", number(m.plannedSeconds)},
                {"status", runEndingName(m.status)},
                {"status_label", runEndingLabel(m.status, true)},
                {"reason", m.reason},
                {"verdict", m.verdict},
                {"exit_code", m.exitCode ? json(*m.exitCode) : json(nullptr)},
                {"format_version", m.version}};
}

std::string readProjectCopy(const std::string &folder)
{
    std::FILE *file = std::fopen((folder + "/project.yaml").c_str(), "rb");
    if (!file)
        return {};
    std::string text;
    char buffer[1 << 14];
    std::size_t n;
    // A project copy is small; a huge one is cut rather than bloating the page.
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0 && text.size() < (1u << 20))
        text.append(buffer, n);
    std::fclose(file);
    return text;
}

} // namespace

double rounded(double value, int significant)
{
    if (value == 0 || !std::isfinite(value))
        return value;
    const int digits = significant - int(std::ceil(std::log10(std::fabs(value))));
    const double scale = std::pow(10.0, digits);
    return std::round(value * scale) / scale;
}

std::string scriptSafeJson(const json &data)
{
    const std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string out;
    out.reserve(text.size() + 64);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else if (text[i] == '<' && text.compare(i, 4, "<!--") == 0) {
            out += "\\u003c";
        } else {
            out += text[i];
        }
    }
    return out;
}

json runData(const SavedRun &run, const ReportOptions &options)
{
    json data;
    data["folder"] = run.folder;
    data["manifest"] = manifestData(run.manifest);
    data["project_yaml"] = readProjectCopy(run.folder);
    data["warnings"] = run.warnings;
    const bool killed = run.manifest.status == RunEnding::Running;
    data["killed"] = killed;

    json summary = nullptr;
    if (!run.summaryJson.empty()) {
        summary = json::parse(run.summaryJson, nullptr, false);
        if (summary.is_discarded())
            summary = nullptr;
    }
    data["verdict"] = !run.manifest.verdict.empty() ? run.manifest.verdict
                      : summary.is_object()         ? summary.value("verdict", "")
                                                    : std::string();
    json thresholds = nullptr;
    if (summary.is_object() && summary.contains("thresholds") && summary["thresholds"].is_array()) {
        thresholds = json::array();
        for (const json &t : summary["thresholds"])
            thresholds.push_back({{"expression", t.value("expression", "")},
                                  {"ok", t.value("ok", false)},
                                  {"observed", t.value("observed_text", "")},
                                  {"abort", t.value("abort", false)},
                                  {"aborted", t.value("aborted", false)}});
    }
    data["thresholds"] = thresholds;

    if (run.snapshots.empty()) {
        data["empty"] = true;
        return data;
    }
    const Snapshot &last = *run.snapshots.back();
    const RunFigures figures = runFigures(run);
    const bool open = last.arrivals.open || run.manifest.model == "open";
    data["open"] = open;
    data["incomplete"] = last.incomplete;

    const Counters &c = last.total;
    std::uint64_t errorsAll = 0;
    for (std::uint64_t n : c.errors)
        errorsAll += n;
    data["totals"] = {{"duration_s", number(figures.seconds)},
                      {"requests", c.requests},
                      {"request_errors", c.requestErrors},
                      {"rate", number(figures.total.ratePerSecond)},
                      {"error_rate", number(figures.total.errorRate)},
                      {"bytes_in", c.bytesIn},
                      {"bytes_out", c.bytesOut},
                      {"iterations", c.iterations},
                      {"iterations_failed", c.iterationsFailed},
                      {"iterations_interrupted", c.iterationsInterrupted},
                      {"iterations_dropped", c.iterationsDropped},
                      {"checks_passed", c.checksPassed},
                      {"checks_failed", c.checksFailed},
                      {"vusers_max", last.maxVusers},
                      {"latency", latencyRow(figures.total.latency)}};
    data["transactions"] =
        nameTable(last.transactionsTotal, figures.seconds, false, {}, figures.transactions);
    data["requests"] =
        nameTable(last.requestsTotal, figures.seconds, true, last.timings, figures.requests);
    json checks = json::array();
    for (const auto &[name, check] : last.checks)
        checks.push_back(json::array({name, check.passes, check.fails}));
    data["checks"] = checks;
    data["errors"] = errorData(run, summary);

    std::vector<std::pair<std::string, std::string>> charted;
    for (const std::string &name : busiest(last.transactionsTotal, options.chartedNames))
        charted.emplace_back("transaction", name);
    for (const std::string &name : busiest(last.requestsTotal, options.chartedNames))
        charted.emplace_back("request", name);
    data["series"] = seriesData(run, options, open);
    nameSeries(run, options, charted, data["series"]);

    json distributions = json::array();
    for (const auto &[kind, name] : charted) {
        json d = distribution(wholeRun(run, kind, name), options.distributionBars);
        if (d.is_null())
            continue;
        d["kind"] = kind;
        d["name"] = name;
        distributions.push_back(std::move(d));
    }
    data["distributions"] = distributions;
    data["charted_names"] = options.chartedNames;
    return data;
}

} // namespace Loadwizard::ReportData
