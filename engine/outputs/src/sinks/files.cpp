// File outputs: JSON lines and CSV time series of the per-second snapshots (docs/outputs.md).

#include <loadwizard/outputsinks.h>

#include <loadwizard/outputregistry.h>

#include <loadwizard/atomicfile.h>
#include <loadwizard/isotime.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace Loadwizard::Engine {

namespace {

std::chrono::system_clock::time_point timeOf(const RunInfo &info, double elapsedSeconds)
{
    using namespace std::chrono;
    return info.started +
           duration_cast<system_clock::duration>(duration<double>(std::max(elapsedSeconds, 0.0)));
}

double rate(std::uint64_t count, double seconds)
{
    return seconds > 0 ? double(count) / seconds : 0.0;
}

/// Writes the file; shared by both formats. Opened when the output is built, so a folder that
/// is missing or not writable fails before the run. Without `append`, the records go to a
/// temporary file that replaces the target when the run ends (a failed or killed run leaves the
/// previous file as it was); with `append`, they are added to the file as they come.
class FileSink : public OutputSink
{
public:
    FileSink(std::string path, std::string name, bool append)
        : m_path(std::move(path))
        , m_name(std::move(name))
        , m_append(append)
    {}

    ~FileSink() override
    {
        if (m_appendFd >= 0)
            ::close(m_appendFd);
    }

    tl::expected<void, Error> prepare() override { return open(); }

    tl::expected<void, Error> open()
    {
        if (!m_append) {
            auto file = AtomicFile::open(m_path);
            if (!file)
                return tl::make_unexpected(file.error());
            m_atomic.emplace(std::move(*file));
            return {};
        }
        m_appendFd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        struct stat info;
        if (m_appendFd < 0 || ::fstat(m_appendFd, &info) != 0)
            return tl::make_unexpected(
                Error{"cannot open " + m_path + ": " + std::strerror(errno), m_path});
        if (S_ISDIR(info.st_mode))
            return tl::make_unexpected(
                Error{"cannot write " + m_path + ": it is a folder", m_path});
        m_size = std::uint64_t(info.st_size);
        return {};
    }

    std::string name() const override { return m_name; }

    tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &) override
    {
        m_info = info;
        if (!m_atomic && m_appendFd < 0) {
            if (auto opened = open(); !opened)
                return opened;
        }
        return header();
    }

    tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                               DeliveryContext &context) override
    {
        std::string text;
        const std::uint64_t records = render(snapshot, text);
        if (auto written = write(text); !written) {
            context.setError(written.error().message);
            return tl::make_unexpected(written.error());
        }
        return records;
    }

    void finish(const Snapshot *, DeliveryContext &context) override
    {
        if (m_atomic) {
            if (auto committed = m_atomic->commit(); !committed)
                context.setError(committed.error().message);
            m_atomic.reset();
        }
        if (m_appendFd >= 0 && ::close(m_appendFd) != 0)
            context.setError("cannot close " + m_path + ": " + std::strerror(errno));
        m_appendFd = -1;
    }

    tl::expected<void, Error> testConnection() override
    {
        if (m_atomic || m_appendFd >= 0)
            return {};
        return open();
    }

protected:
    virtual tl::expected<void, Error> header() { return {}; }
    /// Appends the records of one snapshot; returns how many.
    virtual std::uint64_t render(const Snapshot &snapshot, std::string &out) = 0;

    tl::expected<void, Error> write(std::string_view text)
    {
        if (m_atomic) {
            if (auto written = m_atomic->write(text); !written)
                return written;
        } else {
            for (std::size_t done = 0; done < text.size();) {
                const ssize_t n = ::write(m_appendFd, text.data() + done, text.size() - done);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0)
                    return tl::make_unexpected(
                        Error{"cannot write " + m_path + ": " + std::strerror(errno), m_path});
                done += std::size_t(n);
            }
        }
        m_size += text.size();
        return {};
    }
    /// Bytes in the file: what was there when appending, plus what this run wrote.
    std::uint64_t size() const { return m_size; }

    std::string m_path;
    std::string m_name;
    bool m_append;
    std::optional<AtomicFile> m_atomic;
    int m_appendFd = -1;
    std::uint64_t m_size = 0;
    RunInfo m_info;
};

nlohmann::json latencyJson(const LatencyStats &l)
{
    return {{"min_ms", l.minMs}, {"mean_ms", l.meanMs}, {"p50_ms", l.p50Ms}, {"p90_ms", l.p90Ms},
            {"p95_ms", l.p95Ms}, {"p99_ms", l.p99Ms},   {"max_ms", l.maxMs}};
}

