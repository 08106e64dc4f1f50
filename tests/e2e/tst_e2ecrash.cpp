// Runs that always stop, and say how they ended: a scenario that never yields is named by the
// watchdog and left behind by a stop or an abort; a scenario that crashes or calls exit() ends
// the run with exit status 3, a message naming it, and the summary up to then.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QJsonObject>
#include <QTest>

#include <csignal>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

class TestEndToEndCrash : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aScenarioThatNeverYieldsIsNamedAndAStopEndsTheRun_data();
    void aScenarioThatNeverYieldsIsNamedAndAStopEndsTheRun();
    void theProfileEndDoesNotWaitForAStuckWorker();
    void aCrashEndsTheRunWithStatus3AndASummary_data();
    void aCrashEndsTheRunWithStatus3AndASummary();
    void aCrashInInitEndsWithStatus3AndLeavesNoFile_data();
    void aCrashInInitEndsWithStatus3AndLeavesNoFile();
    void aSummaryThatCannotBeWrittenIsAnError();
    void aCrashWhileAnotherWorkerIsStuckStillWritesTheSummary_data();
    void aCrashWhileAnotherWorkerIsStuckStillWritesTheSummary();
    void scenarioCodeAfterTheSummaryCannotHangTheProcess_data();
    void scenarioCodeAfterTheSummaryCannotHangTheProcess();
    void raiseSigintInAScenarioStopsTheRunLikeCtrlC();

private:
    QStringList crashArguments(const QString &how, const QString &in, const QString &json) const;

    Harness m_harness;
    TargetServer m_target;
};

void TestEndToEndCrash::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndCrash::cleanupTestCase()
{
    m_target.stop();
}

void TestEndToEndCrash::aScenarioThatNeverYieldsIsNamedAndAStopEndsTheRun_data()
{
    QTest::addColumn<QList<int>>("signalsSent");
    QTest::newRow("Ctrl-C") << QList<int>{SIGINT};
    QTest::newRow("Ctrl-C twice") << QList<int>{SIGINT, SIGINT};
    QTest::newRow("SIGTERM") << QList<int>{SIGTERM};
    QTest::newRow("SIGHUP") << QList<int>{SIGHUP};
}

