#pragma once

#include <loadwizard/error.h>
#include <loadwizard/snapshot.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// One output as configured: `--out KIND=TARGET?key=value&…` or an `outputs:` entry in a project.
/// Values may hold ${ENV_VAR} (kept as written; expanded by makeOutput()).
struct OutputConfig
{
    std::string kind;   ///< influxdb, graphite, elasticsearch, logstash, json, csv
    std::string target; ///< URL, tcp://host:port, or a file path
    std::map<std::string, std::string, std::less<>> options;

    bool operator==(const OutputConfig &) const = default;
};

/// What a run tells its outputs about itself.
struct RunInfo
{
    std::string project;
    std::string scenario;
    std::string instance; ///< host name of the load generator
    std::string runId;    ///< unique per run
    std::chrono::system_clock::time_point started;
};

/// Counts an output reports; shown in the summary (terminal and JSON) and the GUI.
struct OutputStats
{
    std::string name;                 ///< "influxdb http://127.0.0.1:8086/loadwizard" (no secrets)
    std::uint64_t sent = 0;           ///< batches delivered
    std::uint64_t retried = 0;        ///< delivery attempts repeated after a failure
    std::uint64_t dropped = 0;        ///< batches given up: queue full, rejected, or not flushed
    std::uint64_t pointsSent = 0;     ///< lines, points or documents delivered
    std::uint64_t pointsRejected = 0; ///< refused by the server (partial writes, 4xx items)
    std::string lastError;            ///< empty when all is well
};

/// Whether to stop retrying: the run is over and the flush deadline has passed.
class DeliveryContext
{
public:
    virtual ~DeliveryContext() = default;
    /// Waits up to `seconds` (backoff), returning early and false when delivery must stop.
    virtual bool backoff(double seconds) = 0;
    virtual bool stopping() const = 0;
    /// Count a retry / rejected points / an error message (the sink calls these).
    virtual void countRetry() = 0;
    virtual void countRejected(std::uint64_t points, const std::string &message) = 0;
    virtual void setError(const std::string &message) = 0;
};

/// A backend. Runs only on its OutputRunner's thread, so it needs no locks of its own.
class OutputSink
{
public:
    virtual ~OutputSink() = default;
    /// Name for logs and the summary; never contains secrets.
    virtual std::string name() const = 0;
    /// When the run is prepared, before anything starts: claim what must be there (a file to
    /// write), so a missing or unwritable folder stops the run before it runs. Default: nothing.
    virtual tl::expected<void, Error> prepare() { return {}; }
    /// Before the first snapshot (create the database, open the file, connect).
    virtual tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &context) = 0;
    /// Delivers one interval. Returns the points sent, or an error when it gave up (the runner
    /// counts the batch as dropped). Retries with backoff happen inside, through `context`.
    virtual tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                                       DeliveryContext &context) = 0;
    /// After the last snapshot (annotations, closing the file).
    virtual void finish(const Snapshot *last, DeliveryContext &context) = 0;
    /// For the GUI's "Test connection": a quick round trip, no data written.
    virtual tl::expected<void, Error> testConnection() = 0;
};

/// Builds a sink from its configuration (expands ${ENV_VAR}); errors name the field.
tl::expected<std::unique_ptr<OutputSink>, Error> makeOutput(const OutputConfig &config);
/// Parses `--out KIND=TARGET[?key=value&…]`.
tl::expected<OutputConfig, Error> parseOutputFlag(const std::string &flag);

/// An output's own thread behind a bounded queue: push() never blocks the caller (the engine's
/// reporter); when the queue is full the oldest batch is dropped and counted.
class OutputRunner
{
public:
    OutputRunner(std::unique_ptr<OutputSink> sink, RunInfo info, std::size_t capacity = 60);
    ~OutputRunner();
    OutputRunner(const OutputRunner &) = delete;
    OutputRunner &operator=(const OutputRunner &) = delete;

    void push(std::shared_ptr<const Snapshot> snapshot);
    /// Delivers what is queued within `timeoutSeconds`, calls finish(), joins the thread.
    void finish(double timeoutSeconds);
    /// From any thread: the flush deadline is now (a request in flight is cut, the rest dropped
    /// and counted); finish() then returns at once.
    void cutFlush();
    OutputStats stats() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Loadwizard
