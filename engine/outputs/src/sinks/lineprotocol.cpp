#include <loadwizard/lineprotocol.h>

#include <loadwizard/outputregistry.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

namespace Loadwizard::Engine {

namespace {

// A backslash right before a character the parser treats as a separator (or at the very end)
// would escape that separator and corrupt the line; there is no way to write it, so it becomes
// '/'. CR and LF cannot be escaped outside string fields: they become spaces.
void appendEscaped(std::string &out, std::string_view text, std::string_view specials)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r' || c == '\n' || c == '\t')
            c = ' ';
        if (c == '\\') {
            const bool last = i + 1 == text.size();
            const bool beforeSpecial =
                !last && (specials.find(text[i + 1]) != std::string_view::npos ||
                          text[i + 1] == '\r' || text[i + 1] == '\n' || text[i + 1] == '\t');
            if (last || beforeSpecial)
                c = '/';
        }
        if (specials.find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
}

void appendDouble(std::string &out, double value)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void appendInteger(std::string &out, std::int64_t value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void latencyFields(LineBuilder &line, const LatencyStats &l)
{
    if (l.count == 0)
        return;
    line.field("min", l.minMs)
        .field("mean", l.meanMs)
        .field("p50", l.p50Ms)
        .field("p90", l.p90Ms)
        .field("p95", l.p95Ms)
        .field("p99", l.p99Ms)
        .field("max", l.maxMs);
}

void jmeterLatency(LineBuilder &line, const LatencyStats &l)
{
    if (l.count == 0)
        return;
    line.field("avg", l.meanMs)
        .field("min", l.minMs)
        .field("max", l.maxMs)
        .field("pct90.0", l.p90Ms)
        .field("pct95.0", l.p95Ms)
        .field("pct99.0", l.p99Ms);
}

double perSecond(std::uint64_t count, double seconds)
{
    return seconds > 0 ? double(count) / seconds : 0.0;
}

} // namespace

void appendMeasurement(std::string &out, std::string_view name)
{
    // A line starting with '#' is a comment to InfluxDB, and '#' has no escape: it becomes '_'.
    if (name.starts_with('#')) {
        out += '_';
        name.remove_prefix(1);
    }
    appendEscaped(out, name, ", ");
}

void appendTagPart(std::string &out, std::string_view text)
{
    appendEscaped(out, text, ",= ");
}

void appendStringValue(std::string &out, std::string_view text)
{
    for (char c : text) {
        if (c == '\r' || c == '\n')
            c = ' ';
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
}

LineBuilder::LineBuilder(std::string &out, std::string_view measurement)
    : m_out(out)
    , m_start(out.size())
{
    appendMeasurement(m_out, measurement.empty() ? std::string_view("loadwizard") : measurement);
}

LineBuilder &LineBuilder::tag(std::string_view key, std::string_view value)
{
    if (key.empty() || value.empty())
        return *this;
    m_out += ',';
    appendTagPart(m_out, key);
    m_out += '=';
    appendTagPart(m_out, value);
    return *this;
}

void LineBuilder::beginField(std::string_view key)
{
    m_out += m_hasField ? ',' : ' ';
    m_hasField = true;
    appendTagPart(m_out, key == "time" ? std::string_view("time_") : key);
    m_out += '=';
}

LineBuilder &LineBuilder::field(std::string_view key, double value)
{
    if (key.empty() || !std::isfinite(value))
        return *this;
    beginField(key);
    appendDouble(m_out, value);
    return *this;
}

LineBuilder &LineBuilder::integer(std::string_view key, std::uint64_t value)
{
    if (key.empty())
        return *this;
    beginField(key);
    constexpr auto max = std::uint64_t(std::numeric_limits<std::int64_t>::max());
    appendInteger(m_out, std::int64_t(value > max ? max : value));
    m_out += 'i';
    return *this;
}

LineBuilder &LineBuilder::text(std::string_view key, std::string_view value)
{
    if (key.empty())
        return *this;
    beginField(key);
    m_out += '"';
    appendStringValue(m_out, value);
    m_out += '"';
    return *this;
}

bool LineBuilder::end(std::int64_t timestamp)
{
    if (!m_hasField) {
        m_out.resize(m_start);
        return false;
    }
    m_out += ' ';
    appendInteger(m_out, timestamp);
    m_out += '\n';
    return true;
}

LineRenderer::LineRenderer(Schema schema, TimePrecision precision, RunInfo info,
                           std::map<std::string, std::string> extraTags, std::string application)
    : m_schema(schema)
    , m_precision(precision)
    , m_info(std::move(info))
    , m_extraTags(std::move(extraTags))
    , m_application(std::move(application))
{}

std::int64_t LineRenderer::timestampFor(double elapsedSeconds)
{
    using namespace std::chrono;
    const auto at = m_info.started + duration_cast<system_clock::duration>(
                                         duration<double>(std::max(elapsedSeconds, 0.0)));
    const auto ns = duration_cast<nanoseconds>(at.time_since_epoch()).count();
    std::int64_t t = ns;
    switch (m_precision) {
    case TimePrecision::Nanoseconds:
        break;
    case TimePrecision::Microseconds:
        t = ns / 1000;
        break;
    case TimePrecision::Milliseconds:
        t = ns / 1000000;
        break;
    case TimePrecision::Seconds:
        t = ns / 1000000000;
        break;
    }
    // The same series at the same time would overwrite the previous point.
    if (t <= m_lastTime)
        t = m_lastTime + 1;
    m_lastTime = t;
    return t;
}

void LineRenderer::tagsCommon(LineBuilder &line) const
{
    line.tag("project", m_info.project).tag("scenario", m_info.scenario);
    line.tag("instance", m_info.instance);
    for (const auto &[key, value] : m_extraTags)
        line.tag(key, value);
}

void LineRenderer::render(const Snapshot &snapshot, std::vector<std::string> &lines)
{
    const std::int64_t time = timestampFor(snapshot.elapsedSeconds);
    if (m_schema == Schema::JMeter)
        renderJMeter(snapshot, time, lines);
    else
        renderNative(snapshot, time, lines);
}

void LineRenderer::renderPart(const Part &part, const std::string &group, double seconds,
                              std::int64_t time, std::vector<std::string> &lines)
{
    std::string line;
    auto emit = [&](LineBuilder &builder) {
        if (builder.end(time))
            lines.push_back(std::move(line));
        line.clear();
    };
    const Counters &c = part.interval;
    {
        LineBuilder b(line, "requests");
        tagsCommon(b);
        b.tag("group", group)
            .tag("request", "all")
            .integer("count", c.requests)
            .integer("errors", c.requestErrors)
            .field("rate", perSecond(c.requests, seconds));
        latencyFields(b, part.latency);
        emit(b);
    }
    auto named = [&](const char *measurement, const char *tagKey, const auto &rows) {
        for (const auto &[name, row] : rows) {
            LineBuilder b(line, measurement);
            tagsCommon(b);
            b.tag("group", group)
                .tag(tagKey, name.empty() ? std::string_view("(unnamed)") : std::string_view(name))
                .integer("count", row.count)
                .integer("errors", row.errors)
                .field("rate", perSecond(row.count, seconds));
            latencyFields(b, row.latency);
            emit(b);
        }
    };
    named("requests", "request", part.requests);
    named("transactions", "transaction", part.transactions);
    {
        LineBuilder b(line, "iterations");
        tagsCommon(b);
        b.tag("group", group)
            .integer("count", c.iterations)
            .integer("failed", c.iterationsFailed)
            .integer("interrupted", c.iterationsInterrupted)
            .integer("dropped", c.iterationsDropped)
            .field("rate", perSecond(c.iterations, seconds));
        emit(b);
    }
    {
        LineBuilder b(line, "data");
        tagsCommon(b);
        b.tag("group", group).integer("bytes_in", c.bytesIn).integer("bytes_out", c.bytesOut);
        emit(b);
    }
    for (std::size_t i = 0; i < errorClassCount; ++i) {
        if (c.errors[i] == 0)
            continue;
        LineBuilder b(line, "errors");
        tagsCommon(b);
        b.tag("group", group)
            .tag("status_class", errorClassName(ErrorClass(i)))
            .integer("count", c.errors[i]);
        emit(b);
    }
    // The snapshot carries running totals per check: send what changed since the last one.
    auto &checksSeen = m_checksSeen[group];
    for (const auto &[name, total] : part.checks) {
        CheckStats &seen = checksSeen[name];
        const std::uint64_t passes = total.passes - std::min(total.passes, seen.passes);
        const std::uint64_t fails = total.fails - std::min(total.fails, seen.fails);
        seen = total;
        if (passes + fails == 0)
            continue;
        LineBuilder b(line, "checks");
        tagsCommon(b);
        b.tag("group", group).tag("check", name).integer("passes", passes).integer("fails", fails);
        emit(b);
    }
}

void LineRenderer::renderNative(const Snapshot &s, std::int64_t time,
                                std::vector<std::string> &lines)
{
    std::string line;
    auto emit = [&](LineBuilder &builder, std::int64_t at) {
        if (builder.end(at))
            lines.push_back(std::move(line));
        line.clear();
    };
    {
        LineBuilder b(line, "vusers");
        tagsCommon(b);
        b.integer("active", std::uint64_t(std::max(0LL, s.activeVusers)))
            .integer("planned", std::uint64_t(std::max(0LL, s.plannedVusers)))
            .integer("max", std::uint64_t(std::max(0LL, s.maxVusers)));
        emit(b, time);
    }
    renderPart(
        {s.interval, s.intervalLatency, s.requestsInterval, s.transactionsInterval, s.checks}, {},
        s.intervalSeconds, time, lines);
    // A run with groups: besides the run's series (as a run without groups writes them), each
    // group's, tagged `group`.
    for (const GroupSnapshot &g : s.groups) {
        LineBuilder b(line, "vusers");
        tagsCommon(b);
        b.tag("group", g.name)
            .integer("active", std::uint64_t(std::max(0LL, g.activeVusers)))
            .integer("planned", std::uint64_t(std::max(0LL, g.plannedVusers)));
        emit(b, time);
        renderPart(
            {g.interval, g.intervalLatency, g.requestsInterval, g.transactionsInterval, g.checks},
            g.name, s.intervalSeconds, time, lines);
    }
    std::size_t written = 0;
    for (const LogEvent &event : s.events) {
        if (written++ >= m_maxEvents)
            break;
        // Distinct times: two events of one series in the same tick would overwrite each other.
        std::int64_t at = std::max(timestampFor(event.elapsedSeconds), m_lastEventTime + 1);
        m_lastTime = std::max(m_lastTime, at);
        m_lastEventTime = at;
        LineBuilder b(line, "events");
        tagsCommon(b);
        b.tag("kind", "log")
            .tag("level", event.level)
            .tag("status_class", errorClassName(event.errorClass))
            .text("message", event.message)
            .integer("vuser", event.vuser);
        emit(b, at);
    }
}

void LineRenderer::renderJMeter(const Snapshot &s, std::int64_t time,
                                std::vector<std::string> &lines)
{
    std::string line;
    auto emit = [&](LineBuilder &builder) {
        if (builder.end(time))
            lines.push_back(std::move(line));
        line.clear();
    };
    // JMeter writes every number as a float: no `i`, or the fields would conflict in a database
    // that already holds JMeter data.
    auto rows = [&](const std::string &name, const NameStats &row) {
        const std::string_view transaction =
            name.empty() ? std::string_view("(unnamed)") : std::string_view(name);
        const std::uint64_t ok = row.count - std::min(row.count, row.errors);
        {
            LineBuilder b(line, "jmeter");
            b.tag("application", m_application)
                .tag("transaction", transaction)
                .tag("statut", "all");
            b.field("count", double(row.count))
                .field("countError", double(row.errors))
                .field("hit", double(row.count));
            jmeterLatency(b, row.latency);
            emit(b);
        }
        if (ok) {
            LineBuilder b(line, "jmeter");
            b.tag("application", m_application).tag("transaction", transaction).tag("statut", "ok");
            b.field("count", double(ok));
            jmeterLatency(b, row.latency);
            emit(b);
        }
        if (row.errors) {
            LineBuilder b(line, "jmeter");
            b.tag("application", m_application).tag("transaction", transaction).tag("statut", "ko");
            b.field("count", double(row.errors));
            jmeterLatency(b, row.latency);
            emit(b);
        }
    };
    for (const auto &[name, row] : s.requestsInterval)
        rows(name, row);
    for (const auto &[name, row] : s.transactionsInterval) {
        if (!s.requestsInterval.contains(name))
            rows(name, row);
    }
    {
        LineBuilder b(line, "jmeter");
        b.tag("application", m_application).tag("transaction", "all").tag("statut", "all");
        b.field("count", double(s.interval.requests))
            .field("countError", double(s.interval.requestErrors))
            .field("hit", double(s.interval.requests))
            .field("rb", double(s.interval.bytesIn))
            .field("sb", double(s.interval.bytesOut));
        jmeterLatency(b, s.intervalLatency);
        emit(b);
    }
    {
        const double active = double(std::max(0LL, s.activeVusers));
        LineBuilder b(line, "jmeter");
        b.tag("application", m_application).tag("transaction", "internal");
        b.field("minAT", active).field("maxAT", active).field("meanAT", active);
        emit(b);
    }
}

void LineRenderer::annotation(bool start, double elapsedSeconds, std::vector<std::string> &lines)
{
    std::string line;
    const std::int64_t time = timestampFor(elapsedSeconds);
    const std::string title = m_info.project.empty() ? m_info.scenario : m_info.project;
    if (m_schema == Schema::JMeter) {
        LineBuilder b(line, "events");
        b.tag("application", m_application).tag("title", "ApacheJMeter");
        if (auto it = m_extraTags.find(std::string(OptionName::testTags)); it != m_extraTags.end())
            b.tag("tags", it->second);
        b.text("text", title + (start ? " started" : " ended"));
        if (b.end(time))
            lines.push_back(std::move(line));
        return;
    }
    LineBuilder b(line, "events");
    tagsCommon(b);
    b.tag("kind", "run").tag("level", "info");
    b.text("message", (start ? "run started: " : "run finished: ") + title +
                          (m_info.runId.empty() ? std::string() : " (run " + m_info.runId + ")"));
    if (b.end(time))
        lines.push_back(std::move(line));
}

} // namespace Loadwizard::Engine