void TestEndToEndCrash::aScenarioThatNeverYieldsIsNamedAndAStopEndsTheRun()
{
    QFETCH(QList<int>, signalsSent);
    const QString json =
        m_harness.scratchPath(QString("spin-%1.json").arg(QTest::currentDataTag()));
    QProcess process;
    m_harness.start(process, {"run", "--scenario", m_harness.scenarioPath("spin.cpp"), "--param",
                              "base_url=" + QString::fromStdString(m_target.baseUrl()), "--rampup",
                              "2,1,0,120", "--workers", "2", "--graceful-stop", "60",
                              "--summary-json", json});
    QByteArray err;
    // The watchdog names the scenario and the vuser once the worker has not turned for 3 s.
    const bool warned = waitForOutput(process, QProcess::StandardError, err,
                                      "has not come back to its event loop", 60'000);
    if (!warned)
        process.kill();
    QVERIFY2(warned, err.constData());
    QVERIFY2(err.contains("vuser 1 is in the code of scenario \"spin\""), err.constData());

    const Stopped stopped = signalAndWait(process, signalsSent, 100, 30'000, err);
    QVERIFY2(stopped.finished, err.constData());
    QVERIFY2(stopped.sinceFirst < abortBoundMs(), qPrintable(QString::number(stopped.sinceFirst)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY2(err.contains("left behind"), err.constData());
    QVERIFY(process.readAllStandardOutput().contains("INCOMPLETE"));
    // The watchdog said it once, not again when the stop found the worker still stuck.
    QCOMPARE(err.count("has not come back to its event loop"), 1);

    const QJsonObject summary = readJson(json);
    const QString incomplete = field(summary, {"incomplete"}).toString();
    QVERIFY2(incomplete.contains("vuser 1") && incomplete.contains("\"spin\""),
             qPrintable(incomplete));
    // The other worker's vuser went on and was counted.
    QVERIFY(count(summary, {"requests", "count"}) > 0);
}

void TestEndToEndCrash::theProfileEndDoesNotWaitForAStuckWorker()
{
    const QString json = m_harness.scratchPath("spin-end.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("spin.cpp"), "--param",
         "base_url=" + QString::fromStdString(m_target.baseUrl()), "--param", "after=0", "--rampup",
         "2,1,0,2", "--workers", "2", "--graceful-stop", "600", "--summary-json", json},
        120'000);
    QVERIFY2(outcome.finished, outcome.describe());
    // Not a success: part of the run was left behind.
    QCOMPARE(outcome.exitCode, 1);
    const QJsonObject summary = readJson(json);
    QVERIFY2(!field(summary, {"incomplete"}).toString().isEmpty(), outcome.describe());
    // The 600 s graceful stop was not waited for: the stop became an interrupt.
    QVERIFY2(field(summary, {"duration_s"}).toDouble() < 30, outcome.describe());
    // Said once: by the watchdog (then with what a stop does) or by the stop that found the
    // worker stuck ("interrupted instead of stopped gracefully"), whichever came first.
    QCOMPARE(outcome.err.count("has not come back to its event loop"), 1);
}

QStringList TestEndToEndCrash::crashArguments(const QString &how, const QString &in,
                                              const QString &json) const
{
    return {"run",
            "--scenario",
            m_harness.scenarioPath("crash.cpp"),
            "--param",
            "base_url=" + QString::fromStdString(m_target.baseUrl()),
            "--param",
            "how=" + how,
            "--param",
            "in=" + in,
            "--rampup",
            "4,1,0,60",
            "--workers",
            "2",
            "--summary-json",
            json};
}

void TestEndToEndCrash::aCrashEndsTheRunWithStatus3AndASummary_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("said");
    QTest::newRow("null pointer") << "segv"
                                  << "crashed: SIGSEGV";
    QTest::newRow("abort()") << "abort"
                             << "crashed: SIGABRT";
    QTest::newRow("exit(0)") << "exit0"
                             << "called exit(0)";
    QTest::newRow("exit(7)") << "exit7"
                             << "called exit(7)";
    QTest::newRow("division by zero") << "fpe"
                                      << "crashed: SIGFPE";
    QTest::newRow("stack overflow") << "stack"
                                    << "crashed: SIGSEGV";
}

void TestEndToEndCrash::aCrashEndsTheRunWithStatus3AndASummary()
{
    QFETCH(QString, how);
    QFETCH(QString, said);
    if (sanitized() && how == "stack")
        QSKIP("AddressSanitizer reports the stack overflow itself");
    const QString json = m_harness.scratchPath("crash-" + how + ".json");
    const Outcome outcome = m_harness.run(crashArguments(how, "iteration", json), 60'000);
    QVERIFY2(outcome.finished, outcome.describe());
    QCOMPARE(outcome.exitStatus, QProcess::NormalExit);
    QCOMPARE(outcome.exitCode, 3);
    const QByteArray expected = "scenario \"crash\" " + said.toUtf8();
    QVERIFY2(outcome.err.contains(expected), outcome.describe());
    QVERIFY2(outcome.err.contains("in vuser 1"), outcome.describe());
    QVERIFY2(outcome.out.contains("INCOMPLETE"), outcome.out.constData());

    const QJsonObject summary = readJson(json);
    QVERIFY2(field(summary, {"incomplete"}).toString().contains(QString::fromUtf8(expected)),
             outcome.describe());
    // The crashed worker's numbers were kept: its crashed iteration is a failed one, and the
    // counts add up.
    QVERIFY2(countsAddUp(summary), outcome.describe());
    QCOMPARE(count(summary, {"iterations_failed"}), 1);
    QCOMPARE(count(summary, {"errors_by_class", "exception"}), 1);
    QVERIFY(count(summary, {"requests", "count"}) >= 4);
    // Nothing half-written next to the summary.
    const QStringList leftovers =
        QDir(m_harness.scratchPath("")).entryList({".crash-*"}, QDir::Files | QDir::Hidden);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(' ')));
}

void TestEndToEndCrash::aCrashInInitEndsWithStatus3AndLeavesNoFile_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("said");
    QTest::newRow("null pointer") << "segv"
                                  << "crashed: SIGSEGV";
    QTest::newRow("exit(0)") << "exit0"
                             << "called exit(0)";
}

void TestEndToEndCrash::aCrashInInitEndsWithStatus3AndLeavesNoFile()
{
    QFETCH(QString, how);
    QFETCH(QString, said);
    const QString json = m_harness.scratchPath("init-" + how + ".json");
    const Outcome outcome = m_harness.run(crashArguments(how, "init", json), 60'000);
    QVERIFY2(outcome.finished, outcome.describe());
    QCOMPARE(outcome.exitCode, 3);
    QVERIFY2(outcome.err.contains("scenario \"crash\" " + said.toUtf8()), outcome.describe());
    QVERIFY2(outcome.err.contains("before the run started"), outcome.describe());
    QVERIFY(!QFile::exists(json));
    const QStringList leftovers =
        QDir(m_harness.scratchPath("")).entryList({".init-*"}, QDir::Files | QDir::Hidden);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(' ')));
}

