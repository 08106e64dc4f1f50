// The scenario SDK as a scenario author uses it: request options, response helpers, cookies,
// base URL and default headers from the project, typed parameters; undeclared parameters refused
// before anything runs; and the cookbook in docs/scenario-sdk.md compiled and run as written.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

class TestEndToEndSdk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void everyHelperWorksAgainstTheTarget();
    void aRelativeUrlWithoutABaseUrlFailsTheIteration();
    void iterationsThatFailAtOnceArePacedNotSpun();
    void anUndeclaredParameterIsAnError_data();
    void anUndeclaredParameterIsAnError();
    void aBadDefaultHeaderIsAnErrorNamingIt();
    void aDefaultHeaderFromTheEnvironmentCannotAddLines();
    void theCookbookCompilesAndRuns_data();
    void theCookbookCompilesAndRuns();

private:
    QString baseUrl() const { return QString::fromStdString(m_target.baseUrl()); }
    QByteArray project(const QByteArray &scenario, const QByteArray &extra) const;

    Harness m_harness;
    TargetServer m_target;
};

void TestEndToEndSdk::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndSdk::cleanupTestCase()
{
    m_target.stop();
}

QByteArray TestEndToEndSdk::project(const QByteArray &scenario, const QByteArray &extra) const
{
    return "loadwizard: 1\nscenario: " + scenario + "\nprofile: {rampup: \"2,1,0,1\"}\n" +
           "graceful_stop: 0s\nworkers: 2\n" + extra;
}

