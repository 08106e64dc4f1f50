// The InfluxDB output against Debian's real influxd (1.6.7), started privately on free loopback
// ports: what the run's summary counts is what InfluxQL reads back, in both schemas; and the
// faults: no server at the start, the server killed and restarted mid-run, a server that answers
// slowly. The load itself must not notice any of them.

#include "e2eharness.h"
#include "sinktesting.h"
#include <loadwizard/outputsinks.h>

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <thread>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

namespace {

/// influxd with a private config: data in a temporary folder, HTTP and the backup service on
/// free loopback ports (the backup default 127.0.0.1:8088 clashes with anything else there).
class InfluxServer
{
public:
    ~InfluxServer() { stop(); }

    QString start()
    {
        const QString binary = QStandardPaths::findExecutable("influxd");
        if (binary.isEmpty())
            return "influxd is not installed";
        if (m_port == 0)
            m_port = freeLoopbackPort();
        const int backupPort = freeLoopbackPort();
        const QString dir = m_dir.path();
        const QString config = QString("reporting-disabled = true\n"
                                       "bind-address = \"127.0.0.1:%1\"\n"
                                       "[meta]\n  dir = \"%2/meta\"\n"
                                       "[data]\n  dir = \"%2/data\"\n  wal-dir = \"%2/wal\"\n"
                                       "  query-log-enabled = false\n"
                                       "[http]\n  bind-address = \"127.0.0.1:%3\"\n"
                                       "  log-enabled = false\n"
                                       "[monitor]\n  store-enabled = false\n"
                                       "[continuous_queries]\n  enabled = false\n"
                                       "[logging]\n  level = \"error\"\n")
                                   .arg(backupPort)
                                   .arg(dir)
                                   .arg(m_port);
        QFile file(dir + "/influxdb.conf");
        if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0)
            return "cannot write " + file.fileName();
        file.close();
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start(binary, {"run", "-config", file.fileName()});
        if (!m_process->waitForStarted(5000))
            return "influxd did not start";
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000) {
            httplib::Client client("127.0.0.1", m_port);
            if (auto answer = client.Get("/ping"); answer && answer->status == 204)
                return {};
            if (m_process->state() == QProcess::NotRunning)
                return "influxd exited: " + QString::fromUtf8(m_process->readAll());
            QThread::msleep(100);
        }
        return "influxd did not answer /ping";
    }

    void kill()
    {
        if (m_process) {
            m_process->kill();
            m_process->waitForFinished(5000);
            m_process.reset();
        }
    }

    void stop()
    {
        if (m_process) {
            m_process->terminate();
            if (!m_process->waitForFinished(5000))
                kill();
            m_process.reset();
        }
    }

    int port() const { return m_port; }
    QString url(const QString &database) const
    {
        return QString("http://127.0.0.1:%1/%2").arg(m_port).arg(database);
    }

    /// The first column after time of each row of an InfluxQL query.
    QJsonArray query(const QString &database, const QString &statement) const
    {
        httplib::Client client("127.0.0.1", m_port);
        httplib::Params params{{"db", database.toStdString()}, {"q", statement.toStdString()}};
        auto answer = client.Get("/query", params, httplib::Headers{});
        if (!answer || answer->status != 200)
            return {};
        const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(answer->body));
        const auto series = json["results"][0]["series"];
        return series.isArray() ? series.toArray() : QJsonArray();
    }

    double scalar(const QString &database, const QString &statement) const
    {
        const auto series = query(database, statement);
        if (series.isEmpty())
            return -1;
        return series[0]["values"][0][1].toDouble(-1);
    }

private:
    QTemporaryDir m_dir;
    int m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

} // namespace

class TestInfluxOutput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void nativeSchemaTotalsEqualTheSummary();
    void jmeterSchemaTotalsEqualTheSummary();
    void groupsSeriesQueryApartAndTheRunsAlone();
    void serverDownAtTheStartLeavesTheRunAlone();
    void dataAfterARestartArrives();
    void slowServerDropsAreCountedAndTheRunEndsOnTime();

private:
    QStringList runArguments(const QString &summary, double seconds) const;
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }

    Harness m_harness;
    TargetServer m_target;
    InfluxServer m_influx;
    bool m_haveInflux = false;
    QString m_skipReason;
};

