#pragma once

#include <loadwizard/histogram.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// Why something failed. Request errors are the transport classes and unexpected statuses;
/// failed checks and scenario exceptions are counted here too, but not as request errors.
enum class ErrorClass : std::uint8_t
{
    Connect, ///< no connection, or the request could not be sent
    Receive, ///< the response broke off: reset, shorter than announced, bad encoding
    Dns,
    Timeout,
    Tls,
    Http4xx,
    Http5xx,
    Check,
    Exception,
    Other,
};
inline constexpr std::size_t errorClassCount = 10;

/// "connect", "receive", "dns", "timeout", "tls", "http_4xx", "http_5xx", "check", "exception",
/// "other".
std::string_view errorClassName(ErrorClass errorClass);

/// Counters for an interval or the whole run.
struct Counters
{
    std::uint64_t requests = 0;
    std::uint64_t requestErrors = 0;
    std::uint64_t bytesIn = 0;
    std::uint64_t bytesOut = 0;
    /// Always iterationsStarted == iterations + iterationsInterrupted (once every worker has
    /// reported: at the end of a run, and for the run's totals).
    std::uint64_t iterationsStarted = 0;
    std::uint64_t iterations = 0;            ///< finished, failed or not
    std::uint64_t iterationsFailed = 0;      ///< of those, ended by a scenario exception
    std::uint64_t iterationsInterrupted = 0; ///< cut at the end of the graceful stop or aborted
    std::uint64_t vuserInitFailures = 0;     ///< vuserInit() threw: that vuser never iterated
    /// Open model: arrivals that found no idle vuser with the pool at its maximum (never
    /// started, so not in iterationsStarted).
    std::uint64_t iterationsDropped = 0;
    std::uint64_t checksPassed = 0;
    std::uint64_t checksFailed = 0;
    std::array<std::uint64_t, errorClassCount> errors{};

    void add(const Counters &other);
    std::uint64_t errorCount(ErrorClass c) const { return errors[std::size_t(c)]; }
};

/// A request name's or a transaction's numbers.
struct NameStats
{
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    LatencyStats latency; ///< service time: from the request's send to its response
    /// Open model only (else empty): from the iteration's intended start for its first request,
    /// from the previous step's end for later ones (wrk2's coordinated-omission correction).
    LatencyStats intendedLatency;
    /// The whole histogram, for percentiles LatencyStats does not hold (a threshold's p99.9):
    /// only in the totals, and only when the run was asked for it (RunConfig::keepHistograms),
    /// since copying it costs about 16 KB per name and second.
    std::shared_ptr<const Histogram> histogram;
    /// This interval's histograms (service time; from the intended start in the open model),
    /// sparse: only in the interval maps, and only when RunConfig::keepIntervalHistograms (a
    /// results folder stores them).
    std::shared_ptr<const HistogramBuckets> buckets;
    std::shared_ptr<const HistogramBuckets> intendedBuckets;
};

/// libcurl's timing breakdown for a request name, means in milliseconds over the run.
struct TimingBreakdown
{
    double dnsMs = 0;
    double connectMs = 0;
    double tlsMs = 0;
    double ttfbMs = 0;
    double totalMs = 0;
};

struct CheckStats
{
    std::uint64_t passes = 0;
    std::uint64_t fails = 0;
};

struct RendezvousStats
{
    std::uint64_t arrivals = 0;
    std::uint64_t releases = 0; ///< release events (one releases every waiting vuser)
    std::uint64_t timeouts = 0; ///< release events caused by the timeout
    std::uint64_t released = 0; ///< vusers released
    double meanWaitMs = 0;
    double maxWaitMs = 0;
};

/// A data feeder's use so far.
struct DataFeedStats
{
    std::string strategy;        ///< "sequential", "unique", "random", "per-vuser"
    std::uint64_t rows = 0;      ///< in the file
    std::uint64_t handedOut = 0; ///< rows given to vusers (recycled ones again)
    bool exhausted = false;      ///< ran out with on_exhausted stop-vuser or stop-run
};

/// What a LogEvent records besides its message: the live controls are marked on a chart.
enum class EventKind : std::uint8_t
{
    Other,
    VusersChanged, ///< adjustVusers(): `amount` vusers added (negative: removed)
    Paused,        ///< the schedule's clock stopped (running vusers go on)
    Resumed,       ///< the schedule's clock goes on from where it stopped
};

/// Something worth a log line: a scenario exception, a failed check, a transport error, a live
/// control.
struct LogEvent
{
    double elapsedSeconds = 0;
    std::string level; ///< "error", "warning", "info"
    std::string message;
    ErrorClass errorClass = ErrorClass::Other;
    std::uint64_t vuser = 0;
    EventKind kind = EventKind::Other;
    long long amount = 0; ///< EventKind::VusersChanged: the vusers added or (negative) removed
};

/// How often one error message was seen in the run (its first class).
struct ErrorMessageCount
{
    std::string message; ///< secrets redacted; "(other messages)" for those beyond the cap
    ErrorClass errorClass = ErrorClass::Other;
    std::uint64_t count = 0;
    /// A failed request's exchange as text ("> " request lines, "< " response lines, bodies cut
    /// at a few KiB, secrets redacted); empty for other errors (an exception, a failed check).
    std::string sample;
};

/// A debugging line (`-v`, `--http-debug`): a vu.log() line, a request's one-line account, or a
/// request and response with headers (several lines in `text`). Secrets are redacted.
struct TraceLine
{
    double elapsedSeconds = 0;
    std::uint64_t vuser = 0;
    std::string text;
};

