#include "ecsdocuments.h"

#include <loadwizard/isotime.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <random>

namespace Loadwizard::Engine {

namespace {

using Json = nlohmann::json;

Json latencyJson(const LatencyStats &latency)
{
    return Json{{"min", latency.minMs}, {"mean", latency.meanMs}, {"p50", latency.p50Ms},
                {"p90", latency.p90Ms}, {"p95", latency.p95Ms},   {"p99", latency.p99Ms},
                {"max", latency.maxMs}};
}

std::int64_t nanoseconds(double seconds)
{
    return std::int64_t(std::llround(seconds * 1e9));
}

bool isRequestErrorClass(ErrorClass errorClass)
{
    return errorClass != ErrorClass::Check && errorClass != ErrorClass::Exception;
}

/// What a request error's message carries. The engine writes them as "METHOD URL: reason" with
/// reason "HTTP 503" for an unexpected status or libcurl's text otherwise (Worker::finish…).
struct RequestErrorParts
{
    std::string method;
    std::string url;
    std::string reason;
    int status = 0;
};

bool parseRequestError(std::string_view message, RequestErrorParts &parts)
{
    const auto space = message.find(' ');
    if (space == std::string_view::npos || space == 0)
        return false;
    const std::string_view method = message.substr(0, space);
    for (const char c : method) {
        if (!std::isupper(static_cast<unsigned char>(c)))
            return false;
    }
    const auto separator = message.find(": ", space + 1);
    if (separator == std::string_view::npos || separator == space + 1)
        return false;
    parts.method = std::string(method);
    parts.url = std::string(message.substr(space + 1, separator - space - 1));
    parts.reason = std::string(message.substr(separator + 2));
    if (parts.reason.starts_with("HTTP ")) {
        int status = 0;
        const char *first = parts.reason.data() + 5;
        const char *last = parts.reason.data() + parts.reason.size();
        const auto [end, ec] = std::from_chars(first, last, status);
        if (ec == std::errc() && end == last && status >= 100 && status <= 599)
            parts.status = status;
    }
    return true;
}

std::string randomHex()
{
    std::random_device device;
    char text[17];
    std::snprintf(text, sizeof text, "%08x%08x", device(), device());
    return text;
}

} // namespace

EcsDocuments::EcsDocuments(RunInfo info, std::string serviceName)
    : m_info(std::move(info))
    , m_serviceName(std::move(serviceName))
    , m_idPrefix(m_info.runId.empty() ? randomHex() : m_info.runId)
{}

std::chrono::system_clock::time_point EcsDocuments::timeAt(double elapsedSeconds) const
{
    return m_info.started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                std::chrono::duration<double>(elapsedSeconds));
}

Json EcsDocuments::base(EcsDocument::Kind kind, std::chrono::system_clock::time_point time) const
{
    const bool metrics = kind == EcsDocument::Kind::Metrics;
    Json document;
    document["@timestamp"] = isoTime(time);
    document["ecs"] = {{"version", ecsVersion}};
    document["service"] = {{"name", m_serviceName}, {"type", "loadwizard"}};
    if (!m_info.instance.empty())
        document["host"] = {{"name", m_info.instance}};
    document["event"] = {{"module", "loadwizard"},
                         {"dataset", metrics ? "loadwizard.metrics" : "loadwizard.log"},
                         {"kind", metrics ? "metric" : "event"}};
    Json labels = Json::object();
    if (!m_info.project.empty())
        labels["project"] = m_info.project;
    if (!m_info.scenario.empty())
        labels["scenario"] = m_info.scenario;
    if (!m_info.runId.empty())
        labels["run_id"] = m_info.runId;
    if (!labels.empty())
        document["labels"] = std::move(labels);
    return document;
}

std::vector<EcsDocument> EcsDocuments::metrics(const Snapshot &snapshot) const
{
    std::vector<EcsDocument> documents;
    const std::string idBase = m_idPrefix + "-m" + std::to_string(snapshot.sequence);
    addMetrics(documents, snapshot,
               {snapshot.activeVusers, snapshot.plannedVusers, snapshot.maxVusers,
                snapshot.interval, snapshot.intervalLatency, snapshot.requestsInterval,
                snapshot.transactionsInterval},
               {}, idBase);
    // A run with groups: besides the run's documents (as a run without groups sends them),
    // each group's, with `labels.group`.
    for (std::size_t i = 0; i < snapshot.groups.size(); ++i) {
        const GroupSnapshot &g = snapshot.groups[i];
        addMetrics(documents, snapshot,
                   {g.activeVusers, g.plannedVusers, std::nullopt, g.interval, g.intervalLatency,
                    g.requestsInterval, g.transactionsInterval},
                   g.name, idBase + "-g" + std::to_string(i));
    }
    return documents;
}

