// The rendezvous hub on a clock the test turns by hand: the percent policy's release and its
// base shrinking as vusers leave, timeouts counted from the last arrival, releaseAll, and the
// wait times it reports. White-box: the hub is the runtime's own (engine/runtime/src).

#include "rendezvoushub.h"

#include <QtTest>

#include <cstdint>
#include <tuple>
#include <vector>

using namespace Loadwizard;
using namespace Loadwizard::Engine;

namespace {

constexpr std::uint64_t second = 1'000'000'000ULL;

/// One resume the hub asked for: worker, vuser, token, outcome.
using Resume = std::tuple<int, std::uint64_t, std::uint64_t, RendezvousOutcome>;

RendezvousPolicy policy(const char *name, RendezvousPolicy::Kind kind, double value,
                        double timeoutSeconds = 30)
{
    return {name, kind, value, timeoutSeconds};
}

/// A hub, its hand-driven clock and every resume it asked for, in order.
class Harness
{
public:
    explicit Harness(std::vector<RendezvousPolicy> policies)
        : hub(
              std::move(policies), [this] { return nowNs; },
              [this](int worker, std::uint64_t vuser, std::uint64_t token,
                     RendezvousOutcome outcome) {
                  resumes.emplace_back(worker, vuser, token, outcome);
              })
    {}

    void advance(double seconds) { nowNs += std::uint64_t(seconds * double(second)); }
    /// Vuser `vuser` arrives on worker vuser % 2 with token 100 + vuser.
    void arrive(const char *name, std::uint64_t vuser, long long running)
    {
        hub.arrive(name, int(vuser % 2), vuser, 100 + vuser, running);
    }
    std::vector<std::uint64_t> resumed(RendezvousOutcome outcome) const
    {
        std::vector<std::uint64_t> vusers;
        for (const auto &[worker, vuser, token, how] : resumes) {
            if (how == outcome)
                vusers.push_back(vuser);
        }
        return vusers;
    }
    RendezvousStats stats(const char *name) const { return hub.stats().at(name); }

    std::uint64_t nowNs = 1000 * second; // any start: only differences count
    std::vector<Resume> resumes;
    RendezvousHub hub;
};

using Vusers = std::vector<std::uint64_t>;

} // namespace

class TestRendezvousHub : public QObject
{
    Q_OBJECT

private slots:
    void percentReleasesOnceItsShareOfRunningVusersWaits_data();
    void percentReleasesOnceItsShareOfRunningVusersWaits();
    void percentBaseShrinksAsVusersLeave();
    void countNeverWaitsForMoreVusersThanRun();
    void allRunningIsTheDefaultPolicy();
    void timesOutCountingFromTheLastArrival();
    void releaseAllCancelsEveryWaitAndLaterArrivals();
    void aCancelledVuserIsNotReleased();
    void reportsWaitTimesOnItsClock();
};

void TestRendezvousHub::percentReleasesOnceItsShareOfRunningVusersWaits_data()
{
    QTest::addColumn<double>("percent");
    QTest::addColumn<long long>("running");
    QTest::addColumn<int>("needed");
    QTest::newRow("half of 4") << 50.0 << 4LL << 2;
    QTest::newRow("half of 5 rounds up") << 50.0 << 5LL << 3;
    QTest::newRow("10 % of 4 is one vuser") << 10.0 << 4LL << 1;
    QTest::newRow("all of 3") << 100.0 << 3LL << 3;
    QTest::newRow("none running: one vuser") << 50.0 << 0LL << 1;
}

