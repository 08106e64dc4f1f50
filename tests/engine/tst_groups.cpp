// Scenario mixes (RunConfig::groups) on a schedule clock the test turns by hand: weighted shares
// split by Sainte-Laguë, start delays, open and closed groups side by side, each group's
// metrics apart (the same transaction and check names in two groups), its own feeders, its own
// pacing, and the errors of groups that cannot run.

#include <loadwizard/datafile.h>
#include <loadwizard/run.h>
#include <loadwizard/weights.h>

#include <QDeadlineTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace Loadwizard;

namespace {

constexpr std::uint64_t second = 1'000'000'000ULL;

/// What each group's iterations saw.
struct Record
{
    std::mutex mutex;
    std::map<std::string, std::set<std::uint64_t>> vusers; ///< per group
    std::map<std::string, std::vector<std::string>> rows;  ///< per group: feeder values drawn
    std::map<std::string, int> starts;                     ///< per group

    int startsOf(const std::string &group)
    {
        std::lock_guard lock(mutex);
        return starts[group];
    }
    std::set<std::uint64_t> vusersOf(const std::string &group)
    {
        std::lock_guard lock(mutex);
        return vusers[group];
    }
};

/// One group's scenario: a "login" transaction and an "ok" check (passing or not), an optional
/// draw from the feeder "users", then a hold (real time) or a 1 ms pause.
class GroupScenario : public Scenario
{
public:
    struct Options
    {
        bool checkPasses = true;
        bool hold = false;
        bool drawsData = false;
        bool meets = false; ///< waits at the rendezvous "meet" first
    };
    GroupScenario(Record &record, std::string group, Options options)
        : m_record(record)
        , m_group(std::move(group))
        , m_options(options)
    {}

    Task<> iteration(Vuser &vuser) override
    {
        if (m_options.meets)
            co_await vuser.rendezvous("meet");
        std::string row;
        if (m_options.drawsData)
            row = std::string(vuser.data("users")["name"]);
        {
            std::lock_guard lock(m_record.mutex);
            m_record.vusers[m_group].insert(vuser.id());
            ++m_record.starts[m_group];
            if (m_options.drawsData)
                m_record.rows[m_group].push_back(row);
        }
        vuser.beginTransaction("login");
        vuser.check("ok", m_options.checkPasses);
        vuser.endTransaction("login", TransactionStatus::Pass);
        co_await vuser.sleep(m_options.hold ? 3600 : 0.001);
    }

private:
    Record &m_record;
    std::string m_group;
    Options m_options;
};

/// A run with groups on a hand-driven clock.
class ClockedRun
{
public:
    explicit ClockedRun(RunConfig config, double gracefulStopSeconds = 0)
    {
        config.workers = config.workers ? config.workers : 2;
        config.gracefulStopSeconds = gracefulStopSeconds;
        config.reportIntervalSeconds = 1000;
        config.clock = [this] { return m_startNs + m_atNs.load(); };
        run = std::make_unique<Run>(std::move(config));
    }
    ~ClockedRun() { run.reset(); }

    void setMilliseconds(std::uint64_t ms) { m_atNs.store(ms * 1'000'000ULL); }
    /// Waits (bounded against a broken run only) until `count` iterations of `group` started.
    bool waitForStarts(Record &record, const std::string &group, int count)
    {
        const QDeadlineTimer bound(std::chrono::seconds(60));
        while (record.startsOf(group) < count && !bound.hasExpired())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return record.startsOf(group) >= count;
    }
    /// The number stays put for a moment: nothing more starts.
    static void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

