// The open model through the binary: `loadwizard run --scenario … --arrival-rate …` against the
// built-in target starts the planned iterations and the --summary-json counts add up; a project
// with profile.arrival_rate does the same; bad specs and mixes are exit 2 naming the token.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QJsonObject>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndArrival : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void anArrivalRateStartsThePlannedIterations();
    void aProjectCarriesTheOpenModel();
    void aScenarioFileTakesAnArrivalRate();
    void aStopEndsThePlan();
    void badInputIsExitTwoNamingTheToken_data();
    void badInputIsExitTwoNamingTheToken();

private:
    QString scenario();

    Harness m_harness;
    Loadwizard::TargetServer m_target;
};

void TestEndToEndArrival::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndArrival::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndArrival::scenario()
{
    return m_harness.writeFile("health.yaml", "name: health\nsteps:\n  - request: GET " +
                                                  QByteArray::fromStdString(m_target.baseUrl()) +
                                                  "/health\n    name: health\n");
}

void TestEndToEndArrival::anArrivalRateStartsThePlannedIterations()
{
    // Up to 100/s in 1 s (50), then 100/s for 2 s (200): 250 planned, a pool large enough.
    const QString json = m_harness.scratchPath("arrival.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", scenario(), "--arrival-rate", "0,0,100,1,100,2",
                       "--pre-allocated-vusers", "20", "--max-vusers", "50", "--workers", "2",
                       "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(summary.value("model").toString(), QString("open"));
    QCOMPARE(summary.value("profile").toString(), QString("arrival rate 0,0,100,1,100,2"));
    QCOMPARE(count(summary, {"arrivals", "planned"}), 250);
    QCOMPARE(count(summary, {"arrivals", "started"}) + count(summary, {"arrivals", "dropped"}),
             250);
    QCOMPARE(count(summary, {"iterations_started"}), count(summary, {"arrivals", "started"}));
    QCOMPARE(count(summary, {"iterations_dropped"}), count(summary, {"arrivals", "dropped"}));
    QCOMPARE(count(summary, {"arrivals", "pool_max"}), 50);
    QCOMPARE(count(summary, {"requests", "count"}), count(summary, {"iterations"}));
    QCOMPARE(count(summary, {"latency_from_intended_start", "count"}),
             count(summary, {"requests", "count"}));
    QCOMPARE(count(summary, {"requests_by_name", "health", "from_intended_start", "count"}),
             count(summary, {"requests", "count"}));
    QVERIFY2(outcome.out.contains("from intended . ") &&
                 outcome.out.contains("(latency from the intended start)") &&
                 outcome.out.contains("service time ..") &&
                 outcome.out.contains("arrivals ...... planned 250"),
             outcome.out.constData());
}

void TestEndToEndArrival::aProjectCarriesTheOpenModel()
{
    const QString project = m_harness.writeFile(
        "open.yaml", "loadwizard: 1\nscenario: " + scenario().toUtf8() +
                         "\nprofile:\n  arrival_rate:\n    - {target: 50, seconds: 0}\n"
                         "    - {target: 50, seconds: 1s}\n  pool: {pre_allocated: 10, max: 10}\n");
    const QString json = m_harness.scratchPath("open.json");
    const Outcome outcome = m_harness.run({"run", project, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"arrivals", "planned"}), 50);
    QCOMPARE(count(summary, {"iterations_started"}) + count(summary, {"iterations_dropped"}), 50);
    const Outcome valid = m_harness.run({"validate", project});
    QVERIFY2(valid.finished && valid.exitCode == 0, valid.describe());
    // It said "0 profile steps, 0 s, peak -0 vusers".
    QVERIFY2(valid.out.contains(": ok (scenario health, arrival rate 50,0,50,1: 1 s, peak 50/s, "
                                "pool 10 to 10 vusers)\n"),
             valid.describe());
}

void TestEndToEndArrival::aScenarioFileTakesAnArrivalRate()
{
    // `run FILE.yaml` runs one iteration unless told otherwise: an arrival rate tells otherwise
    // (it used to be refused as if --iterations 1 had been given).
    const QString json = m_harness.scratchPath("file.json");
    const Outcome outcome = m_harness.run({"run", scenario(), "--arrival-rate", "10,0,10,1",
                                           "--max-vusers", "5", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"arrivals", "planned"}), 10);
    // Nothing pre-allocated: the pool grows from the first arrival on, and five vusers take ten
    // arrivals of a millisecond each. (The first arrival used to wait a whole second for the
    // worker's first turn; the ten were then due at once and five were dropped.)
    QCOMPARE(count(summary, {"arrivals", "started"}), 10);
    QCOMPARE(count(summary, {"arrivals", "dropped"}), 0);
}

