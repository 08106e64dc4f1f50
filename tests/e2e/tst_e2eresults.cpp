// Saved results through the binary (docs/results-format.md): where the folder goes by default and
// with --results, --no-results, a folder that must not be overwritten, the exit status recorded in
// the manifest, a run stopped by Ctrl-C, and a run killed with SIGKILL whose folder still reads.

#include "e2eharness.h"

#include <loadwizard/results.h>
#include <loadwizard/targetserver.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace Loadwizard::EndToEnd;

class TestEndToEndResults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aRunSavesItsResultsNextToTheProject();
    void resultsGoWhereAskedAndNeverOverAnything();
    void noResultsSavesNothing();
    void theManifestRecordsAFailedThreshold();
    void anInterruptedRunSaysSo();
    void aKilledRunLeavesAReadableFolder();
    void anUnwritableDefaultFolderFailsBeforeTheRun();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }
    /// A project in its own folder of the scratch space, running GET /health `rampup`.
    QString project(const QString &folder, const QByteArray &rampup,
                    const QByteArray &extra = {}) const;
    /// The dated results folders under `folder`/results.
    static QStringList savedRuns(const QString &folder);

    Harness m_harness;
    Loadwizard::TargetServer m_target;
};

void TestEndToEndResults::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndResults::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndResults::project(const QString &folder, const QByteArray &rampup,
                                     const QByteArray &extra) const
{
    QDir().mkpath(m_harness.scratchPath(folder));
    m_harness.writeFile(folder + "/health.yaml",
                        "steps:\n  - request: GET /health\n    checks: [{status: 200}]\n");
    return m_harness.writeFile(folder + "/shop.yaml",
                               "loadwizard: 1\nname: shop\nscenario: health.yaml\n"
                               "http: {base_url: " +
                                   baseUrl().toUtf8() + "}\nprofile: {rampup: \"" + rampup +
                                   "\"}\ngraceful_stop: 2\n" + extra);
}

