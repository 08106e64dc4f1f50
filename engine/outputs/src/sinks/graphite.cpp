// Graphite output: carbon's plaintext protocol (`path value timestamp\n`) over TCP.
//
// Carbon never answers and silently drops lines it cannot parse, so every line is checked here
// before it is sent, and a dropped line is counted as rejected. Carbon keeps the last value
// written to a retention slot, which makes a resent batch harmless (same paths, same seconds,
// same values): after a failed send the whole batch is sent again on a new connection.
// The socket work is plain POSIX (TcpLineConnection): no library packaged for Debian 12 speaks
// carbon's plaintext protocol, which is only lines written to a TCP socket.

#include "tcpconnection.h"
#include <loadwizard/outputsinks.h>

#include <loadwizard/output.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/snapshot.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard::Engine {

namespace {

constexpr int defaultGraphitePort = 2003;

Error optionError(const std::string &key, std::string message, std::string token = {})
{
    Error error;
    error.message = std::move(message);
    error.field = "options." + key;
    error.token = std::move(token);
    return error;
}

bool isPathChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/// One path component: space → `_`, `.` → `-` (Gatling's rule), anything else outside
/// [A-Za-z0-9_-] → `_`, so a request named after its URL stays one component.
std::string sanitizeComponent(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text)
        out += isPathChar(c) ? c : c == '.' ? '-' : '_';
    return out.empty() ? "_" : out;
}

/// A tag value: printable ASCII without space or `;`, never starting with `~`.
std::string sanitizeTagValue(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text)
        out += (c > ' ' && c < 0x7f && c != ';') ? c : '_';
    if (out.empty())
        return "_";
    if (out.front() == '~')
        out.front() = '_';
    return out;
}