void TestEndToEndSdk::everyHelperWorksAgainstTheTarget()
{
    const QString file = m_harness.writeFile(
        "sdk.yaml", project(m_harness.scenarioPath("sdk.cpp").toUtf8(),
                            "http: {base_url: \"" + baseUrl().toUtf8() +
                                "\", headers: {X-Project: p}}\n"
                                "parameters: {count: \"42\", flag: \"yes\"}\n"));
    const QString json = m_harness.scratchPath("sdk.json");
    const Outcome outcome = m_harness.run({"run", file, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    const QJsonObject checks = field(summary, {"checks"}).toObject();
    QVERIFY2(checks.size() >= 40, qPrintable(QString::number(checks.size())));
    for (const QString &check : checks.keys()) {
        // Two vusers, one iteration each: every check passed exactly twice.
        QVERIFY2(count(summary, {"checks", check, "fails"}) == 0, qPrintable(check));
        QVERIFY2(count(summary, {"checks", check, "passes"}) == 2, qPrintable(check));
    }
    QVERIFY(checks.contains("file content arrived"));
    QVERIFY(checks.contains("scenario cookie sent"));
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
}

void TestEndToEndSdk::aRelativeUrlWithoutABaseUrlFailsTheIteration()
{
    const QString file =
        m_harness.writeFile("nobase.yaml", project(m_harness.scenarioPath("sdk.cpp").toUtf8(),
                                                   "parameters: {mode: nobase}\n"));
    const QString json = m_harness.scratchPath("nobase.json");
    const Outcome outcome = m_harness.run({"run", file, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QCOMPARE(count(summary, {"checks", "relative URL without a base fails", "passes"}), 2);
    QCOMPARE(count(summary, {"checks", "relative URL without a base fails", "fails"}), 0);
    QCOMPARE(count(summary, {"requests", "count"}), 0); // nothing was sent
}

void TestEndToEndSdk::iterationsThatFailAtOnceArePacedNotSpun()
{
    const QString file = m_harness.writeFile(
        "throw.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("sdk.cpp").toUtf8() +
            "\nprofile: {rampup: \"2,1,0,2\"}\ngraceful_stop: 0s\nparameters: {mode: throw}\n");
    const QString json = m_harness.scratchPath("throw.json");
    const Outcome outcome = m_harness.run({"run", file, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    // Without the pause two vusers fail ~100 000 iterations a second; with it, 10 at once, then
    // pauses of 10 ms doubling to 1 s: well under 100 each in 3 s.
    const qint64 failed = count(summary, {"iterations_failed"});
    QVERIFY2(failed >= 20 && failed < 200, qPrintable(QString::number(failed)));
    QCOMPARE(count(summary, {"iterations"}), failed);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(outcome.err.count("fail before their first co_await"), 1);
    // The message is in the summary and its JSON, counted exactly, whatever the log dropped.
    const QJsonArray messages = field(summary, {"error_messages"}).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages[0].toObject()["message"].toString(),
             QString("iteration failed: no such feeder, say"));
    QCOMPARE(messages[0].toObject()["class"].toString(), QString("exception"));
    QCOMPARE(messages[0].toObject()["count"].toInteger(), failed);
    QVERIFY2(outcome.out.contains("ERRORS (most frequent messages)"), outcome.out.constData());
}

void TestEndToEndSdk::anUndeclaredParameterIsAnError_data()
{
    QTest::addColumn<bool>("inProject");
    QTest::newRow("--param") << false;
    QTest::newRow("project parameters:") << true;
}

void TestEndToEndSdk::anUndeclaredParameterIsAnError()
{
    QFETCH(bool, inProject);
    const QString file = m_harness.writeFile(
        "undeclared.yaml", project(m_harness.scenarioPath("sdk.cpp").toUtf8(),
                                   inProject ? "parameters: {cuont: \"1\"}\n" : ""));
    QStringList arguments{"run", file, "--quiet"};
    if (!inProject)
        arguments << "--param"
                  << "cuont=1";
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    QVERIFY2(outcome.err.contains("\"cuont\" is not declared by scenario \"sdk\""),
             outcome.err.constData());
    QVERIFY2(outcome.err.contains("did you mean \"count\""), outcome.err.constData());
    if (inProject)
        QVERIFY2(outcome.err.contains("undeclared.yaml"), outcome.err.constData());
}

void TestEndToEndSdk::aBadDefaultHeaderIsAnErrorNamingIt()
{
    const QString file =
        m_harness.writeFile("badheader.yaml", project(m_harness.scenarioPath("sdk.cpp").toUtf8(),
                                                      "http:\n  headers:\n    \"X Bad\": v\n"));
    const Outcome outcome = m_harness.run({"run", file, "--quiet"});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    QVERIFY2(outcome.err.contains("badheader.yaml:8:5: http.headers"), outcome.err.constData());
    QVERIFY2(outcome.err.contains("\"X Bad\""), outcome.err.constData());
}

void TestEndToEndSdk::aDefaultHeaderFromTheEnvironmentCannotAddLines()
{
    const QString file = m_harness.writeFile(
        "envheader.yaml", project(m_harness.scenarioPath("sdk.cpp").toUtf8(),
                                  "http:\n  headers:\n    X-Env: \"${LW_TEST_HEADER}\"\n"));
    QProcessEnvironment environment = m_harness.environment();
    environment.insert("LW_TEST_HEADER", "abc\r\nX-Injected: yes");
    const Outcome outcome = m_harness.run({"run", file, "--quiet"}, environment);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    QVERIFY2(outcome.err.contains("http.headers.X-Env: the value has a line break"),
             outcome.err.constData());
    QVERIFY2(!outcome.err.contains("X-Injected"), outcome.err.constData());
}

// The cookbook's examples are the ```cpp blocks of docs/scenario-sdk.md whose first line is
// `// cookbook: NAME`: each is written out as it stands, compiled and run by the binary.
void TestEndToEndSdk::theCookbookCompilesAndRuns_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("code");
    QFile docs(m_harness.sourcePath("docs/scenario-sdk.md"));
    QVERIFY(docs.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(docs.readAll());
    static const QRegularExpression block("```cpp\\n(// cookbook: ([a-z0-9-]+)\\n.*?)```",
                                          QRegularExpression::DotMatchesEverythingOption);
    int found = 0;
    for (auto it = block.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        QTest::newRow(qPrintable(match.captured(2))) << match.captured(2) << match.captured(1);
        ++found;
    }
    QVERIFY2(found >= 5, qPrintable(QString::number(found)));
}

void TestEndToEndSdk::theCookbookCompilesAndRuns()
{
    QFETCH(QString, name);
    QFETCH(QString, code);
    QDir(m_harness.scratchPath("cookbook")).mkpath(".");
    const QString source = m_harness.writeFile("cookbook/" + name + ".cpp", code.toUtf8());
    QVERIFY(!source.isEmpty());
    // A recipe may read files next to it (a CSV of users): the block after its code in the docs
    // names them; the test writes the ones it knows.
    m_harness.writeFile("cookbook/users.csv", "username,password\nalice,secret\nbob,secret\n");
    const QString json = m_harness.scratchPath("cookbook/" + name + ".json");
    const QString file = m_harness.writeFile(
        "cookbook/" + name + ".yaml",
        "loadwizard: 1\nscenario: " + name.toUtf8() +
            ".cpp\nprofile: {rampup: \"2,1,0,1\"}\ngraceful_stop: 5s\n"
            "think_time: {multiplier: 0}\nhttp: {base_url: \"" +
            baseUrl().toUtf8() + "\"}\n" +
            (code.contains("vu.data(")
                 ? QByteArray("data:\n  users: {file: users.csv, strategy: sequential}\n")
                 : QByteArray()));
    const Outcome outcome = m_harness.run({"run", file, "--quiet", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject summary = readJson(json);
    QVERIFY2(count(summary, {"iterations"}) > 0, outcome.describe().constData());
    QCOMPARE(count(summary, {"iterations_failed"}), 0);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    const QJsonObject checks = field(summary, {"checks"}).toObject();
    for (const QString &check : checks.keys())
        QVERIFY2(count(summary, {"checks", check, "fails"}) == 0, qPrintable(check));
}

QTEST_GUILESS_MAIN(TestEndToEndSdk)
#include "tst_e2esdk.moc"
