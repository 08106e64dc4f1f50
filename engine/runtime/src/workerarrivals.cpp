// The open workload model's side of a worker: its share of the arrival schedule, its share of
// the vuser pool, and pacing (the closed model's spacing of iteration starts).
#include "worker.h"

#include "clock.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace Loadwizard::Engine {

namespace {

/// Worker `index`'s share of `total` spread over `workers`: the first ones take the remainder.
long long shareOf(long long total, int index, int workers)
{
    return total / workers + (index < total % workers ? 1 : 0);
}

} // namespace

std::uint64_t RunShared::scheduleNs(std::uint64_t clockNow) const
{
    // pausedAtNs first: Run stores the total before clearing it (see the declaration).
    const std::uint64_t pausedAt = pausedAtNs.load(std::memory_order_acquire);
    const std::uint64_t paused = pausedTotalNs.load(std::memory_order_acquire);
    const std::uint64_t now = std::min(clockNow, pausedAt);
    const std::uint64_t since = now > startNs ? now - startNs : 0;
    return std::min(since > paused ? since - paused : 0,
                    stopScheduleNs.load(std::memory_order_acquire));
}

std::uint64_t GroupShared::plannedArrivals(const RunConfig &run, double seconds) const
{
    if (shareIndex < 0)
        return config.arrivalRate.arrivalsBetween(
            0, std::min(seconds, config.arrivalRate.totalSeconds()));
    const std::uint64_t all =
        run.arrivalRate.arrivalsBetween(0, std::min(seconds, run.arrivalRate.totalSeconds()));
    return std::uint64_t(splitByWeights((long long)all, shareWeights)[std::size_t(shareIndex)]);
}

double Worker::plannedArrivalTime(int group, std::uint64_t k)
{
    const GroupShared &shared = *m_shared.groups[std::size_t(group)];
    if (shared.shareIndex < 0)
        return shared.config.arrivalRate.plannedTime(k);
    // Deal the run's arrivals until this group has its (k+1)-th: that seat is the last dealt.
    // Each worker deals for itself, forward only (its k only grow): a few steps per arrival.
    GroupArrivals &arrivals = m_arrivals[group];
    if (!arrivals.dealer)
        arrivals.dealer.emplace(shared.shareWeights);
    const auto index = std::size_t(shared.shareIndex);
    while (std::uint64_t(arrivals.dealer->parts()[index]) < k + 1)
        arrivals.dealer->next();
    return m_shared.config.arrivalRate.plannedTime(arrivals.dealer->dealt() - 1);
}

tl::expected<void, Error> Worker::setUpArrivals()
{
    if (!m_shared.openModel)
        return {};
    for (std::size_t g = 0; g < m_shared.groups.size(); ++g) {
        const GroupShared &group = *m_shared.groups[g];
        GroupArrivals &arrivals = m_arrivals[g];
        arrivals.nextArrivalSeconds = std::numeric_limits<double>::infinity();
        if (!group.openModel || m_index >= group.arrivalWorkers)
            continue; // a worker without a share of the pool takes none of its arrivals
        const GroupConfig &config = group.config;
        const int workers = group.arrivalWorkers;
        arrivals.poolMax =
            shareOf(std::max(config.maxVusers, config.preAllocatedVusers), m_index, workers);
        // The group's pre-allocated ids, in runs per worker; the growth draws from the run's
        // next id on.
        std::uint64_t firstId = group.firstPreAllocatedId;
        for (int w = 0; w < m_index; ++w)
            firstId += std::uint64_t(shareOf(config.preAllocatedVusers, w, workers));
        addVusers(firstId, std::uint64_t(shareOf(config.preAllocatedVusers, m_index, workers)),
                  int(g));
        arrivals.nextArrival = std::uint64_t(m_index);
        if (arrivals.nextArrival < group.totalArrivals)
            arrivals.nextArrivalSeconds = plannedArrivalTime(int(g), arrivals.nextArrival);
    }
    // Due at once: the loop's first turn looks at the schedule and arms the timer. Without it,
    // a pool with nothing pre-allocated slept a whole second (the loop's longest wait) before
    // its first arrival, queueing or dropping that second's arrivals.
    m_arrivalWakeNs = 1;
    // The epoll timeout counts milliseconds; 20 000 arrivals a second need finer wakeups.
    m_timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_timerFd < 0)
        return tl::make_unexpected(Error{"worker " + std::to_string(m_index) +
                                         ": timerfd_create failed: " + std::strerror(errno)});
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_timerFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timerFd, &event) != 0)
        return tl::make_unexpected(Error{"worker " + std::to_string(m_index) +
                                         ": epoll_ctl failed: " + std::strerror(errno)});
    return {};
}

