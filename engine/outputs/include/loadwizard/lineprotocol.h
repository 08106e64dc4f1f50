#pragma once

// InfluxDB line protocol: escaping, and the two layouts Loadwizard writes (docs/outputs.md).

#include <loadwizard/output.h>
#include <loadwizard/snapshot.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard::Engine {

/// Appends one line, `measurement[,tag=value…] field=value[,…] timestamp\n`, escaping every
/// part. Empty tag keys or values are left out, NaN/Inf fields are left out, a field named `time`
/// becomes `time_`; a line without any field is not written at all.
class LineBuilder
{
public:
    explicit LineBuilder(std::string &out, std::string_view measurement);
    LineBuilder &tag(std::string_view key, std::string_view value);
    LineBuilder &field(std::string_view key, double value);
    /// Written with the `i` suffix (clamped to int64).
    LineBuilder &integer(std::string_view key, std::uint64_t value);
    /// A string field; CR and LF become spaces (InfluxDB would store them literally).
    LineBuilder &text(std::string_view key, std::string_view value);
    /// Ends the line; returns false (and writes nothing) when no field was added.
    bool end(std::int64_t timestamp);

private:
    void beginField(std::string_view key);

    std::string &m_out;
    std::size_t m_start;
    bool m_hasField = false;
};

/// A measurement: `,` and space escaped; a leading `#` (a comment line) becomes `_`.
void appendMeasurement(std::string &out, std::string_view name);
/// Tag keys, tag values and field keys: `,` `=` and space escaped.
void appendTagPart(std::string &out, std::string_view text);
/// The inside of a string field value: `"` and `\` escaped.
void appendStringValue(std::string &out, std::string_view text);

enum class TimePrecision
{
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds
};

/// Renders snapshots as line protocol. Stateful: timestamps strictly increase (a point on the
/// same series and time would overwrite the previous one) and check counts become deltas.
class LineRenderer
{
public:
    enum class Schema
    {
        Native,
        JMeter
    };

    LineRenderer(Schema schema, TimePrecision precision, RunInfo info,
                 std::map<std::string, std::string> extraTags, std::string application);

    /// Lines for one snapshot, appended to `lines` (one entry per line, each ending in '\n').
    void render(const Snapshot &snapshot, std::vector<std::string> &lines);
    /// The start or end annotation.
    void annotation(bool start, double elapsedSeconds, std::vector<std::string> &lines);
    std::int64_t timestampFor(double elapsedSeconds);
    /// Log events per snapshot that become points (native schema), 0 for none.
    void setMaxEvents(std::size_t maxEvents) { m_maxEvents = maxEvents; }

private:
    /// What the run and each of its groups write alike.
    struct Part
    {
        const Counters &interval;
        const LatencyStats &latency;
        const std::map<std::string, NameStats, std::less<>> &requests;
        const std::map<std::string, NameStats, std::less<>> &transactions;
        const std::map<std::string, CheckStats, std::less<>> &checks;
    };

    void tagsCommon(LineBuilder &line) const;
    /// Requests, names, iterations, data, errors and checks; `group` empty: the whole run's (no
    /// `group` tag, as a run without groups writes them).
    void renderPart(const Part &part, const std::string &group, double seconds, std::int64_t time,
                    std::vector<std::string> &lines);
    void renderNative(const Snapshot &snapshot, std::int64_t time, std::vector<std::string> &lines);
    void renderJMeter(const Snapshot &snapshot, std::int64_t time, std::vector<std::string> &lines);

    Schema m_schema;
    TimePrecision m_precision;
    RunInfo m_info;
    std::map<std::string, std::string> m_extraTags;
    std::string m_application;
    std::int64_t m_lastTime = 0;
    std::int64_t m_lastEventTime = 0;
    std::size_t m_maxEvents = 100;
    /// Per group ("" for the whole run), per check: the totals last sent.
    std::map<std::string, std::map<std::string, CheckStats, std::less<>>, std::less<>> m_checksSeen;
};

} // namespace Loadwizard::Engine
