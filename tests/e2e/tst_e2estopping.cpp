// How a run ends: the graceful stop after the profile, Ctrl-C (and SIGTERM), and Ctrl-C twice.
// sleepy.cpp sends one request, then sleeps for its "sleep" parameter.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QJsonObject>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

class TestEndToEndStopping : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void gracefulStopLetsInFlightIterationsFinish();
    void gracefulStopInterruptsIterationsThatOutlastIt();
    void interruptStopsGracefullyAndStillWritesTheSummary_data();
    void interruptStopsGracefullyAndStillWritesTheSummary();
    void secondInterruptAbortsAtOnce();
    void anAbortEndsWithin2sEvenIfAWorkerNeverComesBack();

private:
    /// Starts a long sleepy run (2 vusers, then 60 s) and returns once it is running.
    bool startLongRun(QProcess &process, const QString &sleepSeconds, const QString &json,
                      QByteArray &stderrSeen);

    Harness m_harness;
    TargetServer m_target;
    QString m_project; // sleepy.cpp: 2 vusers in 1 s, then 1 s more; graceful stop 5 s
};

void TestEndToEndStopping::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    m_project =
        m_harness.writeFile("sleepy.yaml", "loadwizard: 1\n"
                                           "scenario: " +
                                               m_harness.scenarioPath("sleepy.cpp").toUtf8() +
                                               "\n"
                                               "parameters:\n"
                                               "  base_url: " +
                                               QByteArray::fromStdString(m_target.baseUrl()) +
                                               "\n"
                                               "  sleep: 1.5\n"
                                               "profile: {rampup: \"2,1,0,1\"}\n"
                                               "graceful_stop: 5s\n");
    QVERIFY(!m_project.isEmpty());
}

void TestEndToEndStopping::cleanupTestCase()
{
    m_target.stop();
}

void TestEndToEndStopping::gracefulStopLetsInFlightIterationsFinish()
{
    // Two vusers start within the first second and loop 1.5 s iterations: some are running when
    // the profile ends at 2 s, and the 5 s graceful stop lets them finish.
    const QString json = m_harness.scratchPath("graceful.json");
    const Outcome outcome = m_harness.run({"run", m_project, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QVERIFY(count(summary, {"iterations"}) >= 2);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 0);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(field(summary, {"verdict"}).toString(), QString("passed"));
    const double seconds = field(summary, {"duration_s"}).toDouble();
    QVERIFY2(seconds >= 2.3 && seconds < 6, qPrintable(QString::number(seconds)));
}

void TestEndToEndStopping::gracefulStopInterruptsIterationsThatOutlastIt()
{
    const QString json = m_harness.scratchPath("interrupted.json");
    const Outcome outcome =
        m_harness.run({"run", m_project, "--param", "sleep=10", "--graceful-stop", "0.5", "--quiet",
                       "--summary-json", json});
    // An interrupted iteration is the planned end of a run, not a failure.
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(outcome.milliseconds < 8'000, outcome.describe().constData());

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QCOMPARE(count(summary, {"iterations_interrupted"}), 2);
    QCOMPARE(count(summary, {"iterations"}), 0);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"requests", "count"}), 2);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    const QJsonObject classes = field(summary, {"errors_by_class"}).toObject();
    QVERIFY(!classes.isEmpty());
    for (auto it = classes.begin(); it != classes.end(); ++it)
        QVERIFY2(it.value().toInteger(-1) == 0, qPrintable(it.key()));
    const double seconds = field(summary, {"duration_s"}).toDouble();
    QVERIFY2(seconds >= 2.4 && seconds < 4, qPrintable(QString::number(seconds)));
}