void EcsDocuments::addMetrics(std::vector<EcsDocument> &documents, const Snapshot &snapshot,
                              const Part &part, const std::string &group,
                              const std::string &idBase) const
{
    const auto time = timeAt(snapshot.elapsedSeconds);
    const auto &counters = part.interval;
    const auto document = [&] {
        Json json = base(EcsDocument::Kind::Metrics, time);
        if (!group.empty())
            json["labels"]["group"] = group;
        json["event"]["duration"] = nanoseconds(snapshot.intervalSeconds);
        return json;
    };

    Json interval = document();
    Json errors = Json::object();
    for (std::size_t c = 0; c < errorClassCount; ++c)
        errors[std::string(errorClassName(ErrorClass(c)))] = counters.errors[c];
    Json vusers = {{"active", part.activeVusers}, {"planned", part.plannedVusers}};
    if (part.maxVusers)
        vusers["max"] = *part.maxVusers;
    Json data = {
        {"type", "interval"},
        {"sequence", snapshot.sequence},
        {"elapsed_seconds", snapshot.elapsedSeconds},
        {"interval_seconds", snapshot.intervalSeconds},
        {"final", snapshot.final},
        {"vusers", std::move(vusers)},
        {"requests",
         {{"count", counters.requests},
          {"errors", counters.requestErrors},
          {"rate", snapshot.intervalSeconds > 0
                       ? double(counters.requests) / snapshot.intervalSeconds
                       : 0.0}}},
        {"errors", std::move(errors)},
        {"bytes", {{"in", counters.bytesIn}, {"out", counters.bytesOut}}},
        {"iterations",
         {{"count", counters.iterations},
          {"failed", counters.iterationsFailed},
          {"interrupted", counters.iterationsInterrupted}}},
        {"checks", {{"passed", counters.checksPassed}, {"failed", counters.checksFailed}}},
    };
    // Log events are the run's, not a group's.
    if (group.empty())
        data["events_dropped"] = snapshot.eventsDropped;
    if (part.latency.count)
        data["latency_ms"] = latencyJson(part.latency);
    interval["loadwizard"] = std::move(data);
    documents.push_back({EcsDocument::Kind::Metrics, time, idBase, std::move(interval)});

    const auto addNamed = [&](const auto &map, const char *type, const char *idTag) {
        std::size_t index = 0;
        for (const auto &[name, stats] : map) {
            Json named = document();
            Json fields = {{"type", type},
                           {"name", name},
                           {"sequence", snapshot.sequence},
                           {"elapsed_seconds", snapshot.elapsedSeconds},
                           {"interval_seconds", snapshot.intervalSeconds},
                           {"count", stats.count},
                           {"errors", stats.errors}};
            if (stats.latency.count)
                fields["latency_ms"] = latencyJson(stats.latency);
            named["loadwizard"] = std::move(fields);
            documents.push_back({EcsDocument::Kind::Metrics, time,
                                 idBase + idTag + std::to_string(index++), std::move(named)});
        }
    };
    addNamed(part.requests, "request", "-r");
    addNamed(part.transactions, "transaction", "-t");
}

EcsDocument EcsDocuments::logDocument(const LogEvent &event, std::string id) const
{
    const auto time = timeAt(event.elapsedSeconds);
    Json document = base(EcsDocument::Kind::Logs, time);
    document["message"] = event.message;
    document["log"] = {{"level", event.level}, {"logger", "loadwizard"}};
    const std::string className(errorClassName(event.errorClass));
    Json data = {{"vuser", event.vuser}, {"elapsed_seconds", event.elapsedSeconds}};
    const bool problem = event.level == "error" || event.level == "warning";
    if (problem) {
        data["error_class"] = className;
        document["event"]["outcome"] = "failure";
        Json error = {{"message", event.message}, {"type", className}};
        if (event.errorClass == ErrorClass::Check) {
            document["event"]["action"] = "check-failed";
        } else if (event.errorClass == ErrorClass::Exception) {
            document["event"]["action"] = "scenario-exception";
        } else if (RequestErrorParts parts; parseRequestError(event.message, parts)) {
            document["event"]["action"] = "request-failed";
            document["http"] = {{"request", {{"method", parts.method}}}};
            if (parts.status)
                document["http"]["response"] = {{"status_code", parts.status}};
            document["url"] = {{"full", parts.url}};
            error["message"] = parts.reason;
        } else if (isRequestErrorClass(event.errorClass)) {
            document["event"]["action"] = "error";
        }
        document["error"] = std::move(error);
    } else {
        document["event"]["action"] = "log";
    }
    document["loadwizard"] = std::move(data);
    return {EcsDocument::Kind::Logs, time, std::move(id), std::move(document)};
}