    std::unique_ptr<Run> run;

private:
    const std::uint64_t m_startNs = 9000 * second;
    std::atomic<std::uint64_t> m_atNs{0};
};

GroupConfig group(Record &record, const std::string &name, GroupScenario::Options options = {})
{
    GroupConfig config;
    config.name = name;
    config.scenario = std::make_shared<GroupScenario>(record, name, options);
    config.scenarioId = "scenario-" + name;
    return config;
}

const GroupSnapshot &groupOf(const Snapshot &snapshot, const std::string &name)
{
    for (const GroupSnapshot &group : snapshot.groups) {
        if (group.name == name)
            return group;
    }
    static const GroupSnapshot none;
    return none;
}

void verifyCountsAddUp(const Snapshot &snapshot)
{
    Counters sum;
    for (const GroupSnapshot &group : snapshot.groups) {
        QCOMPARE(group.total.iterationsStarted,
                 group.total.iterations + group.total.iterationsInterrupted);
        sum.add(group.total);
    }
    QCOMPARE(snapshot.total.iterationsStarted, sum.iterationsStarted);
    QCOMPARE(snapshot.total.iterations, sum.iterations);
    QCOMPARE(snapshot.total.iterationsDropped, sum.iterationsDropped);
    QCOMPARE(snapshot.total.checksPassed, sum.checksPassed);
    QCOMPARE(snapshot.total.checksFailed, sum.checksFailed);
}

} // namespace

class TestGroups : public QObject
{
    Q_OBJECT

private slots:
    void splitsBySainteLague_data();
    void splitsBySainteLague();
    void aLargerTotalNeverGivesAGroupLess();
    void weightedGroupsShareTheRunsVusers();
    void keepsEachGroupsNamesApart();
    void runsOpenAndClosedGroupsTogether();
    void weightedArrivalsScaleTheRate();
    void weightedArrivalsShareTheRunsPool();
    void weightedArrivalsAddUpToThePlan();
    void startDelayShiftsAGroupsProfile();
    void feedsEachGroupItsOwnData();
    void pacesEachGroupByItsOwnPacing();
    void aPacingWaitDoesNotHoldTheEnd();
    void spreadsLiveChangesOverTheClosedGroups();
    void aRendezvousWaitsForTheGroupsThatReachIt();
    void refusesGroupsThatCannotRun();
};

void TestGroups::splitsBySainteLague_data()
{
    QTest::addColumn<long long>("total");
    QTest::addColumn<std::vector<double>>("weights");
    QTest::addColumn<std::vector<long long>>("parts");
    QTest::newRow("70/25/5 of 10")
        << 10LL << std::vector<double>{70, 25, 5} << std::vector<long long>{7, 3, 0};
    // Largest remainder gave 6/2/1 here, then 7/3/0 at 10: admin's vuser stopped while the
    // others started, and the run had 11 vusers for a plan of 10.
    QTest::newRow("70/25/5 of 9") << 9LL << std::vector<double>{70, 25, 5}
                                  << std::vector<long long>{7, 2, 0};
    QTest::newRow("70/25/5 of 11")
        << 11LL << std::vector<double>{70, 25, 5} << std::vector<long long>{7, 3, 1};
    QTest::newRow("70/25/5 of 5") << 5LL << std::vector<double>{70, 25, 5}
                                  << std::vector<long long>{4, 1, 0};
    QTest::newRow("70/25/5 of 100")
        << 100LL << std::vector<double>{70, 25, 5} << std::vector<long long>{70, 25, 5};
    QTest::newRow("thirds of 7") << 7LL << std::vector<double>{1, 1, 1}
                                 << std::vector<long long>{3, 2, 2};
    QTest::newRow("thirds of -7") << -7LL << std::vector<double>{1, 1, 1}
                                  << std::vector<long long>{-3, -2, -2};
    // 1.5, 0.75, 0.75: the two larger remainders take the two left.
    QTest::newRow("fractions") << 3LL << std::vector<double>{0.5, 0.25, 0.25}
                               << std::vector<long long>{1, 1, 1};
    QTest::newRow("none") << 0LL << std::vector<double>{2, 1} << std::vector<long long>{0, 0};
    QTest::newRow("no weights") << 5LL << std::vector<double>{} << std::vector<long long>{};
}

