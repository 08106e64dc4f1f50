// The Graphite output against a real carbon-cache (Debian's graphite-carbon) with a private
// configuration and a 1 s retention, read back with whisper-fetch (python3-whisper).

#include "sinktesting.h"
#include <loadwizard/outputsinks.h>

#include "e2eharness.h"

#include <loadwizard/output.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <chrono>
#include <optional>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using EndToEnd::freeLoopbackPort;

namespace {

bool accepts(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

/// A private carbon-cache: its own folders, loopback ports, a 1 s retention and no create limit
/// (MAX_CREATES_PER_MINUTE would otherwise silently drop points of metrics not yet created).
class Carbon
{
public:
    Carbon()
        : m_linePort(freeLoopbackPort())
        , m_picklePort(freeLoopbackPort())
        , m_queryPort(freeLoopbackPort())
    {
        const QString root = m_dir.path();
        for (const char *sub : {"conf", "storage/whisper", "storage/lists", "log", "run"})
            QDir().mkpath(root + '/' + sub);
        writeFile("conf/carbon.conf",
                  QString("[cache]\n"
                          "STORAGE_DIR = %1/storage/\n"
                          "LOCAL_DATA_DIR = %1/storage/whisper/\n"
                          "WHITELISTS_DIR = %1/storage/lists/\n"
                          "CONF_DIR = %1/conf/\n"
                          "LOG_DIR = %1/log/\n"
                          "PID_DIR = %1/run/\n"
                          "USER =\n"
                          "MAX_CACHE_SIZE = inf\n"
                          "MAX_UPDATES_PER_SECOND = 10000\n"
                          "MAX_CREATES_PER_MINUTE = inf\n"
                          "LINE_RECEIVER_INTERFACE = 127.0.0.1\n"
                          "LINE_RECEIVER_PORT = %2\n"
                          "ENABLE_UDP_LISTENER = False\n"
                          "PICKLE_RECEIVER_INTERFACE = 127.0.0.1\n"
                          "PICKLE_RECEIVER_PORT = %3\n"
                          "CACHE_QUERY_INTERFACE = 127.0.0.1\n"
                          "CACHE_QUERY_PORT = %4\n"
                          "LOG_LISTENER_CONN_SUCCESS = False\n"
                          "ENABLE_TAGS = True\n"
                          // No graphite-web here: fail tag-database updates fast.
                          "GRAPHITE_URL = http://127.0.0.1:%5\n")
                      .arg(root)
                      .arg(m_linePort)
                      .arg(m_picklePort)
                      .arg(m_queryPort)
                      .arg(freeLoopbackPort()));
        writeFile("conf/storage-schemas.conf", "[everything]\npattern = .*\nretentions = 1s:1h\n");
    }

    ~Carbon() { stop(); }

    int linePort() const { return m_linePort; }
    QString target() const { return QString("tcp://127.0.0.1:%1").arg(m_linePort); }

    /// Starts carbon-cache in the foreground and waits until its line receiver listens.
    bool start()
    {
        QFile::remove(m_dir.path() + "/run/carbon-cache-a.pid"); // left behind by kill()
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->setStandardOutputFile(m_dir.path() + "/log/console.txt", QIODevice::Append);
        m_process->start("carbon-cache",
                         {"--config=" + m_dir.path() + "/conf/carbon.conf", "--debug", "start"});
        if (!m_process->waitForStarted(10'000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 30'000) {
            if (accepts(m_linePort))
                return true;
            if (m_process->state() == QProcess::NotRunning)
                return false;
            QThread::msleep(100);
        }
        return false;
    }

    void kill()
    {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(10'000);
        m_process.reset();
    }

    void stop()
    {
        if (!m_process)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(15'000))
            kill();
        m_process.reset();
    }

    QString console() const
    {
        QFile file(m_dir.path() + "/log/console.txt");
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().right(3000))
                                              : QString();
    }

    QString whisperFile(const QString &metric) const
    {
        if (metric.contains(';')) {
            // Tagged series live under _tagged/<sha256[0:3]>/<sha256[3:6]>/<sha256>.wsp, hashed
            // from the normalised name (tags sorted by key).
            const QString hash =
                QCryptographicHash::hash(metric.toUtf8(), QCryptographicHash::Sha256).toHex();
            return m_dir.path() + "/storage/whisper/_tagged/" + hash.left(3) + '/' +
                   hash.mid(3, 3) + '/' + hash + ".wsp";
        }
        return m_dir.path() + "/storage/whisper/" + QString(metric).replace('.', '/') + ".wsp";
    }

    /// Timestamp → value of the points carbon has written for `metric` (none when missing).
    std::map<qint64, double> points(const QString &metric, qint64 from, qint64 until) const
    {
        std::map<qint64, double> out;
        const QString file = whisperFile(metric);
        if (!QFile::exists(file))
            return out;
        QProcess fetch;
        fetch.start("whisper-fetch", {"--json", "--from=" + QString::number(from),
                                      "--until=" + QString::number(until), file});
        if (!fetch.waitForFinished(30'000) || fetch.exitCode() != 0)
            return out;
        const QJsonObject json = QJsonDocument::fromJson(fetch.readAllStandardOutput()).object();
        const qint64 start = json["start"].toInteger();
        const qint64 step = json["step"].toInteger(1);
        const QJsonArray values = json["values"].toArray();
        for (qsizetype i = 0; i < values.size(); ++i) {
            if (!values[i].isNull())
                out[start + i * step] = values[i].toDouble();
        }
        return out;
    }

    /// Polls until the sum of `metric`'s points equals `expected` (carbon writes a moment after
    /// it receives); returns the last sum seen.
    double waitForSum(const QString &metric, double expected, qint64 from, qint64 until,
                      int timeoutMs = 20'000) const
    {
        QElapsedTimer timer;
        timer.start();
        double sum = 0;
        do {
            sum = 0;
            for (const auto &[time, value] : points(metric, from, until))
                sum += value;
            if (sum == expected)
                return sum;
            QThread::msleep(200);
        } while (timer.elapsed() < timeoutMs);
        return sum;
    }

private:
    void writeFile(const QString &relative, const QString &text)
    {
        QFile file(m_dir.path() + '/' + relative);
        if (file.open(QIODevice::WriteOnly))
            file.write(text.toUtf8());
    }

    QTemporaryDir m_dir;
    int m_linePort;
    int m_picklePort;
    int m_queryPort;
    std::unique_ptr<QProcess> m_process;
};

std::unique_ptr<OutputSink> makeSink(const QString &target,
                                     std::map<std::string, std::string, std::less<>> options = {})
{
    return makeTestSink(&Engine::makeGraphiteSink, "graphite", target.toStdString(),
                        std::move(options));
}

qint64 epoch(std::chrono::system_clock::time_point time)
{
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

} // namespace

class TestGraphite : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable("carbon-cache").isEmpty() ||
            QStandardPaths::findExecutable("whisper-fetch").isEmpty())
            QSKIP("carbon-cache or whisper-fetch missing: apt-get install graphite-carbon "
                  "python3-whisper (packaging/setup.sh does)");
    }

    void totalsInWhisperEqualTheSnapshots()
    {
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        auto sink = makeSink(carbon.target());
        QVERIFY(sink);
        SnapshotSeries series(120);
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo("shop demo"), context).has_value());
        std::uint64_t lines = 0;
        for (int i = 0; i < 5; ++i)
            lines += sink->deliver(series.next(100 + std::uint64_t(i), 3), context).value_or(0);
        // The final interval ends 0.3 s later, inside the same second: it must not overwrite.
        lines += sink->deliver(series.next(7, 1, true, 0.3), context).value_or(0);
        sink->finish(nullptr, context);
        QVERIFY(lines > 0);
        QCOMPARE(context.rejected(), std::uint64_t(0));

        const qint64 from = epoch(series.started()) - 5;
        const qint64 until = from + 60;
        const QString prefix = "loadwizard.shop_demo.";
        const auto &total = series.total();
        QCOMPARE(carbon.waitForSum(prefix + "all.count", double(total.requests), from, until),
                 double(total.requests));
        QCOMPARE(carbon.points(prefix + "all.count", from, until).size(), std::size_t(6));
        QCOMPARE(carbon.waitForSum(prefix + "all.errors", double(total.requestErrors), from, until),
                 double(total.requestErrors));
        QCOMPARE(
            carbon.waitForSum(prefix + "errors.http_5xx", double(total.requestErrors), from, until),
            double(total.requestErrors));
        QCOMPARE(carbon.waitForSum(prefix + "checks.failed", 6, from, until), 6.0);
        // Request names become one sanitised component: "POST /login" → POST__login.
        QCOMPARE(carbon.waitForSum(prefix + "request.POST__login.count",
                                   double(50 + 50 + 51 + 51 + 52 + 3), from, until),
                 double(50 + 50 + 51 + 51 + 52 + 3));
        const QString product = prefix + "request.http___127-0-0-1_8080_product-html_id_1_2.";
        QCOMPARE(carbon.waitForSum(product + "errors", double(total.requestErrors), from, until),
                 double(total.requestErrors));
        QCOMPARE(carbon.waitForSum(prefix + "transaction.checkout_flow.count",
                                   double(50 + 50 + 51 + 51 + 52 + 3), from, until),
                 double(50 + 50 + 51 + 51 + 52 + 3));
        const auto p95 = carbon.points(prefix + "all.p95", from, until);
        QCOMPARE(p95.size(), std::size_t(6));
        QCOMPARE(p95.begin()->second, 3.6);
        const auto active = carbon.points(prefix + "vusers.active", from, until);
        QVERIFY(!active.empty());
        QCOMPARE(active.begin()->second, 10.0);
    }

    void gatlingSchemeLandsWhereGatlingDashboardsLook()
    {
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        auto sink = makeSink(carbon.target(), {{"scheme", "gatling"}});
        SnapshotSeries series(120);
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo("shop"), context).has_value());
        for (int i = 0; i < 3; ++i)
            QVERIFY(sink->deliver(series.next(40, 4), context).has_value());
        sink->finish(nullptr, context);
        const qint64 from = epoch(series.started()) - 5;
        const qint64 until = from + 60;
        QCOMPARE(carbon.waitForSum("gatling.shop.allRequests.all.count", 120, from, until), 120.0);
        QCOMPARE(carbon.waitForSum("gatling.shop.allRequests.ko.count", 12, from, until), 12.0);
        QCOMPARE(carbon.waitForSum("gatling.shop.allRequests.ok.count", 108, from, until), 108.0);
        QCOMPARE(carbon.waitForSum("gatling.shop.POST__login.all.count", 60, from, until), 60.0);
        QCOMPARE(carbon.points("gatling.shop.allRequests.all.percentiles95", from, until).size(),
                 std::size_t(3));
        QCOMPARE(carbon.waitForSum("gatling.shop.users.allUsers.active", 30, from, until), 30.0);
        QCOMPARE(carbon.waitForSum("gatling.shop.users.allUsers.waiting", 6, from, until), 6.0);
        QCOMPARE(carbon.waitForSum("gatling.shop.users.shop.active", 30, from, until), 30.0);
    }