void TestInfluxOutput::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    if (QStandardPaths::findExecutable("influxd").isEmpty()) {
        m_skipReason = "influxd is not installed (apt-get install influxdb; packaging/setup.sh "
                       "installs it)";
        return;
    }
    const QString problem = m_influx.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_haveInflux = true;
}

void TestInfluxOutput::cleanupTestCase()
{
    m_influx.stop();
    m_target.stop();
}

QStringList TestInfluxOutput::runArguments(const QString &summary, double seconds) const
{
    return {"run",
            "--scenario",
            m_harness.sourcePath("scenarios/simple.cpp"),
            "--rampup",
            QString("4,1,0,%1").arg(seconds - 1),
            "--param",
            "base_url=" + baseUrl(),
            "--workers",
            "1",
            "--quiet",
            "--summary-json",
            summary};
}

void TestInfluxOutput::nativeSchemaTotalsEqualTheSummary()
{
    if (!m_haveInflux)
        QSKIP(qPrintable(m_skipReason));
    const QString summary = m_harness.scratchPath("native.json");
    auto arguments = runArguments(summary, 3);
    arguments << "--out"
              << "influxdb=" + m_influx.url("lw_native") + "?precision=ms";
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());

    const QJsonObject json = readJson(summary);
    const qint64 requests = count(json, {"requests", "count"});
    QVERIFY(requests > 0);
    const QString name = "influxdb " + m_influx.url("lw_native");
    QCOMPARE(count(json, {"outputs", name, "dropped"}), qint64(0));
    QVERIFY(count(json, {"outputs", name, "sent"}) >= 3);
    QCOMPARE(field(json, {"outputs", name, "last_error"}).toString(), QString());

    QCOMPARE(qint64(m_influx.scalar("lw_native",
                                    "SELECT sum(count) FROM requests WHERE request = 'all'")),
             requests);
    QCOMPARE(qint64(m_influx.scalar("lw_native",
                                    "SELECT sum(errors) FROM requests WHERE request='all'")),
             count(json, {"requests", "errors"}));
    QCOMPARE(qint64(m_influx.scalar("lw_native", "SELECT sum(count) FROM iterations")),
             count(json, {"iterations"}));
    QCOMPARE(qint64(m_influx.scalar("lw_native", "SELECT sum(bytes_in) FROM data")),
             count(json, {"requests", "bytes_in"}));
    const QString requestName = json["requests_by_name"].toObject().keys().value(0);
    QVERIFY(!requestName.isEmpty());
    QCOMPARE(
        qint64(m_influx.scalar("lw_native", "SELECT sum(count) FROM requests WHERE request = '" +
                                                QString(requestName).replace("'", "\\'") + "'")),
        count(json, {"requests_by_name", requestName, "count"}));
    QCOMPARE(qint64(m_influx.scalar("lw_native", "SELECT sum(passes) FROM checks")),
             count(json, {"checks", "status is 200", "passes"}));
    QCOMPARE(qint64(m_influx.scalar("lw_native", "SELECT max(max) FROM vusers")),
             count(json, {"vusers", "max"}));
    QCOMPARE(m_influx.scalar("lw_native", "SELECT count(message) FROM events WHERE kind = 'run'"),
             2.0);
    // Tags: project, scenario and instance on every series.
    const auto tags = m_influx.query("lw_native", "SHOW TAG KEYS FROM requests");
    QStringList keys;
    for (const auto &row : tags[0]["values"].toArray())
        keys << row[0].toString();
    QCOMPARE(keys, (QStringList{"instance", "project", "request", "scenario"}));
}

