// Data feeders in whole runs: many vusers on two workers draw rows of a project's `data:` feeder
// (feed.cpp sends each row's value to the target and names the request after it), so the
// summary's per-name counts show which row was used how often.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndData : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void uniqueRowsAreEachUsedOnceThenVusersStop();
    void uniqueRowsRunningOutStopsTheRun();
    void sequentialRowsAreHandedOutInOrder();
    void perVuserRowsFollowTheVuserNumber();
    void randomRowsComeFromJsonLines();
    void dataDrivenLoginOfTheGuideLogsEveryUserInOnce();
    void dataFlagFeedsAScenarioRunWithoutAProject();
    void badDataFilesFailBeforeAnyVuser_data();
    void badDataFilesFailBeforeAnyVuser();

private:
    struct Result
    {
        Outcome outcome;
        QJsonObject summary;
    };
    /// Writes a project folder <stem>/ with data/rows.<extension> (`rows`) and a project whose
    /// feeder `rows` has `feederKeys`; runs it from the scratch folder (not the project's).
    Result runFeed(const QByteArray &rows, const QByteArray &feederKeys, const QString &rampup,
                   const QStringList &extra = {}, const QString &extension = "csv");
    /// Request counts by name ("row u007" → 1), with the names that do not start with `prefix`
    /// under "".
    static QMap<QString, qint64> rowCounts(const QJsonObject &summary);
    static QByteArray csvRows(int count);

    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }

    Harness m_harness;
    Loadwizard::TargetServer m_target;
    int m_runs = 0;
};

void TestEndToEndData::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndData::cleanupTestCase()
{
    m_target.stop();
}

QByteArray TestEndToEndData::csvRows(int count)
{
    QByteArray text = "id,comment\r\n";
    for (int i = 0; i < count; ++i)
        text +=
            "u" + QByteArray::number(i).rightJustified(3, '0') + ",\"a, \"\"quoted\"\" one\"\r\n";
    return text;
}

TestEndToEndData::Result TestEndToEndData::runFeed(const QByteArray &rows,
                                                   const QByteArray &feederKeys,
                                                   const QString &rampup, const QStringList &extra,
                                                   const QString &extension)
{
    const QString stem = "feed-" + QString::number(++m_runs);
    const QString folder = m_harness.scratchPath(stem);
    QDir().mkpath(folder + "/data");
    const QString dataPath = folder + "/data/rows." + extension;
    QFile data(dataPath);
    if (!data.open(QIODevice::WriteOnly) || data.write(rows) != rows.size())
        return {};
    data.close();
    const QByteArray project = "loadwizard: 1\n"
                               "scenario: " +
                               m_harness.scenarioPath("feed.cpp").toUtf8() +
                               "\n"
                               "parameters: {base_url: \"" +
                               baseUrl().toUtf8() + "\", expect_path: \"" +
                               QDir::cleanPath(folder + "/data/rows.csv").toUtf8() +
                               "\"}\n"
                               "profile: {rampup: \"" +
                               rampup.toUtf8() +
                               "\"}\n"
                               "workers: 2\n"
                               "data:\n"
                               "  rows: {" +
                               (feederKeys.contains("file:")
                                    ? feederKeys
                                    : "file: data/rows." + extension.toUtf8() + ", " + feederKeys) +
                               "}\n";
    const QString path = m_harness.writeFile(stem + "/project.yaml", project);
    const QString json = m_harness.scratchPath(stem + ".json");
    Result result;
    result.outcome = m_harness.run(QStringList{"run", path, "--summary-json", json} + extra);
    result.summary = readJson(json);
    return result;
}

QMap<QString, qint64> TestEndToEndData::rowCounts(const QJsonObject &summary)
{
    QMap<QString, qint64> counts;
    const QJsonObject names = summary.value("requests_by_name").toObject();
    for (auto it = names.begin(); it != names.end(); ++it)
        counts[it.key()] = it.value().toObject().value("count").toInteger(-1);
    return counts;
}

