// The debug loop as a user meets it: `-v` shows vu.log() lines and one line per request,
// `--http-debug` the requests and responses with headers (`=full`: bodies cut at 4 KiB),
// `--iterations` and `--vus/--duration` run a flat profile k6's way, a .cpp scenario says it is
// compiling and shows its warnings once, a forgotten co_await does not compile, and
// `loadwizard new` writes a project that runs.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

namespace {

/// Lines of `text` matching `pattern` (anchored at both ends).
QStringList matching(const QByteArray &text, const QString &pattern)
{
    const QRegularExpression re("^" + pattern + "$");
    QStringList out;
    for (const QByteArray &line : text.split('\n')) {
        if (re.match(QString::fromUtf8(line)).hasMatch())
            out << QString::fromUtf8(line);
    }
    return out;
}

} // namespace

class TestEndToEndDebugLoop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void verboseShowsEachLogLineAndRequest();
    void verboseDropsWhatAWorkerCannotHoldAndSaysHowMany();
    void httpDebugShowsHeaders();
    void httpDebugFullCutsBodiesAt4KiB();
    void httpDebugRedactsSecrets();
    void iterationsEndTheRunWhenEveryVuserIsDone();
    void iterationsStopAProjectProfileEarly();
    void vusAndDurationRunAFlatProfile();
    void conflictingProfileFlagsAreRefused_data();
    void conflictingProfileFlagsAreRefused();
    void compilingIsAnnouncedAndWarningsShownOnce();
    void aForgottenCoAwaitDoesNotCompile_data();
    void aForgottenCoAwaitDoesNotCompile();
    void newWritesAStarterProjectThatRuns();

private:
    QStringList runArguments(const QStringList &extra) const;

    Harness m_harness;
    TargetServer m_target;
    QString m_base;
};

void TestEndToEndDebugLoop::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    m_base = QString::fromStdString(m_target.baseUrl());
}

void TestEndToEndDebugLoop::cleanupTestCase()
{
    m_target.stop();
}

QStringList TestEndToEndDebugLoop::runArguments(const QStringList &extra) const
{
    return QStringList{"run", "--scenario", m_harness.scenarioPath("debugloop.cpp"), "--param",
                       "base_url=" + m_base} +
           extra;
}

