// Live controls on a schedule clock the test turns by hand (RunConfig::clock): pausing freezes
// the plan and resuming continues from where it stood; adjustVusers() adds and removes vusers on
// top of the plan. Read from the snapshots, one per report interval of the test's clock.

#include <loadwizard/run.h>

#include <QDeadlineTimer>
#include <QtTest>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

using namespace Loadwizard;

namespace {

constexpr std::uint64_t second = 1'000'000'000ULL;
/// Reports come once per ten seconds of the test's clock; the reporter waits for the workers
/// up to half of that in real time, which they always answer well within.
constexpr double reportSeconds = 10;

/// Iterations of short real-time sleeps: a removed vuser leaves within one of them.
class IdleScenario : public Scenario
{
public:
    Task<> iteration(Vuser &vuser) override { co_await vuser.sleep(0.01); }
};

/// A run on a hand-driven clock, and the snapshots it published.
class ClockedRun
{
public:
    explicit ClockedRun(const char *profile)
    {
        RunConfig config;
        config.scenario = std::make_shared<IdleScenario>();
        config.profile = RampProfile::parse(profile).value();
        config.workers = 2;
        config.gracefulStopSeconds = 5;
        config.reportIntervalSeconds = reportSeconds;
        config.clock = [this] { return m_startNs + m_atNs.load(); };
        run = std::make_unique<Run>(std::move(config));
        run->addObserver([this](const std::shared_ptr<const Snapshot> &snapshot) {
            {
                std::lock_guard lock(m_mutex);
                m_snapshots.push_back(snapshot);
            }
            m_arrived.notify_all();
        });
    }
    /// The run goes first: its threads call the clock and the observer until it is gone.
    ~ClockedRun() { run.reset(); }

    /// Sets the clock to `seconds` after the start and returns the report made at that time,
    /// or nullptr when none came (the run broke).
    std::shared_ptr<const Snapshot> reportAt(double seconds)
    {
        m_atNs.store(std::uint64_t(seconds * double(second)));
        std::unique_lock lock(m_mutex);
        // A bound against a broken run only, never reached by a working one.
        const bool arrived = m_arrived.wait_for(lock, std::chrono::seconds(60), [&] {
            return !m_snapshots.empty() && m_snapshots.back()->elapsedSeconds >= seconds;
        });
        return arrived ? m_snapshots.back() : nullptr;
    }
    /// Moves the clock on, one report at a time, until the workers run `vusers`; returns the
    /// report that says so (nullptr if they never do). Only while the plan stands still
    /// (paused), since every step moves the clock.
    std::shared_ptr<const Snapshot> reportWhenActive(long long vusers)
    {
        const QDeadlineTimer bound(std::chrono::seconds(60));
        while (!bound.hasExpired()) {
            auto snapshot = reportAt(now() + reportSeconds);
            if (!snapshot || snapshot->activeVusers == vusers)
                return snapshot;
        }
        return nullptr;
    }
    double now() const { return double(m_atNs.load()) / double(second); }

    std::unique_ptr<Run> run;

private:
    const std::uint64_t m_startNs = 5000 * second; // any start: only differences count
    std::atomic<std::uint64_t> m_atNs{0};
    std::mutex m_mutex;
    std::condition_variable m_arrived;
    std::vector<std::shared_ptr<const Snapshot>> m_snapshots;
};

} // namespace

class TestLiveControls : public QObject
{
    Q_OBJECT

private slots:
    void pauseFreezesThePlanAndResumeContinuesIt();
    void adjustingAddsAndRemovesOnTopOfThePlan();
    void theProfileEndsOnTheRunsClock();
};