void TestInfluxOutput::groupsSeriesQueryApartAndTheRunsAlone()
{
    if (!m_haveInflux)
        QSKIP(qPrintable(m_skipReason));
    auto sink = makeTestSink(&Engine::makeInfluxSink, "influxdb",
                             m_influx.url("lw_groups").toStdString(), {{"precision", "ms"}});
    QVERIFY(sink);
    SnapshotSeries series(120);
    RecordingContext context;
    QVERIFY(sink->start(series.runInfo("mix"), context).has_value());
    for (int i = 0; i < 3; ++i) {
        const auto sent = sink->deliver(withTwoGroups(series.next(40, 4)), context);
        QVERIFY2(sent.has_value(), sent ? "" : sent.error().message.c_str());
    }
    sink->finish(nullptr, context);
    QCOMPARE(context.rejected(), std::uint64_t(0));
    // The run's series have no group tag ("group" is an InfluxQL keyword: quote it).
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT sum(count) FROM requests WHERE request = 'all' "
                                          "AND \"group\" = ''"),
             120.0);
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT sum(count) FROM transactions WHERE "
                                          "\"group\" = ''"),
             120.0);
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT sum(count) FROM transactions WHERE "
                                          "\"group\" = 'browse'"),
             60.0);
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT sum(errors) FROM transactions WHERE "
                                          "\"group\" = 'buy.eu'"),
             12.0);
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT max(p95) FROM transactions WHERE "
                                          "\"group\" = 'buy.eu'"),
             36.0);
    QCOMPARE(m_influx.scalar("lw_groups", "SELECT sum(count) FROM errors WHERE "
                                          "\"group\" = 'buy.eu' AND status_class = 'http_5xx'"),
             12.0);
    // GROUP BY "group": one series per group, and the run's (group "").
    const auto byGroup =
        m_influx.query("lw_groups", "SELECT sum(active) FROM vusers GROUP BY \"group\"");
    QStringList rows;
    for (const QJsonValue &value : byGroup) {
        const QJsonObject series = value.toObject();
        rows << series["tags"].toObject()["group"].toString() + "=" +
                    QString::number(series["values"].toArray()[0].toArray()[1].toDouble());
    }
    QCOMPARE(rows, (QStringList{"=30", "browse=18", "buy.eu=12"}));
}

void TestInfluxOutput::jmeterSchemaTotalsEqualTheSummary()
{
    if (!m_haveInflux)
        QSKIP(qPrintable(m_skipReason));
    const QString summary = m_harness.scratchPath("jmeter.json");
    auto arguments = runArguments(summary, 3);
    arguments << "--out"
              << "influxdb=" + m_influx.url("lw_jmeter") + "?schema=jmeter&gzip=false";
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject json = readJson(summary);
    const qint64 requests = count(json, {"requests", "count"});
    QVERIFY(requests > 0);

    QCOMPARE(qint64(m_influx.scalar("lw_jmeter", "SELECT sum(count) FROM jmeter WHERE "
                                                 "transaction = 'all' AND statut = 'all'")),
             requests);
    QCOMPARE(qint64(m_influx.scalar("lw_jmeter", "SELECT sum(\"countError\") FROM jmeter WHERE "
                                                 "transaction = 'all'")),
             count(json, {"requests", "errors"}));
    QCOMPARE(qint64(m_influx.scalar("lw_jmeter", "SELECT sum(count) FROM jmeter WHERE "
                                                 "transaction <> 'all' AND statut = 'ok'")),
             requests - count(json, {"requests", "errors"}));
    // JMeter writes floats; an integer field here would conflict with JMeter's own data.
    const auto fields = m_influx.query("lw_jmeter", "SHOW FIELD KEYS FROM jmeter");
    QVERIFY(!fields.isEmpty());
    QStringList seen;
    for (const auto &row : fields[0]["values"].toArray()) {
        QCOMPARE(row[1].toString(), QString("float"));
        seen << row[0].toString();
    }
    for (const char *expected :
         {"count", "countError", "hit", "avg", "min", "max", "pct90.0", "pct95.0", "pct99.0"})
        QVERIFY2(seen.contains(expected), qPrintable(seen.join(',')));
    const auto events = m_influx.query("lw_jmeter", "SELECT text, title FROM events");
    QCOMPARE(events[0]["values"].toArray().size(), 2);
    QVERIFY(events[0]["values"][0][1].toString().endsWith(" started"));
    QVERIFY(events[0]["values"][1][1].toString().endsWith(" ended"));
}

