#pragma once

#include "datafeeder.h"
#include "intervaldata.h"
#include "transferpool.h"
#include "vuserimpl.h"
#include <loadwizard/requestnames.h>

#include <loadwizard/run.h>
#include <loadwizard/scenario.h>
#include <loadwizard/weights.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <curl/curl.h>
#include <tl/expected.hpp>

namespace Loadwizard::Engine {

class RendezvousHub;

/// One group of the run as its workers see it. Read-only after start, except the atomics.
struct GroupShared
{
    /// Resolved: its start delay is a leading pause of its profile, and a weighted open group's
    /// profile is its share of the run's.
    GroupConfig config;
    bool openModel = false;
    /// Closed and weighted: the controller gives it its share of the run's profile.
    bool weighted = false;
    std::uint64_t totalArrivals = 0; ///< open model: the whole profile's
    /// A weighted open group takes arrivals of the run's schedule (RunConfig::arrivalRate),
    /// dealt to the weighted open groups one at a time (SeatDealer over `shareWeights`), so that
    /// they add up to the run's plan exactly; `shareIndex` is its place among them. -1: the
    /// group plans its own arrivals (config.arrivalRate; for a weighted one, the scaled rate
    /// serves only to show it).
    int shareIndex = -1;
    std::vector<double> shareWeights;
    /// Arrivals planned in [0, seconds) (capped at the profile's end).
    std::uint64_t plannedArrivals(const RunConfig &run, double seconds) const;
    /// Open model: the workers holding a share of the pool, 0…arrivalWorkers-1; arrival k is
    /// worker k mod arrivalWorkers's.
    int arrivalWorkers = 0;
    std::uint64_t firstPreAllocatedId = 0; ///< open model: ids of its pre-allocated vusers
    /// One per GroupConfig::data entry; looked up before the run's.
    std::vector<std::unique_ptr<DataFeeder>> feeders;
    std::atomic<long long> activeVusers{0};
    /// Open model: the pool's idle vusers, on every worker (active but running no iteration).
    std::atomic<long long> idleVusers{0};
    std::atomic<long long> peakVusers{0}; ///< as the workers saw it when starting them
    /// Active vusers that run an iteration or wait for their next (not idle in a pool): the
    /// base of a rendezvous's `all` and `percent` policies.
    long long runningVusers() const
    {
        return activeVusers.load(std::memory_order_relaxed) -
               idleVusers.load(std::memory_order_relaxed);
    }
    /// The profile's total duration, its start delay included (the run's for a weighted one).
    double totalSeconds = 0;
};

/// What the run shares with its workers. Read-only after start, except the atomics.
struct RunShared
{
    RunConfig config;
    /// Drawn once per run: each vuser's random stream starts from it and its id, so two runs
    /// (and two vusers) never draw the same uuid() or random values.
    std::uint64_t randomSalt = std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
    RendezvousHub *hub = nullptr;
    std::uint64_t startNs = 0;
    std::string userAgent;
    std::atomic<long long> activeVusers{0};
    /// Vusers retired, or dropped before they started: all of them once every vuser the plan
    /// scheduled is done (how a run with an iteration limit knows it can end).
    std::atomic<long long> vusersGone{0};
    /// The most vusers active at once, as the workers saw it when starting them: vusers that
    /// run a few quick iterations may come and go between two looks of the controller.
    std::atomic<long long> peakVusers{0};
    std::atomic<bool> workerFailed{false};        ///< a worker's loop broke: the run must end
    std::atomic<bool> warnedQuickFailures{false}; ///< the pause after failing iterations, said once
    NameRegistry names;                           ///< request names, capped (http.max_names)
    /// One per RunConfig::data entry, in its order; the feeders' counters are the atomics.
    std::vector<std::unique_ptr<DataFeeder>> feeders;
    NameRegistry transactionNames; ///< transaction names, the same cap
    NameRegistry checkNames;       ///< check names, the same cap

