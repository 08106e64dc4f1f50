// `loadwizard report` and `loadwizard compare` on real results folders: the report's numbers are
// the summary's, it references no address, a killed run is still reported, the comparison's
// counts and percentiles are the runs' own, --fail-if sets the exit status, and bad input of
// every kind is exit 2 with a message. (tst_e2ereportbrowser opens the pages in Chromium.)

#include "e2eharness.h"
#include "reportruns.h"

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndReport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void reportOfARealRunHasTheSummarysNumbers();
    void reportReferencesNoAddress();
    void aKilledRunIsReportedAsCrashedOrKilled();
    void compareCountsAndPercentilesAreTheRunsOwn();
    void failIfRulesSetTheExitStatus_data();
    void failIfRulesSetTheExitStatus();
    void compareWritesAnHtmlComparison();
    void badInputIsExit2_data();
    void badInputIsExit2();

private:
    QByteArray read(const QString &path) const;

    Harness m_harness;
    Loadwizard::TargetServer m_target;
    ReportRuns m_runs;
};

void TestEndToEndReport::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    m_runs = ReportRuns::make(m_harness, m_target);
    QVERIFY2(m_runs.problem.isEmpty(), qPrintable(m_runs.problem));
}

void TestEndToEndReport::cleanupTestCase()
{
    m_target.stop();
}

QByteArray TestEndToEndReport::read(const QString &path) const
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestEndToEndReport::reportOfARealRunHasTheSummarysNumbers()
{
    const Outcome outcome = m_harness.run({"report", m_runs.folderA});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QString path = m_runs.folderA + "/report.html";
    QVERIFY2(outcome.out.startsWith("report written to " + path.toUtf8()), outcome.describe());
    const QByteArray page = read(path);
    QVERIFY(page.startsWith("<!DOCTYPE html>"));
    QVERIFY2(page.size() < 200 * 1024, QByteArray::number(page.size()));

    const QJsonObject summary = readJson(m_runs.folderA + "/summary.json");
    const QJsonObject run = reportData(page).value("runs").toArray().at(0).toObject();
    const QJsonObject totals = run.value("totals").toObject();
    QCOMPARE(totals.value("requests").toInteger(), count(summary, {"requests", "count"}));
    QCOMPARE(totals.value("requests").toInteger(), 60); // 20 iterations × 3 requests
    QCOMPARE(totals.value("request_errors").toInteger(), count(summary, {"requests", "errors"}));
    QCOMPARE(totals.value("request_errors").toInteger(), 20); // the 404s
    QCOMPARE(totals.value("iterations").toInteger(), count(summary, {"iterations"}));
    QCOMPARE(run.value("verdict").toString(), summary.value("verdict").toString());
    QCOMPARE(run.value("thresholds").toArray().size(), 1);

    // Every request name's count adds up to the summary's, and to the total.
    const QJsonObject byName = summary.value("requests_by_name").toObject();
    qint64 sum = 0;
    for (const QJsonValue &row : run.value("requests").toArray()) {
        const QString name = row.toArray().at(0).toString();
        QCOMPARE(row.toArray().at(1).toInteger(), count(byName, {name, "count"}));
        QCOMPARE(row.toArray().at(3).toInteger(), count(byName, {name, "errors"}));
        sum += row.toArray().at(1).toInteger();
    }
    QCOMPARE(sum, totals.value("requests").toInteger());
    QCOMPARE(run.value("requests").toArray().size(), byName.size());
    const QJsonArray transactions = run.value("transactions").toArray();
    QCOMPARE(transactions.size(), 1);
    QCOMPARE(transactions.at(0).toArray().at(1).toInteger(),
             count(summary, {"transactions", "browse", "count"}));

    // Errors: by class, by status (from the messages) and samples from the log.
    const QJsonObject errors = run.value("errors").toObject();
    QVERIFY(errors.value("classes").toArray().contains(QJsonArray{"http_4xx", 20}));
    QVERIFY(errors.value("statuses").toArray().contains(QJsonArray{"404", 20}));
    QVERIFY(!errors.value("samples").toArray().isEmpty());
    // The settings: the manifest and the project copy.
    QVERIFY(run.value("project_yaml").toString().contains("p95 < 10s"));
    QCOMPARE(run.value("manifest").toObject().value("status").toString(), QString("completed"));
}

