#include <loadwizard/run.h>

#include <loadwizard/crashguard.h>
#include <loadwizard/weights.h>

#include "clock.h"
#include "rendezvoushub.h"
#include "reporter.h"
#include "worker.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <curl/curl.h>

namespace Loadwizard {

using namespace Engine;

namespace {

void curlGlobalInitOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// The run without groups as its one group, named "default".
GroupConfig implicitGroup(const RunConfig &config)
{
    GroupConfig group;
    group.name = "default";
    group.scenario = config.scenario;
    group.scenarioId = config.scenarioId;
    group.parameters = config.parameters;
    group.profile = config.profile;
    group.arrivalRate = config.arrivalRate;
    group.preAllocatedVusers = config.preAllocatedVusers;
    group.maxVusers = config.maxVusers;
    group.pacing = config.pacing;
    return group;
}

/// A group as the workers run it: its start delay a leading pause of its own profile, a
/// weighted open group's profile its share of the run's arrival rate.
std::unique_ptr<GroupShared> resolveGroup(GroupConfig config, const RunConfig &run,
                                          double openWeights)
{
    auto group = std::make_unique<GroupShared>();
    const bool ownProfile = !config.profile.empty() || !config.arrivalRate.empty();
    if (!ownProfile && config.weight > 0) {
        if (!run.arrivalRate.empty()) {
            std::vector<ArrivalStage> stages = run.arrivalRate.stages();
            const double share = config.weight / openWeights;
            for (ArrivalStage &stage : stages)
                stage.target *= share;
            config.arrivalRate = ArrivalProfile(std::move(stages));
            // And its share of the run's vuser pool, rounded up (a group never gets none),
            // unless it has a pool of its own.
            if (config.preAllocatedVusers == 0 && config.maxVusers == 0) {
                config.preAllocatedVusers =
                    poolShare(run.preAllocatedVusers, config.weight, openWeights);
                config.maxVusers = poolShare(std::max(run.maxVusers, run.preAllocatedVusers),
                                             config.weight, openWeights);
            }
        } else {
            group->weighted = true;
        }
    }
    if (config.startDelaySeconds > 0 && ownProfile) {
        if (!config.arrivalRate.empty()) {
            std::vector<ArrivalStage> stages = config.arrivalRate.stages();
            stages.insert(stages.begin(), ArrivalStage{0, config.startDelaySeconds});
            config.arrivalRate = ArrivalProfile(std::move(stages));
        } else {
            std::vector<RampStep> steps = config.profile.steps();
            steps.insert(steps.begin(), RampStep{0, config.startDelaySeconds});
            config.profile = RampProfile(std::move(steps));
        }
    }
    group->openModel = !config.arrivalRate.empty();
    group->totalSeconds = group->openModel  ? config.arrivalRate.totalSeconds()
                          : group->weighted ? run.profile.totalSeconds()
                                            : config.profile.totalSeconds();
    for (const DataFeed &feed : config.data)
        group->feeders.push_back(std::make_unique<DataFeeder>(feed));
    group->config = std::move(config);
    return group;
}

/// What is wrong with a group before it can run, the field named as the project does.
std::optional<Error> groupProblem(const GroupShared &group, const RunConfig &run, bool grouped,
                                  std::size_t index)
{
    const GroupConfig &config = group.config;
    const std::string prefix = grouped ? "groups[" + std::to_string(index) + "]." : "";
    const std::string who = grouped ? "group \"" + config.name + "\": " : "";
    if (!config.scenario)
        return Error{who + "no scenario to run", {}, 0, 0, prefix + "scenario"};
    if (group.weighted && run.profile.empty())
        return Error{
            who + "a weight shares the project's profile, and it has none", {}, 0, 0, "profile"};
    if (!group.openModel && !group.weighted && config.profile.empty())
        return Error{who + "the ramp-up profile is empty", {}, 0, 0, prefix + "profile"};
    if (group.openModel) {
        if (config.pacing.enabled())
            return Error{who + "pacing applies to the closed model (a vuser count): with an "
                               "arrival rate the profile itself spaces the iterations",
                         {},
                         0,
                         0,
                         prefix + "pacing"};
        if (config.preAllocatedVusers < 0 || config.maxVusers < 0 ||
            std::max(config.maxVusers, config.preAllocatedVusers) == 0)
            return Error{who + "an arrival-rate profile needs a vuser pool: pre-allocated "
                               "vusers or a maximum above 0",
                         {},
                         0,
                         0,
                         prefix + "pool"};
    }
    return std::nullopt;
}

} // namespace

class Run::Private
{
public:
    explicit Private(RunConfig config);
    ~Private();