void Worker::armArrivalTimer(std::uint64_t wakeNs)
{
    if (m_timerFd < 0 || wakeNs == m_timerArmedNs)
        return;
    m_timerArmedNs = wakeNs;
    itimerspec spec{};
    // nowNs() is the steady clock, CLOCK_MONOTONIC on Linux; 0 disarms.
    spec.it_value.tv_sec = time_t(wakeNs / 1'000'000'000ULL);
    spec.it_value.tv_nsec = long(wakeNs % 1'000'000'000ULL);
    timerfd_settime(m_timerFd, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Worker::startArrivals(bool all)
{
    if (!m_shared.openModel || m_stopping)
        return;
    const std::uint64_t clockNow = m_shared.config.clock();
    const std::uint64_t scheduleNs = m_shared.scheduleNs(clockNow);
    const double scheduleSeconds = double(scheduleNs) / 1e9;
    const std::uint64_t realNow = nowNs();
    // A batch per loop turn keeps sockets served while a late worker catches up; the rest are
    // still due on the next turn (the wait is then 0), each with its own intended time.
    constexpr int batch = 4096;
    int budget = batch;
    double next = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < m_shared.groups.size(); ++g) {
        if (!m_shared.groups[g]->openModel)
            continue;
        budget -= startGroupArrivals(int(g), all, budget, scheduleNs, realNow);
        next = std::min(next, m_arrivals[g].nextArrivalSeconds);
    }
    if (!std::isfinite(next)) {
        m_arrivalWakeNs = 0;
    } else if (m_shared.manualClock) {
        m_arrivalWakeNs = realNow + 1'000'000; // a test turns the clock: look every millisecond
    } else if (m_shared.pausedAtNs.load(std::memory_order_relaxed) != RunShared::notPaused) {
        m_arrivalWakeNs = realNow + 10'000'000; // resumed within 10 ms
    } else {
        const double ahead = std::max(0.0, next - scheduleSeconds);
        m_arrivalWakeNs = realNow + std::uint64_t(ahead * 1e9);
    }
    armArrivalTimer(m_arrivalWakeNs);
}

int Worker::startGroupArrivals(int group, bool all, int budget, std::uint64_t scheduleNs,
                               std::uint64_t realNow)
{
    const GroupShared &shared = *m_shared.groups[std::size_t(group)];
    GroupArrivals &arrivals = m_arrivals[group];
    const double scheduleSeconds = double(scheduleNs) / 1e9;
    const auto stride = std::uint64_t(shared.arrivalWorkers);
    auto &counters = m_interval->groups[std::size_t(group)].counters;
    int started = 0;
    while (arrivals.nextArrivalSeconds <= scheduleSeconds && (all || started < budget)) {
        // No vuser idle, but vusers queued to start theirs: run those first (a quick iteration
        // is back in the pool before the next turn), so that catching up after a late wakeup
        // does not drop arrivals a vuser would have taken a moment later. The rest stay due.
        if (!all && arrivals.idle.empty() && !m_ready.empty())
            break;
        ++started;
        const auto plannedNs = std::uint64_t(std::llround(arrivals.nextArrivalSeconds * 1e9));
        const std::uint64_t lateNs = scheduleNs > plannedNs ? scheduleNs - plannedNs : 0;
        const std::uint64_t intendedNs = realNow > lateNs ? realNow - lateNs : 0;
        VuserImpl *idle = nullptr;
        while (!idle && !arrivals.idle.empty()) { // only vusers still here (a stop clears it)
            idle = find(arrivals.idle.back());
            arrivals.idle.pop_back();
            arrivals.poolIdle.fetch_sub(1, std::memory_order_relaxed);
            m_shared.groups[std::size_t(group)]->idleVusers.fetch_sub(1, std::memory_order_relaxed);
        }
        if (idle) {
            idle->stepEndNs = intendedNs;
            idle->arrivalPending = true;
            m_ready.push_back(idle->id());
        } else if (arrivals.initialising > arrivals.waiting.size()) {
            // A vuser still in vuserInit takes it as soon as it is ready (the pool's start).
            arrivals.waiting.push_back(intendedNs);
        } else if (arrivals.members < arrivals.poolMax) {
            // The new vuser initialises first; whichever vuser is free first takes the arrival.
            const std::uint64_t id = m_shared.nextVuserId.fetch_add(1, std::memory_order_relaxed);
            addVusers(id, 1, group);
            arrivals.waiting.push_back(intendedNs);
        } else {
            ++counters.iterationsDropped;
        }
        arrivals.nextArrival += stride;
        arrivals.nextArrivalSeconds = arrivals.nextArrival < shared.totalArrivals
                                          ? plannedArrivalTime(group, arrivals.nextArrival)
                                          : std::numeric_limits<double>::infinity();
    }
    return started;
}

void Worker::toPool(VuserImpl &vuser)
{
    GroupArrivals &arrivals = m_arrivals[vuser.group];
    if (!arrivals.waiting.empty()) {
        vuser.stepEndNs = arrivals.waiting.front();
        vuser.arrivalPending = true;
        arrivals.waiting.pop_front();
        m_ready.push_back(vuser.id());
        return;
    }
    arrivals.idle.push_back(vuser.id());
    arrivals.poolIdle.fetch_add(1, std::memory_order_relaxed);
    group(vuser).idleVusers.fetch_add(1, std::memory_order_relaxed);
}

void Worker::stopArrivals()
{
    if (!m_shared.openModel)
        return;
    for (std::size_t g = 0; g < m_shared.groups.size(); ++g) {
        GroupArrivals &arrivals = m_arrivals[g];
        // Not started, so not in iterationsStarted: planned = started + dropped still holds.
        m_interval->groups[g].counters.iterationsDropped += arrivals.waiting.size();
        arrivals.waiting.clear();
        arrivals.idle.clear(); // removeVusers() retires them
        m_shared.groups[g]->idleVusers.fetch_sub(
            arrivals.poolIdle.exchange(0, std::memory_order_relaxed), std::memory_order_relaxed);
        arrivals.nextArrivalSeconds = std::numeric_limits<double>::infinity();
    }
    m_arrivalWakeNs = 0;
    armArrivalTimer(0);
}

std::uint64_t Worker::pacingDelayNs(VuserImpl &vuser, std::uint64_t now)
{
    const GroupShared &shared = group(vuser);
    const PacingSettings &pacing = shared.config.pacing;
    if (!pacing.enabled() || shared.openModel)
        return 0;
    double seconds = pacing.minSeconds;
    if (pacing.maxSeconds > pacing.minSeconds) {
        // 53 random bits: a uniform double in [0, 1).
        const double unit = double(vuser.random64() >> 11) * 0x1.0p-53;
        seconds += (pacing.maxSeconds - pacing.minSeconds) * unit;
    }
    const std::uint64_t next = vuser.iterationStartNs + std::uint64_t(seconds * 1e9);
    return next > now ? next - now : 0;
}

} // namespace Loadwizard::Engine
