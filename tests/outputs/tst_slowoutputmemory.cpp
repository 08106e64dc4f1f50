// A server that never answers: the output's queue bound holds, every snapshot that does not fit
// is counted as dropped, and the process's memory stays flat while tens of thousands of
// snapshots are pushed (the "queue bounds hold, drops are counted, memory stays flat").
//
// Real sinks (InfluxDB, Elasticsearch) run behind their OutputRunner against a loopback socket
// that listens but never accepts: the kernel completes the connection, takes the request, and
// nothing ever answers. Memory is VmRSS from /proc/self/status, compared once the queue is full
// and again after many more pushes; nothing here depends on how fast the machine is.

#include "sinktesting.h"

#include <loadwizard/output.h>

#include <QTest>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;

namespace {

/// Resident set size of this process in KiB.
long residentKiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:"))
            return std::stol(line.substr(6));
    }
    return -1;
}

/// Listens on a free loopback port and never accepts, reads or answers.
class SilentServer
{
public:
    SilentServer()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), length) != 0 ||
            ::listen(m_fd, 64) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            qFatal("SilentServer: cannot listen on loopback");
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer() { ::close(m_fd); }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    int m_fd = -1;
    int m_port = 0;
};

/// Heap bytes a snapshot holds, roughly (the part a leak of snapshots would add up).
std::size_t approximateBytes(const Snapshot &snapshot)
{
    std::size_t bytes = sizeof(Snapshot);
    for (const auto &event : snapshot.events)
        bytes += sizeof(LogEvent) + event.level.capacity() + event.message.capacity();
    for (const auto &entry : snapshot.requestsInterval)
        bytes += 64 + entry.first.capacity() + sizeof(entry.second);
    for (const auto &entry : snapshot.transactionsInterval)
        bytes += 64 + entry.first.capacity() + sizeof(entry.second);
    return bytes;
}

} // namespace

class TestSlowOutputMemory : public QObject
{
    Q_OBJECT

private slots:
    void queueBoundHoldsAndMemoryStaysFlat_data();
    void queueBoundHoldsAndMemoryStaysFlat();
};

void TestSlowOutputMemory::queueBoundHoldsAndMemoryStaysFlat_data()
{
    QTest::addColumn<QString>("options");
    // InfluxDB cuts its request at the flush deadline; Elasticsearch waits for its timeout.
    QTest::newRow("influxdb") << "influxdb=%1/loadwizard?version=2&org=perf&timeout=600";
    QTest::newRow("elasticsearch") << "elasticsearch=%1?timeout=3";
}

void TestSlowOutputMemory::queueBoundHoldsAndMemoryStaysFlat()
{
    QFETCH(QString, options);
    constexpr std::size_t capacity = 60; // the engine's default: a minute of snapshots
    constexpr int warmUp = 3 * int(capacity);
    constexpr int pushes = 20'000;
    constexpr long boundKiB = 20 * 1024;

    SilentServer server;
    const std::string flag = options.arg(QString::fromStdString(server.url())).toStdString();
    auto config = parseOutputFlag(flag);
    QVERIFY2(config, config ? "" : config.error().toString().c_str());
    auto sink = makeOutput(*config);
    QVERIFY2(sink, sink ? "" : sink.error().toString().c_str());

    SnapshotSeries series;
    OutputRunner runner(std::move(*sink), series.runInfo(), capacity);
    // Each snapshot carries 100 error events and per-name statistics: kilobytes each, so that
    // keeping them all would be hundreds of megabytes.
    for (int i = 0; i < warmUp; ++i)
        runner.push(std::make_shared<const Snapshot>(series.next(1000, 100)));
    const long fullKiB = residentKiB();
    QVERIFY(fullKiB > 0);

    std::size_t pushedBytes = 0;
    for (int i = 0; i < pushes; ++i) {
        auto snapshot = std::make_shared<const Snapshot>(series.next(1000, 100));
        pushedBytes += approximateBytes(*snapshot);
        runner.push(std::move(snapshot));
    }
    const long afterKiB = residentKiB();
    const OutputStats during = runner.stats();
    qInfo("%s: VmRSS %ld KiB with the queue full, %ld KiB after %d more snapshots (%zu MiB "
          "pushed); dropped %llu",
          QTest::currentDataTag(), fullKiB, afterKiB, pushes, pushedBytes >> 20,
          static_cast<unsigned long long>(during.dropped));

    // The bound means something: what was pushed is far more than it.
    QVERIFY(pushedBytes / 1024 > std::size_t(10 * boundKiB));
    QVERIFY2(afterKiB - fullKiB < boundKiB,
             qPrintable(QString("VmRSS grew by %1 KiB").arg(afterKiB - fullKiB)));
    // Nothing got through; all but the queue (and at most one snapshot in the sink's hands)
    // is counted as dropped.
    const std::uint64_t total = std::uint64_t(warmUp + pushes);
    QCOMPARE(during.sent, std::uint64_t(0));
    QVERIFY2(during.dropped >= total - capacity - 1 && during.dropped <= total,
             std::to_string(during.dropped).c_str());

    runner.finish(0.5);
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.sent, std::uint64_t(0));
    QCOMPARE(stats.dropped, total); // the queue and the one in flight are dropped at the end
}

QTEST_GUILESS_MAIN(TestSlowOutputMemory)
#include "tst_slowoutputmemory.moc"