    /// Aborts the run if it is still going and waits for the controller.
    void endController();
    void controllerLoop();
    void schedule(std::uint64_t now);
    /// With an iteration limit: every vuser the profile starts has run its iterations (or is
    /// gone otherwise), and the profile starts no more.
    bool iterationsDone(std::uint64_t now);
    void addVusers(long long count, int group);
    void removeVusers(long long count, int group);
    /// The closed groups' planned vusers at `t` (open groups' stay 0), `delta` spread evenly.
    void plan(double t, long long delta);
    void beginStop(bool interruptNow);
    void report(bool final);
    /// Warns once per stall about a worker that has not come back to its event loop; after an
    /// interrupt, true when one has not come back for long enough to be left behind.
    bool watch(std::uint64_t scheduleNow);
    std::string stalledWorkerText(const Worker &worker, std::uint64_t now) const;
    void publish(std::shared_ptr<const Snapshot> snapshot);
    double scheduleSeconds(std::uint64_t now) const;
    void discardWorkers();
    /// The run's feeders by name, then each group's as "GROUP/NAME".
    template <typename Visit>
    void forEachFeeder(Visit visit) const
    {
        for (const auto &feeder : shared.feeders)
            visit(feeder->feed().name, *feeder);
        for (const auto &group : shared.groups) {
            for (const auto &feeder : group->feeders)
                visit(group->config.name + "/" + feeder->feed().name, *feeder);
        }
    }

    RunShared shared;
    std::unique_ptr<RendezvousHub> hub;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<long long> assigned; ///< the controller's view of each worker's vusers
    /// The controller's view of each group's closed vusers.
    struct GroupSchedule
    {
        long long planned = 0;
        long long scheduled = 0;
        long long maxPlanned = 0;
        std::vector<long long> assigned; ///< per worker
    };
    std::vector<GroupSchedule> groupSchedules;
    double totalSeconds = 0; ///< the longest group's profile
    std::vector<SnapshotObserver> observers;
    std::unique_ptr<Reporter> reporter;
    std::thread controller;

    // Controller state; the atomics and the mutex-guarded part are the thread-safe controls.
    std::mutex controlMutex;
    std::condition_variable controlWake;
    bool stopRequested = false;
    bool abortRequested = false;
    long long manualDelta = 0;
    bool pausedFlag = false;
    std::uint64_t pausedSinceNs = 0;
    std::uint64_t pausedTotalNs = 0;
    /// Live controls for the log (and a chart's markers), handed to the reporter by the
    /// controller thread, which alone may touch it.
    std::vector<LogEvent> controlEvents;

    bool started = false;
    bool adjustWarned = false; ///< the open model ignores adjustVusers(): said once
    bool stopping = false;
    bool interrupted = false;
    std::uint64_t stopNs = 0;
    std::uint64_t interruptedNs = 0;
    std::uint64_t gracefulDeadlineNs = 0;
    std::vector<std::uint64_t> stallWarned; ///< per worker: the turn it was warned about
    std::vector<bool> stalled;              ///< per worker: left behind at the end
    bool abandoned = false;
    long long scheduled = 0;
    long long planned = 0;
    long long maxVusers = 0;
    long long maxPlanned = 0;
    std::string stoppedByData;       ///< the stop-run feeder that ended the run
    long long closedVusersAdded = 0; ///< every closed vuser the schedule started