bool TestEndToEndStopping::startLongRun(QProcess &process, const QString &sleepSeconds,
                                        const QString &json, QByteArray &stderrSeen)
{
    m_harness.start(process,
                    {"run", m_project, "--rampup", "2,1,0,60", "--param", "sleep=" + sleepSeconds,
                     "--graceful-stop", "10", "--summary-json", json});
    // The header comes after the scenario is compiled and loaded, just before the run starts.
    if (!waitForOutput(process, QProcess::StandardError, stderrSeen, ": scenario sleepy", 30'000))
        return false;
    QThread::msleep(2'000);
    return process.state() == QProcess::Running;
}

void TestEndToEndStopping::interruptStopsGracefullyAndStillWritesTheSummary_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGINT (Ctrl-C)") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void TestEndToEndStopping::interruptStopsGracefullyAndStillWritesTheSummary()
{
    QFETCH(int, signalNumber);
    const QString json = m_harness.scratchPath("signal-" + QString::number(signalNumber) + ".json");
    QProcess process;
    QByteArray err;
    QVERIFY2(startLongRun(process, "0.5", json, err), err.constData());

    // Iterations end within 0.5 s, far inside the 10 s graceful stop.
    const Stopped stopped = signalAndWait(process, {signalNumber}, 0, 10'000, err);
    QVERIFY2(stopped.finished, err.constData());
    QVERIFY2(stopped.sinceFirst < 5'000, qPrintable(QString::number(stopped.sinceFirst)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(err.contains("stopping gracefully"));
    QVERIFY(process.readAllStandardOutput().contains("requests"));

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QVERIFY2(count(summary, {"requests", "count"}) > 0, err.constData());
    QVERIFY(count(summary, {"iterations"}) > 0);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 0);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QVERIFY(field(summary, {"duration_s"}).toDouble() < 10);
    // Cut short, so not "passed" (a CI job reading the JSON saw a pass).
    QCOMPARE(field(summary, {"verdict"}).toString(),
             QString("stopped before the end of the profile"));
}

void TestEndToEndStopping::secondInterruptAbortsAtOnce()
{
    const QString json = m_harness.scratchPath("abort.json");
    QProcess process;
    QByteArray err;
    QVERIFY2(startLongRun(process, "30", json, err), err.constData());

    const Stopped stopped = signalAndWait(process, {SIGINT, SIGINT}, 300, 10'000, err);
    QVERIFY2(stopped.finished, err.constData());
    QVERIFY2(stopped.sinceFirst < 5'000, qPrintable(QString::number(stopped.sinceFirst)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(err.contains("aborting"));
    QVERIFY(process.readAllStandardOutput().contains("requests"));

    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), "started = finished + interrupted");
    QCOMPARE(count(summary, {"iterations_interrupted"}), 2);
    QCOMPARE(count(summary, {"iterations"}), 0);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
}

void TestEndToEndStopping::anAbortEndsWithin2sEvenIfAWorkerNeverComesBack()
{
    // Vuser 1 spins in scenario code from its third iteration on and never comes back; the
    // abort comes before the watchdog has said anything.
    const QString json = m_harness.scratchPath("hardstop.json");
    QProcess process;
    m_harness.start(process, {"run", "--scenario", m_harness.scenarioPath("spin.cpp"), "--param",
                              "base_url=" + QString::fromStdString(m_target.baseUrl()), "--param",
                              "after=2", "--rampup", "2,1,0,120", "--workers", "2",
                              "--graceful-stop", "60", "--summary-json", json});
    QByteArray err;
    QVERIFY2(waitForOutput(process, QProcess::StandardError, err, ": scenario spin", 60'000),
             err.constData());
    QThread::msleep(1'000);
    QVERIFY(process.state() == QProcess::Running);

    const Stopped stopped = signalAndWait(process, {SIGINT, SIGINT}, 300, 30'000, err);
    QVERIFY2(stopped.finished, err.constData());
    QVERIFY2(stopped.sinceLast < abortBoundMs(), qPrintable(QString::number(stopped.sinceLast)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY2(err.contains("aborting"), err.constData());
    QVERIFY2(err.contains("left behind"), err.constData());
    QVERIFY(process.readAllStandardOutput().contains("INCOMPLETE"));

    // The summary was written, and says what is missing.
    const QJsonObject summary = readJson(json);
    const QString incomplete = field(summary, {"incomplete"}).toString();
    QVERIFY2(incomplete.contains("vuser 1") && incomplete.contains("\"spin\""),
             qPrintable(incomplete));
    QVERIFY(count(summary, {"requests", "count"}) >= 2);
}

QTEST_GUILESS_MAIN(TestEndToEndStopping)
#include "tst_e2estopping.moc"