void TestLiveControls::pauseFreezesThePlanAndResumeContinuesIt()
{
    ClockedRun r("1,1000"); // one more vuser per second
    QVERIFY(r.run->start());
    auto snapshot = r.reportAt(10);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 10LL);

    r.run->setPaused(true); // at 10 s
    QVERIFY(r.run->paused());
    snapshot = r.reportAt(40);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 10LL); // 30 s later, still the plan of 10 s
    snapshot = r.reportWhenActive(10);
    QVERIFY2(snapshot, "the workers never ran the 10 planned vusers");
    QCOMPARE(snapshot->plannedVusers, 10LL);
    r.run->setPaused(true); // no change: the pause still counts from 10 s
    const double resumedAt = r.now();
    r.run->setPaused(false);
    QVERIFY(!r.run->paused());

    // The schedule continues from 10 s, as if the pause had not been.
    snapshot = r.reportAt(resumedAt + 20);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 30LL);
    QCOMPARE(snapshot->maxPlannedVusers, 30LL);
    // A second pause adds to the first.
    r.run->setPaused(true);
    snapshot = r.reportAt(resumedAt + 50);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 30LL);
    r.run->setPaused(false);
    snapshot = r.reportAt(resumedAt + 60);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 40LL);

    r.run->abort();
    const auto last = r.run->wait();
    QVERIFY(last && last->final);
    QCOMPARE(last->activeVusers, 0LL);
    QCOMPARE(last->maxPlannedVusers, 40LL);
}

void TestLiveControls::adjustingAddsAndRemovesOnTopOfThePlan()
{
    ClockedRun r("1,10,0,1000"); // 10 vusers after 10 s, then held
    QVERIFY(r.run->start());
    auto snapshot = r.reportAt(10);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 10LL);
    r.run->setPaused(true); // the plan stands still while the workers catch up
    snapshot = r.reportWhenActive(10);
    QVERIFY2(snapshot, "the workers never ran the 10 planned vusers");

    r.run->adjustVusers(5);
    snapshot = r.reportAt(r.now() + reportSeconds);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 15LL);
    snapshot = r.reportWhenActive(15);
    QVERIFY2(snapshot, "the 5 added vusers never ran");
    QCOMPARE(snapshot->plannedVusers, 15LL);

    r.run->adjustVusers(-8);
    snapshot = r.reportAt(r.now() + reportSeconds);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 7LL);
    snapshot = r.reportWhenActive(7);
    QVERIFY2(snapshot, "the 8 removed vusers never left");
    QCOMPARE(snapshot->plannedVusers, 7LL);
    QCOMPARE(snapshot->maxVusers, 15LL);

    // Removing more than the plan holds leaves none, never fewer than none.
    r.run->adjustVusers(-20);
    snapshot = r.reportAt(r.now() + reportSeconds);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 0LL);
    snapshot = r.reportWhenActive(0);
    QVERIFY2(snapshot, "the removed vusers never left");
    r.run->adjustVusers(21); // +5 - 8 - 20 + 21 = -2 on top of 10 planned
    snapshot = r.reportAt(r.now() + reportSeconds);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 8LL);

    // The offset stays on top of the plan once it moves again.
    r.run->setPaused(false);
    snapshot = r.reportAt(r.now() + reportSeconds);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->plannedVusers, 8LL); // the plan holds 10
    QCOMPARE(snapshot->maxPlannedVusers, 15LL);

    r.run->abort();
    const auto last = r.run->wait();
    QVERIFY(last && last->final);
    QCOMPARE(last->activeVusers, 0LL);
}

void TestLiveControls::theProfileEndsOnTheRunsClock()
{
    // A profile of 30 s ends when the run's clock says so (not the wall clock), and a pause
    // moves the end.
    ClockedRun r("1,10,0,20");
    QVERIFY(r.run->start());
    QVERIFY(r.reportAt(10));
    r.run->setPaused(true);
    QVERIFY(r.reportAt(100));
    r.run->setPaused(false); // 90 s paused: the profile now ends at 120 s
    auto snapshot = r.reportAt(110);
    QVERIFY(snapshot);
    QCOMPARE(snapshot->state, RunState::Running);
    QCOMPARE(snapshot->plannedVusers, 10LL);
    snapshot = r.reportAt(120);
    QVERIFY(snapshot);
    // Stopping, or already Finished when the vusers' 10 ms iterations ended before this report
    // was made (a loaded machine).
    QVERIFY(snapshot->state != RunState::Running);
    QCOMPARE(snapshot->plannedVusers, 0LL);
    // The vusers finish their iterations (real-time sleeps) within the graceful stop, which is
    // counted on the same clock and so never passes here.
    const auto last = r.run->wait();
    QVERIFY(last && last->final);
    QCOMPARE(last->state, RunState::Finished);
    QCOMPARE(last->total.iterationsInterrupted, 0u);
    QCOMPARE(last->total.iterationsStarted, last->total.iterations);
}

QTEST_GUILESS_MAIN(TestLiveControls)
#include "tst_livecontrols.moc"