void TestEndToEndReport::reportReferencesNoAddress()
{
    const QString path = m_harness.scratchPath("no-address.html");
    const Outcome outcome = m_harness.run({"report", m_runs.folderB, "-o", path});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QByteArray page = read(path);
    // Nothing loads from anywhere: no src, href or url() at all, and no source map.
    static const QRegularExpression reference(
        R"((\bsrc\s*=|\bhref\s*=|url\s*\(|@import|sourceMappingURL))",
        QRegularExpression::CaseInsensitiveOption);
    const auto match = reference.match(QString::fromUtf8(page));
    QVERIFY2(!match.hasMatch(), qPrintable(match.captured(0)));
    // Outside the run's own data (whose messages and project hold the target's address), the
    // page names no address at all, not even in a comment.
    const qsizetype start = page.indexOf("id=\"report-data\">");
    const qsizetype end = page.indexOf("</script>", start);
    const QByteArray own = page.left(start) + page.mid(end);
    QVERIFY(!own.contains("http://"));
    QVERIFY(!own.contains("https://"));
    QVERIFY(own.contains("uPlot"));
}

void TestEndToEndReport::aKilledRunIsReportedAsCrashedOrKilled()
{
    QVERIFY(!QFile::exists(m_runs.killed + "/summary.json"));
    const Outcome outcome = m_harness.run({"report", m_runs.killed});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject run =
        reportData(read(m_runs.killed + "/report.html")).value("runs").toArray().at(0).toObject();
    QCOMPARE(run.value("killed").toBool(), true);
    QCOMPARE(run.value("manifest").toObject().value("status_label").toString(),
             QString("Crashed or killed"));
    QVERIFY(run.value("thresholds").isNull());
    QVERIFY(run.value("totals").toObject().value("requests").toInteger() > 0);
    QVERIFY(run.value("series").toObject().value("t").toArray().size() >= 3);
}

void TestEndToEndReport::compareCountsAndPercentilesAreTheRunsOwn()
{
    const Outcome outcome = m_harness.run({"compare", m_runs.folderA, m_runs.folderB});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QString out = QString::fromUtf8(outcome.out);
    QVERIFY2(out.contains("  requests ...... 60 → 120"), qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(R"(\n  GET /health\s+20 → 40 )")), qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(R"(\n  browse\s+20 → 40 )")), qPrintable(out));
    QVERIFY2(out.contains(QRegularExpression(R"(\n  missing page\s+20 → 40\s+100.00 → 100.00 )")),
             qPrintable(out));

    // The percentiles are those of the merged histograms: the summary's own, for each side.
    const QString html = m_harness.scratchPath("percentiles.html");
    QVERIFY(m_harness.run({"compare", m_runs.folderA, m_runs.folderB, "--html", html}).exitCode ==
            0);
    const QJsonObject data = reportData(read(html));
    const QJsonObject summaryA = readJson(m_runs.folderA + "/summary.json");
    const QJsonObject summaryB = readJson(m_runs.folderB + "/summary.json");
    int compared = 0;
    for (const QJsonValue &value : data.value("comparison").toArray()) {
        const QJsonObject row = value.toObject();
        if (row.value("kind").toString() != "request")
            continue;
        const QString name = row.value("name").toString();
        for (const char *p : {"p50", "p90", "p95", "p99"}) {
            const QStringList path{"requests_by_name", name, QString(p) + "_ms"};
            // Both are rounded: the summary to 3 decimals, the page to 4 significant digits.
            const double a = field(summaryA, path).toDouble(-1);
            const double b = field(summaryB, path).toDouble(-1);
            QVERIFY2(std::abs(row["a"][p].toDouble() - a) <= 0.0005 + a * 0.0005,
                     qPrintable(name + " " + p));
            QVERIFY2(std::abs(row["b"][p].toDouble() - b) <= 0.0005 + b * 0.0005,
                     qPrintable(name + " " + p));
            ++compared;
        }
        QCOMPARE(row["a"]["count"].toInteger(),
                 count(summaryA, {"requests_by_name", name, "count"}));
        QCOMPARE(row["b"]["count"].toInteger(),
                 count(summaryB, {"requests_by_name", name, "count"}));
    }
    QCOMPARE(compared, 3 * 4);
}

void TestEndToEndReport::failIfRulesSetTheExitStatus_data()
{
    QTest::addColumn<QStringList>("rules");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output");
    QTest::newRow("count doubled, +50% allowed")
        << QStringList{"count{total} +50%"} << 99 << "✗ count{total} +50%: broken by 1 name";
    QTest::newRow("count doubled, +150% allowed")
        << QStringList{"count{total} +150%"} << 0 << "✓ count{total} +150%";
    QTest::newRow("a request's count") << QStringList{"count{request:GET /health} +10"} << 99
                                       << "request GET /health: count 20 → 40 (+20.00, beyond +10)";
    QTest::newRow("error rate the same")
        << QStringList{"error_rate +1%"} << 0 << "✓ error_rate +1%";
    QTest::newRow("any broken rule fails")
        << QStringList{"error_rate +1%", "count -0%", "count +10%"} << 99 << "✓ count -0%";
    QTest::newRow("latency within an hour") << QStringList{"p99 +1h"} << 2 << "unit \"h\"";
    QTest::newRow("generous latency")
        << QStringList{"p99 +3600s", "max +100000%"} << 0 << "✓ max +100000%";
}