bool validName(std::string_view name)
{
    if (name.empty())
        return false;
    std::size_t start = 0;
    for (;;) {
        const auto dot = name.find('.', start);
        const auto component = name.substr(start, dot - start);
        if (component.empty() || !std::all_of(component.begin(), component.end(), isPathChar))
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

bool validTag(std::string_view tag)
{
    const auto equals = tag.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == tag.size())
        return false;
    for (const char c : tag.substr(0, equals)) {
        if (c <= ' ' || c >= 0x7f || c == ';' || c == '!' || c == '^' || c == '=')
            return false;
    }
    const auto value = tag.substr(equals + 1);
    if (value.front() == '~')
        return false;
    return std::all_of(value.begin(), value.end(),
                       [](char c) { return c > ' ' && c < 0x7f && c != ';'; });
}

bool validNumber(std::string_view text, bool integer)
{
    if (text.empty())
        return false;
    if (integer) {
        long long value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        return ec == std::errc() && end == text.data() + text.size() && value > 0;
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

/// Whether carbon would accept `line` (without its newline): `name[;tag=value…] value timestamp`.
bool isValidGraphiteLine(std::string_view line)
{
    const auto firstSpace = line.find(' ');
    const auto secondSpace = line.find(' ', firstSpace + 1);
    if (firstSpace == std::string_view::npos || secondSpace == std::string_view::npos ||
        line.find(' ', secondSpace + 1) != std::string_view::npos)
        return false;
    const auto path = line.substr(0, firstSpace);
    const auto semicolon = path.find(';');
    if (!validName(path.substr(0, semicolon)))
        return false;
    for (auto start = semicolon; start != std::string_view::npos;) {
        const auto next = path.find(';', start + 1);
        if (!validTag(path.substr(start + 1, next - start - 1)))
            return false;
        start = next;
    }
    return validNumber(line.substr(firstSpace + 1, secondSpace - firstSpace - 1), false) &&
           validNumber(line.substr(secondSpace + 1), true);
}

enum class Scheme
{
    Native,
    Gatling
};

/// Collects the lines of one batch, dropping (and describing) the ones carbon would drop.
class LineBatch
{
public:
    LineBatch(std::string tags, long long timestamp)
        : m_tags(std::move(tags))
    {
        // Appended piecewise: GCC 12 warns (-Wrestrict, falsely) on " " + to_string() + "\n".
        m_timestamp += ' ';
        m_timestamp += std::to_string(timestamp);
        m_timestamp += '\n';
    }

    void add(const std::string &name, double value, const std::string &extraTags = {})
    {
        char number[64];
        const auto [end, ec] = std::to_chars(number, number + sizeof number, value);
        addText(name,
                ec == std::errc() ? std::string_view(number, std::size_t(end - number))
                                  : std::string_view("nan"),
                extraTags);
    }
    void add(const std::string &name, std::uint64_t value, const std::string &extraTags = {})
    {
        addText(name, std::to_string(value), extraTags);
    }
    void add(const std::string &name, long long value, const std::string &extraTags = {})
    {
        addText(name, std::to_string(value), extraTags);
    }

    const std::string &payload() const { return m_payload; }
    std::uint64_t lines() const { return m_lines; }
    std::uint64_t rejected() const { return m_rejected; }
    const std::string &firstRejected() const { return m_firstRejected; }

private:
    void addText(const std::string &name, std::string_view value, const std::string &extraTags)
    {
        std::string line = name + extraTags + m_tags + ' ' + std::string(value) + m_timestamp;
        if (!isValidGraphiteLine(std::string_view(line).substr(0, line.size() - 1))) {
            if (m_rejected++ == 0)
                m_firstRejected = line.substr(0, line.size() - 1);
            return;
        }
        m_payload += line;
        ++m_lines;
    }

    std::string m_tags;
    std::string m_timestamp;
    std::string m_payload;
    std::uint64_t m_lines = 0;
    std::uint64_t m_rejected = 0;
    std::string m_firstRejected;
};

class GraphiteSink final : public OutputSink
{
public:
    GraphiteSink(TcpEndpoint endpoint, std::string prefixOption, bool tags, Scheme scheme,
                 double timeoutSeconds)
        : m_connection(std::move(endpoint), timeoutSeconds)
        , m_prefixOption(std::move(prefixOption))
        , m_tags(tags)
        , m_scheme(scheme)
    {}

    std::string name() const override
    {
        return "graphite tcp://" + m_connection.endpoint().toString();
    }

    tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &context) override
    {
        m_info = info;
        m_prefix = m_prefixOption.empty() ? defaultPrefix() : m_prefixOption;
        if (m_tags) {
            m_runTags.clear();
            const auto addTag = [&](const char *key, const std::string &value) {
                if (!value.empty())
                    m_runTags += std::string(";") + key + '=' + sanitizeTagValue(value);
            };
            addTag("project", info.project);
            addTag("scenario", info.scenario);
            addTag("instance", info.instance);
        }
        // Carbon being down now is not fatal: deliver() reconnects with backoff.
        if (auto connected = m_connection.connect(); !connected)
            context.setError(connected.error().message);
        return {};
    }

    tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                               DeliveryContext &context) override
    {
        LineBatch batch(m_runTags, timestampFor(snapshot));
        if (m_scheme == Scheme::Gatling)
            addGatling(batch, snapshot);
        else
            addNative(batch, snapshot);
        if (batch.rejected()) {
            context.countRejected(batch.rejected(),
                                  "invalid Graphite line not sent: " + batch.firstRejected());
        }
        if (batch.lines() == 0)
            return 0;
        if (auto sent = m_connection.sendWithRetry(batch.payload(), context); !sent)
            return tl::unexpected(sent.error());
        return batch.lines();
    }

    void finish(const Snapshot *, DeliveryContext &) override { m_connection.close(); }

    tl::expected<void, Error> testConnection() override
    {
        TcpLineConnection probe(m_connection.endpoint());
        return probe.connect();
    }

private:
    std::string defaultPrefix() const
    {
        const std::string project =
            sanitizeComponent(!m_info.project.empty()    ? m_info.project
                              : !m_info.scenario.empty() ? m_info.scenario
                                                         : std::string("default"));
        if (m_scheme == Scheme::Gatling)
            return "gatling." + project; // what Gatling's Grafana dashboards query
        return m_tags ? std::string("loadwizard") : "loadwizard." + project;
    }

    /// Whole seconds of the interval's end. Carbon keeps one value per path and second (with the
    /// 1 s retention this output wants), so an interval that ends in the same second as the one
    /// before moves to the next second instead of overwriting it.
    long long timestampFor(const Snapshot &snapshot)
    {
        const auto end =
            m_info.started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 std::chrono::duration<double>(snapshot.elapsedSeconds));
        long long seconds =
            std::chrono::duration_cast<std::chrono::seconds>(end.time_since_epoch()).count();
        seconds = std::max(seconds, m_lastTimestamp + 1);
        m_lastTimestamp = seconds;
        return seconds;
    }

    static std::string joined(const std::string &base,
                              std::initializer_list<std::string_view> components)
    {
        std::string out = base;
        for (const auto component : components) {
            out += '.';
            out += component;
        }
        return out;
    }
    std::string path(std::initializer_list<std::string_view> components) const
    {
        return joined(m_prefix, components);
    }

    static void addLatency(LineBatch &batch, const std::string &base, const LatencyStats &latency,
                           const std::string &extraTags = {})
    {
        if (latency.count == 0)
            return; // no requests, no latency: a 0 would drag means and minimums down
        batch.add(base + ".min", latency.minMs, extraTags);
        batch.add(base + ".mean", latency.meanMs, extraTags);
        batch.add(base + ".p50", latency.p50Ms, extraTags);
        batch.add(base + ".p90", latency.p90Ms, extraTags);
        batch.add(base + ".p95", latency.p95Ms, extraTags);
        batch.add(base + ".p99", latency.p99Ms, extraTags);
        batch.add(base + ".max", latency.maxMs, extraTags);
    }

    /// Where one part's series go: the run's under the prefix, a group's under
    /// `PREFIX.groups.NAME` (or with `;group=NAME` when tagged).
    struct Scope
    {
        std::string base;
        std::string tags;
    };

    Scope scopeOf(const std::string &group) const
    {
        if (group.empty())
            return {m_prefix, {}};
        if (m_tags)
            return {m_prefix, ";group=" + sanitizeTagValue(group)};
        return {m_prefix + ".groups." + sanitizeComponent(group), {}};
    }

    void addNative(LineBatch &batch, const Snapshot &snapshot) const
    {
        addPart(batch, scopeOf({}), snapshot.activeVusers, snapshot.plannedVusers,
                snapshot.interval, snapshot.intervalLatency, snapshot.requestsInterval,
                snapshot.transactionsInterval, snapshot.intervalSeconds);
        // A run with groups: besides the run's series (as a run without groups sends them),
        // each group's.
        for (const GroupSnapshot &g : snapshot.groups)
            addPart(batch, scopeOf(g.name), g.activeVusers, g.plannedVusers, g.interval,
                    g.intervalLatency, g.requestsInterval, g.transactionsInterval,
                    snapshot.intervalSeconds);
    }

    void addPart(LineBatch &batch, const Scope &scope, long long active, long long planned,
                 const Counters &c, const LatencyStats &latency,
                 const std::map<std::string, NameStats, std::less<>> &requests,
                 const std::map<std::string, NameStats, std::less<>> &transactions,
                 double seconds) const
    {
        const auto path = [&](std::initializer_list<std::string_view> components) {
            return joined(scope.base, components);
        };
        const std::string &tags = scope.tags;
        batch.add(path({"vusers", "active"}), active, tags);
        batch.add(path({"vusers", "planned"}), planned, tags);
        batch.add(path({"all", "count"}), c.requests, tags);
        batch.add(path({"all", "errors"}), c.requestErrors, tags);
        batch.add(path({"all", "rate"}), seconds > 0 ? double(c.requests) / seconds : 0.0, tags);
        addLatency(batch, path({"all"}), latency, tags);
        for (std::size_t i = 0; i < errorClassCount; ++i) {
            const std::string className(errorClassName(ErrorClass(i)));
            if (m_tags)
                batch.add(path({"errors"}), c.errors[i], tags + ";class=" + className);
            else
                batch.add(path({"errors", className}), c.errors[i], tags);
        }
        batch.add(path({"iterations", "count"}), c.iterations, tags);
        batch.add(path({"iterations", "failed"}), c.iterationsFailed, tags);
        batch.add(path({"iterations", "interrupted"}), c.iterationsInterrupted, tags);
        batch.add(path({"checks", "passed"}), c.checksPassed, tags);
        batch.add(path({"checks", "failed"}), c.checksFailed, tags);
        batch.add(path({"bytes", "in"}), c.bytesIn, tags);
        batch.add(path({"bytes", "out"}), c.bytesOut, tags);
        const auto addNamed = [&](const auto &map, std::string_view kind) {
            for (const auto &[name, stats] : map) {
                std::string base;
                std::string extraTags = tags;
                if (m_tags) {
                    base = path({kind});
                    // Not "name": carbon reserves that tag for the series name itself.
                    extraTags += ';' + std::string(kind) + '=' + sanitizeTagValue(name);
                } else {
                    base = path({kind, sanitizeComponent(name)});
                }
                batch.add(base + ".count", stats.count, extraTags);
                batch.add(base + ".errors", stats.errors, extraTags);
                addLatency(batch, base, stats.latency, extraTags);
            }
        };
        addNamed(requests, "request");
        addNamed(transactions, "transaction");
    }

    void addGatling(LineBatch &batch, const Snapshot &snapshot) const
    {
        const auto addRequest = [&](const std::string &base, std::uint64_t count,
                                    std::uint64_t errors, const LatencyStats &latency) {
            batch.add(base + ".ok.count", count - std::min(errors, count));
            batch.add(base + ".ko.count", errors);
            batch.add(base + ".all.count", count);
            // The engine keeps one latency histogram per name, not one per outcome: the numbers
            // go under "all" only.
            if (latency.count == 0)
                return;
            batch.add(base + ".all.min", latency.minMs);
            batch.add(base + ".all.max", latency.maxMs);
            batch.add(base + ".all.mean", latency.meanMs);
            batch.add(base + ".all.percentiles50", latency.p50Ms);
            batch.add(base + ".all.percentiles90", latency.p90Ms);
            batch.add(base + ".all.percentiles95", latency.p95Ms);
            batch.add(base + ".all.percentiles99", latency.p99Ms);
        };
        addRequest(path({"allRequests"}), snapshot.interval.requests,
                   snapshot.interval.requestErrors, snapshot.intervalLatency);
        for (const auto &[name, stats] : snapshot.requestsInterval)
            addRequest(path({sanitizeComponent(name)}), stats.count, stats.errors, stats.latency);

        const auto addUsers = [&](std::string_view group, long long active, long long planned,
                                  long long max) {
            const long long waiting = std::max(planned - active, 0LL);
            batch.add(path({"users", group, "active"}), active);
            batch.add(path({"users", group, "waiting"}), waiting);
            batch.add(path({"users", group, "done"}), std::max(max - active - waiting, 0LL));
        };
        addUsers("allUsers", snapshot.activeVusers, snapshot.plannedVusers, snapshot.maxVusers);
        // Gatling's users.<scenario>: each group in a run with groups (Gatling's scenarios are
        // what groups are), else the run's scenario.
        if (!snapshot.groups.empty()) {
            for (const GroupSnapshot &g : snapshot.groups)
                addUsers(sanitizeComponent(g.name), g.activeVusers, g.plannedVusers, g.maxVusers);
        } else if (!m_info.scenario.empty()) {
            addUsers(sanitizeComponent(m_info.scenario), snapshot.activeVusers,
                     snapshot.plannedVusers, snapshot.maxVusers);
        }
    }

    TcpLineConnection m_connection;
    std::string m_prefixOption;
    bool m_tags = false;
    Scheme m_scheme = Scheme::Native;
    RunInfo m_info;
    std::string m_prefix;
    std::string m_runTags;
    long long m_lastTimestamp = 0;
};

