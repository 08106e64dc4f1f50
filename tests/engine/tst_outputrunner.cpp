// OutputRunner with a scripted sink: push never blocks, the queue bound holds, drops are counted,
// finish() honours its deadline even while the sink is backing off.

#include <loadwizard/output.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace Loadwizard;
using namespace std::chrono_literals;

namespace {

struct Script
{
    std::atomic<int> starts{0};
    std::atomic<int> failStarts{0};
    std::atomic<int> delivered{0};
    std::atomic<bool> finished{false};
    std::atomic<double> deliverSeconds{0};
    std::atomic<bool> failForever{false};
};

class ScriptedSink final : public OutputSink
{
public:
    explicit ScriptedSink(Script &script)
        : m_script(script)
    {}
    std::string name() const override { return "scripted"; }
    tl::expected<void, Error> start(const RunInfo &, DeliveryContext &) override
    {
        if (++m_script.starts <= m_script.failStarts)
            return tl::make_unexpected(Error{"not yet"});
        return {};
    }
    tl::expected<std::uint64_t, Error> deliver(const Snapshot &, DeliveryContext &context) override
    {
        if (m_script.failForever) {
            while (context.backoff(0.2))
                context.countRetry();
            return tl::make_unexpected(Error{"gave up"});
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(m_script.deliverSeconds.load()));
        ++m_script.delivered;
        return 3;
    }
    void finish(const Snapshot *, DeliveryContext &) override { m_script.finished = true; }
    tl::expected<void, Error> testConnection() override { return {}; }

private:
    Script &m_script;
};

std::shared_ptr<const Snapshot> snapshot(std::uint64_t sequence)
{
    auto s = std::make_shared<Snapshot>();
    s->sequence = sequence;
    return s;
}

} // namespace

class TestOutputRunner : public QObject
{
    Q_OBJECT

private slots:
    void deliversEverySnapshot();
    void dropsTheOldestWhenFullWithoutBlocking();
    void retriesTheStartUntilItWorks();
    void finishStopsABackingOffSinkAtTheDeadline();
};

void TestOutputRunner::deliversEverySnapshot()
{
    Script script;
    OutputRunner runner(std::make_unique<ScriptedSink>(script), RunInfo{}, 10);
    for (int i = 0; i < 5; ++i)
        runner.push(snapshot(i));
    runner.finish(5);
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.name, std::string("scripted"));
    QCOMPARE(stats.sent, std::uint64_t(5));
    QCOMPARE(stats.pointsSent, std::uint64_t(15));
    QCOMPARE(stats.dropped, std::uint64_t(0));
    QVERIFY(script.finished);
}

void TestOutputRunner::dropsTheOldestWhenFullWithoutBlocking()
{
    Script script;
    script.deliverSeconds = 0.2;
    OutputRunner runner(std::make_unique<ScriptedSink>(script), RunInfo{}, 4);
    const auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i)
        runner.push(snapshot(i));
    QVERIFY(std::chrono::steady_clock::now() - begin < 100ms); // push never waits for the sink
    runner.finish(0.5);
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.sent + stats.dropped, std::uint64_t(200));
    QVERIFY2(stats.dropped >= 190, std::to_string(stats.dropped).c_str());
}

void TestOutputRunner::retriesTheStartUntilItWorks()
{
    Script script;
    script.failStarts = 2;
    OutputRunner runner(std::make_unique<ScriptedSink>(script), RunInfo{}, 10);
    runner.push(snapshot(1));
    runner.push(snapshot(2));
    runner.finish(10);
    QCOMPARE(script.starts.load(), 3);
    QCOMPARE(runner.stats().sent, std::uint64_t(2));
    QCOMPARE(runner.stats().lastError, std::string("not yet"));
}

void TestOutputRunner::finishStopsABackingOffSinkAtTheDeadline()
{
    Script script;
    script.failForever = true;
    OutputRunner runner(std::make_unique<ScriptedSink>(script), RunInfo{}, 10);
    for (int i = 0; i < 3; ++i)
        runner.push(snapshot(i));
    std::this_thread::sleep_for(300ms);
    const auto begin = std::chrono::steady_clock::now();
    runner.finish(1.0);
    const auto took = std::chrono::steady_clock::now() - begin;
    QVERIFY2(took < 1500ms, std::to_string(took.count()).c_str());
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.sent, std::uint64_t(0));
    QCOMPARE(stats.dropped, std::uint64_t(3));
    QVERIFY(stats.retried > 0);
}

QTEST_GUILESS_MAIN(TestOutputRunner)
#include "tst_outputrunner.moc"