void TestEndToEndData::uniqueRowsAreEachUsedOnceThenVusersStop()
{
    // 16 vusers at once on two workers, 200 rows: all are used within the 4 s profile.
    const Result result = runFeed(csvRows(200), "strategy: unique", "160,0.1,0,4");
    QVERIFY2(result.outcome.finished && result.outcome.exitCode == 0,
             result.outcome.describe().constData());
    const QJsonObject &summary = result.summary;
    QVERIFY(countsAddUp(summary));

    const auto counts = rowCounts(summary);
    QCOMPARE(count(summary, {"vusers", "max"}), 16);
    QCOMPARE(counts.size(), 200);
    for (int i = 0; i < 200; ++i) {
        const QString name = "row u" + QString::number(i).rightJustified(3, '0');
        QVERIFY2(counts.value(name) == 1, qPrintable(name));
    }
    QCOMPARE(count(summary, {"requests", "count"}), 200);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    QCOMPARE(count(summary, {"checks", "target saw the row", "passes"}), 200);
    QCOMPARE(count(summary, {"checks", "resolved path", "fails"}), 0);
    // Each vuser's last iteration asked for a 201st row: interrupted, not failed.
    QCOMPARE(count(summary, {"iterations"}), 200);
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 16);
    QCOMPARE(count(summary, {"data", "rows", "rows"}), 200);
    QCOMPARE(count(summary, {"data", "rows", "handed_out"}), 200);
    QCOMPARE(field(summary, {"data", "rows", "exhausted"}).toBool(), true);
    QVERIFY(field(summary, {"stopped_by_data"}).isNull());
    // One warning, however many vusers asked.
    const QByteArray warning = "data rows: all 200 rows used; stopping vusers that ask for more";
    QCOMPARE(result.outcome.err.count(warning), 1);
}

void TestEndToEndData::uniqueRowsRunningOutStopsTheRun()
{
    const Result result =
        runFeed(csvRows(120), "strategy: unique, on_exhausted: stop-run", "120,0.1,0,120");
    QVERIFY2(result.outcome.finished && result.outcome.exitCode == 0,
             result.outcome.describe().constData());
    const QJsonObject &summary = result.summary;
    QVERIFY(countsAddUp(summary));
    QVERIFY2(field(summary, {"duration_s"}).toDouble() < 60, "the run did not stop early");
    QCOMPARE(field(summary, {"stopped_by_data"}).toString(), QString("rows"));
    const auto counts = rowCounts(summary);
    QCOMPARE(counts.size(), 120);
    for (auto it = counts.begin(); it != counts.end(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(it.key()));
    QCOMPARE(count(summary, {"iterations"}), 120);
    // The vuser that found no row is interrupted, and so is any other that asked before the
    // stop reached its worker; the rest finish the iteration they are in.
    const qint64 interrupted = count(summary, {"iterations_interrupted"});
    QVERIFY2(interrupted >= 1 && interrupted <= 12, qPrintable(QString::number(interrupted)));
    QCOMPARE(count(summary, {"vusers", "max"}), 12);
    QCOMPARE(result.outcome.err.count("data rows: all 120 rows used; stopping the run"), 1);
}

void TestEndToEndData::sequentialRowsAreHandedOutInOrder()
{
    // Recycling 30 rows: after D draws in one order across all vusers, row i was used D / 30
    // times, one more for the first D % 30 rows. Anything else (a row skipped or given twice in
    // a round, a per-worker counter) breaks the pattern.
    const Result result = runFeed(csvRows(30), "strategy: sequential", "80,0.1,0,2");
    QVERIFY2(result.outcome.finished && result.outcome.exitCode == 0,
             result.outcome.describe().constData());
    const QJsonObject &summary = result.summary;
    QVERIFY(countsAddUp(summary));
    const qint64 draws = count(summary, {"data", "rows", "handed_out"});
    QVERIFY2(draws > 60, qPrintable(QString::number(draws))); // recycled at least twice
    QCOMPARE(count(summary, {"requests", "count"}), draws);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 0);
    const auto counts = rowCounts(summary);
    for (int i = 0; i < 30; ++i) {
        const QString name = "row u" + QString::number(i).rightJustified(3, '0');
        QCOMPARE(counts.value(name), draws / 30 + (i < draws % 30 ? 1 : 0));
    }
    QCOMPARE(field(summary, {"data", "rows", "exhausted"}).toBool(), false);
    QVERIFY(!result.outcome.err.contains("rows used"));
}