void TestGroups::splitsBySainteLague()
{
    QFETCH(long long, total);
    QFETCH(std::vector<double>, weights);
    QFETCH(std::vector<long long>, parts);
    QCOMPARE(splitByWeights(total, weights), parts);
}

void TestGroups::aLargerTotalNeverGivesAGroupLess()
{
    // For many weight sets: each total's parts add up to it, none is below the previous
    // total's, and each is near its exact share: within one, but where seats tie exactly and
    // the earlier group takes the tie (13/7/5/3/2/1 of 14 gives the first 7 for 5.87).
    const std::vector<std::vector<double>> sets{
        {70, 25, 5},     {1, 1, 1},          {0.5, 0.25, 0.25}, {97, 2, 1},
        {1, 2, 3, 4, 5}, {33.3, 33.3, 33.4}, {1e6, 1, 1e-3},    {13, 7, 5, 3, 2, 1}};
    for (const auto &weights : sets) {
        const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
        std::vector<long long> previous(weights.size(), 0);
        for (long long total = 0; total <= 2000; ++total) {
            const std::vector<long long> parts = splitByWeights(total, weights);
            QCOMPARE(std::accumulate(parts.begin(), parts.end(), 0LL), total);
            for (std::size_t i = 0; i < parts.size(); ++i) {
                QVERIFY2(parts[i] >= previous[i],
                         qPrintable(QString("total %1, part %2: %3 after %4")
                                        .arg(total)
                                        .arg(i)
                                        .arg(parts[i])
                                        .arg(previous[i])));
                QVERIFY(std::abs(double(parts[i]) - double(total) * weights[i] / sum) < 1.5);
            }
            previous = parts;
        }
    }
    // A large total takes a few steps, not one per vuser, and is exact where shares are whole.
    QCOMPARE(splitByWeights(10'000'000, {70, 25, 5}),
             (std::vector<long long>{7'000'000, 2'500'000, 500'000}));
}

void TestGroups::weightedGroupsShareTheRunsVusers()
{
    // 10 vusers/s for 1 s: 5 at 0.5 s (4, 1, 0) and 10 at 1 s (7, 3, 0), held to the end.
    Record record;
    RunConfig config;
    config.profile = RampProfile::parse("10,1,0,2").value();
    for (const auto &[name, weight] :
         std::vector<std::pair<std::string, double>>{{"browse", 70}, {"buy", 25}, {"admin", 5}}) {
        GroupConfig g = group(record, name, {.hold = true});
        g.weight = weight;
        config.groups.push_back(std::move(g));
    }
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(500);
    QVERIFY(r.waitForStarts(record, "browse", 4));
    QVERIFY(r.waitForStarts(record, "buy", 1));
    ClockedRun::settle();
    QCOMPARE(record.startsOf("browse"), 4);
    QCOMPARE(record.startsOf("buy"), 1);
    QCOMPARE(record.startsOf("admin"), 0);
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "browse", 7));
    QVERIFY(r.waitForStarts(record, "buy", 3));
    ClockedRun::settle();
    r.setMilliseconds(3000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->groups.size(), std::size_t(3));
    QCOMPARE(final->groups[0].name, std::string("browse"));
    QCOMPARE(final->groups[1].name, std::string("buy"));
    QCOMPARE(final->groups[2].name, std::string("admin"));
    QCOMPARE(groupOf(*final, "browse").maxPlannedVusers, 7LL);
    QCOMPARE(groupOf(*final, "buy").maxPlannedVusers, 3LL);
    QCOMPARE(groupOf(*final, "admin").maxPlannedVusers, 0LL);
    QCOMPARE(final->maxPlannedVusers, 10LL);
    QCOMPARE(groupOf(*final, "browse").total.iterationsStarted, std::uint64_t(7));
    QCOMPARE(groupOf(*final, "buy").total.iterationsStarted, std::uint64_t(3));
    QCOMPARE(groupOf(*final, "admin").total.iterationsStarted, std::uint64_t(0));
    QCOMPARE(groupOf(*final, "browse").total.iterationsInterrupted, std::uint64_t(7));
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(10));
    verifyCountsAddUp(*final);
}

