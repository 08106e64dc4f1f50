// `loadwizard import` as a user runs it: each recorded HAR fixture imported by the CLI, the YAML
// (and the C++) it writes run against the built-in target with no error and no failed check,
// the correlated values doing their work; and the CLI's refusals.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QFile>
#include <QJsonObject>
#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

class TestEndToEndImport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void eachRecordingRunsWithoutErrors_data();
    void eachRecordingRunsWithoutErrors();
    void withoutCorrelationTheLoginFails();
    void cppOutputCompilesAndRuns_data();
    void cppOutputCompilesAndRuns();
    void curlCommandsFromStandardInputRun();
    void writesToStandardOutputAndNeverOverwrites();
    void badInputIsExitTwoNamingTheFile_data();
    void badInputIsExitTwoNamingTheFile();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }
    QString fixture(const QString &name) const
    {
        return m_harness.sourcePath("tests/fixtures/har/" + name);
    }
    /// A project running `scenario` against the target: one vuser, two iterations, no think time.
    QString project(const QString &name, const QString &scenario) const;
    /// Runs the project; the summary.
    QJsonObject runTwice(const QString &projectFile, Outcome *outcome) const;
    /// Sum of passes and fails of every check.
    static std::pair<qint64, qint64> checkTotals(const QJsonObject &summary);

    Harness m_harness;
    TargetServer m_target;
};

void TestEndToEndImport::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    // The upload recording sends report.csv: a file next to the scenario, as the import says.
    QVERIFY(!m_harness.writeFile("report.csv", "sku,qty\r\nFP-3,2\r\n").isEmpty());
}

void TestEndToEndImport::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndImport::project(const QString &name, const QString &scenario) const
{
    return m_harness.writeFile(name + "-project.yaml",
                               "loadwizard: 1\nscenario: " + scenario.toUtf8() +
                                   "\nhttp: {base_url: \"" + baseUrl().toUtf8() +
                                   "\"}\nthink_time: {multiplier: 0}\ngraceful_stop: 5s\n"
                                   "profile: {rampup: \"1,1\"}\n");
}

QJsonObject TestEndToEndImport::runTwice(const QString &projectFile, Outcome *outcome) const
{
    const QString json = projectFile + ".json";
    QFile::remove(json);
    *outcome = m_harness.run(
        {"run", projectFile, "--vus", "1", "--iterations", "2", "--quiet", "--summary-json", json},
        240'000);
    return readJson(json);
}

std::pair<qint64, qint64> TestEndToEndImport::checkTotals(const QJsonObject &summary)
{
    qint64 passes = 0, fails = 0;
    const QJsonObject checks = field(summary, {"checks"}).toObject();
    for (const QString &name : checks.keys()) {
        passes += count(summary, {"checks", name, "passes"});
        fails += count(summary, {"checks", name, "fails"});
    }
    return {passes, fails};
}

void TestEndToEndImport::eachRecordingRunsWithoutErrors_data()
{
    QTest::addColumn<QString>("har");
    QTest::addColumn<int>("requests");
    QTest::addColumn<QStringList>("report");
    QTest::newRow("login with a CSRF token")
        << "login.har" << 7
        << QStringList{"correlated ${csrf} = ", ": extract between ['name=\"csrf\" value=\"', "
                                                "'\"'] from entry 1; used in entry 6 form csrf"};
    QTest::newRow("REST with a bearer token")
        << "api.har" << 5
        << QStringList{": extract json /access_token from entry 1; used in entry 2 header "
                       "Authorization, entry 3 header Authorization, entry 4 header "
                       "Authorization",
                       "correlated ${order_id} = \"ORD-100002\": extract json /id from entry 2; "
                       "used in entry 3 URL, entry 4 URL"};
    QTest::newRow("static assets, forms, an upload")
        << "upload.har" << 7
        << QStringList{"correlation: no value of a response is sent again in a later request",
                       "6 static resources left out"};
}

void TestEndToEndImport::eachRecordingRunsWithoutErrors()
{
    QFETCH(QString, har);
    QFETCH(int, requests);
    QFETCH(QStringList, report);
    const QString scenario = m_harness.scratchPath(QString(har).replace(".har", ".yaml"));
    QFile::remove(scenario);
    const Outcome imported = m_harness.run({"import", "har", fixture(har), "-o", scenario});
    QVERIFY2(imported.finished && imported.exitCode == 0, imported.describe().constData());
    for (const QString &line : report)
        QVERIFY2(imported.err.contains(line.toUtf8()), imported.err.constData());
    QVERIFY2(imported.err.contains("loadwizard: " + QByteArray::number(requests) +
                                   " requests imported, relative to http://127.0.0.1:18471"),
             imported.err.constData());
    QVERIFY(imported.out.isEmpty());

    Outcome outcome;
    const QJsonObject summary = runTwice(project(har, scenario), &outcome);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "count"}), qint64(2 * requests));
    QCOMPARE(count(summary, {"requests", "errors"}), qint64(0));
    QCOMPARE(count(summary, {"iterations"}), qint64(2));
    QCOMPARE(count(summary, {"iterations_failed"}), qint64(0));
    // One status check per request, plus one per extraction: all passed.
    const auto [passes, fails] = checkTotals(summary);
    QCOMPARE(fails, qint64(0));
    QVERIFY2(passes >= 2 * requests, qPrintable(QString::number(passes)));
}

