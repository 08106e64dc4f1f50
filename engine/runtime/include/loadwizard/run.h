#pragma once

#include <loadwizard/arrivalprofile.h>
#include <loadwizard/datasettings.h>
#include <loadwizard/error.h>
#include <loadwizard/rampprofile.h>
#include <loadwizard/scenario.h>
#include <loadwizard/settings.h>
#include <loadwizard/snapshot.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

namespace Loadwizard {

/// A data feeder ready to draw from: its table loaded once, shared by every worker.
struct DataFeed
{
    std::string name;
    std::shared_ptr<const DataTable> table; ///< at least one row
    DataStrategy strategy = DataStrategy::Sequential;
    DataExhaustion onExhausted = DataExhaustion::Recycle; ///< never Default
};

/// What a run prints for debugging, besides its metrics: lines that go through a bounded
/// buffer per worker to the snapshot's `trace` (dropped, and counted, when a worker writes more
/// than it holds between two reports).
struct TraceSettings
{
    enum class Http
    {
        Off,
        Headers, ///< request and status lines with their headers
        Full     ///< and the bodies, cut at httpBodyBytes
    };
    bool verbose = false; ///< vu.log() lines and one line per request
    Http http = Http::Off;
    static constexpr std::size_t httpBodyBytes = 4096;

    bool any() const { return verbose || http != Http::Off; }
};

/// One group of a run with groups (a project's `groups:`): its own scenario, parameters, data
/// and workload. Its metrics are kept apart from the other groups' (Snapshot::groups).
struct GroupConfig
{
    std::string name;
    std::shared_ptr<Scenario> scenario; ///< init() already called
    std::string scenarioId;
    Parameters parameters;
    /// The group's own profile: closed (a vuser count) or, when arrivalRate is not empty, open.
    /// Both empty with a weight above 0: a share of the run's profile (RunConfig::profile or
    /// RunConfig::arrivalRate).
    RampProfile profile;
    ArrivalProfile arrivalRate;
    long long preAllocatedVusers = 0; ///< open model: see RunConfig
    long long maxVusers = 0;
    /// A share of the run's profile, against the other weighted groups' weights: vusers split
    /// by Sainte-Laguë (they add up to the run's at every moment), arrivals by scaling.
    double weight = 0;
    /// The group's profile starts this long after the run (not with a weight).
    double startDelaySeconds = 0;
    PacingSettings pacing;      ///< closed model only
    std::vector<DataFeed> data; ///< the group's own feeders, looked up before the run's
};

/// Everything the runtime needs, resolved: no file names, no ${VAR} left.
struct RunConfig
{
    /// A run with groups when not empty: then the scenario, scenarioId, parameters, pacing,
    /// preAllocatedVusers and maxVusers below are unused, `profile` or `arrivalRate` is only the
    /// weighted groups' total profile, and `data` holds the feeders every group shares. Empty:
    /// the run is one group made of the fields below (its metrics are the run's, no
    /// Snapshot::groups).
    std::vector<GroupConfig> groups;

    std::shared_ptr<Scenario> scenario; ///< init() already called
    std::string scenarioId;             ///< for messages: the plugin's id
    Parameters parameters;
    RampProfile profile; ///< the closed model; ignored when arrivalRate is set
    /// The open model when not empty: iterations start at the profile's planned times on a pool
    /// of vusers, whatever the response times.
    ArrivalProfile arrivalRate;
    /// Open model: vusers created (vuserInit) before the first arrival, spread over workers.
    long long preAllocatedVusers = 0;
    /// Open model: the pool grows up to this many; an arrival finding no idle vuser at the
    /// maximum is dropped and counted. Each worker holds its share of both numbers.
    long long maxVusers = 0;
    PacingSettings pacing; ///< closed model only
    ThinkTimeSettings thinkTime;
    HttpSettings http;
    std::vector<RendezvousPolicy> rendezvous;
    std::vector<DataFeed> data;
    std::string projectDir; ///< the project file's folder (absolute), empty without a project
    double gracefulStopSeconds = 30;
    int workers = 0; ///< 0: one per core
    double reportIntervalSeconds = 1.0;
    /// Iterations each vuser runs before it stops (a completed vuser, not an interrupted one);
    /// the run ends once every vuser the profile starts has run them. 0: no limit.
    std::uint64_t iterationsPerVuser = 0;
    TraceSettings trace;
    /// Publish the totals' histograms in each snapshot (NameStats::histogram,
    /// Snapshot::totalHistogram), for percentiles beyond p50/p90/p95/p99.
    bool keepHistograms = false;
    /// Publish each interval's histograms, sparse (NameStats::buckets, Snapshot::intervalBuckets):
    /// what a results folder stores.
    bool keepIntervalHistograms = false;
    /// Monotonic nanoseconds for the schedule, pauses, reports, rendezvous waits and event
    /// times; empty: the steady clock. Tests drive it by hand. Sleeps, transaction durations and
    /// libcurl's timers always keep real time.
    std::function<std::uint64_t()> clock;
};

/// One load test run: workers, vusers, the schedule and the reporter. Thread-safe controls.
class Run
{
public:
    explicit Run(RunConfig config);
    ~Run();
    Run(const Run &) = delete;
    Run &operator=(const Run &) = delete;

    /// Before start(). Called on the run's controller thread, never on a worker.
    void addObserver(SnapshotObserver observer);

    /// Starts the workers and the schedule; returns at once. On an error (a worker's event loop
    /// could not be set up) nothing runs, as if start() had not been called.
    tl::expected<void, Error> start();
    /// Ends the schedule now: vusers finish their iteration within the graceful-stop period.
    void stop();
    /// Interrupts every vuser now (the second Ctrl-C).
    void abort();
    /// Blocks until the run has finished; returns the final snapshot.
    std::shared_ptr<const Snapshot> wait();
    bool finished() const;
    /// After the end: a worker never came back from scenario code and was left running (its
    /// thread, the plugin and this run's state stay alive until the process ends).
    bool abandonedWorkers() const;

    /// Live control: add (negative: remove) vusers on top of the plan.
    void adjustVusers(long long delta);
    /// Live control: freeze or resume the schedule's clock.
    void setPaused(bool paused);
    bool paused() const;

    /// The latest snapshot (nullptr before the first).
    std::shared_ptr<const Snapshot> latest() const;
    /// The profile's planned duration (the longest group's), known from construction.
    double plannedSeconds() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Loadwizard