void TestGroups::keepsEachGroupsNamesApart()
{
    // Both groups' iterations run a "login" transaction and an "ok" check: passing in one,
    // failing in the other. Each group's figures are its own; the run's merge them.
    Record record;
    RunConfig config;
    GroupConfig passing = group(record, "passing");
    passing.profile = RampProfile::parse("2,1,0,1").value();
    GroupConfig failing = group(record, "failing", {.checkPasses = false});
    failing.profile = RampProfile::parse("3,1,0,1").value();
    config.groups = {passing, failing};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "passing", 20));
    QVERIFY(r.waitForStarts(record, "failing", 20));
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    const GroupSnapshot &a = groupOf(*final, "passing");
    const GroupSnapshot &b = groupOf(*final, "failing");
    QCOMPARE(record.vusersOf("passing").size(), std::size_t(2));
    QCOMPARE(record.vusersOf("failing").size(), std::size_t(3));
    QCOMPARE(a.maxPlannedVusers, 2LL);
    QCOMPARE(b.maxPlannedVusers, 3LL);
    // Every started iteration ran its transaction and check before its pause.
    QCOMPARE(a.transactionsTotal.at("login").count, a.total.iterationsStarted);
    QCOMPARE(b.transactionsTotal.at("login").count, b.total.iterationsStarted);
    QCOMPARE(a.checks.at("ok").passes, a.total.iterationsStarted);
    QCOMPARE(a.checks.at("ok").fails, std::uint64_t(0));
    QCOMPARE(b.checks.at("ok").passes, std::uint64_t(0));
    QCOMPARE(b.checks.at("ok").fails, b.total.iterationsStarted);
    QCOMPARE(a.total.errorCount(ErrorClass::Check), std::uint64_t(0));
    QCOMPARE(b.total.errorCount(ErrorClass::Check), b.total.iterationsStarted);
    // The run's view merges the two "login" rows and "ok" checks.
    QCOMPARE(final->transactionsTotal.at("login").count,
             a.total.iterationsStarted + b.total.iterationsStarted);
    QCOMPARE(final->checks.at("ok").passes, a.total.iterationsStarted);
    QCOMPARE(final->checks.at("ok").fails, b.total.iterationsStarted);
    QCOMPARE(int(a.total.iterationsStarted), record.startsOf("passing"));
    QCOMPARE(int(b.total.iterationsStarted), record.startsOf("failing"));
    verifyCountsAddUp(*final);
}

void TestGroups::runsOpenAndClosedGroupsTogether()
{
    // An open group (10/s for 2 s: 20 arrivals on 20 pre-allocated vusers, all due at once when
    // the clock jumps) beside a closed one (3 vusers): the arrivals are the open group's, the
    // vuser ids never clash, and the run is not "open".
    Record record;
    RunConfig config;
    GroupConfig open = group(record, "arrivals");
    open.arrivalRate = ArrivalProfile::parse("10,0,10,2").value();
    open.preAllocatedVusers = 20;
    open.maxVusers = 20;
    GroupConfig closed = group(record, "users");
    closed.profile = RampProfile::parse("3,1,0,1").value();
    config.groups = {open, closed};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "arrivals", 11)); // arrivals 0…10 are due at 1 s
    QVERIFY(r.waitForStarts(record, "users", 3));
    r.setMilliseconds(1950);
    QVERIFY(r.waitForStarts(record, "arrivals", 20));
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    const GroupSnapshot &arrivals = groupOf(*final, "arrivals");
    const GroupSnapshot &users = groupOf(*final, "users");
    QVERIFY(arrivals.arrivals.open);
    QVERIFY(!users.arrivals.open);
    QVERIFY(!final->arrivals.open); // a mix: each group says what it is
    QCOMPARE(arrivals.arrivals.planned, std::uint64_t(20));
    QCOMPARE(arrivals.total.iterationsStarted + arrivals.total.iterationsDropped,
             std::uint64_t(20));
    QCOMPARE(arrivals.total.iterationsDropped, std::uint64_t(0));
    QCOMPARE(arrivals.arrivals.poolMax, 20LL);
    QCOMPARE(users.maxPlannedVusers, 3LL);
    QCOMPARE(users.total.iterationsDropped, std::uint64_t(0));
    QVERIFY(users.total.iterationsStarted >= 3);
    const auto openIds = record.vusersOf("arrivals");
    const auto closedIds = record.vusersOf("users");
    for (std::uint64_t id : closedIds)
        QVERIFY2(!openIds.contains(id), qPrintable(QString("vuser %1 in both groups").arg(id)));
    QCOMPARE(closedIds.size(), std::size_t(3));
    QVERIFY(openIds.size() <= 20);
    verifyCountsAddUp(*final);
}