void TestEndToEndImport::withoutCorrelationTheLoginFails()
{
    // The recorded token was issued by another server: sent as recorded, the login is refused
    // (403), which is what the correlation above prevents.
    const QString scenario = m_harness.scratchPath("login-raw.yaml");
    QFile::remove(scenario);
    const Outcome imported =
        m_harness.run({"import", "har", fixture("login.har"), "--no-correlation", "-o", scenario});
    QVERIFY2(imported.finished && imported.exitCode == 0, imported.describe().constData());
    Outcome outcome;
    const QJsonObject summary = runTwice(project("login-raw", scenario), &outcome);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(count(summary, {"requests", "errors"}) >= 2, outcome.describe().constData());
    QVERIFY(checkTotals(summary).second >= 2);
}

void TestEndToEndImport::cppOutputCompilesAndRuns_data()
{
    QTest::addColumn<QString>("har");
    QTest::addColumn<int>("requests");
    QTest::newRow("login") << "login.har" << 7;
    QTest::newRow("api") << "api.har" << 5;
    QTest::newRow("upload") << "upload.har" << 7;
}

void TestEndToEndImport::cppOutputCompilesAndRuns()
{
    QFETCH(QString, har);
    QFETCH(int, requests);
    const QString scenario = m_harness.scratchPath(QString(har).replace(".har", "_imported.cpp"));
    QFile::remove(scenario);
    const Outcome imported =
        m_harness.run({"import", "har", fixture(har), "--to", "cpp", "-o", scenario});
    QVERIFY2(imported.finished && imported.exitCode == 0, imported.describe().constData());
    Outcome outcome;
    const QJsonObject summary = runTwice(project(har + "-cpp", scenario), &outcome);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "count"}), qint64(2 * requests));
    QCOMPARE(count(summary, {"requests", "errors"}), qint64(0));
    QCOMPARE(count(summary, {"iterations_failed"}), qint64(0));
    const auto [passes, fails] = checkTotals(summary);
    QCOMPARE(fails, qint64(0));
    QCOMPARE(passes, qint64(2 * requests)); // the status checks
}

