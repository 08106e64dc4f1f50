// Verdicts through the binary: thresholds from the command line and the project shown with ✓/✗
// in the summary and its JSON, a failed one making the exit status 99, an abort threshold ending
// a long run early, bad expressions refused with their column before any load, and the --junit
// report valid against the JUnit schema CI systems read (tests/fixtures/junit/JUnit.xsd).

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QXmlStreamReader>

using namespace Loadwizard::EndToEnd;

class TestEndToEndThresholds : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aFailedThresholdExitsWith99();
    void passingThresholdsExitWith0();
    void anAbortThresholdEndsALongRunEarly();
    void abortWaitsForTheGracePeriod();
    void badExpressionsAreRefusedWithTheirColumn_data();
    void badExpressionsAreRefusedWithTheirColumn();
    void aBadThresholdInAProjectNamesLineAndField();
    void junitValidatesAgainstTheSchema();
    void junitInAMissingFolderFailsBeforeTheRun();
    void reportsNeverReplaceTheScenarioOrEachOther();
    void everyRequestFailedIsTheVerdict();
    void latencyFromTheIntendedStartIsAThreshold();
    void anAbortStaysAFailureWhenTheValueRecovers();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }
    /// A steps scenario: GET `path` with a status check `status`.
    QString scenario(const QString &fileName, const QString &path, int status) const;

    Harness m_harness;
    Loadwizard::TargetServer m_target;
};

void TestEndToEndThresholds::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndThresholds::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndThresholds::scenario(const QString &fileName, const QString &path,
                                         int status) const
{
    return m_harness.writeFile(
        fileName, "steps:\n  - request: GET " + path.toUtf8() +
                      "\n    checks: [{status: " + QByteArray::number(status) + "}]\n");
}

/// The summary's line for one threshold, as formatSummary() pads it.
static QString thresholdLine(const char *mark, const QString &expression, const QString &observed)
{
    return QStringLiteral("  %1 %2 %3")
        .arg(QString::fromUtf8(mark))
        .arg(expression, -40)
        .arg(observed);
}