void TestGroups::weightedArrivalsScaleTheRate()
{
    // 40/s for 2 s shared 3:1: 30/s and 10/s, 60 and 20 arrivals (pools that hold them all).
    Record record;
    RunConfig config;
    config.arrivalRate = ArrivalProfile::parse("40,0,40,2").value();
    GroupConfig most = group(record, "most");
    most.weight = 3;
    most.preAllocatedVusers = 60;
    most.maxVusers = 60;
    GroupConfig rest = group(record, "rest");
    rest.weight = 1;
    rest.preAllocatedVusers = 20;
    rest.maxVusers = 20;
    config.groups = {most, rest};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1990);
    QVERIFY(r.waitForStarts(record, "most", 60));
    QVERIFY(r.waitForStarts(record, "rest", 20));
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(groupOf(*final, "most").arrivals.planned, std::uint64_t(60));
    QCOMPARE(groupOf(*final, "rest").arrivals.planned, std::uint64_t(20));
    QCOMPARE(groupOf(*final, "most").total.iterationsStarted, std::uint64_t(60));
    QCOMPARE(groupOf(*final, "rest").total.iterationsStarted, std::uint64_t(20));
    QVERIFY(final->arrivals.open); // every group is open: the run's figures are their sums
    QCOMPARE(final->arrivals.planned, std::uint64_t(80));
    QCOMPARE(final->arrivals.poolMax, 80LL);
    verifyCountsAddUp(*final);
}

void TestGroups::weightedArrivalsShareTheRunsPool()
{
    // As a project writes it: the pool is the shared profile's (pool:), not a group's. 40/s for
    // 2 s shared 3:1 on a pool of 6 to 10: "most" 5 to 8 (rounded up), "rest" 2 to 3 vusers. The
    // iterations hold their vuser to the end, so each group starts as many as its pool holds.
    Record record;
    RunConfig config;
    config.arrivalRate = ArrivalProfile::parse("40,0,40,2").value();
    config.preAllocatedVusers = 6;
    config.maxVusers = 10;
    GroupConfig most = group(record, "most", {.hold = true});
    most.weight = 3;
    GroupConfig rest = group(record, "rest", {.hold = true});
    rest.weight = 1;
    config.groups = {most, rest};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start()); // a weighted open group used to have no pool ("needs a vuser pool")
    r.setMilliseconds(1990);
    QVERIFY(r.waitForStarts(record, "most", 8));
    QVERIFY(r.waitForStarts(record, "rest", 3));
    ClockedRun::settle();
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(groupOf(*final, "most").total.iterationsStarted, std::uint64_t(8));
    QCOMPARE(groupOf(*final, "rest").total.iterationsStarted, std::uint64_t(3));
    QCOMPARE(groupOf(*final, "most").arrivals.planned, std::uint64_t(60));
    QCOMPARE(groupOf(*final, "rest").arrivals.planned, std::uint64_t(20));
    QCOMPARE(groupOf(*final, "most").total.iterationsDropped, std::uint64_t(52));
    QCOMPARE(groupOf(*final, "rest").total.iterationsDropped, std::uint64_t(17));
    verifyCountsAddUp(*final);
}

