// The open model on a schedule clock the test turns by hand (RunConfig::clock): arrivals start
// at their planned times (recorded against the clock), the pool drops what it cannot hold,
// grows to its maximum, and pause and abort keep the counts adding up.

#include <loadwizard/run.h>

#include <QDeadlineTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace Loadwizard;

namespace {

constexpr std::uint64_t second = 1'000'000'000ULL;

/// What the iterations saw: the test clock's reading (whole seconds) at each start, and who ran.
struct Record
{
    std::mutex mutex;
    std::map<std::uint64_t, int> startsAtSecond;
    std::set<std::uint64_t> vusers;
    std::atomic<int> starts{0};
    std::atomic<int> inits{0};
};

/// Records the start, then either ends at once or holds its vuser for an hour (real time).
class RecordingScenario : public Scenario
{
public:
    RecordingScenario(Record &record, const std::atomic<std::uint64_t> &clockNs, bool hold)
        : m_record(record)
        , m_clockNs(clockNs)
        , m_hold(hold)
    {}

    Task<> vuserInit(Vuser &) override
    {
        ++m_record.inits;
        co_return;
    }
    Task<> iteration(Vuser &vuser) override
    {
        {
            std::lock_guard lock(m_record.mutex);
            ++m_record.startsAtSecond[m_clockNs.load() / second];
            m_record.vusers.insert(vuser.id());
        }
        ++m_record.starts;
        if (m_hold)
            co_await vuser.sleep(3600);
    }

private:
    Record &m_record;
    const std::atomic<std::uint64_t> &m_clockNs;
    bool m_hold;
};

/// An open-model run on a hand-driven clock.
class ClockedRun
{
public:
    ClockedRun(const char *arrivals, long long preAllocated, long long max, int workers, bool hold)
    {
        RunConfig config;
        config.scenario = std::make_shared<RecordingScenario>(record, m_atNs, hold);
        config.arrivalRate = ArrivalProfile::parse(arrivals).value();
        config.preAllocatedVusers = preAllocated;
        config.maxVusers = max;
        config.workers = workers;
        // Held vusers are interrupted at the end; quick ones finish what the stop started (on
        // the test's clock, which stands still: the graceful period never runs out).
        config.gracefulStopSeconds = hold ? 0 : 10;
        config.reportIntervalSeconds = 1000;
        config.clock = [this] { return m_startNs + m_atNs.load(); };
        run = std::make_unique<Run>(std::move(config));
    }
    ~ClockedRun() { run.reset(); }

    void setSeconds(std::uint64_t seconds) { m_atNs.store(seconds * second); }
    /// Waits (bounded against a broken run only) until `count` iterations have started.
    bool waitForStarts(int count)
    {
        const QDeadlineTimer bound(std::chrono::seconds(60));
        while (record.starts.load() < count && !bound.hasExpired())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return record.starts.load() == count;
    }
    bool waitForInits(int count)
    {
        const QDeadlineTimer bound(std::chrono::seconds(60));
        while (record.inits.load() < count && !bound.hasExpired())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return record.inits.load() == count;
    }
    std::map<std::uint64_t, int> startsAtSecond()
    {
        std::lock_guard lock(record.mutex);
        return record.startsAtSecond;
    }

    Record record;
    std::unique_ptr<Run> run;

private:
    const std::uint64_t m_startNs = 7000 * second;
    std::atomic<std::uint64_t> m_atNs{0};
};

/// started = completed (failed or not) + interrupted; dropped ones never started.
void verifyCountsAddUp(const Counters &total)
{
    QCOMPARE(total.iterationsStarted, total.iterations + total.iterationsInterrupted);
}

} // namespace

class TestArrivalRate : public QObject
{
    Q_OBJECT

private slots:
    void startsEachSecondsPlannedArrivals();
    void dropsWhatAFullPoolCannotStart();
    void growsThePoolUpToItsMaximum();
    void pauseFreezesTheSchedule();
    void abortKeepsTheCountsAddingUp();
    void refusesPacingAndAnEmptyPool();
};

void TestArrivalRate::startsEachSecondsPlannedArrivals()
{
    // Up to 200/s over 5 s (20·t² iterations), then 200/s for 5 s: 1500 arrivals. Arrival k
    // starts once the clock reaches its planned time, so each whole second S starts those
    // planned in (S-1, S]: 20·(2S-1) on the ramp, 200 on the hold, and the first at 0 s.
    ClockedRun r("0,0,200,5,200,5", 400, 400, 2, false);
    QVERIFY(r.run->start());
    const std::vector<int> plan{1, 20, 60, 100, 140, 180, 200, 200, 200, 200, 199};
    int cumulative = 0;
    for (std::uint64_t s = 0; s < plan.size(); ++s) {
        r.setSeconds(s);
        cumulative += plan[s];
        if (s + 1 < plan.size())
            QVERIFY2(r.waitForStarts(cumulative), qPrintable(QString("at %1 s").arg(s)));
    }
    const auto final = r.run->wait(); // the profile's end: 10 s
    QVERIFY(final);
    const auto starts = r.startsAtSecond();
    for (std::uint64_t s = 0; s < plan.size(); ++s)
        QCOMPARE(starts.count(s) ? starts.at(s) : 0, plan[s]);
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(1500));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(0));
    QCOMPARE(final->total.iterations, std::uint64_t(1500));
    QVERIFY(final->arrivals.open);
    QCOMPARE(final->arrivals.planned, std::uint64_t(1500));
    QCOMPARE(final->arrivals.poolMax, 400LL);
    verifyCountsAddUp(final->total);
}