    mutable std::mutex latestMutex;
    std::condition_variable finishedCv;
    std::shared_ptr<const Snapshot> latestSnapshot;
    bool finishedFlag = false;
};

Run::Private::Private(RunConfig config)
{
    shared.config = std::move(config);
    shared.manualClock = bool(shared.config.clock);
    if (!shared.config.clock)
        shared.config.clock = nowNs;
    shared.grouped = !shared.config.groups.empty();
    const RunConfig &run = shared.config;
    double openWeights = 0;
    for (const GroupConfig &group : run.groups) {
        if (group.weight > 0 && group.profile.empty() && group.arrivalRate.empty())
            openWeights += group.weight;
    }
    if (shared.grouped) {
        // The weighted open groups are dealt the run's arrivals one at a time, in their order.
        std::vector<double> dealt;
        for (const GroupConfig &group : run.groups) {
            shared.groups.push_back(resolveGroup(group, run, openWeights));
            if (group.weight > 0 && group.profile.empty() && group.arrivalRate.empty() &&
                !run.arrivalRate.empty()) {
                shared.groups.back()->shareIndex = int(dealt.size());
                dealt.push_back(group.weight);
            }
        }
        for (auto &group : shared.groups) {
            if (group->shareIndex >= 0)
                group->shareWeights = dealt;
        }
    } else {
        shared.groups.push_back(resolveGroup(implicitGroup(run), run, 0));
    }
    groupSchedules.resize(shared.groups.size());
    for (const auto &group : shared.groups) {
        shared.openModel = shared.openModel || group->openModel;
        shared.allOpen = shared.allOpen && group->openModel;
        totalSeconds = std::max(totalSeconds, group->totalSeconds);
    }
    for (const DataFeed &feed : shared.config.data)
        shared.feeders.push_back(std::make_unique<DataFeeder>(feed));
    shared.names.setLimit(std::size_t(std::max(1, shared.config.http.maxNames)));
    shared.transactionNames.setLimit(shared.names.limit());
    shared.checkNames.setLimit(shared.names.limit());
    shared.userAgent = shared.config.http.userAgent.empty()
                           ? std::string("Loadwizard/") + LOADWIZARD_VERSION
                           : shared.config.http.userAgent;
}

Run::Private::~Private()
{
    endController();
}

void Run::Private::endController()
{
    if (controller.joinable()) {
        {
            std::lock_guard lock(controlMutex);
            stopRequested = abortRequested = true;
        }
        controlWake.notify_all();
        controller.join();
    }
}

double Run::Private::scheduleSeconds(std::uint64_t now) const
{
    std::uint64_t paused = pausedTotalNs;
    if (pausedFlag)
        paused += now - pausedSinceNs;
    return double(now - shared.startNs - paused) / 1e9;
}

void Run::Private::addVusers(long long count, int group)
{
    // Spread over the workers with the fewest vusers, one command per worker.
    GroupSchedule &groupSchedule = groupSchedules[std::size_t(group)];
    std::vector<long long> add(workers.size(), 0);
    for (long long i = 0; i < count; ++i) {
        std::size_t best = 0;
        for (std::size_t w = 1; w < workers.size(); ++w) {
            if (assigned[w] + add[w] < assigned[best] + add[best])
                best = w;
        }
        ++add[best];
    }
    for (std::size_t w = 0; w < workers.size(); ++w) {
        if (add[w] == 0)
            continue;
        const std::uint64_t first =
            shared.nextVuserId.fetch_add(std::uint64_t(add[w]), std::memory_order_relaxed);
        WorkerCommand command{WorkerCommand::Type::AddVusers, first, std::uint64_t(add[w])};
        command.group = group;
        workers[w]->post(command);
        assigned[w] += add[w];
        groupSchedule.assigned[w] += add[w];
    }
    groupSchedule.scheduled += count;
    closedVusersAdded += count;
    scheduled += count;
}

void Run::Private::removeVusers(long long count, int group)
{
    // From the workers holding the most of the group's vusers.
    GroupSchedule &groupSchedule = groupSchedules[std::size_t(group)];
    const std::vector<long long> &held = groupSchedule.assigned;
    std::vector<long long> remove(workers.size(), 0);
    for (long long i = 0; i < count; ++i) {
        std::size_t best = 0;
        for (std::size_t w = 1; w < workers.size(); ++w) {
            if (held[w] - remove[w] > held[best] - remove[best])
                best = w;
        }
        ++remove[best];
    }
    for (std::size_t w = 0; w < workers.size(); ++w) {
        if (remove[w] == 0)
            continue;
        WorkerCommand command{WorkerCommand::Type::RemoveVusers, 0, std::uint64_t(remove[w])};
        command.group = group;
        workers[w]->post(command);
        assigned[w] -= remove[w];
        groupSchedule.assigned[w] -= remove[w];
    }
    groupSchedule.scheduled -= count;
    scheduled -= count;
}

void Run::Private::plan(double t, long long delta)
{
    std::vector<double> weights; // of the weighted closed groups, in order
    std::vector<std::size_t> closed;
    for (std::size_t g = 0; g < shared.groups.size(); ++g) {
        const GroupShared &group = *shared.groups[g];
        if (group.weighted)
            weights.push_back(group.config.weight);
        if (!group.openModel)
            closed.push_back(g);
    }
    const RampProfile &runProfile = shared.config.profile;
    const long long weightedTotal =
        weights.empty() || t >= runProfile.totalSeconds() ? 0 : runProfile.plannedWholeVusersAt(t);
    const std::vector<long long> shares = splitByWeights(weightedTotal, weights);
    // Live changes (adjustVusers) go to the closed groups alike.
    const std::vector<long long> deltas =
        splitByWeights(delta, std::vector<double>(closed.size(), 1.0));
    std::size_t weighted = 0;
    for (std::size_t i = 0; i < closed.size(); ++i) {
        const GroupShared &group = *shared.groups[closed[i]];
        long long base = 0;
        if (group.weighted)
            base = shares[weighted++];
        else if (t < group.totalSeconds)
            base = group.config.profile.plannedWholeVusersAt(t);
        GroupSchedule &schedule = groupSchedules[closed[i]];
        schedule.planned = std::max(0LL, base + deltas[i]);
        schedule.maxPlanned = std::max(schedule.maxPlanned, schedule.planned);
    }
}

void Run::Private::schedule(std::uint64_t now)
{
    long long delta;
    double t;
    {
        std::lock_guard lock(controlMutex);
        delta = manualDelta;
        t = scheduleSeconds(now);
    }
    if (t >= totalSeconds) {
        beginStop(false);
        return;
    }
    // The workers run the open groups' arrival schedules themselves.
    if (delta != 0 && shared.allOpen && !std::exchange(adjustWarned, true))
        reporter->addEvent({t, "warning",
                            "adding or removing vusers has no effect on an arrival-rate "
                            "profile (its pool grows by itself up to the maximum)",
                            ErrorClass::Other, 0});
    plan(t, delta);
    planned = 0;
    for (std::size_t g = 0; g < groupSchedules.size(); ++g) {
        GroupSchedule &schedule = groupSchedules[g];
        if (schedule.planned > schedule.scheduled)
            addVusers(schedule.planned - schedule.scheduled, int(g));
        else if (schedule.planned < schedule.scheduled)
            removeVusers(schedule.scheduled - schedule.planned, int(g));
        planned += schedule.planned;
    }
    maxPlanned = std::max(maxPlanned, planned);
}

bool Run::Private::iterationsDone(std::uint64_t now)
{
    if (shared.config.iterationsPerVuser == 0 || closedVusersAdded == 0 || shared.openModel)
        return false;
    double riseEnd = 0; // the end of the profiles' last step that adds vusers
    for (const auto &group : shared.groups) {
        double stepEnd = 0;
        const RampProfile &profile =
            group->weighted ? shared.config.profile : group->config.profile;
        for (const RampStep &step : profile.steps()) {
            stepEnd += step.seconds;
            if (step.rate > 0)
                riseEnd = std::max(riseEnd, stepEnd);
        }
    }
    double t;
    long long delta;
    {
        std::lock_guard lock(controlMutex);
        t = scheduleSeconds(now);
        delta = manualDelta;
    }
    return t >= riseEnd && delta <= 0 &&
           shared.vusersGone.load(std::memory_order_relaxed) == closedVusersAdded;
}

void Run::Private::beginStop(bool interruptNow)
{
    if (!stopping) {
        stopping = true;
        stopNs = nowNs();
        // Before the workers hear of the stop: they start what is due up to here, no later.
        shared.stopScheduleNs.store(shared.scheduleNs(shared.config.clock()),
                                    std::memory_order_release);
        planned = 0;
        gracefulDeadlineNs =
            shared.config.clock() + std::uint64_t(shared.config.gracefulStopSeconds * 1e9);
        for (auto &worker : workers)
            worker->post({WorkerCommand::Type::Stop});
        if (hub)
            hub->releaseAll();
    }
    if (interruptNow && !interrupted) {
        interrupted = true;
        interruptedNs = nowNs();
        for (auto &worker : workers)
            worker->post({WorkerCommand::Type::Interrupt});
    }
}

void Run::Private::report(bool final)
{
    Reporter::Collected collected = reporter->collect(final, abandoned);
    if (final && abandoned) {
        const int crashed = CrashGuard::crashedWorker();
        for (std::size_t w = 0; w < workers.size(); ++w) {
            if (stalled[w] && workers[w]->index() == crashed)
                collected.intervals.push_back(
                    workers[w]->salvageAfterCrash(CrashGuard::description()));
        }
    }
    const long long active = shared.activeVusers.load(std::memory_order_relaxed);
    maxVusers = std::max({maxVusers, active, shared.peakVusers.load(std::memory_order_relaxed)});
    const RunState state = final      ? RunState::Finished
                           : stopping ? RunState::Stopping
                                      : RunState::Running;
    Reporter::ScheduleState schedule{state, active, planned, maxVusers, maxPlanned};
    double t;
    {
        std::lock_guard lock(controlMutex);
        t = scheduleSeconds(collected.atNs);
    }
    const std::uint64_t stopAt = shared.stopScheduleNs.load(std::memory_order_acquire);
    if (stopAt != RunShared::notPaused)
        t = std::min(t, double(stopAt) / 1e9);
    for (std::size_t g = 0; g < shared.groups.size(); ++g) {
        const GroupShared &group = *shared.groups[g];
        Reporter::ScheduleState::Group &part = schedule.groups.emplace_back();
        part.activeVusers = group.activeVusers.load(std::memory_order_relaxed);
        part.maxVusers =
            std::max(part.activeVusers, group.peakVusers.load(std::memory_order_relaxed));
        part.plannedVusers = stopping ? 0 : groupSchedules[g].planned;
        part.maxPlannedVusers = groupSchedules[g].maxPlanned;
        if (!group.openModel)
            continue;
        ArrivalStats &arrivals = part.arrivals;
        arrivals.open = true;
        const ArrivalProfile &profile = group.config.arrivalRate;
        const double at = std::min(t, profile.totalSeconds());
        arrivals.plannedRate = state == RunState::Running ? profile.rateAt(at) : 0;
        arrivals.planned = group.plannedArrivals(shared.config, at);
        for (const auto &worker : workers) {
            arrivals.poolSize += worker->poolSize(int(g));
            arrivals.poolIdle += worker->poolIdle(int(g));
            arrivals.poolMax += worker->poolMax(int(g));
        }
        part.plannedVusers = arrivals.poolMax;
        // The run's: the open groups' sums, for a run whose every group is open (in a mix,
        // each group's snapshot has its own).
        ArrivalStats &total = schedule.arrivals;
        total.open = shared.allOpen;
        total.plannedRate += arrivals.plannedRate;
        total.planned += arrivals.planned;
        total.poolSize += arrivals.poolSize;
        total.poolIdle += arrivals.poolIdle;
        total.poolMax += arrivals.poolMax;
        schedule.plannedVusers += arrivals.poolMax;
    }

    forEachFeeder([&](const std::string &name, const DataFeeder &feeder) {
        schedule.data.emplace(name, feeder.stats());
    });
    schedule.stoppedByData = stoppedByData;
    publish(reporter->merge(std::move(collected), final, schedule));
}

void Run::Private::publish(std::shared_ptr<const Snapshot> snapshot)
{
    {
        std::lock_guard lock(latestMutex);
        latestSnapshot = snapshot;
    }
    // On the controller thread, so the schedule waits for them: observers only hand the
    // pointer on (the UI bridge and the output runner queue it).
    for (const auto &observer : observers)
        observer(snapshot);
}

std::string Run::Private::stalledWorkerText(const Worker &worker, std::uint64_t now) const
{
    if (CrashGuard::crashedWorker() == worker.index())
        return CrashGuard::description();
    const double seconds = double(now - worker.lastTurnNs()) / 1e9;
    std::string text = "worker " + std::to_string(worker.index()) +
                       " has not come back to its event loop for " + std::to_string(int(seconds)) +
                       " s";
    if (const std::uint64_t vuser = worker.vuserInScenario()) {
        text += ": vuser " + std::to_string(vuser) + " is in the code of scenario \"" +
                worker.scenarioInScenario() +
                "\" and does not co_await (every vuser on this worker waits for it)";
    }
    return text;
}

bool Run::Private::watch(std::uint64_t scheduleNow)
{
    // Workers stamp their turns with the real clock: compare with that, never with the
    // schedule's (a test's hand-turned clock may be far ahead of it).
    const std::uint64_t now = nowNs();
    const double elapsedSeconds = double(scheduleNow - shared.startNs) / 1e9;
    // The loop turns at least once a second when idle: 3 s without a turn is a stall.
    constexpr std::uint64_t stallNs = 3'000'000'000ULL;
    // A command wakes a healthy worker within milliseconds; one that has not turned since is
    // stuck in scenario code if that is where it is, else busy in its own (give it longer).
    constexpr std::uint64_t stuckInScenarioNs = 500'000'000ULL;
    constexpr std::uint64_t stuckElsewhereNs = 5'000'000'000ULL;
    const auto stuckSince = [&](const Worker &worker, std::uint64_t since) {
        const std::uint64_t turn = worker.lastTurnNs();
        if (turn >= since)
            return false;
        if (CrashGuard::crashedWorker() == worker.index())
            return true;
        return now >= since + (worker.vuserInScenario() ? stuckInScenarioNs : stuckElsewhereNs);
    };
    // Left behind only once every worker is either stuck or has come back since the interrupt:
    // a crashed worker is stuck at once, and one spinning next to it must not be joined.
    bool anyStuck = false;
    bool allSettled = true;
    for (std::size_t w = 0; w < workers.size(); ++w) {
        const Worker &worker = *workers[w];
        const std::uint64_t turn = worker.lastTurnNs();
        const bool stalledLong = now >= turn + stallNs;
        if (stalledLong && stallWarned[w] != turn) {
            stallWarned[w] = turn;
            reporter->addEvent({elapsedSeconds, "warning",
                                stalledWorkerText(worker, now) +
                                    "; stopping the run (Ctrl-C, SIGTERM) leaves it behind",
                                ErrorClass::Other, worker.vuserInScenario()});
        }
        if (interrupted) {
            stalled[w] = stuckSince(worker, interruptedNs);
            anyStuck = anyStuck || stalled[w];
            allSettled = allSettled && (stalled[w] || worker.lastTurnNs() >= interruptedNs);
        } else if (stopping && !interrupted &&
                   ((stalledLong && worker.vuserInScenario()) || stuckSince(worker, stopNs))) {
            // A graceful stop cannot complete on a worker that does not turn: interrupt now,
            // so that a stuck scenario costs a moment, not the graceful-stop period. One warning
            // per stall: this one, or the one above (which then said what a stop does).
            if (stallWarned[w] != turn) {
                stallWarned[w] = turn;
                reporter->addEvent({elapsedSeconds, "warning",
                                    stalledWorkerText(worker, now) +
                                        "; the run is interrupted instead of stopped gracefully",
                                    ErrorClass::Other, worker.vuserInScenario()});
            }
            beginStop(true);
        }
    }
    return anyStuck && allSettled;
}

void Run::Private::discardWorkers()
{
    for (auto &worker : workers)
        worker->post({WorkerCommand::Type::Quit});
    if (std::find(stalled.begin(), stalled.end(), true) != stalled.end())
        abandoned = true; // whatever ended the loop, a stuck worker is not joined
    if (abandoned) {
        // Workers are being left behind: one that came back may have gone into scenario code
        // again (the destructors of interrupted iterations). Joined only if it ends in time.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        for (std::size_t w = 0; w < workers.size(); ++w) {
            while (!stalled[w] && !workers[w]->exited() &&
                   std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!workers[w]->exited())
                stalled[w] = true;
        }
    }
    for (std::size_t w = 0; w < workers.size(); ++w) {
        if (w < stalled.size() && stalled[w]) {
            // Its thread is still in scenario code and may come back one day: the worker and
            // everything it references (this Private, the plugin) must outlive it.
            workers[w]->abandon();
            (void)workers[w].release();
        } else {
            workers[w]->join();
        }
    }
    workers.clear();
    assigned.clear();
    for (auto &schedule : groupSchedules)
        schedule.assigned.clear();
}