void TestEndToEndThresholds::aFailedThresholdExitsWith99()
{
    const QString health = scenario("health.yaml", "/health", 200);
    const QString json = m_harness.scratchPath("fail99.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", health, "--base-url", baseUrl(), "--iterations", "5",
                       "--quiet", "--threshold", "count(requests) == 5", "--threshold",
                       "error_rate > 50%", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QString out = QString::fromUtf8(outcome.out);
    QVERIFY2(out.contains(thresholdLine("✓", "count(requests) == 5", "5") + "\n"), qPrintable(out));
    QVERIFY2(out.contains(thresholdLine("✗", "error_rate > 50%", "0.00 %") + "\n"),
             qPrintable(out));
    QVERIFY2(out.contains("  VERDICT ....... thresholds failed (1 of 2)\n"), qPrintable(out));
    QVERIFY2(outcome.err.contains("loadwizard: finished — thresholds failed (1 of 2)\n"),
             outcome.describe());

    const QJsonObject summary = readJson(json);
    QCOMPARE(summary.value("verdict").toString(), QStringLiteral("thresholds failed (1 of 2)"));
    const QJsonArray thresholds = summary.value("thresholds").toArray();
    QCOMPARE(thresholds.size(), 2);
    const QJsonObject first = thresholds[0].toObject();
    QCOMPARE(first.value("expression").toString(), QStringLiteral("count(requests) == 5"));
    QCOMPARE(first.value("ok").toBool(false), true);
    QCOMPARE(first.value("observed").toDouble(), 5.0);
    QCOMPARE(first.value("abort").toBool(true), false);
    QCOMPARE(first.value("aborted").toBool(true), false);
    const QJsonObject second = thresholds[1].toObject();
    QCOMPARE(second.value("expression").toString(), QStringLiteral("error_rate > 50%"));
    QCOMPARE(second.value("ok").toBool(true), false);
    QCOMPARE(second.value("observed").toDouble(-1), 0.0);
    QCOMPARE(second.value("observed_text").toString(), QStringLiteral("0.00 %"));
}

void TestEndToEndThresholds::passingThresholdsExitWith0()
{
    const QString health = scenario("health-pass.yaml", "/health", 200);
    const QString project = m_harness.writeFile(
        "pass-project.yaml", "loadwizard: 1\nscenario: " + health.toUtf8() +
                                 "\nprofile: {rampup: \"1,1\"}\nthresholds:\n"
                                 "  - \"checks == 100%\"\n"
                                 "  - {threshold: \"p99.9(request:GET /health) < 10s\", abort: "
                                 "true, grace: 5s}\n");
    const Outcome outcome =
        m_harness.run({"run", project, "--base-url", baseUrl(), "--iterations", "3", "--quiet"});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QString out = QString::fromUtf8(outcome.out);
    QVERIFY2(out.contains("  verdict ....... passed (2 thresholds)\n"), qPrintable(out));
    QVERIFY2(out.contains(thresholdLine("✓", "checks == 100%", "100.00 %") + "\n"),
             qPrintable(out));
    QVERIFY2(out.contains("  ✓ p99.9(request:GET /health) < 10s"), qPrintable(out));
    QVERIFY2(!outcome.err.contains("finished —"), outcome.describe());

    const Outcome validated = m_harness.run({"validate", project});
    QVERIFY2(validated.finished && validated.exitCode == 0, validated.describe());
    QVERIFY2(validated.out.endsWith("  threshold checks == 100%\n  threshold p99.9(request:GET "
                                    "/health) < 10s (abort after 5 s)\n"),
             validated.out.constData());
}

void TestEndToEndThresholds::anAbortThresholdEndsALongRunEarly()
{
    // Every request fails (500): the error rate fails from the first second on.
    const QString failing = scenario("failing.yaml", "/status/500", 200);
    const QString project = m_harness.writeFile(
        "abort-project.yaml",
        "loadwizard: 1\nscenario: " + failing.toUtf8() +
            "\ngraceful_stop: 5s\nprofile: {rampup: \"2,1,0,3600\"}\nthresholds:\n"
            "  - \"count(requests) > 0\"\n"
            "  - {threshold: \"error_rate < 1%\", abort: true}\n");
    const QString json = m_harness.scratchPath("abort.json");
    const Outcome outcome = m_harness.run(
        {"run", project, "--base-url", baseUrl(), "--quiet", "--summary-json", json}, 120'000);
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QString out = QString::fromUtf8(outcome.out);
    QVERIFY2(out.contains("  VERDICT ....... aborted by threshold \"error_rate < 1%\"; thresholds "
                          "failed (1 of 2); every request failed\n"),
             qPrintable(out));
    QVERIFY2(
        out.contains(thresholdLine("✗", "error_rate < 1%", "100.00 %") + "   ABORTED THE RUN\n"),
        qPrintable(out));
    const QJsonObject summary = readJson(json);
    QVERIFY(summary.value("duration_s").toDouble() < 3600);
    const QJsonObject aborting = summary.value("thresholds").toArray()[1].toObject();
    QCOMPARE(aborting.value("aborted").toBool(false), true);
    QCOMPARE(aborting.value("abort").toBool(false), true);
    QCOMPARE(summary.value("thresholds").toArray()[0].toObject().value("aborted").toBool(true),
             false);
    QVERIFY(countsAddUp(summary));
}

void TestEndToEndThresholds::abortWaitsForTheGracePeriod()
{
    const QString failing = scenario("failing-grace.yaml", "/status/500", 200);
    const QString json = m_harness.scratchPath("grace.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", failing, "--base-url", baseUrl(), "--vus", "1",
                       "--duration", "1h", "--quiet", "--graceful-stop", "5", "--threshold",
                       "error_rate < 1%;abort;grace=2s", "--summary-json", json},
                      120'000);
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QJsonObject summary = readJson(json);
    // Not before the grace period, whatever the machine's speed; well before the hour.
    QVERIFY2(summary.value("duration_s").toDouble() >= 2.0, outcome.describe());
    QVERIFY(summary.value("duration_s").toDouble() < 3600);
    const QJsonObject threshold = summary.value("thresholds").toArray()[0].toObject();
    QCOMPARE(threshold.value("grace_s").toDouble(), 2.0);
    QCOMPARE(threshold.value("aborted").toBool(false), true);
}

void TestEndToEndThresholds::badExpressionsAreRefusedWithTheirColumn_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<QString>("message");

    QTest::newRow("unit") << "p95(requests) < 5 parsecs"
                          << "loadwizard: --threshold: column 19: unit \"parsecs\" does not fit "
                             "this metric (ms, s, or a plain number of milliseconds) in "
                             "\"p95(requests) < 5 parsecs\"\n";
    QTest::newRow("subject") << "p95(transacton:x) < 5"
                             << "loadwizard: --threshold: column 5: expected requests, "
                                "request:NAME or transaction:NAME, got \"transacton\" (did you "
                                "mean \"transaction\"?) in \"p95(transacton:x) < 5\"\n";
    QTest::newRow("group") << "p95{group=buy} < 5"
                           << "loadwizard: --threshold: column 11: the project has no group "
                              "\"buy\" (known: default) in \"p95{group=buy} < 5\"\n";
    QTest::newRow("control character")
        << QStringLiteral("p95(request:a") + QChar(0x1b) + "[2J) < 5"
        << "loadwizard: --threshold: column 14: control character U+001B in the expression in "
           "\"p95(request:a.[2J) < 5\"\n";
    QTest::newRow("option") << "p95 < 5;abortt"
                            << "loadwizard: --threshold: column 9: unknown option \"abortt\" "
                               "after ';' "
                               "(did you mean \"abort\"?) in \"p95 < 5;abortt\"\n";
}

void TestEndToEndThresholds::badExpressionsAreRefusedWithTheirColumn()
{
    QFETCH(QString, threshold);
    QFETCH(QString, message);
    const QString health = scenario("health-bad.yaml", "/health", 200);
    const QString json = m_harness.scratchPath("bad.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", health, "--base-url", baseUrl(), "--iterations", "1",
                       "--threshold", threshold, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QCOMPARE(QString::fromUtf8(outcome.err), message);
    QVERIFY(!QFile::exists(json));
}

void TestEndToEndThresholds::aBadThresholdInAProjectNamesLineAndField()
{
    const QString health = scenario("health-project.yaml", "/health", 200);
    const QString project = m_harness.writeFile(
        "bad-project.yaml", "loadwizard: 1\nscenario: " + health.toUtf8() +
                                "\nprofile: {rampup: \"1,1\"}\nthresholds:\n"
                                "  - \"checks > 99%\"\n"
                                "  - {threshold: \"p95 < 5 ms!\", abort: true}\n"
                                "  - {threshold: \"p95 < 5\", abrot: true}\n");
    const Outcome outcome = m_harness.run({"run", project, "--base-url", baseUrl()});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    const QString err = QString::fromUtf8(outcome.err);
    QVERIFY2(err.startsWith("loadwizard: " + project + ":6:"), qPrintable(err));
    QVERIFY2(err.endsWith(": thresholds[1].threshold: column 9: unit \"ms!\" does not fit this "
                          "metric (ms, s, or a plain number of milliseconds) in \"p95 < 5 ms!\"\n"),
             qPrintable(err));

    // The typo in a key, once the expression is right.
    QFile file(project);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray text = file.readAll().replace("5 ms!", "5 ms");
    file.resize(0);
    file.write(text);
    file.close();
    const Outcome typo = m_harness.run({"validate", project});
    QVERIFY2(typo.finished && typo.exitCode == 2, typo.describe());
    QVERIFY2(typo.err.contains(":7:") && typo.err.contains("thresholds[2]") &&
                 typo.err.contains("did you mean \"abort\"?"),
             typo.describe());
}

void TestEndToEndThresholds::junitValidatesAgainstTheSchema()
{
    const QString xmllint = QStandardPaths::findExecutable("xmllint");
    if (xmllint.isEmpty())
        QFAIL("xmllint is missing (Debian package libxml2-utils, see packaging/setup.sh)");
    // One check passes (status 200), one fails on every request (status 201).
    const QString checks = m_harness.writeFile(
        "junit.yaml", "steps:\n  - request: GET /health\n    name: \"health <&>\"\n"
                      "    checks: [{status: 200}, {status: 201}]\n");
    const QString junit = m_harness.scratchPath("report.xml");
    // Characters beyond ASCII in the third expression's name, kept as written. (A control
    // character is refused in an expression; XML's escaping of one is in
    // tst_thresholdevaluator.)
    const QString controlled = QStringLiteral("checks:\"nöpe ✓\" > 1%");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", checks, "--base-url", baseUrl(), "--iterations", "4", "--quiet",
         "--threshold", "count(requests) == 4", "--threshold", "p95(request:health <&>) < 0ms",
         "--threshold", controlled, "--junit", junit});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());

    QProcess lint;
    lint.start(xmllint, {"--noout", "--schema",
                         m_harness.sourcePath("tests/fixtures/junit/JUnit.xsd"), junit});
    QVERIFY(lint.waitForFinished(30'000));
    QVERIFY2(lint.exitCode() == 0, lint.readAllStandardError().constData());

    QFile file(junit);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    QStringList cases;
    QString suite;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto attributes = xml.attributes();
        const auto value = [&](const char *name) { return attributes.value(name).toString(); };
        if (xml.name() == QLatin1String("testsuite")) {
            suite = QStringLiteral("tests=%1 failures=%2 errors=%3")
                        .arg(value("tests"), value("failures"), value("errors"));
        } else if (xml.name() == QLatin1String("testcase")) {
            cases << value("classname") + " | " + value("name");
        } else if (xml.name() == QLatin1String("failure") && !cases.isEmpty()) {
            cases.last() += " | FAILED: " + value("message");
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(suite, QStringLiteral("tests=6 failures=3 errors=0"));
    QCOMPARE(cases.size(), 6);
    QCOMPARE(cases.takeFirst(), QStringLiteral("loadwizard | run")); // it completed
    QCOMPARE(cases[0], QStringLiteral("loadwizard.thresholds | count(requests) == 4"));
    const QString observed =
        QStringLiteral("loadwizard.thresholds | p95(request:health <&>) < 0ms | FAILED: observed ");
    QVERIFY2(cases[1].startsWith(observed) && cases[1].endsWith(" ms"), qPrintable(cases[1]));
    QCOMPARE(cases[2], QStringLiteral("loadwizard.thresholds | checks:\"nöpe ✓\" > 1% | "
                                      "FAILED: no data: nothing in the run measured it"));
    QCOMPARE(cases[3], QStringLiteral("loadwizard.checks | status is 200"));
    QCOMPARE(cases[4], QStringLiteral("loadwizard.checks | status is 201 | FAILED: 4 of 4 "
                                      "failed, 0 passed (0.00 % passed)"));
}

void TestEndToEndThresholds::junitInAMissingFolderFailsBeforeTheRun()
{
    const QString health = scenario("health-junit.yaml", "/health", 200);
    const QString missing = m_harness.scratchPath("no/such/folder/report.xml");
    const Outcome outcome = m_harness.run({"run", "--scenario", health, "--base-url", baseUrl(),
                                           "--iterations", "1", "--junit", missing});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(outcome.err.startsWith("loadwizard: " + missing.toUtf8() + ": --junit: cannot create"),
             outcome.describe());
    QVERIFY2(!outcome.err.contains("compiling") && outcome.out.isEmpty(), outcome.describe());
}

void TestEndToEndThresholds::reportsNeverReplaceTheScenarioOrEachOther()
{
    // `--junit victim.yaml` replaced the scenario with XML and exited 0.
    const QString victim = scenario("victim.yaml", "/health", 200);
    QFile file(victim);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    for (const char *flag : {"--junit", "--summary-json"}) {
        const Outcome outcome =
            m_harness.run({"run", victim, "--base-url", baseUrl(), flag, victim});
        QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
        QVERIFY2(outcome.err.contains(QByteArray(flag) + ": " + victim.toUtf8() +
                                      " is the scenario " + victim.toUtf8()),
                 outcome.describe());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
        file.close();
    }
    const QString same = m_harness.scratchPath("same.out");
    const Outcome both = m_harness.run(
        {"run", victim, "--base-url", baseUrl(), "--summary-json", same, "--junit", same});
    QVERIFY2(both.finished && both.exitCode == 2, both.describe());
    QVERIFY2(both.err.contains("--junit: " + same.toUtf8() + " is the file --summary-json writes"),
             both.describe());
}

void TestEndToEndThresholds::everyRequestFailedIsTheVerdict()
{
    // No thresholds: the exit status stays 0 (the run completed), the verdict says it.
    const QString failing = scenario("failing-all.yaml", "/status/503", 503);
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", failing, "--base-url", baseUrl(), "--iterations", "2", "--quiet"});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QVERIFY2(outcome.out.contains("  VERDICT ....... every request failed\n"), outcome.describe());
    QVERIFY2(outcome.err.contains("loadwizard: finished — every request failed\n"),
             outcome.describe());
}

void TestEndToEndThresholds::latencyFromTheIntendedStartIsAThreshold()
{
    // Every request takes at least 30 ms; from the intended start it can only be longer. One
    // vuser at 5/s keeps up, so nothing is dropped and every request is measured both ways.
    const QString slow =
        m_harness.writeFile("slow.yaml", "steps:\n  - request: GET /delay/30\n    name: slow\n");
    const QString json = m_harness.scratchPath("intended.json");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", slow, "--base-url", baseUrl(), "--arrival-rate", "5,0,5,1",
         "--max-vusers", "1", "--quiet", "--threshold", "min{from=intended} >= 30ms", "--threshold",
         "p99(request:slow){from=intended} < 30ms", "--threshold", "max{from=send} >= 30",
         "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QJsonArray thresholds = readJson(json).value("thresholds").toArray();
    QCOMPARE(thresholds.size(), 3);
    QCOMPARE(thresholds[0].toObject().value("ok").toBool(false), true);
    QCOMPARE(thresholds[1].toObject().value("ok").toBool(true), false);
    QVERIFY(thresholds[1].toObject().value("observed").toDouble() >= 30);
    QCOMPARE(thresholds[2].toObject().value("ok").toBool(false), true);
    // The intended-start figure is never below the service time of the same requests.
    QVERIFY(thresholds[1].toObject().value("observed").toDouble() >= readJson(json)
                                                                         .value("requests_by_name")
                                                                         .toObject()
                                                                         .value("slow")
                                                                         .toObject()
                                                                         .value("p99_ms")
                                                                         .toDouble());

    // The closed model has no intended start: refused before the run, exit 2.
    const Outcome closed =
        m_harness.run({"run", "--scenario", slow, "--base-url", baseUrl(), "--iterations", "1",
                       "--threshold", "p95{from=intended} < 1s"});
    QVERIFY2(closed.finished && closed.exitCode == 2, closed.describe());
    QVERIFY2(closed.err.contains("--threshold: \"p95{from=intended} < 1s\": from=intended reads "
                                 "the latency from the intended start, which only the open model "
                                 "(an arrival rate) has; this run is closed (vusers)"),
             closed.describe());
    // validate refuses what run refuses, naming the project's threshold.
    const QString project = m_harness.writeFile(
        "closed-intended.yaml", "loadwizard: 1\nscenario: slow.yaml\nprofile: {rampup: \"1,1\"}\n"
                                "thresholds: [\"p95 < 1s\", \"p99{from=intended} < 1s\"]\n");
    const Outcome validated = m_harness.run({"validate", project});
    QVERIFY2(validated.finished && validated.exitCode == 2, validated.describe());
    QVERIFY2(validated.err.contains(project.toUtf8() + ": thresholds[1]: \"p99{from=intended} < "
                                                       "1s\": from=intended reads"),
             validated.describe());
}

void TestEndToEndThresholds::anAbortStaysAFailureWhenTheValueRecovers()
{
    // At the first evaluation no 1.5 s iteration has ended: 0 < 2 aborts the run. The two in
    // flight end in the graceful stop, and the final count (2) passes: the run still failed
    // (it exited 0, with a green JUnit report).
    const QString slow = m_harness.writeFile(
        "slower.yaml", "steps:\n  - request: GET /delay/1500\n    name: slower\n");
    const QString junit = m_harness.scratchPath("recovered.xml");
    const Outcome outcome = m_harness.run(
        {"run", "--scenario", slow, "--base-url", baseUrl(), "--vus", "2", "--duration", "6s",
         "--quiet", "--threshold", "count(iterations) >= 2;abort", "--junit", junit});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    QVERIFY2(
        QString::fromUtf8(outcome.out)
            .contains(thresholdLine("✗", "count(iterations) >= 2", "2") + "   ABORTED THE RUN\n"),
        outcome.out.constData());
    QFile file(junit);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.readAll().contains("failures=\"1\""), qPrintable(junit));
}

QTEST_GUILESS_MAIN(TestEndToEndThresholds)
#include "tst_e2ethresholds.moc"