void TestEndToEndData::perVuserRowsFollowTheVuserNumber()
{
    const Result result =
        runFeed("name\nann\nbob\ncid\n", "strategy: per-vuser, format: csv", "70,0.1,0,1",
                {"--param", "column=name", "--param", "per_vuser=1"});
    QVERIFY2(result.outcome.finished && result.outcome.exitCode == 0,
             result.outcome.describe().constData());
    const QJsonObject &summary = result.summary;
    QVERIFY(countsAddUp(summary));
    const auto counts = rowCounts(summary);
    const char *names[] = {"ann", "bob", "cid"};
    QSet<QString> expected;
    for (int vuser = 1; vuser <= 7; ++vuser) {
        const int row = (vuser - 1) % 3;
        expected.insert(QString("vuser %1 row %2 %3").arg(vuser).arg(row).arg(names[row]));
    }
    QCOMPARE(QSet<QString>(counts.keyBegin(), counts.keyEnd()), expected);
    QCOMPARE(count(summary, {"checks", "target saw the row", "fails"}), 0);
}

void TestEndToEndData::randomRowsComeFromJsonLines()
{
    const QByteArray rows = "{\"id\": \"r1\", \"n\": 1}\n\n{\"id\": \"r2\", \"n\": 2}\r\n"
                            "{\"n\": 3, \"id\": \"r3\"}\n";
    const Result result = runFeed(rows, "strategy: random", "60,0.1,0,1", {}, "jsonl");
    QVERIFY2(result.outcome.finished && result.outcome.exitCode == 0,
             result.outcome.describe().constData());
    const QJsonObject &summary = result.summary;
    const auto counts = rowCounts(summary);
    qint64 total = 0;
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        QVERIFY2(QSet<QString>({"row r1", "row r2", "row r3"}).contains(it.key()),
                 qPrintable(it.key()));
        total += it.value();
    }
    QCOMPARE(total, count(summary, {"requests", "count"}));
    QVERIFY(total > 6);
    QCOMPARE(count(summary, {"data", "rows", "handed_out"}), total);
}

void TestEndToEndData::dataDrivenLoginOfTheGuideLogsEveryUserInOnce()
{
    // 30 users, the 7th with a wrong password: 29 logins pass, one is refused.
    QByteArray users = "username,password\n";
    for (int i = 1; i <= 30; ++i)
        users += "user" + QByteArray::number(i) + (i == 7 ? ",wrong\n" : ",secret\n");
    const QString folder = m_harness.scratchPath("login");
    QDir().mkpath(folder + "/data");
    QFile file(folder + "/data/users.csv");
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(users), users.size());
    file.close();
    const QString path = m_harness.writeFile(
        "login/login.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("datalogin.cpp").toUtf8() +
            "\nparameters: {base_url: \"" + baseUrl().toUtf8() +
            "\"}\nprofile: {rampup: \"50,0.1,0,5\"}\nworkers: 2\n"
            "data:\n  users: {file: data/users.csv, strategy: unique, "
            "on_exhausted: stop-vuser}\n");
    const QString json = m_harness.scratchPath("login.json");
    const Outcome outcome = m_harness.run({"run", path, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"requests_by_name", "login", "count"}), 30);
    QCOMPARE(count(summary, {"requests_by_name", "login", "errors"}), 1); // 401
    QCOMPARE(count(summary, {"checks", "logged in", "passes"}), 29);
    QCOMPARE(count(summary, {"checks", "logged in", "fails"}), 1);
    QCOMPARE(count(summary, {"checks", "greeted by name", "passes"}), 29);
    QCOMPARE(count(summary, {"iterations"}), 30);
    QCOMPARE(count(summary, {"iterations_interrupted"}), 5); // every vuser's last ask
}

