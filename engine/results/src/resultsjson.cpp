#include "resultsjson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace Loadwizard::Results {

namespace {

/// Milliseconds rounded to the microsecond: the histograms' unit, and a shorter file.
double ms(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

double number(const Json &j, const char *key, double fallback = 0)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::uint64_t count(const Json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::string text(const Json &j, const char *key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json nameStatsJson(const NameStats &stats, bool intended, const TimingBreakdown *timing)
{
    Json j = {
        {"count", stats.count}, {"errors", stats.errors}, {"latency", latencyJson(stats.latency)}};
    if (intended)
        j["intended_latency"] = latencyJson(stats.intendedLatency);
    if (timing)
        j["timings_ms"] = {{"dns", ms(timing->dnsMs)},
                           {"connect", ms(timing->connectMs)},
                           {"tls", ms(timing->tlsMs)},
                           {"ttfb", ms(timing->ttfbMs)},
                           {"total", ms(timing->totalMs)}};
    return j;
}

using NameMap = std::map<std::string, NameStats, std::less<>>;
using CheckMap = std::map<std::string, CheckStats, std::less<>>;

/// What the run's line and each group's have alike.
void partJson(Json &j, const Counters &interval, const LatencyStats &latency,
              const LatencyStats &intended, const ArrivalStats &arrivals, const NameMap &requests,
              const NameMap &transactions, const CheckMap &checks, const CheckMap *previousChecks,
              const std::map<std::string, TimingBreakdown, std::less<>> *timings)
{
    j["counters"] = countersJson(interval);
    j["latency"] = latencyJson(latency);
    if (arrivals.open) {
        j["intended_latency"] = latencyJson(intended);
        j["arrivals"] = {
            {"planned_rate", arrivals.plannedRate}, {"achieved_rate", arrivals.achievedRate},
            {"pool_size", arrivals.poolSize},       {"pool_idle", arrivals.poolIdle},
            {"pool_max", arrivals.poolMax},         {"planned", arrivals.planned}};
    }
    Json &requestsJson = j["requests"] = Json::object();
    for (const auto &[name, stats] : requests) {
        const TimingBreakdown *timing = nullptr;
        if (timings) {
            if (const auto it = timings->find(name); it != timings->end())
                timing = &it->second;
        }
        requestsJson[name] = nameStatsJson(stats, arrivals.open, timing);
    }
    Json &transactionsJson = j["transactions"] = Json::object();
    for (const auto &[name, stats] : transactions)
        transactionsJson[name] = nameStatsJson(stats, false, nullptr);
    Json &checksJson = j["checks"] = Json::object();
    for (const auto &[name, total] : checks) {
        CheckStats delta = total;
        if (previousChecks) {
            if (const auto it = previousChecks->find(name); it != previousChecks->end()) {
                delta.passes -= std::min(delta.passes, it->second.passes);
                delta.fails -= std::min(delta.fails, it->second.fails);
            }
        }
        if (delta.passes + delta.fails)
            checksJson[name] = {{"passes", delta.passes}, {"fails", delta.fails}};
    }
}

void namesHistogramJson(Json &j, const char *key, const NameMap &names, bool intended)
{
    Json out = Json::object();
    for (const auto &[name, stats] : names) {
        const auto &buckets = intended ? stats.intendedBuckets : stats.buckets;
        if (buckets && buckets->count)
            out[name] = bucketsJson(*buckets);
    }
    if (!out.empty())
        j[key] = std::move(out);
}

} // namespace

Json latencyJson(const LatencyStats &l)
{
    return {{"count", l.count},      {"min_ms", ms(l.minMs)}, {"mean_ms", ms(l.meanMs)},
            {"p50_ms", ms(l.p50Ms)}, {"p90_ms", ms(l.p90Ms)}, {"p95_ms", ms(l.p95Ms)},
            {"p99_ms", ms(l.p99Ms)}, {"max_ms", ms(l.maxMs)}};
}

LatencyStats latencyFrom(const Json &j)
{
    LatencyStats l;
    if (!j.is_object())
        return l;
    l.count = count(j, "count");
    l.minMs = number(j, "min_ms");
    l.meanMs = number(j, "mean_ms");
    l.p50Ms = number(j, "p50_ms");
    l.p90Ms = number(j, "p90_ms");
    l.p95Ms = number(j, "p95_ms");
    l.p99Ms = number(j, "p99_ms");
    l.maxMs = number(j, "max_ms");
    return l;
}

Json countersJson(const Counters &c)
{
    Json errors = Json::object();
    for (std::size_t i = 0; i < errorClassCount; ++i)
        errors[std::string(errorClassName(ErrorClass(i)))] = c.errors[i];
    return {{"requests", c.requests},
            {"request_errors", c.requestErrors},
            {"bytes_in", c.bytesIn},
            {"bytes_out", c.bytesOut},
            {"iterations_started", c.iterationsStarted},
            {"iterations", c.iterations},
            {"iterations_failed", c.iterationsFailed},
            {"iterations_interrupted", c.iterationsInterrupted},
            {"iterations_dropped", c.iterationsDropped},
            {"vuser_init_failures", c.vuserInitFailures},
            {"checks_passed", c.checksPassed},
            {"checks_failed", c.checksFailed},
            {"errors", std::move(errors)}};
}

Counters countersFrom(const Json &j)
{
    Counters c;
    if (!j.is_object())
        return c;
    c.requests = count(j, "requests");
    c.requestErrors = count(j, "request_errors");
    c.bytesIn = count(j, "bytes_in");
    c.bytesOut = count(j, "bytes_out");
    c.iterationsStarted = count(j, "iterations_started");
    c.iterations = count(j, "iterations");
    c.iterationsFailed = count(j, "iterations_failed");
    c.iterationsInterrupted = count(j, "iterations_interrupted");
    c.iterationsDropped = count(j, "iterations_dropped");
    c.vuserInitFailures = count(j, "vuser_init_failures");
    c.checksPassed = count(j, "checks_passed");
    c.checksFailed = count(j, "checks_failed");
    if (const auto errors = j.find("errors"); errors != j.end() && errors->is_object()) {
        for (std::size_t i = 0; i < errorClassCount; ++i)
            c.errors[i] = count(*errors, std::string(errorClassName(ErrorClass(i))).c_str());
    }
    return c;
}

std::optional<ErrorClass> errorClassFrom(std::string_view name)
{
    for (std::size_t i = 0; i < errorClassCount; ++i) {
        if (errorClassName(ErrorClass(i)) == name)
            return ErrorClass(i);
    }
    return std::nullopt;
}

Json bucketsJson(const HistogramBuckets &h)
{
    Json buckets = Json::array();
    std::uint32_t previous = 0;
    for (const auto &[index, n] : h.buckets) {
        buckets.push_back(index - previous);
        buckets.push_back(n);
        previous = index;
    }
    return {{"count", h.count},
            {"min", h.min},
            {"max", h.max},
            {"sum", h.sum},
            {"buckets", std::move(buckets)}};
}

std::optional<HistogramBuckets> bucketsFrom(const Json &j, std::string &problem)
{
    if (!j.is_object()) {
        problem = "a histogram is not an object";
        return std::nullopt;
    }
    HistogramBuckets h;
    h.count = count(j, "count");
    h.min = count(j, "min");
    h.max = count(j, "max");
    h.sum = count(j, "sum");
    const auto buckets = j.find("buckets");
    if (buckets == j.end() || !buckets->is_array() || buckets->size() % 2 != 0) {
        problem = "\"buckets\" is not an array of (index, count) pairs";
        return std::nullopt;
    }
    std::uint64_t index = 0, total = 0;
    const std::uint64_t limit = Histogram::bucketLimit();
    for (std::size_t i = 0; i < buckets->size(); i += 2) {
        const Json &step = (*buckets)[i];
        const Json &n = (*buckets)[i + 1];
        if (!step.is_number_unsigned() || !n.is_number_unsigned() || n.get<std::uint64_t>() == 0 ||
            (i > 0 && step.get<std::uint64_t>() == 0)) {
            problem = "\"buckets\" holds a value that is not a positive whole number";
            return std::nullopt;
        }
        index += step.get<std::uint64_t>();
        if (index >= limit) {
            problem = "a bucket index is beyond the histogram's layout";
            return std::nullopt;
        }
        h.buckets.emplace_back(std::uint32_t(index), n.get<std::uint64_t>());
        total += n.get<std::uint64_t>();
    }
    if (total != h.count) {
        problem = "the buckets' counts do not add up to \"count\"";
        return std::nullopt;
    }
    return h;
}

Json seriesLine(const Snapshot &s, const Snapshot *previous)
{
    Json j;
    j["t"] = ms(s.elapsedSeconds);
    j["dt"] = ms(s.intervalSeconds);
    j["state"] = s.state == RunState::Running    ? "running"
                 : s.state == RunState::Stopping ? "stopping"
                                                 : "finished";
    j["vusers"] = s.activeVusers;
    j["planned_vusers"] = s.plannedVusers;
    // The most so far: a vuser that starts and ends within one interval is in neither above.
    j["max_vusers"] = s.maxVusers;
    j["max_planned_vusers"] = s.maxPlannedVusers;
    partJson(j, s.interval, s.intervalLatency, s.intervalIntendedLatency, s.arrivals,
             s.requestsInterval, s.transactionsInterval, s.checks,
             previous ? &previous->checks : nullptr, &s.timingsInterval);
    if (!s.rendezvous.empty()) {
        Json &rendezvous = j["rendezvous"] = Json::object();
        for (const auto &[name, r] : s.rendezvous)
            rendezvous[name] = {
                {"arrivals", r.arrivals},           {"releases", r.releases},
                {"timeouts", r.timeouts},           {"released", r.released},
                {"mean_wait_ms", ms(r.meanWaitMs)}, {"max_wait_ms", ms(r.maxWaitMs)}};
    }
    if (!s.data.empty()) {
        Json &data = j["data"] = Json::object();
        for (const auto &[name, d] : s.data)
            data[name] = {{"strategy", d.strategy},
                          {"rows", d.rows},
                          {"handed_out", d.handedOut},
                          {"exhausted", d.exhausted}};
    }
    if (!s.groups.empty()) {
        Json &groups = j["groups"] = Json::array();
        for (std::size_t g = 0; g < s.groups.size(); ++g) {
            const GroupSnapshot &group = s.groups[g];
            const GroupSnapshot *before =
                previous && g < previous->groups.size() ? &previous->groups[g] : nullptr;
            Json part;
            part["name"] = group.name;
            part["vusers"] = group.activeVusers;
            part["planned_vusers"] = group.plannedVusers;
            part["max_vusers"] = group.maxVusers;
            part["max_planned_vusers"] = group.maxPlannedVusers;
            partJson(part, group.interval, group.intervalLatency, group.intervalIntendedLatency,
                     group.arrivals, group.requestsInterval, group.transactionsInterval,
                     group.checks, before ? &before->checks : nullptr, nullptr);
            groups.push_back(std::move(part));
        }
    }
    if (!s.incomplete.empty())
        j["incomplete"] = s.incomplete;
    if (!s.stoppedByData.empty())
        j["stopped_by_data"] = s.stoppedByData;
    j["final"] = s.final;
    return j;
}

Json histogramLine(const Snapshot &s)
{
    Json j;
    j["t"] = ms(s.elapsedSeconds);
    j["dt"] = ms(s.intervalSeconds);
    if (s.intervalBuckets && s.intervalBuckets->count)
        j["all"] = bucketsJson(*s.intervalBuckets);
    namesHistogramJson(j, "requests", s.requestsInterval, false);
    namesHistogramJson(j, "transactions", s.transactionsInterval, false);
    if (s.intervalIntendedBuckets && s.intervalIntendedBuckets->count)
        j["intended"] = bucketsJson(*s.intervalIntendedBuckets);
    namesHistogramJson(j, "requests_intended", s.requestsInterval, true);
    if (!s.groups.empty()) {
        Json &groups = j["groups"] = Json::array();
        for (const GroupSnapshot &group : s.groups) {
            Json part;
            part["name"] = group.name;
            if (group.intervalBuckets && group.intervalBuckets->count)
                part["all"] = bucketsJson(*group.intervalBuckets);
            namesHistogramJson(part, "requests", group.requestsInterval, false);
            namesHistogramJson(part, "transactions", group.transactionsInterval, false);
            if (group.intervalIntendedBuckets && group.intervalIntendedBuckets->count)
                part["intended"] = bucketsJson(*group.intervalIntendedBuckets);
            namesHistogramJson(part, "requests_intended", group.requestsInterval, true);
            groups.push_back(std::move(part));
        }
    }
    return j;
}

Json eventJson(const LogEvent &e)
{
    Json j = {{"t", ms(e.elapsedSeconds)},
              {"level", e.level},
              {"class", std::string(errorClassName(e.errorClass))},
              {"vuser", e.vuser},
              {"message", e.message}};
    // The run's own controls, which the charts mark.
    if (e.kind == EventKind::VusersChanged) {
        j["kind"] = "vusers_changed";
        j["amount"] = e.amount;
    } else if (e.kind == EventKind::Paused) {
        j["kind"] = "paused";
    } else if (e.kind == EventKind::Resumed) {
        j["kind"] = "resumed";
    }
    return j;
}

Json manifestJson(const ResultsManifest &m)
{
    Json j;
    j["format"] = "loadwizard-results";
    j["version"] = m.version;
    j["tool"] = {{"name", "loadwizard"}, {"version", m.toolVersion}};
    j["command_line"] = m.commandLine;
    j["host"] = m.host;
    j["run_id"] = m.runId;
    j["project"] = m.project;
    j["project_file"] = m.projectFile;
    j["scenario"] = m.scenario;
    j["model"] = m.model;
    j["groups"] = m.groups;
    j["started"] = isoTime(m.started);
    j["ended"] = m.ended ? Json(isoTime(*m.ended)) : Json();
    j["duration_s"] = ms(m.durationSeconds);
    j["planned_duration_s"] = ms(m.plannedSeconds);
    j["status"] = std::string(runEndingName(m.status));
    j["reason"] = m.reason;
    j["verdict"] = m.verdict;
    j["exit_code"] = m.exitCode ? Json(*m.exitCode) : Json();
    j["intervals_dropped"] = m.intervalsDropped;
    j["incomplete"] = m.incomplete.empty() ? Json() : Json(m.incomplete);
    return j;
}

tl::expected<ResultsManifest, std::string> manifestFrom(const Json &j)
{
    if (!j.is_object() || text(j, "format") != "loadwizard-results")
        return tl::make_unexpected(std::string("not a Loadwizard results manifest (\"format\" is "
                                               "not \"loadwizard-results\")"));
    ResultsManifest m;
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer())
        return tl::make_unexpected(std::string("\"version\" is missing"));
    m.version = version->get<int>();
    if (m.version > resultsFormatVersion)
        return tl::make_unexpected("format version " + std::to_string(m.version) +
                                   " is newer than this Loadwizard reads (" +
                                   std::to_string(resultsFormatVersion) + "): update Loadwizard");
    if (const auto tool = j.find("tool"); tool != j.end() && tool->is_object())
        m.toolVersion = text(*tool, "version");
    if (const auto line = j.find("command_line"); line != j.end() && line->is_array()) {
        for (const Json &argument : *line) {
            if (argument.is_string())
                m.commandLine.push_back(argument.get<std::string>());
        }
    }
    m.host = text(j, "host");
    m.runId = text(j, "run_id");
    m.project = text(j, "project");
    m.projectFile = text(j, "project_file");
    m.scenario = text(j, "scenario");
    m.model = text(j, "model");
    if (const auto groups = j.find("groups"); groups != j.end() && groups->is_array()) {
        for (const Json &group : *groups) {
            if (group.is_string())
                m.groups.push_back(group.get<std::string>());
        }
    }
    const auto started = parseIsoTime(text(j, "started"));
    if (!started)
        return tl::make_unexpected(std::string("\"started\" is not a time like "
                                               "2026-12-03T16:45:12.318Z"));
    m.started = *started;
    if (const std::string ended = text(j, "ended"); !ended.empty())
        m.ended = parseIsoTime(ended);
    m.durationSeconds = number(j, "duration_s");
    m.plannedSeconds = number(j, "planned_duration_s");
    const auto status = parseRunEnding(text(j, "status"));
    if (!status)
        return tl::make_unexpected("\"status\" is \"" + text(j, "status") +
                                   "\", not one of running, completed, stopped, aborted, "
                                   "failed_thresholds, crashed");
    m.status = *status;
    m.reason = text(j, "reason");
    m.verdict = text(j, "verdict");
    if (const auto code = j.find("exit_code"); code != j.end() && code->is_number_integer())
        m.exitCode = code->get<int>();
    m.intervalsDropped = count(j, "intervals_dropped");
    m.incomplete = text(j, "incomplete");
    return m;
}

} // namespace Loadwizard::Results
