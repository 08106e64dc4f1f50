#pragma once

#include "clock.h"

#include <loadwizard/scenario.h>
#include <loadwizard/settings.h>
#include <loadwizard/snapshot.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace Loadwizard::Engine {

/// The run's rendezvous points. Vusers of every worker meet here, so this is the one place that
/// locks; it is off the request path (a rendezvous is rare next to requests).
class RendezvousHub
{
public:
    /// Tells a worker to resume one of its vusers.
    using Resume = std::function<void(int worker, std::uint64_t vuser, std::uint64_t token,
                                      RendezvousOutcome outcome)>;

    /// Waits and timeouts are measured on `clock` (the run's).
    RendezvousHub(std::vector<RendezvousPolicy> policies, Clock clock, Resume resume);

    /// The running vusers of the groups (a mix's, by index) whose vusers reached a point.
    using GroupsRunning = std::function<long long(const std::vector<bool> &groups)>;
    /// A run with groups: a point's "running vusers" are those of the groups that reach it (a
    /// rendezvous in the buyers' scenario waits for buyers, not for browsers that never come).
    /// Before the run starts.
    void setGroupsRunning(GroupsRunning running) { m_groupsRunning = std::move(running); }

    /// A vuser (of `group`) arrived; it may be released at once (the resume is posted, never
    /// called inline). `runningVusers` is the base without setGroupsRunning().
    void arrive(const std::string &name, int worker, std::uint64_t vuser, std::uint64_t token,
                long long runningVusers, int group = 0);
    /// The vuser is gone (interrupted): forget it.
    void cancel(const std::string &name, std::uint64_t vuser);
    /// Timeouts, and percent policies whose base (running vusers) shrank.
    void poll(long long runningVusers);
    /// Ends every wait (the run is stopping).
    void releaseAll();
    std::map<std::string, RendezvousStats, std::less<>> stats() const;

private:
    struct Waiter
    {
        int worker;
        std::uint64_t vuser;
        std::uint64_t token;
        std::uint64_t arrivedNs;
    };
    struct Point
    {
        RendezvousPolicy policy;
        std::vector<Waiter> waiting;
        std::uint64_t lastArrivalNs = 0;
        RendezvousStats stats;
        double totalWaitMs = 0;
        std::uint64_t waitCount = 0;
        std::vector<bool> groups; ///< which groups' vusers reached it
    };

    Point &pointLocked(const std::string &name);
    bool shouldReleaseLocked(const Point &point, long long runningVusers) const;
    /// The point's base: its groups' running vusers, or `runningVusers`.
    long long runningLocked(const Point &point, long long runningVusers) const;
    void releaseLocked(Point &point, RendezvousOutcome outcome);

    std::vector<RendezvousPolicy> m_policies;
    Clock m_clock;
    Resume m_resume;
    mutable std::mutex m_mutex;
    std::map<std::string, Point, std::less<>> m_points;
    bool m_closed = false;
    GroupsRunning m_groupsRunning;
};

} // namespace Loadwizard::Engine