void TestEndToEndReport::failIfRulesSetTheExitStatus()
{
    QFETCH(QStringList, rules);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    QStringList arguments{"compare", m_runs.folderA, m_runs.folderB};
    for (const QString &rule : rules)
        arguments << "--fail-if" << rule;
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == exitCode, outcome.describe());
    const QString text = QString::fromUtf8(outcome.out + outcome.err);
    QVERIFY2(text.contains(output), qPrintable(text));
}

void TestEndToEndReport::compareWritesAnHtmlComparison()
{
    const QString html = m_harness.scratchPath("compare.html");
    const Outcome outcome =
        m_harness.run({"compare", m_runs.folderA, m_runs.killed, "--html", html});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject data = reportData(read(html));
    QCOMPARE(data.value("kind").toString(), QString("compare"));
    QCOMPARE(data.value("runs").toArray().size(), 2);
    QCOMPARE(data["runs"][1]["killed"].toBool(), true);
    QVERIFY2(outcome.out.contains("Crashed or killed"), outcome.describe());

    // As a CI gate: the rules cannot pass on a killed B, and the page says which broke.
    const QString gated = m_harness.scratchPath("gated.html");
    const Outcome gate = m_harness.run(
        {"compare", m_runs.folderA, m_runs.killed, "--html", gated, "--fail-if", "p99 +3600s"});
    QVERIFY2(gate.finished && gate.exitCode == 99, gate.describe());
    QVERIFY2(gate.out.contains("✗ B did not complete (Crashed or killed)"), gate.describe());
    const QJsonArray rules = reportData(read(gated)).value("rules").toArray();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules[0]["rule"].toString(), QString("p99 +3600s"));
    QVERIFY(rules[0]["breaches"].toArray().last().toString().contains("did not complete"));
}

void TestEndToEndReport::badInputIsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no such folder")
        << QStringList{"report", "/nonexistent/results"} << "/nonexistent/results: no such folder";
    QTest::newRow("a file, not a folder")
        << QStringList{"report", "@project"} << "not a folder (give a run's results folder)";
    QTest::newRow("a folder that is not a results folder")
        << QStringList{"report", "@scratch"}
        << "not a results folder, but "; // it names the runs the folder holds
    QTest::newRow("unwritable output")
        << QStringList{"report", "@a", "-o", "/nonexistent/dir/report.html"}
        << "cannot write the report: /nonexistent/dir/report.html";
    QTest::newRow("output is a folder")
        << QStringList{"report", "@a", "-o", "@scratch"} << "is a folder (give a file name";
    QTest::newRow("output is the manifest") << QStringList{"report", "@a", "-o", "@a/manifest.json"}
                                            << "is the results folder's own manifest.json";
    QTest::newRow("output is the series")
        << QStringList{"compare", "@a", "@b", "--html", "@b/series.jsonl"}
        << "is the results folder's own series.jsonl";
    QTest::newRow("output is the project")
        << QStringList{"report", "@a", "-o", "@project"} << "is the run's project file";
    QTest::newRow("a bad rule names its column")
        << QStringList{"compare", "@a", "@b", "--fail-if", "p96 +10%"}
        << "--fail-if \"p96 +10%\": column 1: unknown metric \"p96\"";
    QTest::newRow("a rule naming nothing")
        << QStringList{"compare", "@a", "@b", "--fail-if", "p95{request:GET /nowhere} +10%"}
        << "no request named \"GET /nowhere\" in either run";
    QTest::newRow("compare needs two") << QStringList{"compare", "@a"} << "b is required";
}

void TestEndToEndReport::badInputIsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    for (QString &argument : arguments) {
        argument.replace("@project", m_runs.project);
        argument.replace("@scratch", QFileInfo(m_runs.project).absolutePath());
        argument.replace("@a", m_runs.folderA);
        argument.replace("@b", m_runs.folderB);
    }
    const QByteArray manifestBefore = read(m_runs.folderA + "/manifest.json");
    const QByteArray projectBefore = read(m_runs.project);
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(QString::fromUtf8(outcome.err).contains(message), outcome.describe());
    QCOMPARE(read(m_runs.folderA + "/manifest.json"), manifestBefore);
    QCOMPARE(read(m_runs.project), projectBefore);
}

QTEST_GUILESS_MAIN(TestEndToEndReport)
#include "tst_e2ereport.moc"
