// What the open model measures, and pacing, on the real clock against the built-in target.
// Latency from the intended start: a load generator that stalls (a worker blocked for 300 ms,
// as a long GC pause would) starts the arrivals due meanwhile late; their latency from the
// intended start holds the stall, the service time does not. Pacing: a vuser's iterations
// start at least the pacing apart.

#include <loadwizard/run.h>
#include <loadwizard/targetserver.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

using namespace Loadwizard;

namespace {

/// One GET /health per iteration; the first iteration blocks its worker for 300 ms first.
class StallingScenario : public Scenario
{
public:
    explicit StallingScenario(std::string baseUrl)
        : m_baseUrl(std::move(baseUrl))
    {}

    Task<> iteration(Vuser &vuser) override
    {
        if (!m_stalled.exchange(true))
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        Request request;
        request.url = m_baseUrl + "/health";
        request.name = "health";
        co_await vuser.request(request);
    }

private:
    std::string m_baseUrl;
    std::atomic<bool> m_stalled{false};
};

/// Records when each vuser's iterations start (steady clock), and does nothing else.
class StartRecorder : public Scenario
{
public:
    Task<> iteration(Vuser &vuser) override
    {
        std::lock_guard lock(mutex);
        starts[vuser.id()].push_back(std::chrono::steady_clock::now());
        co_return;
    }

    std::mutex mutex;
    std::map<std::uint64_t, std::vector<std::chrono::steady_clock::time_point>> starts;
};

/// The shortest time between two iteration starts of one vuser, and the iterations seen.
std::pair<double, int> shortestGap(StartRecorder &recorder)
{
    std::lock_guard lock(recorder.mutex);
    double shortest = 1e9;
    int iterations = 0;
    for (const auto &[vuser, starts] : recorder.starts) {
        iterations += int(starts.size());
        for (std::size_t i = 1; i < starts.size(); ++i)
            shortest = std::min(shortest,
                                std::chrono::duration<double>(starts[i] - starts[i - 1]).count());
    }
    return {shortest, iterations};
}

std::shared_ptr<const Snapshot> runPaced(std::shared_ptr<StartRecorder> recorder,
                                         PacingSettings pacing)
{
    RunConfig config;
    config.scenario = recorder;
    config.profile = RampProfile::parse("2000,0.001,0,1.2").value(); // 2 vusers for 1.2 s
    config.workers = 1;
    config.pacing = pacing;
    Run run(std::move(config));
    if (!run.start())
        return nullptr;
    return run.wait();
}

} // namespace

class TestArrivalTimings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void latencyFromTheIntendedStartHoldsAGeneratorStall();
    void pacingSpacesTheIterationStartsOfAVuser();
    void aRandomPacingStaysWithinItsRange();

private:
    TargetServer m_target;
};

void TestArrivalTimings::initTestCase()
{
    QVERIFY(m_target.start("127.0.0.1", 0));
    httplib::Client client(m_target.baseUrl());
    client.set_read_timeout(60);
    QVERIFY(client.Get("/health"));
}

void TestArrivalTimings::latencyFromTheIntendedStartHoldsAGeneratorStall()
{
    // 50/s for 2 s: 100 arrivals, of which about 15 fall in the 300 ms stall and start late.
    RunConfig config;
    config.scenario = std::make_shared<StallingScenario>(m_target.baseUrl());
    config.arrivalRate = ArrivalProfile::parse("50,0,50,2").value();
    config.preAllocatedVusers = 20;
    config.maxVusers = 20;
    config.workers = 1;
    config.gracefulStopSeconds = 10;
    Run run(std::move(config));
    QVERIFY(run.start());
    const auto final = run.wait();
    QVERIFY(final);
    QCOMPARE(final->total.iterationsStarted + final->total.iterationsDropped, std::uint64_t(100));
    QCOMPARE(final->total.iterationsDropped, std::uint64_t(0));
    QCOMPARE(final->total.requests, std::uint64_t(100));
    // The stalled arrivals are more than 1 % of them: p99 from the intended start holds most
    // of the stall (the last one due in it waited least), the service time none of it.
    QCOMPARE(final->totalIntendedLatency.count, std::uint64_t(100));
    QVERIFY2(final->totalIntendedLatency.p99Ms >= 250,
             qPrintable(QString::number(final->totalIntendedLatency.p99Ms)));
    QVERIFY2(final->totalIntendedLatency.maxMs >= 300,
             qPrintable(QString::number(final->totalIntendedLatency.maxMs)));
    QVERIFY2(final->totalLatency.p99Ms < 250,
             qPrintable(QString::number(final->totalLatency.p99Ms)));
    const NameStats &health = final->requestsTotal.at("health");
    QCOMPARE(health.intendedLatency.count, std::uint64_t(100));
    QCOMPARE(health.intendedLatency.p99Ms, final->totalIntendedLatency.p99Ms);
}

void TestArrivalTimings::pacingSpacesTheIterationStartsOfAVuser()
{
    auto recorder = std::make_shared<StartRecorder>();
    const auto final = runPaced(recorder, {0.2, 0.2});
    QVERIFY(final);
    const auto [shortest, iterations] = shortestGap(*recorder);
    // Without pacing these vusers would run thousands of iterations; with it about 6 each.
    QVERIFY2(iterations >= 4 && iterations <= 14, qPrintable(QString::number(iterations)));
    // The timer fires at or after the pacing; the scenario reads the clock a few microseconds
    // after the runtime did, so the gap may look shorter by those.
    QVERIFY2(shortest >= 0.2 - 0.001, qPrintable(QString::number(shortest)));

    QCOMPARE(final->total.iterationsStarted,
             final->total.iterations + final->total.iterationsInterrupted);
}

void TestArrivalTimings::aRandomPacingStaysWithinItsRange()
{
    auto recorder = std::make_shared<StartRecorder>();
    const auto final = runPaced(recorder, {0.1, 0.3});
    QVERIFY(final);
    const auto [shortest, iterations] = shortestGap(*recorder);
    QVERIFY2(iterations >= 4 && iterations <= 26, qPrintable(QString::number(iterations)));
    QVERIFY2(shortest >= 0.1 - 0.001, qPrintable(QString::number(shortest)));
}

QTEST_GUILESS_MAIN(TestArrivalTimings)
#include "tst_arrivaltimings.moc"