void Run::Private::controllerLoop()
{
    const auto reportNs = std::uint64_t(shared.config.reportIntervalSeconds * 1e9);
    std::uint64_t nextReport = shared.startNs + reportNs;
    constexpr std::uint64_t tickNs = 10'000'000; // 10 ms: fine-grained enough for any ramp
    for (;;) {
        const std::uint64_t now = shared.config.clock();
        bool stopNow, abortNow;
        std::vector<LogEvent> controls;
        {
            std::lock_guard lock(controlMutex);
            stopNow = stopRequested;
            abortNow = abortRequested;
            controls.swap(controlEvents);
        }
        for (LogEvent &event : controls)
            reporter->addEvent(std::move(event));
        if (stoppedByData.empty()) {
            forEachFeeder([&](const std::string &name, const DataFeeder &feeder) {
                if (stoppedByData.empty() && feeder.feed().onExhausted == DataExhaustion::StopRun &&
                    feeder.exhausted()) {
                    stoppedByData = name;
                    stopNow = true; // gracefully, as when the profile ends
                }
            });
        }
        if (abortNow || shared.workerFailed.load(std::memory_order_relaxed))
            beginStop(true);
        else if (stopNow)
            beginStop(false);
        if (!stopping)
            schedule(now);
        if (!stopping && iterationsDone(now))
            beginStop(false);
        const long long active = shared.activeVusers.load(std::memory_order_relaxed);
        maxVusers =
            std::max({maxVusers, active, shared.peakVusers.load(std::memory_order_relaxed)});
        hub->poll(shared.runningVusers()); // not the open model's idle pool vusers
        if (watch(now)) {
            abandoned = true;
            std::string reason;
            for (std::size_t w = 0; w < workers.size(); ++w) {
                if (stalled[w])
                    reason +=
                        (reason.empty() ? "" : "; ") + stalledWorkerText(*workers[w], nowNs());
            }
            if (CrashGuard::crashedWorker() < 0) {
                reason += ". It was left behind when the run was aborted; what it did since its "
                          "last report is not counted";
            }
            reporter->setIncomplete(reason);
            break;
        }
        if (stopping) {
            if (active == 0)
                break;
            if (!interrupted && now >= gracefulDeadlineNs)
                beginStop(true);
        }
        if (now >= nextReport) {
            report(false);
            nextReport += reportNs;
            if (nextReport <= now)
                nextReport = now + reportNs;
        }
        std::unique_lock lock(controlMutex);
        controlWake.wait_for(lock, std::chrono::nanoseconds(
                                       std::min(tickNs, nextReport > now ? nextReport - now : 0)));
    }
    report(true);
    discardWorkers();
    {
        std::lock_guard lock(latestMutex);
        finishedFlag = true;
    }
    finishedCv.notify_all();
}

