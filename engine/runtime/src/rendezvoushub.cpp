#include "rendezvoushub.h"

#include <algorithm>
#include <cmath>

namespace Loadwizard::Engine {

RendezvousHub::RendezvousHub(std::vector<RendezvousPolicy> policies, Clock clock, Resume resume)
    : m_policies(std::move(policies))
    , m_clock(std::move(clock))
    , m_resume(std::move(resume))
{}

RendezvousHub::Point &RendezvousHub::pointLocked(const std::string &name)
{
    auto it = m_points.find(name);
    if (it != m_points.end())
        return it->second;
    Point point;
    point.policy.name = name;
    for (const auto &policy : m_policies) {
        if (policy.name == name)
            point.policy = policy;
    }
    return m_points.emplace(name, std::move(point)).first->second;
}

bool RendezvousHub::shouldReleaseLocked(const Point &point, long long runningVusers) const
{
    const auto waiting = double(point.waiting.size());
    if (waiting == 0)
        return false;
    switch (point.policy.kind) {
    case RendezvousPolicy::Kind::Count:
        // Never wait for more vusers than are running: that would always end in a timeout.
        return waiting >= std::min(point.policy.value, double(std::max(runningVusers, 1LL)));
    case RendezvousPolicy::Kind::Percent:
        return waiting >=
               std::max(1.0, std::ceil(point.policy.value / 100.0 * double(runningVusers)));
    case RendezvousPolicy::Kind::AllRunning:
        break;
    }
    return waiting >= double(std::max(runningVusers, 1LL));
}

void RendezvousHub::releaseLocked(Point &point, RendezvousOutcome outcome)
{
    const std::uint64_t now = m_clock();
    if (outcome != RendezvousOutcome::Cancelled) {
        ++point.stats.releases;
        if (outcome == RendezvousOutcome::TimedOut)
            ++point.stats.timeouts;
    }
    for (const auto &waiter : point.waiting) {
        const double waitedMs = double(now - waiter.arrivedNs) / 1e6;
        point.totalWaitMs += waitedMs;
        point.stats.maxWaitMs = std::max(point.stats.maxWaitMs, waitedMs);
        ++point.waitCount;
        if (outcome != RendezvousOutcome::Cancelled) // vusers let go because the run ends
            ++point.stats.released;
        m_resume(waiter.worker, waiter.vuser, waiter.token, outcome);
    }
    point.waiting.clear();
    if (point.waitCount > 0)
        point.stats.meanWaitMs = point.totalWaitMs / double(point.waitCount);
}

long long RendezvousHub::runningLocked(const Point &point, long long runningVusers) const
{
    return m_groupsRunning && !point.groups.empty() ? m_groupsRunning(point.groups) : runningVusers;
}

void RendezvousHub::arrive(const std::string &name, int worker, std::uint64_t vuser,
                           std::uint64_t token, long long runningVusers, int group)
{
    std::lock_guard lock(m_mutex);
    auto &point = pointLocked(name);
    if (std::size_t(group) >= point.groups.size())
        point.groups.resize(std::size_t(group) + 1, false);
    point.groups[std::size_t(group)] = true;
    ++point.stats.arrivals;
    const std::uint64_t now = m_clock();
    point.waiting.push_back({worker, vuser, token, now});
    point.lastArrivalNs = now;
    if (m_closed)
        releaseLocked(point, RendezvousOutcome::Cancelled);
    else if (shouldReleaseLocked(point, runningLocked(point, runningVusers)))
        releaseLocked(point, RendezvousOutcome::Released);
}

void RendezvousHub::cancel(const std::string &name, std::uint64_t vuser)
{
    std::lock_guard lock(m_mutex);
    auto it = m_points.find(name);
    if (it == m_points.end())
        return;
    std::erase_if(it->second.waiting, [vuser](const Waiter &w) { return w.vuser == vuser; });
}

void RendezvousHub::poll(long long runningVusers)
{
    std::lock_guard lock(m_mutex);
    const std::uint64_t now = m_clock();
    for (auto &[name, point] : m_points) {
        if (point.waiting.empty())
            continue;
        const double idle = double(now - point.lastArrivalNs) / 1e9;
        if (shouldReleaseLocked(point, runningLocked(point, runningVusers)))
            releaseLocked(point, RendezvousOutcome::Released);
        else if (idle >= point.policy.timeoutSeconds)
            releaseLocked(point, RendezvousOutcome::TimedOut);
    }
}

void RendezvousHub::releaseAll()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    for (auto &[name, point] : m_points)
        releaseLocked(point, RendezvousOutcome::Cancelled);
}

std::map<std::string, RendezvousStats, std::less<>> RendezvousHub::stats() const
{
    std::lock_guard lock(m_mutex);
    std::map<std::string, RendezvousStats, std::less<>> out;
    for (const auto &[name, point] : m_points)
        out.emplace(name, point.stats);
    return out;
}

} // namespace Loadwizard::Engine