std::vector<EcsDocument> EcsDocuments::logs(const Snapshot &snapshot) const
{
    std::vector<EcsDocument> documents;
    documents.reserve(snapshot.events.size() + 1);
    const std::string idBase = m_idPrefix + "-l" + std::to_string(snapshot.sequence) + '-';
    std::size_t index = 0;
    for (const LogEvent &event : snapshot.events)
        documents.push_back(logDocument(event, idBase + std::to_string(index++)));
    if (snapshot.eventsDropped) {
        LogEvent dropped;
        dropped.elapsedSeconds = snapshot.elapsedSeconds;
        dropped.level = "warning";
        dropped.message = std::to_string(snapshot.eventsDropped) +
                          " log events of this interval were dropped (too many to keep)";
        EcsDocument document = logDocument(dropped, idBase + "dropped");
        document.source["event"]["action"] = "events-dropped";
        document.source.erase("error");
        document.source["loadwizard"].erase("error_class");
        document.source["loadwizard"]["events_dropped"] = snapshot.eventsDropped;
        documents.push_back(std::move(document));
    }
    return documents;
}

EcsDocument EcsDocuments::runStarted() const
{
    Json document = base(EcsDocument::Kind::Logs, m_info.started);
    document["message"] =
        "run started: project " + m_info.project + ", scenario " + m_info.scenario;
    document["log"] = {{"level", "info"}, {"logger", "loadwizard"}};
    document["event"]["action"] = "run-start";
    document["event"]["start"] = isoTime(m_info.started);
    return {EcsDocument::Kind::Logs, m_info.started, m_idPrefix + "-start", std::move(document)};
}

EcsDocument EcsDocuments::runStopped(const Snapshot *last) const
{
    const auto time = last ? timeAt(last->elapsedSeconds) : std::chrono::system_clock::now();
    Json document = base(EcsDocument::Kind::Logs, time);
    document["log"] = {{"level", "info"}, {"logger", "loadwizard"}};
    document["event"]["action"] = "run-stop";
    document["event"]["start"] = isoTime(m_info.started);
    document["event"]["end"] = isoTime(time);
    document["event"]["duration"] =
        std::chrono::duration_cast<std::chrono::nanoseconds>(time - m_info.started).count();
    std::string message = "run finished";
    if (last) {
        const Counters &total = last->total;
        const bool clean =
            total.requestErrors == 0 && total.iterationsFailed == 0 && total.checksFailed == 0;
        document["event"]["outcome"] = clean ? "success" : "failure";
        message += " after " + std::to_string(std::llround(last->elapsedSeconds)) +
                   " s: " + std::to_string(total.requests) + " requests, " +
                   std::to_string(total.requestErrors) + " errors";
        Json summary = {
            {"elapsed_seconds", last->elapsedSeconds},     {"requests", total.requests},
            {"request_errors", total.requestErrors},       {"iterations", total.iterations},
            {"iterations_failed", total.iterationsFailed}, {"checks_passed", total.checksPassed},
            {"checks_failed", total.checksFailed},         {"max_vusers", last->maxVusers}};
        if (last->totalLatency.count)
            summary["latency_ms"] = latencyJson(last->totalLatency);
        document["loadwizard"] = {{"summary", std::move(summary)}};
    }
    document["message"] = std::move(message);
    return {EcsDocument::Kind::Logs, time, m_idPrefix + "-stop", std::move(document)};
}

std::vector<EcsDocument> EcsDocuments::interval(const Snapshot &snapshot) const
{
    auto documents = metrics(snapshot);
    auto more = logs(snapshot);
    std::move(more.begin(), more.end(), std::back_inserter(documents));
    return documents;
}

} // namespace Loadwizard::Engine