    /// The run's groups: one made of RunConfig's own fields when it has none (`grouped` false).
    std::vector<std::unique_ptr<GroupShared>> groups;
    bool grouped = false;
    // The open model (a group with an arrival rate); read-only after start but the atomics.
    bool openModel = false; ///< some group is open
    bool allOpen = true;    ///< every group is open (the run's figures are the open model's)
    int workerCount = 1;
    bool manualClock = false; ///< RunConfig::clock was given: poll it, it moves by hand
    /// Vuser ids after the pre-allocated ones (which take 1…N): for the controller's closed
    /// vusers and the pools' growth alike, so ids are unique across groups.
    std::atomic<std::uint64_t> nextVuserId{1};
    static constexpr std::uint64_t notPaused = UINT64_MAX;
    /// The schedule clock's reading when paused, notPaused otherwise; then pausedTotalNs. Run
    /// writes the total before clearing pausedAtNs, so a reader never sees the schedule jump.
    std::atomic<std::uint64_t> pausedAtNs{notPaused};
    std::atomic<std::uint64_t> pausedTotalNs{0};
    /// Schedule time at the stop (notPaused before one): no arrival is planned after it, so the
    /// arrivals the workers start or drop add up to the count the snapshot calls planned.
    std::atomic<std::uint64_t> stopScheduleNs{notPaused};
    /// Nanoseconds of schedule time at the clock reading `clockNow` (frozen while paused, and
    /// at the stop).
    std::uint64_t scheduleNs(std::uint64_t clockNow) const;
    /// Every group's GroupShared::runningVusers().
    long long runningVusers() const
    {
        long long running = 0;
        for (const auto &group : groups)
            running += group->runningVusers();
        return running;
    }
};

/// What a capped name names (each kind has its own registry and its own warning).
enum class NameKind
{
    Request,
    Transaction,
    Check
};

/// A command posted to a worker from another thread.
struct WorkerCommand
{
    enum class Type
    {
        AddVusers,
        RemoveVusers,
        ResumeRendezvous,
        Flush,
        Stop,
        Interrupt,
        Quit
    };
    Type type;
    std::uint64_t first = 0; ///< AddVusers: first id; ResumeRendezvous: vuser id; Flush: round
    std::uint64_t count = 0; ///< AddVusers/RemoveVusers: how many; ResumeRendezvous: token
    RendezvousOutcome outcome = RendezvousOutcome::Released;
    int group = 0; ///< AddVusers/RemoveVusers: whose vusers
};

/// The longest log or error message an event keeps (vu.log() lines included).
inline constexpr std::size_t maxEventBytes = 64u << 10;

/// One thread, one epoll loop driving one libcurl multi handle (socket interface, so only
/// sockets with events are touched), and the vusers assigned to it (wrk's shape).
class Worker
{
public:
    Worker(int index, RunShared &shared);
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    /// Opens the event loop's descriptors and starts the thread; an error names the failed call.
    tl::expected<void, Error> start();
    void join();
    /// Thread-safe.
    void post(const WorkerCommand &command);
    /// Thread-safe: asks for the interval recorded so far, answered from the worker's loop.
    void requestReport(std::uint64_t round);
    /// Thread-safe: waits until the worker answered `round` or `deadline` passed, and moves out
    /// what it handed over (late answers to earlier rounds too). False on the deadline.
    bool takeReports(std::uint64_t round, std::chrono::steady_clock::time_point deadline,
                     std::vector<std::unique_ptr<IntervalData>> &out);
    /// Thread-safe: the reporter hands an interval back, reset, for reuse.
    void recycle(std::unique_ptr<IntervalData> data);

    // Called by this worker's vusers (on this thread).
    void startRequest(VuserImpl &vuser, Detail::RequestAwaitable &op, std::coroutine_handle<> h);
    void startSleep(VuserImpl &vuser, double seconds, bool thinkTime, std::coroutine_handle<> h);
    void startRendezvous(VuserImpl &vuser, Detail::RendezvousAwaitable &op,
                         std::coroutine_handle<> h);
    /// The vuser's cookie jar (its share handle), through an easy handle kept for this.
    std::vector<Cookie> cookies(const VuserImpl &vuser);
    void setCookie(VuserImpl &vuser, const Cookie &cookie);
    void clearCookies(VuserImpl &vuser);
    IntervalData &interval() { return *m_interval; }
    /// Where the vuser's group records this interval.
    GroupRecord &record(const VuserImpl &vuser) { return m_interval->groups[vuser.group]; }
    GroupShared &group(const VuserImpl &vuser) const { return *m_shared.groups[vuser.group]; }
    const RunShared &shared() const { return m_shared; }
    double elapsedSeconds() const;
    void logEvent(VuserImpl &vuser, const char *level, std::string message, ErrorClass cls,
                  std::string sample = {});
    /// The feeder named so, the group's before the run's, or nullptr.
    DataFeeder *feeder(std::string_view name, int group) const;
    /// With -v or --http-debug: the request's line (and its HTTP exchange) for the trace.
    void traceRequest(const VuserImpl &vuser, const Request &request, const Response &response,
                      std::uint64_t bytesIn, std::string httpText);
    /// `name`, or the overflow name once the run holds http.max_names names of that kind (the
    /// first name turned away warns once). A reference to `name` itself when it is admitted.
    const std::string &cappedName(NameKind kind, const std::string &name, VuserImpl &vuser);

