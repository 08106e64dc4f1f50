// Rendezvous points in whole runs: four vusers meet once (meet.cpp), under the project's policy.

#include "e2eharness.h"

#include <QJsonObject>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndRendezvous : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void rendezvousReleasesFourVusersTogether_data();
    void rendezvousReleasesFourVusersTogether();
    void rendezvousTimesOutWhenTooFewVusersArrive_data();
    void rendezvousTimesOutWhenTooFewVusersArrive();
    void idlePoolVusersAreNotWaitedFor();

private:
    /// Runs meet.cpp with 4 vusers (one every 0.25 s) under `policy`, a rendezvous list entry.
    QJsonObject runMeeting(const QString &who, const QString &rampup, const QString &policy);

    Harness m_harness;
    int m_runs = 0; // numbers the project and summary files
};

void TestEndToEndRendezvous::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
}

QJsonObject TestEndToEndRendezvous::runMeeting(const QString &who, const QString &rampup,
                                               const QString &policy)
{
    const QString fileStem = "meet-" + QString::number(++m_runs);
    // Every vuser waits 1.5 s (the ramp is complete within 1 s), then goes to the rendezvous; after
    // it they think for 30 s, which the 0.5 s graceful stop interrupts.
    QByteArray project = "loadwizard: 1\n"
                         "scenario: " +
                         m_harness.scenarioPath("meet.cpp").toUtf8() +
                         "\n"
                         "parameters: {who: " +
                         who.toUtf8() +
                         ", delay: 1.5}\n"
                         "profile: {rampup: \"" +
                         rampup.toUtf8() +
                         "\"}\n"
                         "graceful_stop: 0.5s\n";
    if (!policy.isEmpty())
        project += "rendezvous:\n  - " + policy.toUtf8() + "\n";
    const QString path = m_harness.writeFile(fileStem + ".yaml", project);
    const QString json = m_harness.scratchPath(fileStem + ".json");
    const Outcome outcome = m_harness.run({"run", path, "--quiet", "--summary-json", json});
    if (!outcome.finished || outcome.exitCode != 0) {
        qWarning("%s", outcome.describe().constData());
        return {};
    }
    const QJsonObject summary = readJson(json);
    if (!countsAddUp(summary)) { // an empty summary fails every check of the caller
        qWarning("iteration counts do not add up in %s", qPrintable(json));
        return {};
    }
    return summary;
}

void TestEndToEndRendezvous::rendezvousReleasesFourVusersTogether_data()
{
    QTest::addColumn<QString>("policy");
    QTest::newRow("count 4") << "{name: meet, policy: count, value: 4, timeout: 1s}";
    QTest::newRow("all, not listed in the project") << QString();
}

void TestEndToEndRendezvous::rendezvousReleasesFourVusersTogether()
{
    QFETCH(QString, policy);
    const QJsonObject summary = runMeeting("all", "4,1,0,2", policy);
    QVERIFY(!summary.isEmpty());

    QCOMPARE(count(summary, {"rendezvous", "meet", "arrivals"}), 4);
    QCOMPARE(count(summary, {"rendezvous", "meet", "releases"}), 1);
    QCOMPARE(count(summary, {"rendezvous", "meet", "timeouts"}), 0);
    QCOMPARE(count(summary, {"rendezvous", "meet", "released"}), 4);
    QCOMPARE(count(summary, {"checks", "released", "passes"}), 4);
    QCOMPARE(count(summary, {"checks", "released", "fails"}), 0);
    QCOMPARE(count(summary, {"vusers", "max"}), 4);
    // The long think after the meeting is cut short by the graceful stop, without errors.
    QCOMPARE(count(summary, {"iterations_interrupted"}), 4);
    QCOMPARE(count(summary, {"errors_by_class", "check"}), 0);
}

void TestEndToEndRendezvous::rendezvousTimesOutWhenTooFewVusersArrive_data()
{
    QTest::addColumn<QString>("policy");
    // Only vusers 2 and 4 go to the rendezvous. The engine caps a count at the running vusers
    // (4 here), so a count of 3 still waits for a third; percent 100 waits for all 4.
    QTest::newRow("count 3") << "{name: meet, policy: count, value: 3, timeout: 1s}";
    QTest::newRow("percent 100") << "{name: meet, policy: percent, value: 100, timeout: 1s}";
}

void TestEndToEndRendezvous::rendezvousTimesOutWhenTooFewVusersArrive()
{
    QFETCH(QString, policy);
    // Vusers 2 and 4 arrive 1.5 s after they start (by 2.5 s), the timeout is 1 s after the last
    // arrival: the profile runs to 6 s so that the end of the run does not release them first.
    // (To 4 s, the 0.5 s left failed once under ASan on a loaded machine: no timeout.)
    const QJsonObject summary = runMeeting("even", "4,1,0,5", policy);
    QVERIFY(!summary.isEmpty());

    QCOMPARE(count(summary, {"rendezvous", "meet", "arrivals"}), 2);
    QVERIFY(count(summary, {"rendezvous", "meet", "timeouts"}) >= 1);
    QCOMPARE(count(summary, {"rendezvous", "meet", "releases"}),
             count(summary, {"rendezvous", "meet", "timeouts"}));
    QCOMPARE(count(summary, {"rendezvous", "meet", "released"}), 2);
    const double maxWait = field(summary, {"rendezvous", "meet", "max_wait_ms"}).toDouble();
    QVERIFY2(maxWait >= 900, qPrintable(QString::number(maxWait)));
    // The scenario saw RendezvousOutcome::TimedOut.
    QCOMPARE(count(summary, {"checks", "released", "fails"}), 2);
    QCOMPARE(count(summary, {"checks", "released", "passes"}), 0);
}

void TestEndToEndRendezvous::idlePoolVusersAreNotWaitedFor()
{
    // The open model, one arrival a second on a pool of 5 pre-allocated vusers: each arrival is
    // the only vuser running an iteration, so `all` releases it at once. It used to count the
    // idle pool vusers as running and wait for four more (the 10 s timeout, here).
    const QString scenario =
        m_harness.writeFile("meet-open.yaml", "steps:\n  - rendezvous: meet\n  - think: 0.01\n");
    const QString project = m_harness.writeFile(
        "meet-open-project.yaml", "loadwizard: 1\nscenario: " + scenario.toUtf8() +
                                      "\nprofile:\n  arrival_rate: \"1,0,1,3\"\n"
                                      "  pool: {pre_allocated: 5, max: 5}\n"
                                      "rendezvous:\n  - {name: meet, policy: all, timeout: 10s}\n");
    const QString json = m_harness.scratchPath("meet-open.json");
    const Outcome outcome = m_harness.run({"run", project, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"rendezvous", "meet", "arrivals"}), 3);
    QCOMPARE(count(summary, {"rendezvous", "meet", "releases"}), 3);
    QCOMPARE(count(summary, {"rendezvous", "meet", "timeouts"}), 0);
}

QTEST_GUILESS_MAIN(TestEndToEndRendezvous)
#include "tst_e2erendezvous.moc"