void TestInfluxOutput::serverDownAtTheStartLeavesTheRunAlone()
{
    // Bound but never listening: every connection is refused, and no one can take the port.
    const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(socket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QCOMPARE(::bind(socket, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::getsockname(socket, reinterpret_cast<sockaddr *>(&address), &length), 0);
    const QString url = QString("http://127.0.0.1:%1/lw").arg(ntohs(address.sin_port));

    const QString summary = m_harness.scratchPath("down.json");
    auto arguments = runArguments(summary, 3);
    arguments << "--out"
              << "influxdb=" + url << "--flush-timeout"
              << "1";
    QElapsedTimer timer;
    timer.start();
    const Outcome outcome = m_harness.run(arguments);
    ::close(socket);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QVERIFY2(timer.elapsed() < 12000, outcome.describe()); // the flush timeout bounds the end
    const QJsonObject json = readJson(summary);
    QVERIFY(count(json, {"requests", "count"}) > 0);
    QCOMPARE(count(json, {"requests", "errors"}), qint64(0));
    const QString name = "influxdb " + url;
    QCOMPARE(count(json, {"outputs", name, "sent"}), qint64(0));
    QVERIFY(count(json, {"outputs", name, "dropped"}) >= 3);
    QVERIFY(field(json, {"outputs", name, "last_error"}).toString().contains("cannot reach"));
    QVERIFY2(outcome.err.contains("output influxdb"), outcome.describe());
}

void TestInfluxOutput::dataAfterARestartArrives()
{
    if (!m_haveInflux)
        QSKIP(qPrintable(m_skipReason));
    const QString summary = m_harness.scratchPath("restart.json");
    auto arguments = runArguments(summary, 7);
    arguments << "--out"
              << "influxdb=" + m_influx.url("lw_restart");
    QProcess run;
    run.setProcessEnvironment(m_harness.environment());
    m_harness.start(run, arguments);
    QVERIFY(run.waitForStarted(5000));
    QThread::msleep(3000); // compiled scenario is cached: the run is on its way
    m_influx.kill();
    QThread::msleep(2000);
    const QString problem = m_influx.start(); // same data folder, same port
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(run.waitForFinished(60000));
    QCOMPARE(run.exitCode(), 0);

    const QJsonObject json = readJson(summary);
    const qint64 requests = count(json, {"requests", "count"});
    QVERIFY(requests > 0);
    const QString name = "influxdb " + m_influx.url("lw_restart");
    QVERIFY2(count(json, {"outputs", name, "retried"}) > 0, run.readAllStandardError());
    // Retried batches carry their original timestamps: a resend overwrites, never duplicates,
    // and nothing queued during the outage was lost.
    QCOMPARE(qint64(m_influx.scalar("lw_restart",
                                    "SELECT sum(count) FROM requests WHERE request = 'all'")),
             requests);
    QCOMPARE(count(json, {"outputs", name, "dropped"}), qint64(0));
}

void TestInfluxOutput::slowServerDropsAreCountedAndTheRunEndsOnTime()
{
    // A stand-in for an overloaded server: answers like influxd 1.6.7, but 1.5 s late.
    httplib::Server server;
    std::atomic<int> writes{0};
    server.Get("/ping", [](const httplib::Request &, httplib::Response &response) {
        response.status = 204;
        response.set_header("X-Influxdb-Version", "1.6.7~rc0");
    });
    server.Post("/query", [](const httplib::Request &, httplib::Response &response) {
        response.set_content("{\"results\":[{\"statement_id\":0}]}", "application/json");
    });
    server.Post("/write", [&writes](const httplib::Request &, httplib::Response &response) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        ++writes;
        response.status = 204;
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    QVERIFY(port > 0);
    std::thread thread([&server] { server.listen_after_bind(); });

    const QString summary = m_harness.scratchPath("slow.json");
    auto arguments = runArguments(summary, 5);
    const QString url = QString("http://127.0.0.1:%1/lw").arg(port);
    arguments << "--out"
              << "influxdb=" + url << "--flush-timeout"
              << "1";
    QElapsedTimer timer;
    timer.start();
    const Outcome outcome = m_harness.run(arguments);
    const qint64 took = timer.elapsed();
    server.stop();
    thread.join();
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    // 5 s of load and 1 s of flush: a write still in flight at the deadline is cut short.
    QVERIFY2(took < 5000 + 1000 + 4000, qPrintable(QString::number(took)));

    const QJsonObject json = readJson(summary);
    QVERIFY(count(json, {"requests", "count"}) > 0);
    QCOMPARE(count(json, {"requests", "errors"}), qint64(0));
    const QString name = "influxdb " + url;
    const qint64 sent = count(json, {"outputs", name, "sent"});
    const qint64 dropped = count(json, {"outputs", name, "dropped"});
    QVERIFY2(sent >= 1 && dropped >= 1,
             qPrintable(QString("sent %1 dropped %2").arg(sent).arg(dropped)));
    // Every snapshot is accounted for: delivered, or dropped and counted.
    QVERIFY2(sent + dropped >= 5, qPrintable(QString("sent %1 dropped %2").arg(sent).arg(dropped)));
}

QTEST_GUILESS_MAIN(TestInfluxOutput)
#include "tst_influxdb.moc"