    // The watchdog's view, read from the controller thread (and a crash handler).
    /// When this worker last came back to its event loop (nowNs()).
    std::uint64_t lastTurnNs() const { return m_turnNs.load(std::memory_order_relaxed); }
    /// The vuser whose scenario code runs now on this worker, 0 when none does.
    std::uint64_t vuserInScenario() const
    {
        return m_vuserInScenario.load(std::memory_order_relaxed);
    }
    int index() const { return m_index; }
    /// The id of the scenario whose code runs now on this worker (its group's), for messages;
    /// async-signal-safe.
    const std::string &scenarioInScenario() const
    {
        return m_shared.groups[std::size_t(m_groupInScenario.load(std::memory_order_relaxed))]
            ->config.scenarioId;
    }
    /// Open model: vusers in this worker's pool of a group, and of those the idle ones (any
    /// thread).
    long long poolSize(int group) const
    {
        return m_arrivals[group].poolSize.load(std::memory_order_relaxed);
    }
    long long poolIdle(int group) const
    {
        return m_arrivals[group].poolIdle.load(std::memory_order_relaxed);
    }
    long long poolMax(int group) const { return m_arrivals[group].poolMax; }
    /// The worker whose thread calls this, or nullptr: async-signal-safe.
    static const Worker *current();
    /// Gives up on a worker that never came back from scenario code: its thread is detached
    /// and goes on with this object, which must therefore never be destroyed (the run leaks it
    /// and what it references). Called after Quit was posted.
    void abandon();
    /// Whether the thread has left its loop for good (join() will not wait on scenario code).
    bool exited() const { return m_exited.load(std::memory_order_acquire); }
    /// Only once this worker's thread crashed (CrashGuard::crashedWorker() is its index: the
    /// thread is parked in the crash handler for good, and the handler's atomic made its writes
    /// visible): what it recorded since its last report, with the crashed iteration counted as
    /// failed and the others in flight as interrupted, so the counts still add up.
    std::unique_ptr<IntervalData> salvageAfterCrash(const std::string &description);

private:
    struct Timer
    {
        std::uint64_t deadlineNs;
        std::uint64_t vuser;
        std::uint64_t token;
        bool operator>(const Timer &other) const { return deadlineNs > other.deadlineNs; }
    };
    struct Done
    {
        VuserImpl *vuser;
        CURLcode result;
    };

    static int onSocket(CURL *easy, curl_socket_t socket, int what, void *self, void *socketData);
    static int onTimer(CURLM *multi, long timeoutMs, void *self);

    void run();
    /// What is left of the loop once epoll broke: answer commands until told to quit.
    void runWithoutEpoll(int error);
    tl::expected<void, Error> setUp();
    void tearDown();
    /// Hands termination signals pending on this thread (raise() in scenario code) to the
    /// process.
    void forwardThreadSignals();
    int waitTimeoutMs(std::uint64_t now) const;
    void processInbox();
    void processCompletions();
    void completeRequest(VuserImpl &vuser, CURLcode result);
    /// A relative request URL against the vuser's base URL; throws when it cannot be.
    void resolveUrl(VuserImpl &vuser, Request &request);
    /// m_cookieEasy attached to `share`; the caller detaches it again.
    CURL *cookieHandle(CURLSH *share);
    void fireTimers(std::uint64_t now);
    void runReady();
    void resume(VuserImpl &vuser, std::coroutine_handle<> handle);
    /// Ends the vuser's wait and resumes what was waiting.
    void wake(VuserImpl &vuser);
    void finishTask(VuserImpl &vuser);
    /// Queues vusers to start: startPending() creates them a batch per loop turn, so a huge
    /// step (1 000 000 vusers in a second) never blocks the loop, and a stop drops the rest.
    void addVusers(std::uint64_t first, std::uint64_t count, int group);
    void startPending(std::uint64_t now);
    /// Forgets the vusers queued to start (a stop, or memory ran out).
    void dropPendingStarts();
    /// Of one group's vusers; group -1: of every group (the stop).
    void removeVusers(std::uint64_t count, int group);
    void interrupt(VuserImpl &vuser);
    void interruptAll();
    void retire(VuserImpl &vuser);
    void flush(std::uint64_t round);
    VuserImpl *find(std::uint64_t id);

