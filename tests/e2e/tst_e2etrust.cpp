// What a scenario is handed must be what the server sent: bodies byte for byte (plain, JSON,
// binary, chunked, gzip as sent), with and without header capture; broken transfers that never
// look successful; one definition of ok(); and iteration counts that add up on every stop path.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <httplib.h>

#include <csignal>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

namespace {

/// A loopback server that accepts connections (the kernel does, from the backlog) and never
/// answers: the listening socket, or -1.
int listenSilently(int *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0 ||
        ::listen(fd, 64) != 0) {
        ::close(fd);
        return -1;
    }
    *port = ntohs(address.sin_port);
    return fd;
}

} // namespace

class TestEndToEndTrust : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void bodiesAreExactlyWhatTheServerSent_data();
    void bodiesAreExactlyWhatTheServerSent();
    void iterationsInFlightAreCountedOnEveryStopPath_data();
    void iterationsInFlightAreCountedOnEveryStopPath();
    void twentyThousandUrlsMakeOneNameAndLittleMemory();
    void namesBeyondTheCapShareOneOverflowName();
    void transactionAndCheckNamesAreCappedToo();
    void anEndlessBodyIsCappedAndCutOnTime_data();
    void anEndlessBodyIsCappedAndCutOnTime();
    void aHugeStepNeverOutlivesTheProfile();
    void ctrlCWhileCompilingEndsAtOnceWithoutLoad();
    void aKilledCompileLeavesNoCompilerAndNoBuildFolder();
    void aSecondCtrlCCutsTheOutputsFlush();
    void theFlushTimeoutHoldsForARequestInFlight();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }
    QByteArray fetch(const std::string &path, bool gzip) const;

    Harness m_harness;
    TargetServer m_target;
};

void TestEndToEndTrust::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndTrust::cleanupTestCase()
{
    m_target.stop();
}

QByteArray TestEndToEndTrust::fetch(const std::string &path, bool gzip) const
{
    httplib::Client client("127.0.0.1", m_target.port());
    client.set_decompress(false); // the bytes on the wire, as the scenario got them
    httplib::Headers headers;
    if (gzip)
        headers.emplace("Accept-Encoding", "gzip");
    const auto result = client.Get(path, headers);
    if (!result || result->status != 200)
        return "fetch failed";
    return QByteArray::fromStdString(result->body);
}

