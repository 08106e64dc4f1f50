// Whole runs of the real binary: the seed's command line, the shop demo, failing scenarios and
// failing requests, and a run with no display at all.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cstdlib>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

class TestEndToEndRuns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void simpleRunCountsEveryRequestAsACheckPass_data();
    void simpleRunCountsEveryRequestAsACheckPass();
    void shopDemoProjectRunsEveryTransactionAndPassesEveryCheck();
    void demoCommandStartsItsOwnTargetAndAppliesParameters();
    void throwingIterationsFailWhileTheRunGoesOn();
    void requestErrorsAreCountedByClass_data();
    void requestErrorsAreCountedByClass();
    void everyVuserKeepsCookiesOfItsOwn();
    void everyVuserKeepsAConnectionOfItsOwn();
    void runNeedsNoDisplay();
    void closedStandardDescriptorsKeepTheSummaryClean_data();
    void closedStandardDescriptorsKeepTheSummaryClean();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }

    Harness m_harness;
    TargetServer m_target;
    int m_closedPortSocket = -1; // bound but never listening: connections to it are refused
    int m_closedPort = 0;
};

void TestEndToEndRuns::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());

    m_closedPortSocket = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(m_closedPortSocket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QCOMPARE(::bind(m_closedPortSocket, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QCOMPARE(::getsockname(m_closedPortSocket, reinterpret_cast<sockaddr *>(&address), &length), 0);
    m_closedPort = ntohs(address.sin_port);
}

void TestEndToEndRuns::cleanupTestCase()
{
    m_target.stop();
    if (m_closedPortSocket >= 0)
        ::close(m_closedPortSocket);
}

void TestEndToEndRuns::simpleRunCountsEveryRequestAsACheckPass_data()
{
    QTest::addColumn<bool>("seedStyle");
    QTest::newRow("seed flags, no subcommand") << true;
    QTest::newRow("run subcommand") << false;
}

void TestEndToEndRuns::simpleRunCountsEveryRequestAsACheckPass()
{
    QFETCH(bool, seedStyle);

    // Against `loadwizard target` in a process of its own, as a user would run the two.
    const int port = freeLoopbackPort();
    QVERIFY(port > 0);
    QProcess target;
    m_harness.start(target, {"target", "--listen", "127.0.0.1:" + QString::number(port)});
    QByteArray banner;
    // The banner comes once the server answers: its 256 threads take seconds under TSan.
    QVERIFY2(waitForOutput(target, QProcess::StandardOutput, banner, "listening on", 60'000),
             banner.constData());
    const QString url = "http://127.0.0.1:" + QString::number(port);

    const QString simple = m_harness.sourcePath("scenarios/simple.cpp");
    const QString json = m_harness.scratchPath(seedStyle ? "simple-seed.json" : "simple-run.json");
    const QStringList arguments =
        seedStyle
            ? QStringList{"-scenario",       simple,   "-rampup",        "5,1,0,2", "-param",
                          "base_url=" + url, "-quiet", "--summary-json", json}
            : QStringList{"run",     "--scenario",      simple,    "--rampup",       "5,1,0,2",
                          "--param", "base_url=" + url, "--quiet", "--summary-json", json};
    const Outcome outcome = m_harness.run(arguments);

    target.terminate(); // SIGTERM: the target stops cleanly
    QVERIFY(target.waitForFinished(10'000));
    QCOMPARE(target.exitStatus(), QProcess::NormalExit);
    QCOMPARE(target.exitCode(), 0);

    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY(outcome.out.contains("requests"));
    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    const qint64 requests = count(summary, {"requests", "count"});
    QVERIFY2(requests > 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"checks", "status is 200", "passes"}), requests);
    QCOMPARE(count(summary, {"checks", "status is 200", "fails"}), 0);
    QCOMPARE(count(summary, {"iterations"}), requests);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 0);
    QCOMPARE(count(summary, {"vusers", "max"}), 5);
    const double seconds = field(summary, {"duration_s"}).toDouble();
    QVERIFY2(seconds >= 2.9 && seconds < 4.5, qPrintable(QString::number(seconds)));
    QVERIFY(field(summary, {"requests", "rate_per_s"}).toDouble() > 0);
}

void TestEndToEndRuns::shopDemoProjectRunsEveryTransactionAndPassesEveryCheck()
{
    // The bundled demo project, shortened (10 vusers for 6 s, a fifth of the think time) and
    // aimed at this test's target.
    const QString json = m_harness.scratchPath("shop.json");
    const Outcome outcome = m_harness.run(
        {"run", m_harness.sourcePath("scenarios/demo.yaml"), "--rampup", "5,2,0,4", "--param",
         "base_url=" + baseUrl(), "--param", "think=0.2", "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QVERIFY2(count(summary, {"iterations"}) > 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    for (const char *name : {"login", "browse", "product", "add_to_cart", "checkout"}) {
        QVERIFY2(count(summary, {"transactions", name, "count"}) > 0, name);
        QVERIFY2(count(summary, {"transactions", name, "errors"}) == 0, name);
    }
    const QJsonObject checks = field(summary, {"checks"}).toObject();
    QVERIFY(checks.contains("checkout ok"));
    for (auto it = checks.begin(); it != checks.end(); ++it) {
        const QJsonObject check = it.value().toObject();
        QVERIFY2(check.value("passes").toInteger() > 0, qPrintable(it.key()));
        QVERIFY2(check.value("fails").toInteger() == 0, qPrintable(it.key()));
    }
    QVERIFY(count(summary, {"rendezvous", "checkout", "arrivals"}) > 0);
    QCOMPARE(count(summary, {"rendezvous", "checkout", "timeouts"}), 0);
}

void TestEndToEndRuns::demoCommandStartsItsOwnTargetAndAppliesParameters()
{
    // `demo` takes the run options, --param among them. Without think time (think=0) two vusers
    // run hundreds of iterations in 3 s; with the demo's 1-3 s pauses not one finishes.
    const QString json = m_harness.scratchPath("demo.json");
    const Outcome outcome =
        m_harness.run({"demo", "--quiet", "--rampup", "2,1,0,2", "--param", "think=0",
                       "--graceful-stop", "1", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY(outcome.err.contains("built-in target"));

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QVERIFY2(count(summary, {"transactions", "login", "count"}) > 0,
             outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    const qint64 iterations = count(summary, {"iterations"});
    QVERIFY2(iterations >= 20,
             qPrintable(QString("demo --param think=0 was not applied: %1 iterations, %2 "
                                "interrupted")
                            .arg(iterations)
                            .arg(count(summary, {"iterations_interrupted"}))));
}

void TestEndToEndRuns::throwingIterationsFailWhileTheRunGoesOn()
{
    const QString json = m_harness.scratchPath("boom.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("boom.cpp"), "--rampup",
                       "2,1,0,1", "--param", "base_url=" + baseUrl(), "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(outcome.err.contains("boom"),
             outcome.describe().constData()); // the message reaches the user

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    const qint64 iterations = count(summary, {"iterations"});
    const qint64 failed = count(summary, {"iterations_failed"});
    QVERIFY2(failed > 0, outcome.describe().constData());
    QVERIFY(iterations > failed);
    // Every second iteration of each of the two vusers throws.
    QVERIFY2(std::abs(2 * failed - iterations) <= 2,
             qPrintable(QString("%1 of %2 failed").arg(failed).arg(iterations)));
    QCOMPARE(count(summary, {"errors_by_class", "exception"}), failed);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(count(summary, {"checks", "health is 200", "passes"}), iterations);
    // The transaction the exception unwound counts as failed.
    QCOMPARE(count(summary, {"transactions", "step", "count"}), iterations);
    QCOMPARE(count(summary, {"transactions", "step", "errors"}), failed);
}

void TestEndToEndRuns::requestErrorsAreCountedByClass_data()
{
    QTest::addColumn<QString>("path"); // appended to the target's URL; empty: the closed port
    QTest::addColumn<QString>("timeout");
    QTest::addColumn<QString>("errorClass");
    QTest::addColumn<double>("maxMilliseconds");

    QTest::newRow("HTTP 500") << "/status/500"
                              << "0"
                              << "http_5xx" << 1000.0;
    QTest::newRow("HTTP 404") << "/status/404"
                              << "0"
                              << "http_4xx" << 1000.0;
    QTest::newRow("closed port") << QString() << "0"
                                 << "connect" << 1000.0;
    QTest::newRow("request timeout") << "/delay/2000"
                                     << "0.5"
                                     << "timeout" << 1500.0;
}

void TestEndToEndRuns::requestErrorsAreCountedByClass()
{
    QFETCH(QString, path);
    QFETCH(QString, timeout);
    QFETCH(QString, errorClass);
    QFETCH(double, maxMilliseconds);

    const QString url = path.isEmpty() ? "http://127.0.0.1:" + QString::number(m_closedPort) + "/"
                                       : baseUrl() + path;
    const QString json = m_harness.scratchPath("errors-" + errorClass + ".json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("fetch.cpp"), "--rampup",
                       "2,1,0,1", "--param", "url=" + url, "--param", "timeout=" + timeout,
                       "--graceful-stop", "5", "--quiet", "--summary-json", json});
    // Failed requests are results, not a failed run.
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    const qint64 requests = count(summary, {"requests", "count"});
    QVERIFY2(requests > 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "errors"}), requests);
    QCOMPARE(count(summary, {"requests_by_name", "fetch", "errors"}), requests);
    const QJsonObject classes = field(summary, {"errors_by_class"}).toObject();
    for (const char *name : {"connect", "dns", "timeout", "tls", "http_4xx", "http_5xx", "check",
                             "exception", "other"}) {
        QVERIFY2(classes.contains(name), name);
        QCOMPARE(classes.value(name).toInteger(-1), name == errorClass ? requests : 0);
    }
    QCOMPARE(count(summary, {"iterations_failed"}), 0); // a failed request ends no iteration
    const double slowest = field(summary, {"requests_by_name", "fetch", "max_ms"}).toDouble();
    QVERIFY2(slowest < maxMilliseconds, qPrintable(QString::number(slowest)));
}

void TestEndToEndRuns::everyVuserKeepsCookiesOfItsOwn()
{
    const QString json = m_harness.scratchPath("cookies.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("cookies.cpp"), "--rampup", "6,1,0,2",
         "--param", "base_url=" + baseUrl(), "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QCOMPARE(count(summary, {"checks", "cookie set", "passes"}), 6);
    QVERIFY(count(summary, {"checks", "sees its own cookie", "passes"}) > 6);
    QCOMPARE(count(summary, {"checks", "sees its own cookie", "fails"}), 0);
}

void TestEndToEndRuns::everyVuserKeepsAConnectionOfItsOwn()
{
    const QString json = m_harness.scratchPath("connections.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("connections.cpp"), "--rampup", "8,1,0,2",
         "--workers", "2", "--param", "base_url=" + baseUrl(), "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QVERIFY(count(summary, {"checks", "kept alive", "passes"}) > 24);
    QCOMPARE(count(summary, {"checks", "kept alive", "fails"}), 0);
    QVERIFY(count(summary, {"checks", "not another vuser's", "passes"}) > 24);
    QCOMPARE(count(summary, {"checks", "not another vuser's", "fails"}), 0);
}

void TestEndToEndRuns::runNeedsNoDisplay()
{
    auto environment = m_harness.environment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(name);
    const QString json = m_harness.scratchPath("nodisplay.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.sourcePath("scenarios/simple.cpp"), "--rampup", "2,1",
         "--param", "base_url=" + baseUrl(), "--quiet", "--summary-json", json},
        environment);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY(count(readJson(json), {"requests", "count"}) > 0);
}

void TestEndToEndRuns::closedStandardDescriptorsKeepTheSummaryClean_data()
{
    QTest::addColumn<QString>("redirections");
    QTest::newRow("0, 1 and 2 closed") << "<&- >&- 2>&-";
    QTest::newRow("1 closed") << ">&-";
    QTest::newRow("2 closed") << "2>&-";
}

void TestEndToEndRuns::closedStandardDescriptorsKeepTheSummaryClean()
{
    QFETCH(QString, redirections);
    // Without --quiet: the progress lines (stderr) and the summary (stdout) would land in the
    // --summary-json file if it were opened as descriptor 1 or 2.
    const QString json = m_harness.scratchPath("closedfds.json");
    QFile::remove(json);
    const Outcome outcome = m_harness.runRedirected(
        redirections,
        {"run", "--scenario", m_harness.sourcePath("scenarios/simple.cpp"), "--rampup", "2,1,0,2",
         "--param", "base_url=" + baseUrl(), "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.startsWith("{\n") && text.endsWith("}\n"), text.left(300).constData());
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(countsAddUp(document.object()));
    QVERIFY(count(document.object(), {"requests", "count"}) > 0);
}

QTEST_GUILESS_MAIN(TestEndToEndRuns)
#include "tst_e2eruns.moc"
