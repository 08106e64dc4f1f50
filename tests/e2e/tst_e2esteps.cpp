// Declarative scenarios through the binary, as a user runs them: the bundled shop-steps.yaml
// against the built-in target with zero errors, a scenario file given with --scenario, steps
// inline in a project, data feeders in templates, -v showing `log:` lines, and mistakes (a typo
// in a key, an unknown variable) reported with file, line and column before anything is sent.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QJsonObject>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndSteps : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void theBundledShopRunsWithoutErrors();
    void aScenarioFileRunsWithoutAProject();
    void inlineStepsWithDataAndLogLines();
    void mistakesNameFileLineAndColumn_data();
    void mistakesNameFileLineAndColumn();
    void validateCompilesTheSteps();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }

    Harness m_harness;
    Loadwizard::TargetServer m_target;
};

void TestEndToEndSteps::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndSteps::cleanupTestCase()
{
    m_target.stop();
}

void TestEndToEndSteps::theBundledShopRunsWithoutErrors()
{
    // The bundled project, with its think time and rendezvous, only shorter.
    const QString project = m_harness.writeFile(
        "shop-project.yaml",
        "loadwizard: 1\nscenario: " + m_harness.sourcePath("scenarios/shop-steps.yaml").toUtf8() +
            "\nhttp: {base_url: \"" + baseUrl().toUtf8() +
            "\"}\nthink_time: {multiplier: 0.01}\nprofile: {rampup: \"1,1\"}\n"
            "rendezvous:\n  - {name: checkout, policy: percent, value: 50, timeout: 1s}\n");
    const QString json = m_harness.scratchPath("shop.json");
    const Outcome outcome = m_harness.run({"run", project, "--vus", "4", "--iterations", "3",
                                           "--workers", "2", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QCOMPARE(count(summary, {"iterations"}), 12);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(count(summary, {"requests", "count"}), 12 * 7);
    const QJsonObject checks = summary.value("checks").toObject();
    QCOMPARE(checks.size(), 12);
    for (auto it = checks.begin(); it != checks.end(); ++it) {
        QVERIFY2(it.value().toObject().value("fails").toInt() == 0, qPrintable(it.key()));
        QVERIFY2(it.value().toObject().value("passes").toInt() == 12, qPrintable(it.key()));
    }
    const QJsonObject transactions = summary.value("transactions").toObject();
    for (const char *name : {"login", "browse", "product", "add_to_cart", "checkout"})
        QCOMPARE(count(transactions, {name, "count"}), 12);
    QCOMPARE(summary.value("scenario").toString(), QString("shop-steps"));
}

void TestEndToEndSteps::aScenarioFileRunsWithoutAProject()
{
    const QString scenario = m_harness.writeFile("health.yaml", "steps:\n"
                                                                "  - request: GET /health\n"
                                                                "    checks: [{status: 200}]\n");
    const QString json = m_harness.scratchPath("health.json");
    const Outcome outcome = m_harness.run({"run", "--scenario", scenario, "--base-url", baseUrl(),
                                           "--iterations", "5", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QCOMPARE(count(summary, {"requests", "count"}), 5);
    QCOMPARE(count(summary, {"checks", "status is 200", "passes"}), 5);
    QCOMPARE(summary.value("scenario").toString(), QString("health"));

    // Given as the project argument: the same scenario, one iteration unless told more.
    const QString once = m_harness.scratchPath("health-once.json");
    const Outcome direct =
        m_harness.run({"run", scenario, "--base-url", baseUrl(), "--summary-json", once});
    QVERIFY2(direct.finished && direct.exitCode == 0, direct.describe());
    QCOMPARE(count(readJson(once), {"requests", "count"}), 1);
    const Outcome validated = m_harness.run({"validate", scenario});
    QVERIFY2(validated.finished && validated.exitCode == 0, validated.describe());
}

void TestEndToEndSteps::inlineStepsWithDataAndLogLines()
{
    m_harness.writeFile("users.csv", "name,password\nann,a1\nbob,b2\n");
    const QString project =
        m_harness.writeFile("inline-project.yaml",
                            "loadwizard: 1\n"
                            "http: {base_url: \"" +
                                baseUrl().toUtf8() +
                                "\"}\n"
                                "data:\n  users: {file: users.csv}\n"
                                "profile: {rampup: \"1,1\"}\n"
                                "scenario:\n"
                                "  parameters: {suffix: \"!\"}\n"
                                "  steps:\n"
                                "    - request: POST /anything\n"
                                "      form: {user: \"${users.name}\"}\n"
                                "      extract:\n"
                                "        - {var: echoed, json: /form/user}\n"
                                "    - log: \"user ${echoed}${suffix} iteration ${iteration}\"\n");
    const Outcome outcome =
        m_harness.run({"run", project, "--iterations", "3", "-v", "--param", "suffix=?"});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QString err = QString::fromUtf8(outcome.err + outcome.out);
    QVERIFY2(err.contains("user ann? iteration 0"), outcome.describe());
    QVERIFY2(err.contains("user bob? iteration 1"), outcome.describe());
    QVERIFY2(err.contains("user ann? iteration 2"), outcome.describe());
}

void TestEndToEndSteps::mistakesNameFileLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("scenario");
    QTest::addColumn<QString>("expected");
    QTest::newRow("typo in a step key") << QByteArray("steps:\n"
                                                      "  - request: GET /health\n"
                                                      "    chekcs: [{status: 200}]\n")
                                        << "bad.yaml:3:5:";
    QTest::newRow("unknown variable") << QByteArray("steps:\n"
                                                    "  - request: GET /health\n"
                                                    "    extract: [{var: token, json: /t}]\n"
                                                    "  - request: GET /a/${tokn}\n")
                                      << "(did you mean \"token\"?)";
    QTest::newRow("malformed YAML")
        << QByteArray("steps:\n  - request: [GET /health\n") << "bad.yaml:";
}

void TestEndToEndSteps::mistakesNameFileLineAndColumn()
{
    QFETCH(QByteArray, scenario);
    QFETCH(QString, expected);
    const QString path = m_harness.writeFile("bad.yaml", scenario);
    const Outcome outcome =
        m_harness.run({"run", "--scenario", path, "--base-url", baseUrl(), "--iterations", "1"});
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(QString::fromUtf8(outcome.err).contains(expected), outcome.describe());
}

void TestEndToEndSteps::validateCompilesTheSteps()
{
    const QString good = m_harness.writeFile(
        "validate-project.yaml",
        "loadwizard: 1\nscenario: " + m_harness.sourcePath("scenarios/shop-steps.yaml").toUtf8() +
            "\nprofile: {rampup: \"1,1\"}\n");
    Outcome outcome = m_harness.run({"validate", good});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QVERIFY2(outcome.out.contains("scenario shop-steps"), outcome.describe());

    const QString bad =
        m_harness.writeFile("validate-bad.yaml", "loadwizard: 1\nprofile: {rampup: \"1,1\"}\n"
                                                 "scenario:\n"
                                                 "  steps:\n"
                                                 "    - log: \"${nobody}\"\n");
    outcome = m_harness.run({"validate", bad});
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains("validate-bad.yaml:5:") && outcome.err.contains("\"nobody\""),
             outcome.describe());
}

QTEST_GUILESS_MAIN(TestEndToEndSteps)
#include "tst_e2esteps.moc"