void TestArrivalRate::dropsWhatAFullPoolCannotStart()
{
    // 10/s for 5 s: 50 arrivals on 2 vusers that hold on to their first one: 48 dropped.
    ClockedRun r("10,0,10,5", 2, 2, 1, true);
    QVERIFY(r.run->start());
    QVERIFY(r.waitForInits(2));
    // Started before the end: the stop and the interrupt of a zero graceful period may reach
    // a slow worker together, and an arrival queued but not started is then dropped.
    r.setSeconds(1);
    QVERIFY(r.waitForStarts(2));
    r.setSeconds(5);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(2));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(48));
    QCOMPARE(final->total.iterationsInterrupted, std::uint64_t(2));
    verifyCountsAddUp(final->total);
}

void TestArrivalRate::growsThePoolUpToItsMaximum()
{
    // One vuser pre-allocated, three at most. At 1 s, arrivals 0…10 are due: the first takes
    // the idle vuser, the next two each add a vuser (which takes it after vuserInit), the other
    // eight are dropped; the remaining 39 of the 50 too.
    ClockedRun r("10,0,10,5", 1, 3, 1, true);
    QVERIFY(r.run->start());
    QVERIFY(r.waitForInits(1));
    r.setSeconds(1);
    QVERIFY(r.waitForStarts(3));
    r.setSeconds(5);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(3));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(47));
    QCOMPARE(r.record.inits.load(), 3);
    QCOMPARE(r.record.vusers, (std::set<std::uint64_t>{1, 2, 3}));
    verifyCountsAddUp(final->total);
}

void TestArrivalRate::pauseFreezesTheSchedule()
{
    // 100/s for 4 s. Paused at 1 s for 4 s of the clock: the plan's second 2 comes at 6 s.
    ClockedRun r("100,0,100,4", 200, 200, 2, false);
    QVERIFY(r.run->start());
    QVERIFY(r.waitForStarts(1));
    r.setSeconds(1);
    QVERIFY(r.waitForStarts(101));
    r.run->setPaused(true);
    for (std::uint64_t s = 2; s <= 5; ++s)
        r.setSeconds(s);
    r.run->setPaused(false);
    r.setSeconds(6);
    QVERIFY(r.waitForStarts(201));
    r.setSeconds(7);
    QVERIFY(r.waitForStarts(301));
    r.setSeconds(8); // the schedule's 4 s: the end
    const auto final = r.run->wait();
    QVERIFY(final);
    const std::map<std::uint64_t, int> expected{{0, 1}, {1, 100}, {6, 100}, {7, 100}, {8, 99}};
    QCOMPARE(r.startsAtSecond(), expected);
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(400));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(0));
    verifyCountsAddUp(final->total);
}

void TestArrivalRate::abortKeepsTheCountsAddingUp()
{
    ClockedRun r("10,0,10,5", 5, 5, 2, true);
    QVERIFY(r.run->start());
    QVERIFY(r.waitForInits(5));
    r.setSeconds(1); // arrivals 0…10: five start, six are dropped
    QVERIFY(r.waitForStarts(5));
    r.run->abort();
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(5));
    QCOMPARE(final->total.iterationsInterrupted, std::uint64_t(5));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(6));
    verifyCountsAddUp(final->total);
}

void TestArrivalRate::refusesPacingAndAnEmptyPool()
{
    Record record;
    std::atomic<std::uint64_t> clock{0};
    RunConfig config;
    config.scenario = std::make_shared<RecordingScenario>(record, clock, false);
    config.arrivalRate = ArrivalProfile::parse("10,0,10,5").value();
    config.maxVusers = 5;
    config.pacing = {1, 1};
    Run paced(config);
    const auto refused = paced.start();
    QVERIFY(!refused);
    QCOMPARE(refused.error().field, std::string("pacing"));

    config.pacing = {};
    config.maxVusers = 0;
    Run empty(config);
    const auto noPool = empty.start();
    QVERIFY(!noPool);
    QCOMPARE(noPool.error().field, std::string("pool"));
}

QTEST_GUILESS_MAIN(TestArrivalRate)
#include "tst_arrivalrate.moc"