Run::Run(RunConfig config)
    : d(std::make_unique<Private>(std::move(config)))
{}

double Run::plannedSeconds() const
{
    return d->totalSeconds;
}

Run::~Run()
{
    d->endController();
    // A worker left behind still runs scenario code that reaches this run's state (and holds
    // the plugin through the scenario): it all stays until the process ends.
    if (d->abandoned)
        (void)d.release();
}

void Run::addObserver(SnapshotObserver observer)
{
    d->observers.push_back(std::move(observer));
}

tl::expected<void, Error> Run::start()
{
    if (d->started)
        return tl::make_unexpected(Error{"the run was already started"});
    for (std::size_t g = 0; g < d->shared.groups.size(); ++g) {
        if (auto problem =
                groupProblem(*d->shared.groups[g], d->shared.config, d->shared.grouped, g))
            return tl::make_unexpected(std::move(*problem));
    }
    curlGlobalInitOnce();
    d->started = true;

    int workerCount = d->shared.config.workers;
    if (workerCount <= 0)
        workerCount = std::max(1, int(std::thread::hardware_concurrency()));
    long long largestPool = 0;
    for (const auto &group : d->shared.groups) {
        if (group->openModel)
            largestPool = std::max(
                largestPool, std::max(group->config.maxVusers, group->config.preAllocatedVusers));
    }
    // An open run needs no more workers than its largest pool has vusers.
    if (d->shared.allOpen)
        workerCount = int(std::min<long long>(workerCount, largestPool));
    d->shared.workerCount = workerCount;
    // Workers add their share of each open group's pre-allocated vusers (ids 1…N, group after
    // group) as they start; every later vuser takes the next id.
    std::uint64_t nextId = 1;
    for (auto &group : d->shared.groups) {
        if (!group->openModel)
            continue;
        const GroupConfig &config = group->config;
        // Every worker taking arrivals holds at least one vuser of the pool, or they would drop.
        group->arrivalWorkers = int(std::min<long long>(
            workerCount, std::max(config.maxVusers, config.preAllocatedVusers)));
        group->totalArrivals =
            group->plannedArrivals(d->shared.config, config.arrivalRate.totalSeconds());
        group->firstPreAllocatedId = nextId;
        nextId += std::uint64_t(std::max(0LL, config.preAllocatedVusers));
    }
    d->shared.nextVuserId.store(nextId);
    auto *self = d.get();
    d->hub = std::make_unique<RendezvousHub>(
        d->shared.config.rendezvous, d->shared.config.clock,
        [self](int worker, std::uint64_t vuser, std::uint64_t token, RendezvousOutcome outcome) {
            self->workers[std::size_t(worker)]->post(
                {WorkerCommand::Type::ResumeRendezvous, vuser, token, outcome});
        });
    d->shared.hub = d->hub.get();
    if (d->shared.grouped) {
        d->hub->setGroupsRunning([self](const std::vector<bool> &groups) {
            long long running = 0;
            for (std::size_t g = 0; g < groups.size() && g < self->shared.groups.size(); ++g) {
                if (groups[g])
                    running += self->shared.groups[g]->runningVusers();
            }
            return running;
        });
    }
    d->shared.startNs = d->shared.config.clock();
    for (int i = 0; i < workerCount; ++i) {
        d->workers.push_back(std::make_unique<Worker>(i, d->shared));
        d->assigned.push_back(0);
        for (auto &schedule : d->groupSchedules)
            schedule.assigned.push_back(0);
        d->stallWarned.push_back(0);
        d->stalled.push_back(false);
    }
    for (auto &worker : d->workers) {
        if (auto started = worker->start(); !started) {
            // As if never started: wait() returns at once, and start() may be tried again.
            d->discardWorkers();
            d->shared.hub = nullptr;
            d->hub.reset();
            d->started = false;
            return started;
        }
    }
    d->reporter =
        std::make_unique<Reporter>(d->workers, *d->hub, d->shared.config.clock, d->shared.startNs,
                                   d->shared.config.reportIntervalSeconds, d->totalSeconds);
    d->reporter->setKeepHistograms(d->shared.config.keepHistograms);
    d->reporter->setKeepIntervalHistograms(d->shared.config.keepIntervalHistograms);
    // Latency from the intended start is the run's only when every group is open; in a mix,
    // each open group's snapshot has its own.
    d->reporter->setRunIntended(d->shared.allOpen);
    if (d->shared.grouped) {
        std::vector<std::string> names;
        for (const auto &group : d->shared.groups)
            names.push_back(group->config.name);
        d->reporter->setGroups(std::move(names));
    }
    d->controller = std::thread([self] { self->controllerLoop(); });
    return {};
}