void TestRendezvousHub::percentReleasesOnceItsShareOfRunningVusersWaits()
{
    QFETCH(double, percent);
    QFETCH(long long, running);
    QFETCH(int, needed);
    Harness h({policy("meet", RendezvousPolicy::Kind::Percent, percent)});
    for (int vuser = 1; vuser < needed; ++vuser) {
        h.arrive("meet", std::uint64_t(vuser), running);
        h.hub.poll(running);
    }
    QCOMPARE(h.resumes.size(), std::size_t(0));
    h.arrive("meet", std::uint64_t(needed), running);
    // Released at the arrival itself, each on its own worker with its own token.
    QCOMPARE(h.resumes.size(), std::size_t(needed));
    for (int i = 0; i < needed; ++i) {
        const std::uint64_t vuser = std::uint64_t(i + 1);
        QCOMPARE(h.resumes[std::size_t(i)],
                 Resume(int(vuser % 2), vuser, 100 + vuser, RendezvousOutcome::Released));
    }
    const RendezvousStats stats = h.stats("meet");
    QCOMPARE(stats.arrivals, std::uint64_t(needed));
    QCOMPARE(stats.releases, 1u);
    QCOMPARE(stats.released, std::uint64_t(needed));
    QCOMPARE(stats.timeouts, 0u);
}

void TestRendezvousHub::percentBaseShrinksAsVusersLeave()
{
    // 50 % of 10 running vusers is 5; four wait. As vusers leave, the base shrinks: 9 running
    // still need 5 (ceil 4.5), 8 running need 4, so the fourth waiter is enough.
    Harness h({policy("meet", RendezvousPolicy::Kind::Percent, 50)});
    for (std::uint64_t vuser = 1; vuser <= 4; ++vuser)
        h.arrive("meet", vuser, 10);
    h.hub.poll(10);
    h.hub.poll(9);
    QCOMPARE(h.resumes.size(), std::size_t(0));
    h.hub.poll(8);
    QCOMPARE(h.resumed(RendezvousOutcome::Released), (Vusers{1, 2, 3, 4}));
    QCOMPARE(h.resumes.size(), std::size_t(4));
    QCOMPARE(h.stats("meet").releases, 1u);
    QCOMPARE(h.stats("meet").timeouts, 0u);

    // The next round starts empty: the base of 8 needs four new arrivals.
    for (std::uint64_t vuser = 5; vuser <= 7; ++vuser)
        h.arrive("meet", vuser, 8);
    h.hub.poll(8);
    QCOMPARE(h.resumes.size(), std::size_t(4));
    h.hub.poll(6); // three are half of six
    QCOMPARE(h.resumed(RendezvousOutcome::Released), (Vusers{1, 2, 3, 4, 5, 6, 7}));
    QCOMPARE(h.stats("meet").releases, 2u);
    QCOMPARE(h.stats("meet").released, 7u);
}

void TestRendezvousHub::countNeverWaitsForMoreVusersThanRun()
{
    Harness h({policy("meet", RendezvousPolicy::Kind::Count, 10)});
    h.arrive("meet", 1, 3);
    h.arrive("meet", 2, 3);
    h.hub.poll(3);
    QCOMPARE(h.resumes.size(), std::size_t(0));
    h.hub.poll(2); // only the two waiting still run
    QCOMPARE(h.resumed(RendezvousOutcome::Released), (Vusers{1, 2}));
}

void TestRendezvousHub::allRunningIsTheDefaultPolicy()
{
    // No policy names "other": it waits for every running vuser.
    Harness h({policy("meet", RendezvousPolicy::Kind::Count, 1)});
    h.arrive("other", 1, 3);
    h.arrive("other", 2, 3);
    QCOMPARE(h.resumes.size(), std::size_t(0));
    h.arrive("other", 3, 3);
    QCOMPARE(h.resumed(RendezvousOutcome::Released), (Vusers{1, 2, 3}));
}

void TestRendezvousHub::timesOutCountingFromTheLastArrival()
{
    Harness h({policy("meet", RendezvousPolicy::Kind::AllRunning, 100, 10)});
    h.arrive("meet", 1, 5);
    h.advance(6);
    h.arrive("meet", 2, 5);
    h.advance(9); // 15 s after the first arrival, 9 s after the last
    h.hub.poll(5);
    QCOMPARE(h.resumes.size(), std::size_t(0));
    h.advance(1); // 10 s after the last arrival
    h.hub.poll(5);
    QCOMPARE(h.resumed(RendezvousOutcome::TimedOut), (Vusers{1, 2}));
    QCOMPARE(h.resumes.size(), std::size_t(2));
    const RendezvousStats stats = h.stats("meet");
    QCOMPARE(stats.arrivals, 2u);
    QCOMPARE(stats.releases, 1u);
    QCOMPARE(stats.timeouts, 1u);
    QCOMPARE(stats.released, 2u);
    QCOMPARE(stats.maxWaitMs, 16000.0);
    QCOMPARE(stats.meanWaitMs, 13000.0); // 16 s and 10 s

    // Nobody waits: time passing releases nothing more.
    h.advance(60);
    h.hub.poll(5);
    QCOMPARE(h.resumes.size(), std::size_t(2));
    QCOMPARE(h.stats("meet").timeouts, 1u);
}