void TestEndToEndTrust::twentyThousandUrlsMakeOneNameAndLittleMemory()
{
    const QString json = m_harness.scratchPath("manyurls.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("manyurls.cpp"), "--rampup",
                       "8,1,0,9", "--workers", "1", "--param", "base_url=" + baseUrl(), "--param",
                       "urls=20000", "--quiet", "--summary-json", json},
                      120'000);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    const QJsonObject names = field(summary, {"requests_by_name"}).toObject();
    QCOMPARE(names.keys(), QStringList{"GET /bytes/{id}"});
    QCOMPARE(count(summary, {"checks", "body as long as asked", "fails"}), 0);
    if (!sanitized())
        QVERIFY2(outcome.peakKiB < 200 * 1024,
                 qPrintable(QString::number(outcome.peakKiB) + " KiB"));
    // A 10-second profile ends in about 10 s (the issue saw 20 s with a name per URL).
    QVERIFY2(outcome.milliseconds < 40'000, qPrintable(QString::number(outcome.milliseconds)));
    qInfo("20 000 URLs: peak %lld KiB, %lld ms", outcome.peakKiB, outcome.milliseconds);
}

void TestEndToEndTrust::namesBeyondTheCapShareOneOverflowName()
{
    const QString project = m_harness.writeFile(
        "names.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("manyurls.cpp").toUtf8() +
            "\nprofile: {rampup: \"4,1,0,2\"}\nhttp: {max_names: 50}\n"
            "parameters: {named: \"1\", urls: \"5000\", base_url: \"" +
            baseUrl().toUtf8() + "\"}\n");
    const QString json = m_harness.scratchPath("names.json");
    const Outcome outcome = m_harness.run({"run", project, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    const QJsonObject names = field(summary, {"requests_by_name"}).toObject();
    QCOMPARE(names.size(), 51); // the cap plus the overflow name
    QVERIFY(names.contains("(other names)"));
    qint64 total = 0;
    for (const QString &name : names.keys())
        total += count(summary, {"requests_by_name", name, "count"});
    QCOMPARE(total, count(summary, {"requests", "count"})); // every request is still counted
    QCOMPARE(outcome.err.count("request names:"), 1);       // one warning
}

void TestEndToEndTrust::transactionAndCheckNamesAreCappedToo()
{
    // 2 vusers make 200 new transaction names and 200 new check names per iteration: thousands
    // in all, of which 50 of each kind are kept.
    const QString project = m_harness.writeFile(
        "manynames.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("manynames.cpp").toUtf8() +
            "\nprofile: {rampup: \"2,1,0,2\"}\nhttp: {max_names: 50}\n"
            "parameters: {per: \"200\"}\n");
    const QString json = m_harness.scratchPath("manynames.json");
    const Outcome outcome = m_harness.run({"run", project, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    const qint64 iterations = count(summary, {"iterations"});
    QVERIFY2(iterations >= 5, qPrintable(QString::number(iterations)));

    const QJsonObject transactions = field(summary, {"transactions"}).toObject();
    QCOMPARE(transactions.size(), 51); // the cap plus the overflow name
    QVERIFY(transactions.contains("(other names)"));
    qint64 transactionCount = 0;
    for (const QString &name : transactions.keys())
        transactionCount += count(summary, {"transactions", name, "count"});
    QCOMPARE(transactionCount, iterations * 200); // every transaction is still counted

    const QJsonObject checks = field(summary, {"checks"}).toObject();
    QCOMPARE(checks.size(), 51);
    QVERIFY(checks.contains("(other names)"));
    qint64 passes = 0, fails = 0;
    for (const QString &name : checks.keys()) {
        passes += count(summary, {"checks", name, "passes"});
        fails += count(summary, {"checks", name, "fails"});
    }
    QCOMPARE(passes, iterations * 100);
    QCOMPARE(fails, iterations * 100);

    QCOMPARE(outcome.err.count("transaction names:"), 1); // one warning per kind
    QCOMPARE(outcome.err.count("check names:"), 1);
}

void TestEndToEndTrust::anEndlessBodyIsCappedAndCutOnTime_data()
{
    QTest::addColumn<QString>("cap");
    QTest::newRow("the project's 8 MiB") << "0";
    QTest::newRow("the request's 64 KiB") << "65536";
}

void TestEndToEndTrust::anEndlessBodyIsCappedAndCutOnTime()
{
    QFETCH(QString, cap);
    const QString json = m_harness.scratchPath("endless.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("endless.cpp"), "--rampup",
                       "2,1,0,2", "--graceful-stop", "5", "--param", "base_url=" + baseUrl(),
                       "--param", "cap=" + cap, "--quiet", "--summary-json", json},
                      60'000);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY(count(summary, {"iterations"}) >= 2);
    for (const char *check :
         {"cut by the timeout", "truncated", "kept no more than the cap", "timeout on time"})
        QVERIFY2(count(summary, {"checks", check, "fails"}) == 0,
                 qPrintable(QString("%1 failed: %2").arg(check, outcome.describe())));
    QCOMPARE(count(summary, {"errors_by_class", "timeout"}), count(summary, {"requests", "count"}));
    // Far more was read than kept: bytes_in counts it all.
    QVERIFY(count(summary, {"requests", "bytes_in"}) > 4 * (8 << 20));
    if (!sanitized())
        QVERIFY2(outcome.peakKiB < 200 * 1024,
                 qPrintable(QString::number(outcome.peakKiB) + " KiB"));
}

void TestEndToEndTrust::aHugeStepNeverOutlivesTheProfile()
{
    // A million vusers planned within one second: they start as fast as the worker can, the
    // profile's end stops the starting, and the summary says how far the start lagged.
    const QString json = m_harness.scratchPath("huge.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("sleepy.cpp"), "--rampup", "1000000,1",
         "--graceful-stop", "1", "--workers", "1", "--param", "base_url=" + baseUrl(), "--param",
         "sleep=5", "--quiet", "--summary-json", json},
        60'000);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    const qint64 started = count(summary, {"vusers", "max"});
    const qint64 planned = count(summary, {"vusers", "planned_max"});
    QVERIFY2(started > 0 && started < planned,
             qPrintable(QString("%1 of %2").arg(started).arg(planned)));
    QVERIFY(outcome.out.contains("planned (this machine could not start them as fast)"));
    // 1 s of profile and 1 s of graceful stop: seconds, not the 43 s the issue saw.
    QVERIFY2(outcome.milliseconds < 20'000, qPrintable(QString::number(outcome.milliseconds)));
    QVERIFY2(countsAddUp(summary), outcome.describe().constData());
    qInfo("a million planned in 1 s: %lld started, peak %lld KiB, %lld ms", started,
          outcome.peakKiB, outcome.milliseconds);
}

void TestEndToEndTrust::ctrlCWhileCompilingEndsAtOnceWithoutLoad()
{
    // A compiler that takes 60 s, and a scenario no cache has seen.
    const QString compiler =
        m_harness.writeFile("slowcxx.sh", "#!/bin/sh\nsleep 60\nexec c++ \"$@\"\n");
    QVERIFY(
        QFile::setPermissions(compiler, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QFile source(m_harness.scenarioPath("stream.cpp"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QVERIFY(!m_harness
                 .writeFile("slow.cpp", source.readAll() + "\n// " +
                                            QByteArray::number(QDateTime::currentMSecsSinceEpoch()))
                 .isEmpty());

    QProcess process;
    QProcessEnvironment environment = m_harness.environment();
    environment.insert("CXX", compiler);
    process.setProcessEnvironment(environment);
    process.start(m_harness.binary(), {"run", "--scenario", m_harness.scratchPath("slow.cpp"),
                                       "--rampup", "1,5", "--param", "base_url=" + baseUrl()});
    QVERIFY(process.waitForStarted());
    QTest::qWait(1500);
    QElapsedTimer clock;
    clock.start();
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(15'000));
    QVERIFY2(clock.elapsed() < 10'000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(process.exitCode(), 130);
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(err.contains("interrupted before the run started"), err.constData());
    QVERIFY(!process.readAllStandardOutput().contains("requests ......")); // no load, no summary
}

namespace {

/// Processes whose command line contains `marker`.
int processesWith(const QByteArray &marker)
{
    int found = 0;
    const QStringList entries = QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        entry.toInt(&number);
        if (!number)
            continue;
        QFile file("/proc/" + entry + "/cmdline");
        if (file.open(QIODevice::ReadOnly) && file.readAll().replace('\0', ' ').contains(marker))
            ++found;
    }
    return found;
}

} // namespace

void TestEndToEndTrust::aKilledCompileLeavesNoCompilerAndNoBuildFolder()
{
    // Under ThreadSanitizer the forked supervisor gets the death signal (not pending in
    // /proc/PID/status, SIGUSR1 caught) but TSan defers a handler to its next intercepted call,
    // and the supervisor sits in waitpid() until the compiler ends: the group outlives the test.
    // Release and ASan runs pass; this is TSan's signal handling, not a race.
    if (qEnvironmentVariableIsSet("TSAN_OPTIONS"))
        QSKIP(
            "ThreadSanitizer defers the supervisor's SIGUSR1 handler while it waits in waitpid()");
    // A compiler (a script, and a child of its own as cc1plus is the driver's) that takes 60 s,
    // each findable by a marker in its command line; and a scenario no cache has seen.
    const QByteArray marker = QByteArray::number(QDateTime::currentMSecsSinceEpoch() % 100'000'000);
    const QString compiler = m_harness.writeFile(
        "orphancxx-" + marker + ".sh",
        "#!/bin/sh\ncase \"$1\" in --version) exec c++ --version;; esac\nsleep 60." + marker +
            "\nexec c++ \"$@\"\n");
    QVERIFY(
        QFile::setPermissions(compiler, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QFile source(m_harness.scenarioPath("stream.cpp"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QString scenario = m_harness.writeFile("orphan.cpp", source.readAll() + "\n// " + marker);
    QVERIFY(!scenario.isEmpty());

    QProcess process;
    QProcessEnvironment environment = m_harness.environment();
    environment.insert("CXX", compiler);
    process.setProcessEnvironment(environment);
    process.start(m_harness.binary(), {"run", "--scenario", scenario, "--rampup", "1,1", "--param",
                                       "base_url=" + baseUrl()});
    QVERIFY(process.waitForStarted());
    const QDir cache(m_harness.cachePath());
    const auto builds = [&] {
        return cache.entryList({".build-orphan-*"}, QDir::Dirs | QDir::Hidden);
    };
    QElapsedTimer clock;
    clock.start();
    while ((builds().isEmpty() || processesWith("60." + marker) == 0) && clock.elapsed() < 30'000)
        QTest::qWait(50);
    QVERIFY2(!builds().isEmpty(), "no build folder");
    QCOMPARE(processesWith(marker), 2); // the script and its sleep

    ::kill(pid_t(process.processId()), SIGKILL);
    QVERIFY(process.waitForFinished(10'000));
    // The compiler goes with Loadwizard (its supervisor is told by the kernel).
    clock.restart();
    while (processesWith(marker) > 0 && clock.elapsed() < 5'000)
        QTest::qWait(50);
    QCOMPARE(processesWith(marker), 0);
    QCOMPARE(builds().size(), 1); // left behind: nobody was there to remove it

    // The next compile (of anything) removes the folder whose process is gone.
    const Outcome outcome =
        m_harness.run({"run", "--scenario", scenario, "--rampup", "1,1", "--quiet", "--param",
                       "base_url=" + baseUrl(), "--param", "seconds=0.1"});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(builds().isEmpty(), qPrintable(builds().join(' ')));
}

void TestEndToEndTrust::aSecondCtrlCCutsTheOutputsFlush()
{
    // A server that accepts connections (the kernel does, from the backlog) and never answers.
    int port = 0;
    const int silent = listenSilently(&port);
    QVERIFY(silent >= 0);
    const QString out = QString("influxdb=http://127.0.0.1:%1/db").arg(port);

    QProcess process;
    m_harness.start(process, {"run", "--scenario", m_harness.scenarioPath("stream.cpp"), "--rampup",
                              "1,1", "--graceful-stop", "0", "--param", "base_url=" + baseUrl(),
                              "--param", "seconds=1", "--out", out, "--flush-timeout", "120"});
    QByteArray seen;
    QVERIFY(waitForOutput(process, QProcess::StandardError, seen, ": scenario stream", 60'000));
    QTest::qWait(3000); // the one-second run is over; the output waits on its silent server
    QVERIFY(process.state() == QProcess::Running);
    QElapsedTimer clock;
    clock.start();
    ::kill(pid_t(process.processId()), SIGINT);
    QTest::qWait(300);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(20'000));
    ::close(silent);
    QVERIFY2(clock.elapsed() < 10'000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(process.readAllStandardOutput().contains("OUTPUTS")); // the summary still comes
}

void TestEndToEndTrust::bodiesAreExactlyWhatTheServerSent_data()
{
    QTest::addColumn<QString>("capture");
    QTest::newRow("without header capture") << "0";
    QTest::newRow("with header capture") << "1";
}

void TestEndToEndTrust::bodiesAreExactlyWhatTheServerSent()
{
    QFETCH(QString, capture);
    const QString outDir = m_harness.scratchPath("bodies-" + capture);
    QVERIFY(QDir().mkpath(outDir));
    const QString json = m_harness.scratchPath("bodies-" + capture + ".json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("bodies.cpp"), "--rampup", "2,1,0,1",
         "--param", "base_url=" + baseUrl(), "--param", "out_dir=" + outDir, "--param",
         "capture=" + capture, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());

    auto body = [&](const char *name) {
        QFile file(outDir + "/" + name + ".body");
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("missing");
    };
    QCOMPARE(body("health"), QByteArray("ok"));
    const QJsonDocument anything = QJsonDocument::fromJson(body("anything"));
    QVERIFY2(anything.isObject(), body("anything").left(200).constData());
    QCOMPARE(anything.object().value("url").toString(), QString("/anything?x=1"));
    QCOMPARE(body("bytes").size(), 5000);
    QCOMPARE(body("bytes"), fetch("/bytes/5000?seed=7", false));
    QCOMPARE(body("chunked").size(), 70000);
    QCOMPARE(body("chunked"), fetch("/stream-bytes/70000?seed=3&chunk_size=4096", false));
    const QByteArray gzip = body("gzip");
    QVERIFY2(gzip.startsWith("\x1f\x8b"), gzip.left(40).toHex().constData()); // as sent
    QCOMPARE(gzip, fetch("/", true));

    const QJsonObject summary = readJson(json);
    const qint64 iterations = count(summary, {"iterations"});
    QVERIFY2(iterations >= 2, outcome.describe().constData());
    const QStringList checks = {"status 200",
                                "body equals ok",
                                capture == "1" ? "headers captured" : "no headers unless asked",
                                "broken transfer reads status 0",
                                "broken transfer is not ok",
                                "expected 404 is ok",
                                "unexpected 404 is not ok"};
    for (const QString &check : checks) {
        QVERIFY2(count(summary, {"checks", check, "passes"}) > 0, qPrintable(check));
        QCOMPARE(count(summary, {"checks", check, "fails"}), 0);
    }
    // Per iteration: two broken transfers (receive) and one unexpected 404; the expected 404 is
    // no error, in the metrics as in the scenario.
    QCOMPARE(count(summary, {"errors_by_class", "receive"}), 2 * iterations);
    QCOMPARE(count(summary, {"errors_by_class", "http_4xx"}), iterations);
    QCOMPARE(count(summary, {"errors_by_class", "connect"}), 0);
    QCOMPARE(count(summary, {"requests", "errors"}), 3 * iterations);
    QCOMPARE(count(summary, {"requests_by_name", "expected 404", "errors"}), 0);
    QVERIFY2(countsAddUp(summary), outcome.describe().constData());
}

void TestEndToEndTrust::iterationsInFlightAreCountedOnEveryStopPath_data()
{
    QTest::addColumn<QString>("rampup");
    QTest::addColumn<QString>("gracefulStop");
    QTest::addColumn<int>("interrupts"); // SIGINTs sent once the vusers run
    for (int round = 1; round <= 3; ++round) {
        QTest::addRow("profile ends, graceful stop cuts (%d)", round) << "1,2"
                                                                      << "1" << 0;
        QTest::addRow("four vusers, graceful stop cuts (%d)", round) << "4,1,0,1"
                                                                     << "1" << 0;
    }
    QTest::newRow("Ctrl-C once") << "2,1,0,60"
                                 << "1" << 1;
    QTest::newRow("Ctrl-C twice") << "2,1,0,60"
                                  << "30" << 2;
    QTest::newRow("no graceful stop") << "3,1"
                                      << "0" << 0;
}

void TestEndToEndTrust::iterationsInFlightAreCountedOnEveryStopPath()
{
    QFETCH(QString, rampup);
    QFETCH(QString, gracefulStop);
    QFETCH(int, interrupts);
    const QString json = m_harness.scratchPath("stream.json");
    QFile::remove(json);
    const QStringList arguments = {"run",
                                   "--scenario",
                                   m_harness.scenarioPath("stream.cpp"),
                                   "--rampup",
                                   rampup,
                                   "--graceful-stop",
                                   gracefulStop,
                                   "--param",
                                   "base_url=" + baseUrl(),
                                   "--summary-json",
                                   json};
    if (interrupts == 0) {
        const Outcome outcome = m_harness.run(arguments, 60'000);
        QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    } else {
        QProcess process;
        m_harness.start(process, arguments);
        QByteArray seen;
        QVERIFY(waitForOutput(process, QProcess::StandardError, seen, ": scenario stream", 60'000));
        QTest::qWait(1500); // both vusers are in their first, 5-second iteration
        for (int i = 0; i < interrupts; ++i) {
            ::kill(pid_t(process.processId()), SIGINT);
            QTest::qWait(300);
        }
        // waitForFinished() is false for a process that has already ended.
        QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(30'000));
        QCOMPARE(process.exitCode(), 130);
    }
    const QJsonObject summary = readJson(json);
    QVERIFY2(count(summary, {"iterations_started"}) > 0,
             qPrintable(QJsonDocument(summary).toJson()));
    // Every iteration here outlives the run: each one started is an interrupted one.
    QCOMPARE(count(summary, {"iterations_interrupted"}), count(summary, {"iterations_started"}));
    QVERIFY2(countsAddUp(summary), qPrintable(QJsonDocument(summary).toJson()));
}

void TestEndToEndTrust::theFlushTimeoutHoldsForARequestInFlight()
{
    // A server that accepts connections and never answers: the output's request is in flight
    // when the run ends, and must be cut when the 0.5 s flush timeout is over, not at libcurl's
    // next once-a-second progress call (which made it 1.2 s).
    int port = 0;
    const int silent = listenSilently(&port);
    QVERIFY(silent >= 0);
    const QString out = QString("influxdb=http://127.0.0.1:%1/db").arg(port);

    QProcess process;
    m_harness.start(process, {"run", "--scenario", m_harness.sourcePath("scenarios/simple.cpp"),
                              "--rampup", "1,1", "--graceful-stop", "0", "--param",
                              "base_url=" + baseUrl(), "--out", out, "--flush-timeout", "0.5"});
    QByteArray seen;
    // The last progress line: the run is over, the flush begins.
    const bool ended = waitForOutput(process, QProcess::StandardError, seen, "0/0 ", 60'000);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(ended, seen.constData());
    QVERIFY(process.waitForFinished(20'000));
    const qint64 flushMs = clock.elapsed();
    ::close(silent);
    QCOMPARE(process.exitCode(), 0);
    const QByteArray err = seen + process.readAllStandardError();
    QVERIFY2(err.contains("cut short: the flush deadline has passed"), err.constData());
    // 0.5 s and the summary; the old way took 1.2 s.
    QVERIFY2(flushMs < (sanitized() ? 4'000 : 950), qPrintable(QString::number(flushMs)));
    qInfo("flush of a request in flight with --flush-timeout 0.5: %lld ms", flushMs);
}

QTEST_GUILESS_MAIN(TestEndToEndTrust)
#include "tst_e2etrust.moc"