    // The open model (workerarrivals.cpp).
    /// This worker's share of the schedule and the pool.
    tl::expected<void, Error> setUpArrivals();
    /// Starts every arrival that is due (at most a batch per loop turn unless `all`), each on an
    /// idle vuser, a new one while the pool may grow, or dropped and counted.
    void startArrivals(bool all);
    /// One open group's due arrivals; how many were started (or dropped).
    int startGroupArrivals(int group, bool all, int budget, std::uint64_t scheduleNs,
                           std::uint64_t realNow);
    /// An open-model vuser whose init or iteration ended: takes a waiting arrival or goes idle.
    void toPool(VuserImpl &vuser);
    /// The stop: arrivals waiting for a new vuser's init are dropped; idle vusers go.
    void stopArrivals();
    /// Programs the timerfd for the next arrival (real nanoseconds), if it changed.
    void armArrivalTimer(std::uint64_t wakeNs);
    /// The pause between iterations that pacing asks for, or 0.
    std::uint64_t pacingDelayNs(VuserImpl &vuser, std::uint64_t now);

    int m_index;
    RunShared &m_shared;
    std::thread m_thread;
    int m_epoll = -1;
    int m_wakeFd = -1;
    CURLM *m_multi = nullptr;
    std::unique_ptr<TransferPool> m_pool;
    CURL *m_cookieEasy = nullptr; ///< reads and writes jars; attached to one share at a time
    CURLU *m_baseUrl = nullptr;   ///< the last base URL parsed, to resolve relative URLs
    std::string m_baseUrlText;
    std::uint64_t m_curlDeadlineNs = 0; ///< 0: no curl timeout pending
    bool m_curlTimerSet = false;

    std::unordered_map<std::uint64_t, std::unique_ptr<VuserImpl>> m_vusers;
    std::vector<Timer> m_timers; ///< min-heap on deadline
    std::vector<std::uint64_t> m_ready, m_readyNext;
    std::vector<Done> m_done;
    std::uint64_t m_nextToken = 1;
    bool m_stopping = false;
    struct PendingStart
    {
        std::uint64_t first = 0;
        std::uint64_t count = 0;
        int group = 0;
    };
    std::deque<PendingStart> m_pendingStarts;
    std::uint64_t m_pendingCount = 0;
    std::uint64_t m_lagSinceNs = 0; ///< when vusers began to wait to start, 0 when none wait
    std::uint64_t m_startedDuringLag = 0;
    bool m_lagWarned = false;
    bool m_outOfMemoryWarned = false;
    /// Vusers a data feeder ended (StopVuser): the schedule still counts them, so the next
    /// removals take them first instead of stopping vusers that still run.
    std::vector<std::uint64_t> m_endedByData; ///< per group
    bool m_quit = false;
    std::atomic<bool> m_exited{false};
    std::atomic<std::uint64_t> m_turnNs{0};
    std::atomic<std::uint64_t> m_vuserInScenario{0};
    std::atomic<int> m_groupInScenario{0};

    // The open model: of each open group, arrivals k = index, index + arrivalWorkers, … are
    // this worker's.
    struct GroupArrivals
    {
        std::uint64_t nextArrival = 0;
        double nextArrivalSeconds = 0; ///< plannedTime(nextArrival), infinity past the end
        long long poolMax = 0;
        std::atomic<long long> poolSize{0};
        std::atomic<long long> poolIdle{0};
        std::vector<std::uint64_t> idle;
        std::deque<std::uint64_t> waiting; ///< intended real ns, waiting for a vuser's init
        std::size_t initialising = 0;      ///< pool vusers before the end of vuserInit
        long long members = 0; ///< pool vusers here: queued to start, initialising, busy, idle
        /// A weighted open group's deal of the run's arrivals, seen by this worker.
        std::optional<SeatDealer> dealer;
    };
    /// When arrival k (0-based, the group's own count) is planned, in schedule seconds.
    double plannedArrivalTime(int group, std::uint64_t k);
    std::unique_ptr<GroupArrivals[]> m_arrivals; ///< one per group (closed ones unused)
    std::uint64_t m_arrivalWakeNs = 0;           ///< real ns of the next arrival, 0: none
    int m_timerFd = -1;
    std::uint64_t m_timerArmedNs = 0;

    std::unique_ptr<IntervalData> m_interval;
    /// Names the run's registries admitted, one set per NameKind, so the hot path takes no lock
    /// for them.
    std::unordered_set<std::string> m_admittedNames[3];

    std::mutex m_inboxMutex;
    std::vector<WorkerCommand> m_inbox, m_inboxWork;

    // The report hand-over, once per reporting interval.
    std::mutex m_reportMutex;
    std::condition_variable m_reportReady;
    std::vector<std::unique_ptr<IntervalData>> m_reports;
    std::uint64_t m_answeredRound = 0;
    std::unique_ptr<IntervalData> m_spare;
};

} // namespace Loadwizard::Engine