void TestGroups::weightedArrivalsAddUpToThePlan()
{
    // 10/s for 1 s dealt 1:1:1: 4, 3 and 3, the run's 10 exactly. (Each group planned its own
    // third of the rate from 0 s: 4 each, 12 in all.)
    Record record;
    RunConfig config;
    config.arrivalRate = ArrivalProfile::parse("10,0,10,1").value();
    config.preAllocatedVusers = 12; // 4 each: the clock jumps, and all are due at once
    for (const char *name : {"a", "b", "c"}) {
        GroupConfig g = group(record, name);
        g.weight = 1;
        config.groups.push_back(std::move(g));
    }
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(990);
    QVERIFY(r.waitForStarts(record, "a", 4));
    QVERIFY(r.waitForStarts(record, "b", 3));
    QVERIFY(r.waitForStarts(record, "c", 3));
    r.setMilliseconds(1000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(groupOf(*final, "a").arrivals.planned, std::uint64_t(4));
    QCOMPARE(groupOf(*final, "b").arrivals.planned, std::uint64_t(3));
    QCOMPARE(groupOf(*final, "c").arrivals.planned, std::uint64_t(3));
    QCOMPARE(final->arrivals.planned, std::uint64_t(10));
    QCOMPARE(final->total.iterationsStarted, std::uint64_t(10));
    verifyCountsAddUp(*final);
}

void TestGroups::startDelayShiftsAGroupsProfile()
{
    // Both groups: 2 vusers/s for 1 s, held. "late" starts 2 s after "early".
    Record record;
    RunConfig config;
    GroupConfig early = group(record, "early", {.hold = true});
    early.profile = RampProfile::parse("2,1,0,2").value();
    GroupConfig late = group(record, "late", {.hold = true});
    late.profile = early.profile;
    late.startDelaySeconds = 2;
    config.groups = {early, late};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "early", 2));
    r.setMilliseconds(2000);
    ClockedRun::settle();
    QCOMPARE(record.startsOf("late"), 0);
    r.setMilliseconds(2500);
    QVERIFY(r.waitForStarts(record, "late", 1));
    ClockedRun::settle();
    QCOMPARE(record.startsOf("late"), 1);
    r.setMilliseconds(3000);
    QVERIFY(r.waitForStarts(record, "late", 2));
    // The run lasts as long as its longest group: 2 s of delay and 3 s of profile.
    r.setMilliseconds(4900);
    ClockedRun::settle();
    QVERIFY(!r.run->finished());
    r.setMilliseconds(5000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->plannedSeconds, 5.0);
    QCOMPARE(groupOf(*final, "early").total.iterationsStarted, std::uint64_t(2));
    QCOMPARE(groupOf(*final, "late").total.iterationsStarted, std::uint64_t(2));
    verifyCountsAddUp(*final);
}

void TestGroups::feedsEachGroupItsOwnData()
{
    // Two groups, each with its own feeder "users" (sequential): each draws its own rows.
    Record record;
    RunConfig config;
    GroupConfig a = group(record, "a", {.hold = true, .drawsData = true});
    a.profile = RampProfile::parse("3,1,0,1").value();
    a.data.push_back({"users", parseCsv("name\na1\na2\na3\n", "users", "a.csv").value(),
                      DataStrategy::Sequential, DataExhaustion::Recycle});
    GroupConfig b = group(record, "b", {.hold = true, .drawsData = true});
    b.profile = RampProfile::parse("2,1,0,1").value();
    b.data.push_back({"users", parseCsv("name\nb1\nb2\n", "users", "b.csv").value(),
                      DataStrategy::Sequential, DataExhaustion::Recycle});
    config.groups = {a, b};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "a", 3));
    QVERIFY(r.waitForStarts(record, "b", 2));
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    // Each group's feeder reports under its group's name.
    QCOMPARE(final->data.size(), std::size_t(2));
    QCOMPARE(final->data.at("a/users").handedOut, std::uint64_t(3));
    QCOMPARE(final->data.at("b/users").handedOut, std::uint64_t(2));
    QCOMPARE(final->data.at("b/users").rows, std::uint64_t(2));
    std::lock_guard lock(record.mutex);
    std::multiset<std::string> rowsA(record.rows["a"].begin(), record.rows["a"].end());
    std::multiset<std::string> rowsB(record.rows["b"].begin(), record.rows["b"].end());
    QCOMPARE(rowsA, (std::multiset<std::string>{"a1", "a2", "a3"}));
    QCOMPARE(rowsB, (std::multiset<std::string>{"b1", "b2"}));
}