    void taggedSeriesCarryProjectScenarioAndRequestTags()
    {
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        auto sink = makeSink(carbon.target(), {{"tags", "true"}});
        SnapshotSeries series(120);
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo("shop demo"), context).has_value());
        for (int i = 0; i < 3; ++i)
            QVERIFY(sink->deliver(series.next(20, 2), context).has_value());
        sink->finish(nullptr, context);
        QCOMPARE(context.rejected(), std::uint64_t(0));
        const qint64 from = epoch(series.started()) - 5;
        const qint64 until = from + 60;
        const QString tags = ";instance=generator-1;project=shop_demo;scenario=shop";
        QCOMPARE(carbon.waitForSum("loadwizard.all.count" + tags, 60, from, until), 60.0);
        QCOMPARE(carbon.waitForSum("loadwizard.errors;class=http_5xx" + tags, 6, from, until), 6.0);
        // Tags sorted by key, as carbon normalises them: request comes after project.
        QCOMPARE(carbon.waitForSum("loadwizard.request.count;instance=generator-1;project="
                                   "shop_demo;request=POST_/login;scenario=shop",
                                   30, from, until),
                 30.0);
    }

    void groupsLandUnderTheirOwnPathsBesideTheRun()
    {
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        auto plain = makeSink(carbon.target());
        auto tagged = makeSink(carbon.target(), {{"tags", "true"}});
        auto gatling = makeSink(carbon.target(), {{"scheme", "gatling"}});
        QVERIFY(plain && tagged && gatling);
        SnapshotSeries series(120);
        RecordingContext context;
        QVERIFY(plain->start(series.runInfo("mix"), context).has_value());
        QVERIFY(tagged->start(series.runInfo("mix"), context).has_value());
        QVERIFY(gatling->start(series.runInfo("mix"), context).has_value());
        for (int i = 0; i < 3; ++i) {
            const Snapshot snapshot = withTwoGroups(series.next(40, 4));
            QVERIFY(plain->deliver(snapshot, context).has_value());
            QVERIFY(tagged->deliver(snapshot, context).has_value());
            QVERIFY(gatling->deliver(snapshot, context).has_value());
        }
        plain->finish(nullptr, context);
        tagged->finish(nullptr, context);
        gatling->finish(nullptr, context);
        QCOMPARE(context.rejected(), std::uint64_t(0));
        const qint64 from = epoch(series.started()) - 5;
        const qint64 until = from + 60;
        // The run's paths as without groups; each group's under groups.NAME ("buy.eu" is one
        // component, "buy-eu"); the same transaction in both groups stays apart.
        const QString prefix = "loadwizard.mix.";
        QCOMPARE(carbon.waitForSum(prefix + "all.count", 120, from, until), 120.0);
        QCOMPARE(carbon.waitForSum(prefix + "transaction.checkout_flow.count", 120, from, until),
                 120.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.browse.all.count", 60, from, until), 60.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.buy-eu.all.errors", 12, from, until), 12.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.buy-eu.errors.http_5xx", 12, from, until),
                 12.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.browse.transaction.checkout_flow.count", 60,
                                   from, until),
                 60.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.buy-eu.transaction.checkout_flow.errors", 12,
                                   from, until),
                 12.0);
        const auto buyP95 =
            carbon.points(prefix + "groups.buy-eu.transaction.checkout_flow.p95", from, until);
        QCOMPARE(buyP95.size(), std::size_t(3));
        QCOMPARE(buyP95.begin()->second, 36.0);
        QCOMPARE(carbon.waitForSum(prefix + "groups.browse.vusers.active", 18, from, until), 18.0);
        QVERIFY(
            carbon.points(prefix + "groups.browse.request.POST__login.count", from, until).size() ==
            3);
        // Tagged: the same names with a group tag (sorted among the others by carbon).
        QCOMPARE(carbon.waitForSum("loadwizard.all.count;group=buy.eu;instance=generator-1;"
                                   "project=mix;scenario=shop",
                                   60, from, until),
                 60.0);
        QCOMPARE(carbon.waitForSum("loadwizard.transaction.count;group=browse;instance=generator-"
                                   "1;project=mix;scenario=shop;transaction=checkout_flow",
                                   60, from, until),
                 60.0);
        QCOMPARE(carbon.waitForSum("loadwizard.all.count;instance=generator-1;project=mix;"
                                   "scenario=shop",
                                   120, from, until),
                 120.0);
        // Gatling: each group is a scenario of users.
        QCOMPARE(carbon.waitForSum("gatling.mix.users.buy-eu.active", 12, from, until), 12.0);
        QCOMPARE(carbon.waitForSum("gatling.mix.users.allUsers.active", 30, from, until), 30.0);
        QVERIFY(carbon.points("gatling.mix.users.shop.active", from, until).empty());
    }

    void reconnectsWhenCarbonStartsLate()
    {
        Carbon carbon; // not started yet
        auto sink = makeSink(carbon.target());
        SnapshotSeries series(120);
        RecordingContext context(0.5);
        QVERIFY(sink->start(series.runInfo("late"), context).has_value()); // down: not fatal
        QVERIFY(!sink->testConnection().has_value());
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(10, 0), context); });
        QThread::msleep(700);
        const bool started = carbon.start();
        delivering.join();
        QVERIFY2(started, qPrintable(carbon.console()));
        QVERIFY(sent && sent->has_value());
        QVERIFY(context.retries() >= 1);
        QVERIFY(sink->deliver(series.next(20, 0), context).has_value());
        QVERIFY(sink->deliver(series.next(30, 0), context).has_value());
        sink->finish(nullptr, context);
        const qint64 from = epoch(series.started()) - 5;
        QCOMPARE(carbon.waitForSum("loadwizard.late.all.count", 60, from, from + 60), 60.0);
    }

    void survivesCarbonKilledAndRestarted()
    {
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        auto sink = makeSink(carbon.target());
        SnapshotSeries series(120);
        RecordingContext context(0.5);
        QVERIFY(sink->start(series.runInfo("restart"), context).has_value());
        for (int i = 0; i < 3; ++i)
            QVERIFY(sink->deliver(series.next(10, 0), context).has_value());
        const qint64 from = epoch(series.started()) - 5;
        const QString metric = "loadwizard.restart.all.count";
        QCOMPARE(carbon.waitForSum(metric, 30, from, from + 60), 30.0); // written before the kill

        carbon.kill();
        // The first batch after the kill must not vanish into the dead connection.
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(100, 0), context); });
        QThread::msleep(700);
        const bool restarted = carbon.start();
        delivering.join();
        QVERIFY2(restarted, qPrintable(carbon.console()));
        QVERIFY(sent && sent->has_value());
        QVERIFY(sink->deliver(series.next(1000, 0), context).has_value());
        sink->finish(nullptr, context);
        QCOMPARE(carbon.waitForSum(metric, 1130, from, from + 60), 1130.0);
    }

    void headlessRunTotalsEqualTheSummary()
    {
        EndToEnd::Harness harness;
        if (!harness.problem().isEmpty())
            QSKIP(qPrintable(harness.problem()));
        Carbon carbon;
        QVERIFY2(carbon.start(), qPrintable(carbon.console()));
        const qint64 from = QDateTime::currentSecsSinceEpoch() - 5;
        const QString json = harness.scratchPath("graphite-run.json");
        const auto outcome = harness.run(
            {"demo", "--quiet", "--rampup", "4,1,0,3", "--param", "think=0", "--out",
             "graphite=" + carbon.target() + "?prefix=e2e.demo", "--summary-json", json},
            180'000);
        QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
        const QJsonObject summary = EndToEnd::readJson(json);
        const qint64 requests = EndToEnd::count(summary, {"requests", "count"});
        const qint64 errors = EndToEnd::count(summary, {"requests", "errors"});
        QVERIFY(requests > 0);
        const qint64 until = QDateTime::currentSecsSinceEpoch() + 5;
        QCOMPARE(carbon.waitForSum("e2e.demo.all.count", double(requests), from, until),
                 double(requests));
        QCOMPARE(carbon.waitForSum("e2e.demo.all.errors", double(errors), from, until),
                 double(errors));
        const QJsonObject outputs = summary["outputs"].toObject();
        QCOMPARE(outputs.size(), 1);
        const QJsonObject stats = outputs.begin().value().toObject();
        QVERIFY(stats["sent"].toInteger() > 0);
        QCOMPARE(stats["dropped"].toInteger(), 0);
        QCOMPARE(stats["points_rejected"].toInteger(), 0);
    }

    void rejectsBadConfiguration_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field");
        QTest::newRow("http target") << "http://h:2003"
                                     << ""
                                     << ""
                                     << "target";
        QTest::newRow("bad port") << "tcp://h:70000"
                                  << ""
                                  << ""
                                  << "target";
        QTest::newRow("path") << "tcp://h:2003/x"
                              << ""
                              << ""
                              << "target";
        QTest::newRow("unknown option") << "tcp://h"
                                        << "prefx"
                                        << "a"
                                        << "options.prefx";
        QTest::newRow("empty prefix component") << "tcp://h"
                                                << "prefix"
                                                << "a..b"
                                                << "options.prefix";
        QTest::newRow("scheme") << "tcp://h"
                                << "scheme"
                                << "statsd"
                                << "options.scheme";
        QTest::newRow("tags") << "tcp://h"
                              << "tags"
                              << "sometimes"
                              << "options.tags";
    }

    void rejectsBadConfiguration()
    {
        QFETCH(QString, target);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, field);
        OutputConfig config;
        config.kind = "graphite";
        config.target = target.toStdString();
        if (!key.isEmpty())
            config.options[key.toStdString()] = value.toStdString();
        const auto sink = Engine::makeGraphiteSink(config);
        QVERIFY(!sink.has_value());
        QCOMPARE(QString::fromStdString(sink.error().field), field);
    }

    void defaultPortIs2003()
    {
        auto sink = makeSink("tcp://127.0.0.1");
        QVERIFY(sink);
        QCOMPARE(sink->name(), std::string("graphite tcp://127.0.0.1:2003"));
    }
};

QTEST_GUILESS_MAIN(TestGraphite)
#include "tst_graphite.moc"