void TestRendezvousHub::releaseAllCancelsEveryWaitAndLaterArrivals()
{
    Harness h({policy("a", RendezvousPolicy::Kind::Count, 3),
               policy("b", RendezvousPolicy::Kind::Percent, 100)});
    h.arrive("a", 1, 4);
    h.arrive("a", 2, 4);
    h.arrive("b", 3, 4);
    h.advance(2);
    h.hub.releaseAll();
    QCOMPARE(h.resumed(RendezvousOutcome::Cancelled), (Vusers{1, 2, 3}));
    QCOMPARE(h.resumes.size(), std::size_t(3));
    // A vuser arriving after the run began to stop is let go at once.
    h.arrive("a", 4, 4);
    QCOMPARE(h.resumed(RendezvousOutcome::Cancelled), (Vusers{1, 2, 3, 4}));
    QCOMPARE(h.resumes.size(), std::size_t(4));
    // Cancelled waits are neither releases nor released vusers, but their time counts.
    const RendezvousStats a = h.stats("a");
    QCOMPARE(a.arrivals, 3u);
    QCOMPARE(a.releases, 0u);
    QCOMPARE(a.released, 0u);
    QCOMPARE(a.timeouts, 0u);
    QCOMPARE(a.maxWaitMs, 2000.0);
    QCOMPARE(h.stats("b").arrivals, 1u);
    // Nothing is left to time out.
    h.advance(100);
    h.hub.poll(4);
    QCOMPARE(h.resumes.size(), std::size_t(4));
}

void TestRendezvousHub::aCancelledVuserIsNotReleased()
{
    Harness h({policy("meet", RendezvousPolicy::Kind::Count, 3)});
    h.arrive("meet", 1, 5);
    h.arrive("meet", 2, 5);
    h.hub.cancel("meet", 1); // interrupted while waiting
    h.arrive("meet", 3, 5);
    QCOMPARE(h.resumes.size(), std::size_t(0)); // two wait, three are needed
    h.arrive("meet", 4, 5);
    QCOMPARE(h.resumed(RendezvousOutcome::Released), (Vusers{2, 3, 4}));
    QCOMPARE(h.resumes.size(), std::size_t(3));
    h.hub.cancel("nowhere", 7); // an unknown point is no error
}

void TestRendezvousHub::reportsWaitTimesOnItsClock()
{
    Harness h({policy("meet", RendezvousPolicy::Kind::Count, 3)});
    h.arrive("meet", 1, 3);
    h.advance(2);
    h.arrive("meet", 2, 3);
    h.advance(0.5);
    h.arrive("meet", 3, 3); // released: waits of 2.5 s, 0.5 s and 0 s
    RendezvousStats stats = h.stats("meet");
    QCOMPARE(stats.maxWaitMs, 2500.0);
    QCOMPARE(stats.meanWaitMs, 1000.0);
    // The mean covers every wait so far; the maximum only grows.
    h.arrive("meet", 4, 3);
    h.advance(1);
    h.arrive("meet", 5, 3);
    h.arrive("meet", 6, 3); // waits of 1 s, 0 s, 0 s
    stats = h.stats("meet");
    QCOMPARE(stats.maxWaitMs, 2500.0);
    QCOMPARE(stats.meanWaitMs, 4000.0 / 6);
    QCOMPARE(stats.releases, 2u);
    QCOMPARE(stats.released, 6u);
}

QTEST_GUILESS_MAIN(TestRendezvousHub)
#include "tst_rendezvoushub.moc"