void TestEndToEndImport::curlCommandsFromStandardInputRun()
{
    const QString commands = m_harness.writeFile(
        "commands.sh",
        "curl 'http://127.0.0.1:9/api/token' -H 'Content-Type: application/json' \\\n"
        "  --data-raw $'{\"user\":\"demo\",\"password\":\"secret\"}' --compressed ;\n"
        "curl 'http://127.0.0.1:9/anything/x?a=1' -X PUT -d 'k=v' -u ada:pw -A 'Agent/1'\n");
    const QString scenario = m_harness.scratchPath("curl.yaml");
    QFile::remove(scenario);
    const Outcome imported =
        m_harness.runRedirected("< '" + commands + "'", {"import", "curl", "-", "-o", scenario});
    QVERIFY2(imported.finished && imported.exitCode == 0, imported.describe().constData());
    QVERIFY2(imported.err.contains("2 requests imported, relative to http://127.0.0.1:9"),
             imported.err.constData());
    Outcome outcome;
    const QJsonObject summary = runTwice(project("curl", scenario), &outcome);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"requests", "count"}), qint64(4));
    QCOMPARE(count(summary, {"requests", "errors"}), qint64(0));
}

void TestEndToEndImport::writesToStandardOutputAndNeverOverwrites()
{
    const Outcome printed = m_harness.run({"import", "har", fixture("api.har")});
    QVERIFY2(printed.finished && printed.exitCode == 0, printed.describe().constData());
    QVERIFY2(printed.out.contains("Bearer ${access_token}"), printed.out.constData());
    QVERIFY2(printed.out.contains("/api/orders/${order_id}"), printed.out.constData());

    const QString existing = m_harness.writeFile("existing.yaml", "keep me\n");
    const Outcome refused = m_harness.run({"import", "har", fixture("api.har"), "-o", existing});
    QVERIFY2(refused.finished && refused.exitCode == 2, refused.describe().constData());
    QCOMPARE(refused.err,
             "loadwizard: " + existing.toUtf8() + ": exists (--force overwrites it)\n");
    QFile kept(existing);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("keep me\n"));
    kept.close();
    const Outcome forced =
        m_harness.run({"import", "har", fixture("api.har"), "-o", existing, "--force"});
    QVERIFY2(forced.finished && forced.exitCode == 0, forced.describe().constData());
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), printed.out);
}

void TestEndToEndImport::badInputIsExitTwoNamingTheFile_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing file") << QStringList{"import", "har", "nowhere.har"}
                                  << "loadwizard: nowhere.har: cannot open: No such file or "
                                     "directory\n";
    QTest::newRow("not JSON") << QStringList{"import", "har", "@commands.sh"}
                              << "commands.sh:1:1: not a HAR file: not valid JSON";
    QTest::newRow("bad regex") << QStringList{"import", "har", "@api", "--exclude", "("}
                               << "loadwizard: --exclude: not a regular expression";
    QTest::newRow("bad --to") << QStringList{"import", "har", "@api", "--to", "python"}
                              << "--to: python not in {yaml,cpp}";
    QTest::newRow("not curl") << QStringList{"import", "curl", "wget http://x/"}
                              << "loadwizard: wget http://x/: neither a curl command nor a "
                                 "readable file";
    QTest::newRow("unterminated quote") << QStringList{"import", "curl", "curl 'http://x/"}
                                        << "loadwizard: argument 1:1: unterminated single quote";
    // `loadwizard run x.cpp`, as import.md says: the C++ scenario, not a project read as YAML
    // ("not a Loadwizard project (expected a map …)").
    QTest::newRow("run x.cpp") << QStringList{"run", "@broken.cpp"}
                               << "broken.cpp:1:9: does not compile";
}

void TestEndToEndImport::badInputIsExitTwoNamingTheFile()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    for (QString &argument : arguments) {
        if (argument == "@api")
            argument = fixture("api.har");
        else if (argument.startsWith("@"))
            argument = m_harness.scratchPath(argument.mid(1));
    }
    if (!QFile::exists(m_harness.scratchPath("commands.sh")))
        m_harness.writeFile("commands.sh", "curl http://127.0.0.1:9/\n");
    if (!QFile::exists(m_harness.scratchPath("broken.cpp")))
        m_harness.writeFile("broken.cpp", "int x = ;\n");
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    QVERIFY2(outcome.err.contains(message.toUtf8()), outcome.err.constData());
    QVERIFY(outcome.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestEndToEndImport)
#include "tst_e2eimport.moc"