void TestEndToEndCrash::aSummaryThatCannotBeWrittenIsAnError()
{
    // `> /dev/full`: the summary is lost, so the run must not report success.
    QProcess process;
    process.setStandardOutputFile("/dev/full");
    m_harness.start(process, crashArguments("none", "iteration", m_harness.scratchPath("full.json"))
                                 .replaceInStrings("4,1,0,60", "2,1"));
    QVERIFY(process.waitForFinished(60'000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains("cannot write the summary to standard output: No space left on device"),
             err.constData());
}

void TestEndToEndCrash::aCrashWhileAnotherWorkerIsStuckStillWritesTheSummary_data()
{
    QTest::addColumn<QString>("roles");
    QTest::addColumn<QString>("said");
    QTest::newRow("vuser 1 spins, vuser 2 crashes") << "spin@3,segv@10"
                                                    << "crashed: SIGSEGV";
    QTest::newRow("vuser 1 crashes, vuser 2 spins") << "segv@10,spin@3"
                                                    << "crashed: SIGSEGV";
    QTest::newRow("both crash at once") << "segv@5,segv@5"
                                        << "crashed: SIGSEGV";
    QTest::newRow("one aborts, one crashes") << "abort@5,segv@6"
                                             << "crashed: SIG";
}

void TestEndToEndCrash::aCrashWhileAnotherWorkerIsStuckStillWritesTheSummary()
{
    QFETCH(QString, roles);
    QFETCH(QString, said);
    const QString json =
        m_harness.scratchPath(QString("spincrash-%1.json").arg(QTest::currentDataTag()));
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", m_harness.scenarioPath("spincrash.cpp"), "--param",
         "base_url=" + QString::fromStdString(m_target.baseUrl()), "--param", "roles=" + roles,
         "--rampup", "2,1,0,60", "--workers", "2", "--summary-json", json},
        60'000);
    QVERIFY2(outcome.finished, outcome.describe());
    QCOMPARE(outcome.exitStatus, QProcess::NormalExit);
    QCOMPARE(outcome.exitCode, 3);
    QVERIFY2(outcome.err.contains("scenario \"spincrash\" " + said.toUtf8()), outcome.describe());
    QVERIFY2(!outcome.err.contains("could not be written in time"), outcome.describe());
    QVERIFY2(outcome.out.contains("INCOMPLETE"), outcome.out.constData());
    const QJsonObject summary = readJson(json);
    QVERIFY2(field(summary, {"incomplete"}).toString().contains("crashed"), outcome.describe());
    QVERIFY2(count(summary, {"requests", "count"}) >= 4, outcome.describe());
}

void TestEndToEndCrash::scenarioCodeAfterTheSummaryCannotHangTheProcess_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("said");
    QTest::newRow("the destructor spins")
        << "spin" << 0 << "scenario \"dtor\" still cleans up 2 s after the summary";
    QTest::newRow("a static destructor spins")
        << "static-spin" << 0 << "scenario \"dtor\" still cleans up 2 s after the summary";
    QTest::newRow("the destructor crashes")
        << "segv" << 3
        << "scenario \"dtor\" crashed: SIGSEGV (invalid memory access) while it was "
           "destroyed";
}

void TestEndToEndCrash::scenarioCodeAfterTheSummaryCannotHangTheProcess()
{
    QFETCH(QString, how);
    QFETCH(int, exitCode);
    QFETCH(QString, said);
    const QString json = m_harness.scratchPath("dtor-" + how + ".json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("dtor.cpp"), "--param",
                       "base_url=" + QString::fromStdString(m_target.baseUrl()), "--param",
                       "how=" + how, "--rampup", "2,1", "--quiet", "--summary-json", json},
                      60'000);
    QVERIFY2(outcome.finished, outcome.describe()); // a spinning destructor would hang it
    QCOMPARE(outcome.exitStatus, QProcess::NormalExit);
    QCOMPARE(outcome.exitCode, exitCode);
    QVERIFY2(outcome.err.contains(said.toUtf8()), outcome.describe());
    QVERIFY(outcome.out.contains("requests"));
    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), outcome.describe());
    QVERIFY(count(summary, {"requests", "count"}) > 0);
}

void TestEndToEndCrash::raiseSigintInAScenarioStopsTheRunLikeCtrlC()
{
    // A 60 s profile; vuser 1 raises SIGINT in its fourth iteration.
    const QString json = m_harness.scratchPath("raise.json");
    const Outcome outcome = m_harness.run(crashArguments("sigint", "iteration", json), 60'000);
    QVERIFY2(outcome.finished, outcome.describe());
    QCOMPARE(outcome.exitStatus, QProcess::NormalExit);
    QCOMPARE(outcome.exitCode, 130);
    QVERIFY2(outcome.err.contains("stopping gracefully"), outcome.describe());
    QVERIFY2(!outcome.err.contains("aborting"), outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY2(countsAddUp(summary), outcome.describe());
    QCOMPARE(count(summary, {"iterations_interrupted"}), 0); // a graceful stop
    QVERIFY2(field(summary, {"duration_s"}).toDouble() < 30, outcome.describe());
}

QTEST_GUILESS_MAIN(TestEndToEndCrash)
#include "tst_e2ecrash.moc"