void TestGroups::pacesEachGroupByItsOwnPacing()
{
    // One vuser each for as long as the test lets the clock stand: the paced group starts an
    // iteration at most every 200 ms (real time), the other every 1 ms or so.
    Record record;
    RunConfig config;
    GroupConfig paced = group(record, "paced");
    paced.profile = RampProfile::parse("1,1,0,1").value();
    paced.pacing = {0.2, 0.2};
    GroupConfig free = group(record, "free");
    free.profile = paced.profile;
    config.groups = {paced, free};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    const auto begin = std::chrono::steady_clock::now();
    QVERIFY(r.waitForStarts(record, "paced", 1));
    QVERIFY(r.waitForStarts(record, "free", 50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const int paced1 = record.startsOf("paced");
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    r.setMilliseconds(2000);
    QVERIFY(r.run->wait());
    // Started at most once per 200 ms since the first (and at least once more in ≥ 500 ms).
    QVERIFY2(paced1 <= 1 + int(elapsed / 0.2) && paced1 >= 2,
             qPrintable(QString("%1 paced starts in %2 s").arg(paced1).arg(elapsed)));
    QVERIFY(record.startsOf("free") > 5 * paced1);
}

void TestGroups::aPacingWaitDoesNotHoldTheEnd()
{
    // One vuser, 2 s of profile, an iteration every 2 min at most: after its one iteration it
    // waits for its pacing, between iterations. The end of the profile must not wait for that
    // (it held the run, and its graceful stop, until the pacing was over).
    Record record;
    RunConfig config;
    GroupConfig paced = group(record, "paced");
    paced.profile = RampProfile::parse("1,1,0,1").value();
    paced.pacing = {120, 120};
    config.groups = {paced};
    ClockedRun r(std::move(config), 600);
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "paced", 1));
    const auto begin = std::chrono::steady_clock::now();
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    // A bound for liveness, far above the moment it takes: the bug made it 120 s.
    QVERIFY(std::chrono::steady_clock::now() - begin < std::chrono::seconds(60));
    QCOMPARE(groupOf(*final, "paced").total.iterations, std::uint64_t(1));
    QCOMPARE(groupOf(*final, "paced").total.iterationsInterrupted, std::uint64_t(0));
    QCOMPARE(final->activeVusers, 0LL);
    verifyCountsAddUp(*final);
}

void TestGroups::spreadsLiveChangesOverTheClosedGroups()
{
    // 2 vusers each; +5 live goes 3 and 2 (the earlier group takes the odd one), -9 stops all.
    Record record;
    RunConfig config;
    GroupConfig a = group(record, "a", {.hold = true});
    a.profile = RampProfile::parse("2,1,0,10").value();
    GroupConfig b = group(record, "b", {.hold = true});
    b.profile = a.profile;
    config.groups = {a, b};
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "a", 2));
    QVERIFY(r.waitForStarts(record, "b", 2));
    r.run->adjustVusers(5);
    r.setMilliseconds(1100);
    QVERIFY(r.waitForStarts(record, "a", 5));
    QVERIFY(r.waitForStarts(record, "b", 4));
    ClockedRun::settle();
    QCOMPARE(record.startsOf("a"), 5);
    QCOMPARE(record.startsOf("b"), 4);
    r.setMilliseconds(11000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(groupOf(*final, "a").maxPlannedVusers, 5LL);
    QCOMPARE(groupOf(*final, "b").maxPlannedVusers, 4LL);
    verifyCountsAddUp(*final);
}