tl::expected<bool, Error> parseBool(const std::string &key, const std::string &value)
{
    if (value == "true" || value == "1" || value == "yes" || value == "on")
        return true;
    if (value == "false" || value == "0" || value == "no" || value == "off")
        return false;
    return tl::unexpected(optionError(key, "expected true or false", value));
}

} // namespace

SinkResult makeGraphiteSink(const OutputConfig &config)
{
    if (auto known = checkOutputOptions(config); !known)
        return tl::unexpected(known.error());
    namespace N = OptionName;
    auto endpoint = parseTcpTarget(config.target, defaultGraphitePort);
    if (!endpoint)
        return tl::unexpected(endpoint.error());

    const auto tags = parseBool(std::string(N::tags), *outputOption(config, N::tags));
    if (!tags)
        return tl::unexpected(tags.error());
    Scheme scheme = Scheme::Native;
    if (const auto text = *outputOption(config, N::scheme); text == "gatling")
        scheme = Scheme::Gatling;
    else if (text != "native")
        return tl::unexpected(
            optionError(std::string(N::scheme), "expected native or gatling", text));
    std::string prefix; // its default depends on the run, so the sink builds it at the start
    if (const auto given = outputOption(config, N::prefix)) {
        const std::string &text = *given;
        if (text.empty() || text.front() == '.' || text.back() == '.' ||
            text.find("..") != std::string::npos)
            return tl::unexpected(optionError(
                std::string(N::prefix), "expected dot-separated, non-empty components", text));
        // Dots separate the user's components; each one is sanitised like any other.
        for (std::size_t start = 0;;) {
            const auto dot = text.find('.', start);
            if (!prefix.empty())
                prefix += '.';
            prefix += sanitizeComponent(std::string_view(text).substr(start, dot - start));
            if (dot == std::string::npos)
                break;
            start = dot + 1;
        }
    }
    const auto timeout = timeoutOption(config);
    if (!timeout)
        return tl::unexpected(timeout.error());
    return std::make_unique<GraphiteSink>(std::move(*endpoint), std::move(prefix), *tags, scheme,
                                          *timeout);
}

} // namespace Loadwizard::Engine