void TestEndToEndData::dataFlagFeedsAScenarioRunWithoutAProject()
{
    // A path on the command line is relative to the working directory (the scratch folder).
    QVERIFY(!m_harness.writeFile("flag-rows.csv", csvRows(40)).isEmpty());
    const QString json = m_harness.scratchPath("flag.json");
    const Outcome outcome =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("feed.cpp"), "--rampup",
                       "40,0.1,0,2", "--workers", "2", "--data", "rows=flag-rows.csv", "--param",
                       "base_url=" + baseUrl(), "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QCOMPARE(field(summary, {"data", "rows", "strategy"}).toString(), QString("sequential"));
    QCOMPARE(count(summary, {"data", "rows", "rows"}), 40);
    QVERIFY(count(summary, {"data", "rows", "handed_out"}) > 40);
    QCOMPARE(count(summary, {"checks", "target saw the row", "fails"}), 0);

    // The last --data for a name wins; a file that is not there is refused before anything runs.
    const Outcome typo =
        m_harness.run({"run", "--scenario", m_harness.scenarioPath("feed.cpp"), "--rampup", "1,1",
                       "--data", "rows=flag-rows.csv", "--data", "rows=missing.csv"});
    QCOMPARE(typo.exitCode, 2);
    QVERIFY2(typo.err.contains("missing.csv: data rows: cannot open"), typo.err.constData());
}

void TestEndToEndData::badDataFilesFailBeforeAnyVuser_data()
{
    QTest::addColumn<QByteArray>("rows");
    QTest::addColumn<QByteArray>("keys");
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("ragged row") << QByteArray("id,comment\nu1,a\nu2\n")
                                << QByteArray("strategy: unique")
                                << QByteArray("/data/rows.csv:3: data rows: 1 field where the "
                                              "header has 2 (a ragged row)");
    QTest::newRow("unterminated quote")
        << QByteArray("id,comment\nu1,\"never\nclosed\nu2,b\n") << QByteArray("strategy: unique")
        << QByteArray("/data/rows.csv:2: data rows: unterminated quoted field");
    QTest::newRow("header only") << QByteArray("id,comment\n") << QByteArray("strategy: unique")
                                 << QByteArray("/data/rows.csv: data rows: no rows after the "
                                               "header");
    QTest::newRow("missing file")
        << QByteArray("id\nu1\n") << QByteArray("file: data/nope.csv")
        << QByteArray("/data/nope.csv: data rows: cannot open: No such file or directory");
    QTest::newRow("bad JSON line")
        << QByteArray("{\"id\": 1}\n{\"id\": \n") << QByteArray("format: jsonl")
        << QByteArray("/data/rows.csv:2: data rows: not a JSON object");
    QTest::newRow("typo in a strategy")
        << QByteArray("id\nu1\n") << QByteArray("strategy: sequentail")
        << QByteArray("project.yaml:7:41: data.rows.strategy: unknown value \"sequentail\" (did "
                      "you mean \"sequential\"?)");
}

void TestEndToEndData::badDataFilesFailBeforeAnyVuser()
{
    QFETCH(QByteArray, rows);
    QFETCH(QByteArray, keys);
    QFETCH(QByteArray, message);
    const Result result = runFeed(rows, keys, "20,0.1,0,1");
    QVERIFY(result.outcome.finished);
    QCOMPARE(result.outcome.exitCode, 2);
    QVERIFY2(result.outcome.err.contains(message), result.outcome.err.constData());
    QVERIFY(result.summary.isEmpty()); // nothing ran
}

QTEST_GUILESS_MAIN(TestEndToEndData)
#include "tst_e2edata.moc"