void TestGroups::aRendezvousWaitsForTheGroupsThatReachIt()
{
    // "meet" (all running vusers) is in the buyers' scenario only: their 2 vusers meet and go
    // on, though 3 browsers run (held) and never come. The clock stands: no timeout helps.
    Record record;
    RunConfig config;
    GroupConfig buyers = group(record, "buyers", {.hold = true, .meets = true});
    buyers.profile = RampProfile::parse("2,1,0,1").value();
    GroupConfig browsers = group(record, "browsers", {.hold = true});
    browsers.profile = RampProfile::parse("3,1,0,1").value();
    config.groups = {buyers, browsers};
    // One worker: both buyers start in one turn, so both are running when the first arrives
    // (on two workers, the first could arrive alone, and "all running" would be 1).
    config.workers = 1;
    ClockedRun r(std::move(config));
    QVERIFY(r.run->start());
    r.setMilliseconds(1000);
    QVERIFY(r.waitForStarts(record, "browsers", 3));
    QVERIFY(r.waitForStarts(record, "buyers", 2));
    r.setMilliseconds(2000);
    const auto final = r.run->wait();
    QVERIFY(final);
    QCOMPARE(final->rendezvous.at("meet").arrivals, std::uint64_t(2));
    QCOMPARE(final->rendezvous.at("meet").released, std::uint64_t(2));
    QCOMPARE(final->rendezvous.at("meet").timeouts, std::uint64_t(0));
    QCOMPARE(groupOf(*final, "buyers").maxVusers, 2LL);
    QCOMPARE(groupOf(*final, "browsers").maxVusers, 3LL);
}

void TestGroups::refusesGroupsThatCannotRun()
{
    Record record;
    {
        RunConfig config;
        GroupConfig fine = group(record, "fine");
        fine.profile = RampProfile::parse("1,1").value();
        GroupConfig none = group(record, "none");
        none.scenario.reset();
        none.profile = fine.profile;
        config.groups = {fine, none};
        Run run(std::move(config));
        const auto started = run.start();
        QVERIFY(!started);
        QCOMPARE(started.error().field, std::string("groups[1].scenario"));
        QVERIFY(started.error().message.find("group \"none\"") != std::string::npos);
    }
    {
        RunConfig config; // a weight, and no profile to share
        GroupConfig shared = group(record, "shared");
        shared.weight = 1;
        config.groups = {shared};
        Run run(std::move(config));
        const auto started = run.start();
        QVERIFY(!started);
        QCOMPARE(started.error().field, std::string("profile"));
    }
    {
        RunConfig config;
        GroupConfig open = group(record, "open");
        open.arrivalRate = ArrivalProfile::parse("1,1").value();
        open.maxVusers = 1;
        open.pacing = {1, 1};
        config.groups = {open};
        Run run(std::move(config));
        const auto started = run.start();
        QVERIFY(!started);
        QCOMPARE(started.error().field, std::string("groups[0].pacing"));
    }
    {
        RunConfig config;
        GroupConfig open = group(record, "open");
        open.arrivalRate = ArrivalProfile::parse("1,1").value();
        config.groups = {open}; // no pool
        Run run(std::move(config));
        const auto started = run.start();
        QVERIFY(!started);
        QCOMPARE(started.error().field, std::string("groups[0].pool"));
    }
    {
        RunConfig config;
        GroupConfig closed = group(record, "closed"); // no profile, no weight
        config.groups = {closed};
        Run run(std::move(config));
        const auto started = run.start();
        QVERIFY(!started);
        QCOMPARE(started.error().field, std::string("groups[0].profile"));
    }
}

QTEST_GUILESS_MAIN(TestGroups)
#include "tst_groups.moc"