/// An open-model schedule's figures (all zero in the closed model).
struct ArrivalStats
{
    bool open = false;         ///< the run (or group) follows an arrival-rate profile
    double plannedRate = 0;    ///< iterations per second the profile plans now
    double achievedRate = 0;   ///< iterations started per second this interval
    long long poolSize = 0;    ///< vusers in the pool (initialising, busy or idle)
    long long poolIdle = 0;    ///< of those, waiting for an arrival
    long long poolMax = 0;     ///< the most the pool may hold
    std::uint64_t planned = 0; ///< arrivals planned so far
};

/// One group's part of a snapshot (a project's `groups:`): its vusers, counters and names, kept
/// apart from the other groups' (two groups' "login" transactions are two entries).
struct GroupSnapshot
{
    std::string name;
    long long activeVusers = 0;
    long long plannedVusers = 0;
    long long maxVusers = 0; ///< the most active at once
    long long maxPlannedVusers = 0;
    Counters interval;
    Counters total;
    LatencyStats intervalLatency;
    LatencyStats totalLatency;
    LatencyStats intervalIntendedLatency; ///< open model only
    LatencyStats totalIntendedLatency;
    ArrivalStats arrivals;
    /// The group's requests' histogram over the run, when RunConfig::keepHistograms.
    std::shared_ptr<const Histogram> totalHistogram;
    /// This interval's, when RunConfig::keepIntervalHistograms (see NameStats::buckets).
    std::shared_ptr<const HistogramBuckets> intervalBuckets;
    std::shared_ptr<const HistogramBuckets> intervalIntendedBuckets;
    std::map<std::string, NameStats, std::less<>> requestsInterval;
    std::map<std::string, NameStats, std::less<>> requestsTotal;
    std::map<std::string, NameStats, std::less<>> transactionsInterval;
    std::map<std::string, NameStats, std::less<>> transactionsTotal;
    std::map<std::string, CheckStats, std::less<>> checks;
};

/// Where a run is when a snapshot is taken.
enum class RunState
{
    Running,
    Stopping,
    Finished
};

/// What the engine publishes once per second: immutable, shared by every observer.
struct Snapshot
{
    std::uint64_t sequence = 0;
    RunState state = RunState::Running;
    bool final = false;
    double elapsedSeconds = 0;
    double intervalSeconds = 0;
    double plannedSeconds = 0; ///< the profile's total duration
    long long activeVusers = 0;
    long long plannedVusers = 0; ///< what the profile (plus live changes) asks for now
    long long maxVusers = 0;
    long long maxPlannedVusers = 0; ///< the most the plan asked for; above maxVusers: starts lagged

    Counters interval;
    Counters total;
    LatencyStats intervalLatency; ///< all requests
    LatencyStats totalLatency;
    /// Open model only: all requests' latency from the intended start (see NameStats).
    LatencyStats intervalIntendedLatency;
    LatencyStats totalIntendedLatency;

    /// The open model's schedule (all zero in the closed model).
    using Arrivals = ArrivalStats;
    Arrivals arrivals;

    /// All requests' histogram over the run, when RunConfig::keepHistograms (else null).
    std::shared_ptr<const Histogram> totalHistogram;
    /// This interval's, when RunConfig::keepIntervalHistograms (see NameStats::buckets).
    std::shared_ptr<const HistogramBuckets> intervalBuckets;
    std::shared_ptr<const HistogramBuckets> intervalIntendedBuckets;

    std::map<std::string, NameStats, std::less<>> requestsInterval;
    std::map<std::string, NameStats, std::less<>> requestsTotal;
    std::map<std::string, NameStats, std::less<>> transactionsInterval;
    std::map<std::string, NameStats, std::less<>> transactionsTotal;
    std::map<std::string, TimingBreakdown, std::less<>> timings;
    /// The same means over this interval's requests only.
    std::map<std::string, TimingBreakdown, std::less<>> timingsInterval;
    // In a run with groups, the maps above merge the groups' entries of the same name (the
    // run's overall view); `groups` keeps them apart.
    std::map<std::string, CheckStats, std::less<>> checks;
    std::map<std::string, RendezvousStats, std::less<>> rendezvous;

    /// Per data feeder: the run's by name, a group's own as "GROUP/NAME".
    std::map<std::string, DataFeedStats, std::less<>> data;
    std::string stoppedByData; ///< empty, or the feeder whose running out stopped the run

    /// The run's most frequent error messages so far, most frequent first (at most 20).
    std::vector<ErrorMessageCount> topErrors;
    std::vector<LogEvent> events;    ///< this interval's, at most a few hundred
    std::uint64_t eventsDropped = 0; ///< beyond that bound, this interval
    std::vector<TraceLine> trace;    ///< only when the run traces (RunConfig::trace), in time order
    std::uint64_t traceDropped = 0;  ///< trace lines a worker had no room for, this interval
    /// Empty, or why these numbers miss something: a worker that never came back from scenario
    /// code was left behind, and what it did since its last report is not counted.
    std::string incomplete;

    /// Empty for a run without groups (it is its one group, and the fields above say it all);
    /// else one entry per group, in the project's order. The run-wide fields are their sums.
    std::vector<GroupSnapshot> groups;
};

/// Receives every snapshot on the engine's controller thread, which also runs the schedule: must
/// return quickly (copy the pointer, post it elsewhere).
using SnapshotObserver = std::function<void(const std::shared_ptr<const Snapshot> &)>;

} // namespace Loadwizard