QStringList TestEndToEndResults::savedRuns(const QString &folder)
{
    QDir results(folder + "/results");
    QStringList runs;
    for (const QString &name : results.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        runs << results.filePath(name);
    return runs;
}

void TestEndToEndResults::aRunSavesItsResultsNextToTheProject()
{
    const QString file = project("saved", "5,1,0,1");
    const QString json = m_harness.scratchPath("saved.json");
    QString credentials = baseUrl();
    credentials.replace("http://", "http://shop:abcd1234@");
    const Outcome outcome =
        m_harness.run({"run", file, "--quiet", "--summary-json", json, "--base-url", credentials});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QStringList runs = savedRuns(m_harness.scratchPath("saved"));
    QCOMPARE(runs.size(), 1);
    const QString folder = runs[0];
    QVERIFY2(QDir(folder).dirName().endsWith("-shop"), qPrintable(folder));
    QVERIFY2(outcome.err.contains("loadwizard: results saved in " + folder.toUtf8() + "\n"),
             outcome.describe());
    for (const char *name : {"manifest.json", "project.yaml", "series.jsonl", "histograms.jsonl.gz",
                             "events.jsonl", "summary.json"})
        QVERIFY2(QFile::exists(folder + "/" + name), name);

    // summary.json is the --summary-json document, byte for byte.
    QFile summary(folder + "/summary.json"), flagged(json);
    QVERIFY(summary.open(QIODevice::ReadOnly) && flagged.open(QIODevice::ReadOnly));
    QCOMPARE(summary.readAll(), flagged.readAll());

    const QJsonObject manifest = readJson(folder + "/manifest.json");
    QCOMPARE(manifest.value("format").toString(), QStringLiteral("loadwizard-results"));
    QCOMPARE(manifest.value("version").toInt(), 1);
    QCOMPARE(manifest.value("status").toString(), QStringLiteral("completed"));
    QCOMPARE(manifest.value("verdict").toString(), QStringLiteral("passed"));
    QCOMPARE(manifest.value("exit_code").toInt(-1), 0);
    QCOMPARE(manifest.value("project_file").toString(), QFileInfo(file).absoluteFilePath());
    const QJsonArray line = manifest.value("command_line").toArray();
    QCOMPARE(line.at(1).toString(), QStringLiteral("run"));
    QCOMPARE(line.last().toString(),
             QString(baseUrl()).replace("http://", "http://shop:<redacted>@"));

    // Read back, the intervals add up to the summary.
    const auto saved = Loadwizard::loadResults(folder.toStdString());
    QVERIFY2(saved, saved ? "" : saved.error().toString().c_str());
    const QJsonObject totals = readJson(json);
    QCOMPARE(qint64(saved->snapshots.back()->total.requests), count(totals, {"requests", "count"}));
    QCOMPARE(saved->snapshots.back()->totalLatency.p95Ms,
             field(totals, {"latency", "p95_ms"}).toDouble());

    // The project file's folder keeps what the user made: only results/ was added.
    QCOMPARE(
        QDir(m_harness.scratchPath("saved")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
        (QStringList{"health.yaml", "results", "shop.yaml"}));
}

void TestEndToEndResults::resultsGoWhereAskedAndNeverOverAnything()
{
    const QString file = project("chosen", "2,1");
    const QString folder = m_harness.scratchPath("chosen-results/run1");
    Outcome outcome = m_harness.run({"run", file, "--quiet", "--results", folder});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QCOMPARE(readJson(folder + "/manifest.json").value("status").toString(),
             QStringLiteral("completed"));
    QVERIFY(savedRuns(m_harness.scratchPath("chosen")).isEmpty());

    // Again into the same folder: refused before the run, the first results untouched.
    const QByteArray before = [&] {
        QFile f(folder + "/series.jsonl");
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    outcome = m_harness.run({"run", file, "--quiet", "--results", folder});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(outcome.err.contains("--results: the results folder is not empty"),
             outcome.describe());
    QFile after(folder + "/series.jsonl");
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), before);

    // A file is not a folder; --results and --no-results do not go together; nor does ''.
    outcome = m_harness.run({"run", file, "--quiet", "--results", file});
    QVERIFY2(outcome.exitCode == 2 && outcome.err.contains("is not a folder"), outcome.describe());
    outcome = m_harness.run({"run", file, "--results", folder + "2", "--no-results"});
    QVERIFY2(outcome.exitCode == 2 && outcome.err.contains("excludes"), outcome.describe());
    outcome = m_harness.run({"run", file, "--results", ""});
    QVERIFY2(outcome.exitCode == 2, outcome.describe());
}

void TestEndToEndResults::noResultsSavesNothing()
{
    const QString file = project("none", "2,1");
    const Outcome outcome = m_harness.run({"run", file, "--quiet", "--no-results"});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QVERIFY(!QFile::exists(m_harness.scratchPath("none/results")));
    QVERIFY2(!outcome.err.contains("results"), outcome.describe());
}

void TestEndToEndResults::theManifestRecordsAFailedThreshold()
{
    const QString file = project("failing", "2,1");
    const Outcome outcome =
        m_harness.run({"run", file, "--quiet", "--threshold", "count(requests) > 1000000"});
    QVERIFY2(outcome.finished && outcome.exitCode == 99, outcome.describe());
    const QStringList runs = savedRuns(m_harness.scratchPath("failing"));
    QCOMPARE(runs.size(), 1);
    const QJsonObject manifest = readJson(runs[0] + "/manifest.json");
    QCOMPARE(manifest.value("status").toString(), QStringLiteral("failed_thresholds"));
    QCOMPARE(manifest.value("verdict").toString(), QStringLiteral("thresholds failed (1 of 1)"));
    QCOMPARE(manifest.value("exit_code").toInt(), 99);
    // The project copy has the flag's threshold: what ran.
    QFile copy(runs[0] + "/project.yaml");
    QVERIFY(copy.open(QIODevice::ReadOnly));
    QVERIFY(copy.readAll().contains("count(requests) > 1000000"));
}

void TestEndToEndResults::anInterruptedRunSaysSo()
{
    const QString file = project("interrupted", "2,1,0,60");
    QProcess process;
    m_harness.start(process, {"run", file});
    QByteArray err;
    QVERIFY(waitForOutput(process, QProcess::StandardError, err, "results in ", 30'000));
    const Stopped stopped = signalAndWait(process, {SIGINT}, 0, 30'000, err);
    QVERIFY2(stopped.finished && process.exitCode() == 130, err.constData());
    const QStringList runs = savedRuns(m_harness.scratchPath("interrupted"));
    QCOMPARE(runs.size(), 1);
    const QJsonObject manifest = readJson(runs[0] + "/manifest.json");
    QCOMPARE(manifest.value("status").toString(), QStringLiteral("stopped"));
    QCOMPARE(manifest.value("reason").toString(), QString());
    QCOMPARE(manifest.value("exit_code").toInt(), 130);
    QVERIFY(manifest.value("verdict").toString() != QStringLiteral("passed"));
}

void TestEndToEndResults::aKilledRunLeavesAReadableFolder()
{
    const QString file = project("killed", "2,1,0,60");
    QProcess process;
    m_harness.start(process, {"run", file});
    QByteArray err;
    QVERIFY(waitForOutput(process, QProcess::StandardError, err, "results in ", 30'000));
    QTest::qWait(2500); // at least two intervals written
    process.kill();
    QVERIFY(process.waitForFinished(10'000));
    const QStringList runs = savedRuns(m_harness.scratchPath("killed"));
    QCOMPARE(runs.size(), 1);
    QVERIFY(!QFile::exists(runs[0] + "/summary.json"));
    const auto saved = Loadwizard::loadResults(runs[0].toStdString());
    QVERIFY2(saved, saved ? "" : saved.error().toString().c_str());
    QCOMPARE(saved->manifest.status, Loadwizard::RunEnding::Running);
    QVERIFY(!saved->manifest.exitCode);
    QVERIFY(saved->snapshots.size() >= 2);
    const auto &last = *saved->snapshots.back();
    QVERIFY(last.total.requests > 0);
    QCOMPARE(last.requestsTotal.at("GET /health").count, last.total.requests);
    QCOMPARE(last.totalLatency.count, last.total.requests);
}

void TestEndToEndResults::anUnwritableDefaultFolderFailsBeforeTheRun()
{
    const QString file = project("blocked", "2,1");
    // results/ is a file: the folder cannot be made (even by root).
    m_harness.writeFile("blocked/results", "mine\n");
    const Outcome outcome = m_harness.run({"run", file, "--quiet"});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(outcome.err.contains("cannot create the results folder"), outcome.describe());
    QVERIFY2(outcome.err.contains("--results DIR, or none with --no-results"), outcome.describe());
    QVERIFY2(outcome.out.isEmpty(), outcome.describe()); // no summary: nothing ran
    QFile kept(m_harness.scratchPath("blocked/results"));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("mine\n"));
}

QTEST_GUILESS_MAIN(TestEndToEndResults)
#include "tst_e2eresults.moc"