void Run::stop()
{
    {
        std::lock_guard lock(d->controlMutex);
        d->stopRequested = true;
    }
    d->controlWake.notify_all();
}

void Run::abort()
{
    {
        std::lock_guard lock(d->controlMutex);
        d->stopRequested = true;
        d->abortRequested = true;
    }
    d->controlWake.notify_all();
}

std::shared_ptr<const Snapshot> Run::wait()
{
    {
        std::unique_lock lock(d->latestMutex);
        d->finishedCv.wait(lock, [&] { return d->finishedFlag || !d->started; });
    }
    if (d->controller.joinable())
        d->controller.join();
    return latest();
}

bool Run::abandonedWorkers() const
{
    std::lock_guard lock(d->latestMutex);
    return d->finishedFlag && d->abandoned;
}

bool Run::finished() const
{
    std::lock_guard lock(d->latestMutex);
    return d->finishedFlag;
}

void Run::adjustVusers(long long delta)
{
    if (delta == 0)
        return;
    std::lock_guard lock(d->controlMutex);
    d->manualDelta += delta;
    const std::uint64_t now = d->shared.config.clock();
    const double at = now > d->shared.startNs ? double(now - d->shared.startNs) / 1e9 : 0.0;
    const std::string count = std::to_string(delta > 0 ? delta : -delta);
    d->controlEvents.push_back({at, "info",
                                (delta > 0 ? "live change: added " : "live change: removed ") +
                                    count + (delta == 1 || delta == -1 ? " vuser" : " vusers"),
                                ErrorClass::Other, 0, EventKind::VusersChanged, delta});
}

