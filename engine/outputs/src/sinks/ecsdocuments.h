#pragma once

// Internal: the documents the Elasticsearch and Logstash outputs send, named after the Elastic
// Common Schema (ECS) so Kibana's Discover, Logs and dashboards understand them without a
// mapping of our own. The layout is documented in docs/outputs.md ("Documents").

#include <loadwizard/output.h>
#include <loadwizard/snapshot.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace Loadwizard::Engine {

/// One document with what an index name and a bulk action need.
struct EcsDocument
{
    enum class Kind
    {
        Metrics,
        Logs
    };
    Kind kind = Kind::Metrics;
    std::chrono::system_clock::time_point timestamp;
    /// Deterministic per run, so a create retried after a lost answer meets a 409, not a copy.
    std::string id;
    nlohmann::json source;
};

/// Builds the ECS documents of one run.
class EcsDocuments
{
public:
    static constexpr std::string_view ecsVersion = "8.11.0";

    EcsDocuments(RunInfo info, std::string serviceName);

    /// One `loadwizard.type: interval` document plus one per request name and transaction; in a
    /// run with groups, the same again for each group, with `labels.group`.
    std::vector<EcsDocument> metrics(const Snapshot &snapshot) const;
    /// The interval's log events (request errors, failed checks, scenario exceptions), plus a
    /// warning when events were dropped.
    std::vector<EcsDocument> logs(const Snapshot &snapshot) const;
    /// metrics() then logs(): what one interval sends.
    std::vector<EcsDocument> interval(const Snapshot &snapshot) const;
    EcsDocument runStarted() const;
    /// `last` may be null when the run ended before its first snapshot.
    EcsDocument runStopped(const Snapshot *last) const;

    /// Wall-clock time of a point `elapsedSeconds` into the run.
    std::chrono::system_clock::time_point timeAt(double elapsedSeconds) const;

private:
    /// What the run and each of its groups send alike.
    struct Part
    {
        long long activeVusers;
        long long plannedVusers;
        std::optional<long long> maxVusers; ///< the run's only
        const Counters &interval;
        const LatencyStats &latency;
        const std::map<std::string, NameStats, std::less<>> &requests;
        const std::map<std::string, NameStats, std::less<>> &transactions;
    };

    /// The interval document and one per name; `group` empty: the whole run's.
    void addMetrics(std::vector<EcsDocument> &documents, const Snapshot &snapshot, const Part &part,
                    const std::string &group, const std::string &idBase) const;
    nlohmann::json base(EcsDocument::Kind kind, std::chrono::system_clock::time_point time) const;
    EcsDocument logDocument(const LogEvent &event, std::string id) const;

    RunInfo m_info;
    std::string m_serviceName;
    std::string m_idPrefix;
};

} // namespace Loadwizard::Engine