void TestEndToEndDebugLoop::verboseShowsEachLogLineAndRequest()
{
    const QString summary = m_harness.scratchPath("verbose.json");
    const Outcome outcome = m_harness.run(runArguments(
        {"--vus", "2", "--iterations", "3", "-v", "--quiet", "--summary-json", summary}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    // Each log line exactly once, as the scenario wrote it, with its vuser.
    for (int vuser = 1; vuser <= 2; ++vuser) {
        for (int iteration = 0; iteration < 3; ++iteration) {
            const QString text = QString("vuser %1 iteration %2 line 0").arg(vuser).arg(iteration);
            QCOMPARE(matching(outcome.err, QString(R"(  \[ *[0-9.]+s\] vuser %1 log: %2)")
                                               .arg(vuser)
                                               .arg(QRegularExpression::escape(text)))
                         .size(),
                     1);
        }
    }
    QCOMPARE(matching(outcome.err, R"(  \[ *[0-9.]+s\] vuser \d+ log: .*)").size(), 6);
    // One line per request: method, URL, status, time, bytes.
    const QString request =
        QString(R"(  \[ *[0-9.]+s\] vuser [12] GET %1/health 200 [0-9.]+ ms 2 B)")
            .arg(QRegularExpression::escape(m_base));
    QCOMPARE(matching(outcome.err, request).size(), 6);
    // --quiet keeps the progress away, not what -v asked for.
    QVERIFY2(!outcome.err.contains("req/s"), outcome.err.constData());
    const QJsonObject result = readJson(summary);
    QCOMPARE(count(result, {"requests", "count"}), 6);
}

void TestEndToEndDebugLoop::verboseDropsWhatAWorkerCannotHoldAndSaysHowMany()
{
    // 5000 lines at once on one worker: more than its buffer holds between two reports.
    const Outcome outcome =
        m_harness.run(runArguments({"--vus", "1", "--iterations", "1", "--workers", "1", "-v",
                                    "--quiet", "--param", "logs=5000", "--param", "path="}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const qsizetype shown = matching(outcome.err, R"(  \[ *[0-9.]+s\] vuser 1 log: .*)").size();
    qint64 dropped = 0;
    for (const QString &line : matching(outcome.err, R"(  … \d+ log lines dropped .*)"))
        dropped += line.split(' ', Qt::SkipEmptyParts).value(1).toLongLong();
    QVERIFY2(shown > 0 && dropped > 0, outcome.err.right(2000).constData());
    QCOMPARE(shown + dropped, 5000);
}

void TestEndToEndDebugLoop::httpDebugShowsHeaders()
{
    const Outcome outcome =
        m_harness.run(runArguments({"--vus", "1", "--iterations", "1", "--http-debug", "--quiet",
                                    "--param", "path=/bytes/5000"}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QByteArray host = "127.0.0.1:" + QByteArray::number(m_target.port());
    const QByteArray expected = "vuser 1 GET " + m_base.toUtf8() + "/bytes/5000 200 ";
    QVERIFY2(outcome.err.contains(expected), outcome.err.constData());
    for (const QByteArray &line :
         {QByteArray("\n      > GET /bytes/5000 HTTP/1.1\n"), "\n      > Host: " + host + "\n",
          QByteArray("\n      < HTTP/1.1 200 OK\n"),
          QByteArray("\n      < Content-Length: 5000\n")})
        QVERIFY2(outcome.err.contains(line), (line + " not in\n" + outcome.err).constData());
    QVERIFY2(!outcome.err.contains("more bytes"), outcome.err.constData()); // no bodies
}

void TestEndToEndDebugLoop::httpDebugFullCutsBodiesAt4KiB()
{
    const Outcome outcome = m_harness.run(
        runArguments({"--vus", "1", "--iterations", "1", "--http-debug=full", "--quiet", "--param",
                      "path=/anything/upload", "--param", "body_bytes=5000"}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    // The request body: 4096 bytes shown, the rest counted.
    const QByteArray shown = "\n      " + QByteArray(4096, 'a') + "\n      … 904 more bytes\n";
    QVERIFY2(outcome.err.contains(shown), outcome.err.constData());
    QVERIFY2(!outcome.err.contains(QByteArray(4097, 'a')), "more than 4 KiB of the body shown");
    QVERIFY2(outcome.err.contains("\n      > POST /anything/upload HTTP/1.1\n"),
             outcome.err.constData());
    QVERIFY2(outcome.err.contains("\n      > Content-Type: text/plain\n"), outcome.err.constData());
    // The target echoes the request as JSON (more than 5000 bytes): cut as well.
    QCOMPARE(matching(outcome.err, R"(      … \d+ more bytes)").size(), 2);
}

void TestEndToEndDebugLoop::httpDebugRedactsSecrets()
{
    const QByteArray secret = "Zq9-debug.s3cr3t_TOKEN";
    auto environment = m_harness.environment();
    environment.insert("LW_DEBUG_TOKEN", QString::fromLatin1(secret));
    // In the path, a log line and the request body, where the 4 KiB cut goes through it.
    const QString project = m_harness.writeFile(
        "secret.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("debugloop.cpp").toUtf8() +
            "\nprofile: {rampup: \"1,1\"}\nparameters:\n"
            "  base_url: \"" +
            m_base.toUtf8() +
            "\"\n"
            "  path: \"/anything/${LW_DEBUG_TOKEN}\"\n"
            "  body_bytes: \"4090\"\n  body_tail: \"${LW_DEBUG_TOKEN}\"\n"
            "  logs: \"1\"\n  think: \"0\"\n");
    QVERIFY(!project.isEmpty());
    const Outcome outcome = m_harness.run(
        {"run", project, "--iterations", "1", "--http-debug=full", "-v"}, environment);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(!outcome.err.contains(secret.left(6)), outcome.err.constData());
    QVERIFY2(!outcome.out.contains(secret.left(6)), outcome.out.constData());
    QVERIFY2(outcome.err.contains("\n      > POST /anything/${LW_DEBUG_TOKEN} HTTP/1.1\n"),
             outcome.err.constData());
    QVERIFY2(outcome.err.contains("vuser 1 POST " + m_base.toUtf8() +
                                  "/anything/${LW_DEBUG_TOKEN} 200 "),
             outcome.err.constData());
    // Redacted before the cut: the body shows the placeholder's first bytes, not the secret's.
    QVERIFY2(outcome.err.contains("\n      " + QByteArray(4090, 'a') +
                                  "${LW_D\n      … 11 more bytes\n"),
             outcome.err.constData());
}

void TestEndToEndDebugLoop::iterationsEndTheRunWhenEveryVuserIsDone()
{
    const QString summary = m_harness.scratchPath("iterations.json");
    const Outcome outcome =
        m_harness.run(runArguments({"--vus", "3", "--iterations", "4", "--param", "think=0.2",
                                    "--quiet", "--summary-json", summary}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject result = readJson(summary);
    QVERIFY(countsAddUp(result));
    QCOMPARE(count(result, {"iterations_started"}), 12);
    QCOMPARE(count(result, {"iterations"}), 12);
    QCOMPARE(count(result, {"iterations_interrupted"}), 0);
    QCOMPARE(count(result, {"requests", "count"}), 12);
    QCOMPARE(count(result, {"vusers", "max"}), 3);
    QCOMPARE(count(result, {"vusers", "planned_max"}), 3);
    // Not the 10 minutes the profile allows: the run ended with the last iteration.
    QVERIFY2(field(result, {"duration_s"}).toDouble() < 30,
             qPrintable(QString::number(field(result, {"duration_s"}).toDouble())));
}

void TestEndToEndDebugLoop::iterationsStopAProjectProfileEarly()
{
    // 3 vusers over 1.5 s, then held for 60 s; 2 iterations of 0.2 s each.
    const QString project = m_harness.writeFile(
        "early.yaml",
        "loadwizard: 1\nscenario: " + m_harness.scenarioPath("debugloop.cpp").toUtf8() +
            "\nprofile: {rampup: \"2,1.5,0,60\"}\nparameters:\n  base_url: \"" + m_base.toUtf8() +
            "\"\n  think: \"0.2\"\n");
    const QString summary = m_harness.scratchPath("early.json");
    const Outcome outcome =
        m_harness.run({"run", project, "--iterations", "2", "--quiet", "--summary-json", summary});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QJsonObject result = readJson(summary);
    QVERIFY(countsAddUp(result));
    QCOMPARE(count(result, {"iterations"}), 6);
    QCOMPARE(count(result, {"iterations_interrupted"}), 0);
    QCOMPARE(field(result, {"planned_duration_s"}).toDouble(), 61.5);
    QVERIFY2(field(result, {"duration_s"}).toDouble() < 30,
             qPrintable(QString::number(field(result, {"duration_s"}).toDouble())));
}

void TestEndToEndDebugLoop::vusAndDurationRunAFlatProfile()
{
    const QString summary = m_harness.scratchPath("flat.json");
    const Outcome outcome = m_harness.run(runArguments(
        {"--vus", "4", "--duration", "2s", "--param", "think=0.5", "--summary-json", summary}));
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(outcome.err.contains(", profile flat ("), outcome.err.constData());
    const QJsonObject result = readJson(summary);
    QVERIFY(countsAddUp(result));
    QCOMPARE(field(result, {"planned_duration_s"}).toDouble(), 2.0);
    QCOMPARE(count(result, {"vusers", "max"}), 4);
    QCOMPARE(count(result, {"vusers", "planned_max"}), 4);
    // Each vuser iterates every 0.5 s for 2 s, and finishes the iteration in flight.
    QVERIFY2(count(result, {"iterations"}) >= 12,
             qPrintable(QString::number(count(result, {"iterations"}))));
    QCOMPARE(count(result, {"iterations_interrupted"}), 0);
}

void TestEndToEndDebugLoop::conflictingProfileFlagsAreRefused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("rampup and vus")
        << QStringList{"--rampup", "1,1", "--vus", "2", "--duration", "5"}
        << QByteArray("loadwizard: --rampup: cannot be combined with "
                      "--vus or --duration (give one or the other)\n");
    QTest::newRow("rampup and duration") << QStringList{"--rampup", "1,1", "--duration", "5"}
                                         << QByteArray("loadwizard: --rampup: cannot be combined");
    QTest::newRow("vus alone") << QStringList{"--vus", "2"}
                               << QByteArray("loadwizard: --vus: needs --duration D or "
                                             "--iterations N (how long the vusers run)\n");
    QTest::newRow("bad unit") << QStringList{"--vus", "2", "--duration", "10d"}
                              << QByteArray("loadwizard: --duration: \"10d\" has an unknown unit");
    QTest::newRow("zero duration") << QStringList{"--duration", "0s"}
                                   << QByteArray("loadwizard: --duration: \"0s\" is not longer "
                                                 "than zero");
    QTest::newRow("number without unit after one")
        << QStringList{"--duration", "1m30"} << QByteArray("needs a unit after every number");
    QTest::newRow("zero iterations")
        << QStringList{"--iterations", "0"} << QByteArray("--iterations: Value 0 not in range");
    QTest::newRow("zero vusers") << QStringList{"--vus", "0", "--duration", "1"}
                                 << QByteArray("--vus: Value 0 not in range");
    QTest::newRow("http-debug typo")
        << QStringList{"--http-debug=ful"} << QByteArray("--http-debug: ful not in {headers,full}");
}

void TestEndToEndDebugLoop::conflictingProfileFlagsAreRefused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Outcome outcome = m_harness.run(runArguments(arguments));
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    QVERIFY2(outcome.err.contains(message), outcome.err.constData());
}

void TestEndToEndDebugLoop::compilingIsAnnouncedAndWarningsShownOnce()
{
    // A source of this test's own, so the first run compiles it whatever the cache holds.
    QFile original(m_harness.scenarioPath("debugloop.cpp"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray source = original.readAll();
    source.replace("        for (int line = 0;",
                   "        int unused = 42;\n        for (int line = 0;");
    const int line = int(source.left(source.indexOf("int unused")).count('\n')) + 1;
    const QString path = m_harness.writeFile("warned.cpp", source);
    const QStringList arguments{"run",          "--scenario", path, "--param", "base_url=" + m_base,
                                "--iterations", "1"};

    const Outcome first = m_harness.run(arguments);
    QVERIFY2(first.finished && first.exitCode == 0, first.describe().constData());
    QVERIFY2(first.err.startsWith("loadwizard: compiling " + path.toUtf8() + "…\n"),
             first.err.constData());
    QVERIFY2(
        first.err.contains("loadwizard: warning: " + path.toUtf8() + " compiled with warnings:\n"),
        first.err.constData());
    QVERIFY2(first.err.contains(path.toUtf8() + ":" + QByteArray::number(line) +
                                ":13: warning: unused variable"),
             first.err.constData());
    QCOMPARE(first.err.count("-Wunused-variable"), 1);

    const Outcome second = m_harness.run(arguments);
    QVERIFY2(second.finished && second.exitCode == 0, second.describe().constData());
    QVERIFY2(!second.err.contains("compiling"), second.err.constData());
    QVERIFY2(!second.err.contains("warning"), second.err.constData());
}

void TestEndToEndDebugLoop::aForgottenCoAwaitDoesNotCompile_data()
{
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::newRow("get") << QByteArray(
                                "            auto response = co_await vu.get(m_base + m_path);\n   "
                                "         vu.check(\"status is 200\", response.status == 200);")
                         << QByteArray("            vu.get(m_base + m_path);");
    QTest::newRow("think") << QByteArray("        co_await vu.think(m_think);")
                           << QByteArray("        vu.think(m_think);");
    QTest::newRow("transaction")
        << QByteArray("        co_await vu.think(m_think);")
        << QByteArray("        vu.transaction(\"t\");\n        co_await vu.think(m_think);");
}

void TestEndToEndDebugLoop::aForgottenCoAwaitDoesNotCompile()
{
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFile original(m_harness.scenarioPath("debugloop.cpp"));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray source = original.readAll();
    QVERIFY(source.contains(from));
    source.replace(from, to);
    const int line = int(source.left(source.indexOf(to)).count('\n')) + 1;
    const QString path =
        m_harness.writeFile(QString("forgot-%1.cpp").arg(QTest::currentDataTag()), source);
    const Outcome outcome = m_harness.run({"run", "--scenario", path, "--iterations", "1"});
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
    const QByteArray where = path.toUtf8() + ":" + QByteArray::number(line) + ":";
    QVERIFY2(outcome.err.contains("loadwizard: " + where), outcome.err.constData());
    QVERIFY2(outcome.err.contains("(did you forget co_await?"), outcome.err.constData());
    // The hint is on the compiler's own line for that place.
    bool hinted = false;
    for (const QByteArray &text : outcome.err.split('\n'))
        hinted = hinted || (text.startsWith(where) && text.contains("did you forget co_await?"));
    QVERIFY2(hinted, outcome.err.constData());
}

void TestEndToEndDebugLoop::newWritesAStarterProjectThatRuns()
{
    const QString folder = m_harness.scratchPath("starter");
    const Outcome created = m_harness.run({"new", folder});
    QVERIFY2(created.finished && created.exitCode == 0, created.describe().constData());
    for (const char *file : {"starter.yaml", "starter.cpp", "CMakeLists.txt", "README.md"})
        QVERIFY2(QFile::exists(folder + "/" + file), file);
    QFile cmake(folder + "/CMakeLists.txt");
    QVERIFY(cmake.open(QIODevice::ReadOnly));
    const QByteArray cmakeText = cmake.readAll();
    QVERIFY(cmakeText.contains("find_package(LoadwizardSDK REQUIRED)\n"));
    QVERIFY(cmakeText.contains("loadwizard_add_scenario(starter starter.cpp)\n"));

    const Outcome again = m_harness.run({"new", folder});
    QVERIFY2(again.finished && again.exitCode == 2, again.describe().constData());
    QVERIFY2(again.err.contains("already exists; not overwriting it"), again.err.constData());
    QFile yaml(folder + "/starter.yaml");
    QVERIFY(yaml.size() > 0);

    const Outcome validated = m_harness.run({"validate", folder + "/starter.yaml"});
    QVERIFY2(validated.finished && validated.exitCode == 0, validated.describe().constData());
    const QString summary = m_harness.scratchPath("starter.json");
    const Outcome ran =
        m_harness.run({"run", folder + "/starter.yaml", "--base-url", m_base, "--vus", "1",
                       "--iterations", "1", "-v", "--summary-json", summary});
    QVERIFY2(ran.finished && ran.exitCode == 0, ran.describe().constData());
    const QJsonObject result = readJson(summary);
    QCOMPARE(count(result, {"iterations"}), 1);
    QCOMPARE(count(result, {"requests", "errors"}), 0);
    QCOMPARE(count(result, {"checks", "home page is 200", "passes"}), 1);
    QCOMPARE(count(result, {"checks", "health says ok", "passes"}), 1);
    QCOMPARE(count(result, {"transactions", "home page", "count"}), 1);
    QVERIFY2(ran.err.contains("vuser 1 log: first iteration done\n"), ran.err.constData());

    for (const char *bad : {"9lives", "a b", "x/../..", "dot.name"}) {
        const Outcome refused = m_harness.run({"new", m_harness.scratchPath(bad)});
        QVERIFY2(refused.finished && refused.exitCode == 2, bad);
        QVERIFY2(refused.err.contains("is not a usable name"), refused.err.constData());
    }
}

QTEST_GUILESS_MAIN(TestEndToEndDebugLoop)
#include "tst_e2edebugloop.moc"