void Run::setPaused(bool paused)
{
    std::lock_guard lock(d->controlMutex);
    if (paused == d->pausedFlag)
        return;
    const std::uint64_t now = d->shared.config.clock();
    if (paused) {
        d->pausedSinceNs = now;
        d->shared.pausedAtNs.store(now, std::memory_order_release);
    } else {
        d->pausedTotalNs += now - d->pausedSinceNs;
        // The total first: a worker reading "not paused" then sees the whole pause.
        d->shared.pausedTotalNs.store(d->pausedTotalNs, std::memory_order_release);
        d->shared.pausedAtNs.store(RunShared::notPaused, std::memory_order_release);
    }
    d->pausedFlag = paused;
    const double at = now > d->shared.startNs ? double(now - d->shared.startNs) / 1e9 : 0.0;
    d->controlEvents.push_back(
        {at, "info",
         paused ? "schedule paused (running vusers go on)" : "schedule resumed where it was paused",
         ErrorClass::Other, 0, paused ? EventKind::Paused : EventKind::Resumed, 0});
}

bool Run::paused() const
{
    std::lock_guard lock(d->controlMutex);
    return d->pausedFlag;
}

std::shared_ptr<const Snapshot> Run::latest() const
{
    std::lock_guard lock(d->latestMutex);
    return d->latestSnapshot;
}

} // namespace Loadwizard