void TestEndToEndArrival::aStopEndsThePlan()
{
    // A threshold that fails at once aborts the run after a second: arrivals planned after the
    // stop are neither started nor dropped, so they are not planned either (the plan went on
    // counting through the graceful stop: planned 23, started 3, dropped 8).
    const QString slow = m_harness.writeFile(
        "slow.yaml", "name: slow\nsteps:\n  - request: GET " +
                         QByteArray::fromStdString(m_target.baseUrl()) + "/delay/1500\n");
    const QString json = m_harness.scratchPath("stopped.json");
    const Outcome outcome =
        m_harness.run({"run", slow, "--arrival-rate", "10,0,10,20", "--pre-allocated-vusers", "3",
                       "--workers", "1", "--graceful-stop", "3", "--threshold",
                       "count(requests) < 0;abort", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    const qint64 planned = count(summary, {"arrivals", "planned"});
    QVERIFY2(planned > 0 && planned < 200, qPrintable(QString::number(planned)));
    QCOMPARE(count(summary, {"arrivals", "started"}) + count(summary, {"arrivals", "dropped"}),
             planned);
}

void TestEndToEndArrival::badInputIsExitTwoNamingTheToken_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("odd count") << QStringList{"--arrival-rate", "0,0,200,2,200", "--max-vusers",
                                              "5"}
                               << "--arrival-rate: token 5 (\"200\") has no duration";
    QTest::newRow("not a number") << QStringList{"--arrival-rate", "10,1x", "--max-vusers", "5"}
                                  << "token 2 (\"1x\") is not a number";
    QTest::newRow("negative rate") << QStringList{"--arrival-rate", "-10,1", "--max-vusers", "5"}
                                   << "token 1 (\"-10\") is a negative rate";
    QTest::newRow("no pool") << QStringList{"--arrival-rate", "10,1"}
                             << "--max-vusers: an arrival rate needs vusers";
    QTest::newRow("max below pre-allocated")
        << QStringList{"--arrival-rate", "10,1", "--pre-allocated-vusers", "5", "--max-vusers", "2"}
        << "the maximum (2) is below the pre-allocated vusers (5)";
    QTest::newRow("with a ramp-up") << QStringList{"--arrival-rate", "10,1", "--rampup", "1,1"}
                                    << "--arrival-rate: cannot be combined with --rampup";
    QTest::newRow("with --vus") << QStringList{"--arrival-rate", "10,1", "--vus", "2"}
                                << "--arrival-rate: cannot be combined with --rampup, --vus";
    QTest::newRow("pool without a rate") << QStringList{"--rampup", "1,1", "--max-vusers", "3"}
                                         << "--max-vusers: sizes the vuser pool";
    QTest::newRow("pacing in the open model")
        << QStringList{"--arrival-rate", "10,1", "--max-vusers", "5", "--pacing", "1"}
        << "--pacing: pacing spaces a vuser's iterations in the closed model";
    QTest::newRow("bad pacing") << QStringList{"--rampup", "1,1", "--pacing", "fast"}
                                << "--pacing: \"fast\" is not a pacing in seconds";
    // Named by the flag, not by the project key it becomes (profile.arrival_rate).
    QTest::newRow("a rate of nothing") << QStringList{"--arrival-rate", "0,5", "--max-vusers", "5"}
                                       << "--arrival-rate: the arrival rate never starts an "
                                          "iteration (0,5)";
    QTest::newRow("a ramp-up of nobody")
        << QStringList{"--rampup", "0,10"} << "--rampup: the profile never starts a vuser (0,10)";
    // An unset variable in a CI script is a mistake, not "no report" or "no profile".
    QTest::newRow("empty arrival rate") << QStringList{"--arrival-rate", "", "--max-vusers", "5"}
                                        << "--arrival-rate: is empty (an unset variable?)";
    QTest::newRow("empty junit") << QStringList{"--rampup", "1,1", "--junit", ""}
                                 << "--junit: is empty (an unset variable?)";
    QTest::newRow("empty threshold") << QStringList{"--rampup", "1,1", "--threshold", ""}
                                     << "--threshold: is empty (an unset variable?)";
}

void TestEndToEndArrival::badInputIsExitTwoNamingTheToken()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Outcome outcome = m_harness.run(QStringList{"run", "--scenario", scenario()} + arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(outcome.err.contains(message.toUtf8()), outcome.describe());
}

QTEST_GUILESS_MAIN(TestEndToEndArrival)
#include "tst_e2earrival.moc"
