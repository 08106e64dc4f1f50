// What a run measures against the built-in target's known delays: think time is left out of a
// transaction's duration (a plain sleep is not), and a request to /delay/100 reads 100 ms.

#include <loadwizard/run.h>
#include <loadwizard/targetserver.h>

#include <QtTest>

#include <memory>
#include <string>

#include <httplib.h>

using namespace Loadwizard;

namespace {

/// Under sanitizers every instruction is slower: engine and server add more than in a release
/// build, where the tight bound holds.
bool sanitized()
{
    return qEnvironmentVariableIsSet("LOADWIZARD_SANITIZED");
}

/// Two transactions around the same 20 ms request: one also thinks for a second, the other
/// sleeps 0.3 s (a pause that is not think time).
class ThinkingScenario : public Scenario
{
public:
    explicit ThinkingScenario(std::string baseUrl)
        : m_baseUrl(std::move(baseUrl))
    {}

    Task<> iteration(Vuser &vuser) override
    {
        {
            auto transaction = vuser.transaction("think inside");
            co_await vuser.get(m_baseUrl + "/delay/20");
            co_await vuser.think(1.0);
        }
        {
            auto transaction = vuser.transaction("sleep inside");
            co_await vuser.get(m_baseUrl + "/delay/20");
            co_await vuser.sleep(0.3);
        }
    }

private:
    std::string m_baseUrl;
};

class DelayScenario : public Scenario
{
public:
    explicit DelayScenario(std::string baseUrl)
        : m_baseUrl(std::move(baseUrl))
    {}

    Task<> iteration(Vuser &vuser) override
    {
        // A Request, not request options: this test is built by the project's compiler, and
        // GCC 12 cannot take options inside co_await (see scenario.h).
        Request request;
        request.url = m_baseUrl + "/delay/100";
        request.name = "delay";
        const Response response = co_await vuser.request(request);
        vuser.check("status 200", response.status == 200);
    }

private:
    std::string m_baseUrl;
};

std::shared_ptr<const Snapshot> runToTheEnd(std::shared_ptr<Scenario> scenario, const char *profile)
{
    RunConfig config;
    config.scenario = std::move(scenario);
    config.profile = RampProfile::parse(profile).value();
    config.workers = 1;
    config.gracefulStopSeconds = 10; // every iteration ends on its own
    Run run(std::move(config));
    if (!run.start())
        return nullptr;
    return run.wait();
}

} // namespace

class TestRunTimings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void thinkTimeIsLeftOutOfTransactions();
    void aRequestToDelay100ReadsOneHundredMilliseconds();

private:
    TargetServer m_target;
};

void TestRunTimings::initTestCase()
{
    QVERIFY(m_target.start("127.0.0.1", 0));
    // The server answers once its 256 pool threads exist: a few seconds under ThreadSanitizer,
    // which would land in the first transaction's duration.
    httplib::Client client(m_target.baseUrl());
    client.set_read_timeout(60);
    const auto warmUp = client.Get("/health");
    QVERIFY(warmUp);
    QCOMPARE(warmUp->status, 200);
}

void TestRunTimings::thinkTimeIsLeftOutOfTransactions()
{
    const auto last =
        runToTheEnd(std::make_shared<ThinkingScenario>(m_target.baseUrl()), "2,1,0,2");
    QVERIFY(last && last->final);
    QCOMPARE(last->total.iterationsInterrupted, 0u);
    QCOMPARE(last->total.requestErrors, 0u);
    const NameStats think = last->transactionsTotal.at("think inside");
    const NameStats sleep = last->transactionsTotal.at("sleep inside");
    QCOMPARE(think.count, last->total.iterations);
    QCOMPARE(sleep.count, last->total.iterations);
    QCOMPARE(think.errors, 0u);
    // The request is in the transaction; the second of think time is not (with it, no
    // transaction could be shorter than 1 000 ms).
    QVERIFY2(think.latency.minMs >= 20, qPrintable(QString::number(think.latency.minMs)));
    QVERIFY2(think.latency.maxMs < 1000, qPrintable(QString::number(think.latency.maxMs)));
    // A sleep that is not think time stays in.
    QVERIFY2(sleep.latency.minMs >= 320, qPrintable(QString::number(sleep.latency.minMs)));
}

void TestRunTimings::aRequestToDelay100ReadsOneHundredMilliseconds()
{
    const auto last = runToTheEnd(std::make_shared<DelayScenario>(m_target.baseUrl()), "4,1,0,2");
    QVERIFY(last && last->final);
    QCOMPARE(last->total.requestErrors, 0u);
    QCOMPARE(last->checks.at("status 200").fails, 0u);
    const LatencyStats latency = last->requestsTotal.at("delay").latency;
    QVERIFY2(latency.count >= 20, qPrintable(QString::number(latency.count)));
    // The server holds each response for 100 ms; loopback and the engine add well under 1 ms.
    const double toleranceMs = sanitized() ? 5 : 1;
    QVERIFY2(latency.minMs >= 100, qPrintable(QString::number(latency.minMs)));
    QVERIFY2(latency.p50Ms <= 100 + toleranceMs, qPrintable(QString::number(latency.p50Ms)));
    qInfo("/delay/100: p50 %.3f ms, min %.3f ms, max %.3f ms over %llu requests", latency.p50Ms,
          latency.minMs, latency.maxMs, static_cast<unsigned long long>(latency.count));
}

QTEST_GUILESS_MAIN(TestRunTimings)
#include "tst_runtimings.moc"