class JsonLinesSink final : public FileSink
{
public:
    using FileSink::FileSink;

private:
    std::uint64_t render(const Snapshot &s, std::string &out) override
    {
        const auto &c = s.interval;
        nlohmann::json j;
        j["time"] = isoTime(timeOf(m_info, s.elapsedSeconds));
        j["elapsed_s"] = s.elapsedSeconds;
        j["interval_s"] = s.intervalSeconds;
        j["final"] = s.final;
        j["vusers"] = {
            {"active", s.activeVusers}, {"planned", s.plannedVusers}, {"max", s.maxVusers}};
        nlohmann::json requests = {{"count", c.requests},
                                   {"errors", c.requestErrors},
                                   {"rate_per_s", rate(c.requests, s.intervalSeconds)}};
        requests.update(latencyJson(s.intervalLatency));
        j["requests"] = requests;
        j["iterations"] = {{"count", c.iterations},
                           {"failed", c.iterationsFailed},
                           {"interrupted", c.iterationsInterrupted},
                           {"dropped", c.iterationsDropped}};
        j["data"] = {{"bytes_in", c.bytesIn}, {"bytes_out", c.bytesOut}};
        j["checks"] = {{"passed", c.checksPassed}, {"failed", c.checksFailed}};
        j["errors_by_class"] = nlohmann::json::object();
        for (std::size_t i = 0; i < errorClassCount; ++i) {
            if (c.errors[i])
                j["errors_by_class"][std::string(errorClassName(ErrorClass(i)))] = c.errors[i];
        }
        auto named = [&](const auto &rows) {
            nlohmann::json object = nlohmann::json::object();
            for (const auto &[name, row] : rows) {
                nlohmann::json entry = {{"count", row.count}, {"errors", row.errors}};
                entry.update(latencyJson(row.latency));
                object[name] = entry;
            }
            return object;
        };
        j["requests_by_name"] = named(s.requestsInterval);
        j["transactions"] = named(s.transactionsInterval);
        if (!s.events.empty() || s.eventsDropped) {
            j["events"] = nlohmann::json::array();
            for (const LogEvent &event : s.events)
                j["events"].push_back({{"elapsed_s", event.elapsedSeconds},
                                       {"level", event.level},
                                       {"class", errorClassName(event.errorClass)},
                                       {"vuser", event.vuser},
                                       {"message", event.message}});
            j["events_dropped"] = s.eventsDropped;
        }
        out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += '\n';
        return 1;
    }
};

/// CSV in long format: per snapshot one row for all requests, then one per request name and
/// per transaction (column `kind`), RFC 4180 quoting.
class CsvSink final : public FileSink
{
public:
    using FileSink::FileSink;

    static constexpr const char *columns =
        "time,elapsed_s,interval_s,vusers_active,vusers_planned,kind,name,count,errors,rate_per_s,"
        "min_ms,mean_ms,p50_ms,p90_ms,p95_ms,p99_ms,max_ms,iterations,iterations_failed,"
        "iterations_interrupted,bytes_in,bytes_out,checks_passed,checks_failed\n";

private:
    tl::expected<void, Error> header() override
    {
        if (size() == 0)
            return write(columns);
        return {};
    }

    static std::string quoted(const std::string &text)
    {
        if (text.find_first_of(",\"\r\n") == std::string::npos)
            return text;
        std::string out = "\"";
        for (char c : text) {
            if (c == '"')
                out += '"';
            out += c;
        }
        return out + '"';
    }

    std::uint64_t render(const Snapshot &s, std::string &out) override
    {
        const std::string prefix = isoTime(timeOf(m_info, s.elapsedSeconds)) + ',' +
                                   format("%.3f,%.3f,%lld,%lld,", s.elapsedSeconds,
                                          s.intervalSeconds, s.activeVusers, s.plannedVusers);
        std::uint64_t rows = 0;
        auto row = [&](const char *kind, const std::string &name, std::uint64_t count,
                       std::uint64_t errors, const LatencyStats &l, const Counters *c) {
            out += prefix + kind + ',' + quoted(name) + ',';
            out += format("%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,",
                          (unsigned long long)count, (unsigned long long)errors,
                          rate(count, s.intervalSeconds), l.minMs, l.meanMs, l.p50Ms, l.p90Ms,
                          l.p95Ms, l.p99Ms, l.maxMs);
            if (c)
                out += format(
                    "%llu,%llu,%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)c->iterations,
                    (unsigned long long)c->iterationsFailed,
                    (unsigned long long)c->iterationsInterrupted, (unsigned long long)c->bytesIn,
                    (unsigned long long)c->bytesOut, (unsigned long long)c->checksPassed,
                    (unsigned long long)c->checksFailed);
            else
                out += ",,,,,,\n";
            ++rows;
        };
        row("all", "", s.interval.requests, s.interval.requestErrors, s.intervalLatency,
            &s.interval);
        for (const auto &[name, stats] : s.requestsInterval)
            row("request", name, stats.count, stats.errors, stats.latency, nullptr);
        for (const auto &[name, stats] : s.transactionsInterval)
            row("transaction", name, stats.count, stats.errors, stats.latency, nullptr);
        return rows;
    }

    static std::string format(const char *pattern, auto... args)
    {
        char buffer[512];
        const int n = std::snprintf(buffer, sizeof buffer, pattern, args...);
        return std::string(buffer, std::size_t(std::clamp(n, 0, int(sizeof buffer) - 1)));
    }
};

tl::expected<bool, Error> appendOption(const OutputConfig &config)
{
    if (auto known = checkOutputOptions(config); !known)
        return tl::make_unexpected(known.error());
    const std::string value = *outputOption(config, OptionName::append);
    if (value != "true" && value != "false")
        return tl::make_unexpected(Error{"expected true or false, got \"" + value + '"',
                                         {},
                                         0,
                                         0,
                                         "options." + std::string(OptionName::append),
                                         value});
    return value == "true";
}

} // namespace

SinkResult makeJsonLinesSink(const OutputConfig &config)
{
    auto append = appendOption(config);
    if (!append)
        return tl::make_unexpected(append.error());
    return std::make_unique<JsonLinesSink>(config.target, outputDisplayName(config), *append);
}

SinkResult makeCsvSink(const OutputConfig &config)
{
    auto append = appendOption(config);
    if (!append)
        return tl::make_unexpected(append.error());
    return std::make_unique<CsvSink>(config.target, outputDisplayName(config), *append);
}

} // namespace Loadwizard::Engine
