// User mistakes: exit code 2 and a message on stderr that names the problem and where it is.
// Nothing here reaches a running load test; `validate` is checked both ways.

#include "e2eharness.h"

#include <QRegularExpression>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndBadInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void rejectsBadInputWithExitCodeTwo_data();
    void rejectsBadInputWithExitCodeTwo();
    void validateAcceptsAGoodProject();

private:
    Harness m_harness;
    QString m_simple;
    QString m_brokenCpp;
};

void TestEndToEndBadInput::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    m_simple = m_harness.sourcePath("scenarios/simple.cpp");

    // The error is on line 5.
    m_brokenCpp = m_harness.writeFile("broken.cpp", "#include <loadwizard/scenario.h>\n"
                                                    "\n"
                                                    "int answer()\n"
                                                    "{\n"
                                                    "    return undeclared_name;\n"
                                                    "}\n");
    QVERIFY(!m_brokenCpp.isEmpty());
    QVERIFY(!m_harness.writeFile("fake.so", QByteArray(4096, 'x').prepend("not a library\n"))
                 .isEmpty());
    // Line 3 opens a flow map that never closes.
    QVERIFY(!m_harness
                 .writeFile("malformed.yaml", "loadwizard: 1\n"
                                              "scenario: x.cpp\n"
                                              "profile: {rampup: \"2,60\"\n"
                                              "name: never closed\n")
                 .isEmpty());
    QVERIFY(!m_harness
                 .writeFile("badrampup.yaml", "loadwizard: 1\n"
                                              "scenario: " +
                                                  m_simple.toUtf8() +
                                                  "\n"
                                                  "profile:\n"
                                                  "  rampup: \"2,60,abc,5\"\n")
                 .isEmpty());
    QVERIFY(!m_harness
                 .writeFile("brokenscenario.yaml", "loadwizard: 1\n"
                                                   "scenario: broken.cpp\n"
                                                   "profile: {rampup: \"1,1\"}\n")
                 .isEmpty());
    QVERIFY(!m_harness
                 .writeFile("good.yaml", "loadwizard: 1\n"
                                         "name: good\n"
                                         "scenario: " +
                                             m_simple.toUtf8() +
                                             "\n"
                                             "profile: {rampup: \"2,60,0,30\"}\n")
                 .isEmpty());
}

void TestEndToEndBadInput::rejectsBadInputWithExitCodeTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions"); // each must appear on stderr
    QTest::addColumn<QString>("pattern");      // a regular expression stderr must match, or empty

    const QString fake = m_harness.scratchPath("fake.so");
    const QString malformed = m_harness.scratchPath("malformed.yaml");
    const QString badRampup = m_harness.scratchPath("badrampup.yaml");
    const QString brokenScenario = m_harness.scratchPath("brokenscenario.yaml");

    QTest::newRow("rampup with a word")
        << QStringList{"run", "--scenario", m_simple, "--rampup", "2,abc"}
        << QStringList{"--rampup", "\"abc\"", "token 2"} << QString();
    QTest::newRow("seed-style rampup with a word")
        << QStringList{"-scenario", m_simple, "-rampup", "2,60,x,5"}
        << QStringList{"\"x\"", "token 3"} << QString();
    QTest::newRow("odd rampup") << QStringList{"run", "--scenario", m_simple, "--rampup", "2,60,5"}
                                << QStringList{"--rampup", "odd"} << QString();
    QTest::newRow("no rampup") << QStringList{"run", "--scenario", m_simple}
                               << QStringList{"ramp-up"} << QString();
    QTest::newRow("no scenario") << QStringList{"run", "--rampup", "2,60"}
                                 << QStringList{"scenario"} << QString();
    QTest::newRow("missing .cpp scenario")
        << QStringList{"run", "--scenario", m_harness.scratchPath("missing.cpp"), "--rampup",
                       "2,60"}
        << QStringList{"missing.cpp"} << QString();
    QTest::newRow("missing .so scenario")
        << QStringList{"run", "--scenario", m_harness.scratchPath("missing.so"), "--rampup", "2,60"}
        << QStringList{"missing.so"} << QString();
    QTest::newRow(".so that is not a library")
        << QStringList{"run", "--scenario", fake, "--rampup", "2,60"}
        << QStringList{"fake.so", "not a Loadwizard plugin"} << QString();
    QTest::newRow(".cpp that does not compile")
        << QStringList{"run", "--scenario", m_brokenCpp, "--rampup", "2,60"}
        << QStringList{"undeclared_name"} << "broken\\.cpp:5:\\d+";
    QTest::newRow("malformed project")
        << QStringList{"run", malformed} << QStringList{} << "malformed\\.yaml:\\d+:\\d+";
    QTest::newRow("bad parameter syntax")
        << QStringList{"run", "--scenario", m_simple, "--rampup", "2,60", "--param", "base_url"}
        << QStringList{"key=value", "base_url"} << QString();
    // --graceful-stop 0 keeps this short should the bad parameter be ignored and the demo run.
    QTest::newRow("demo with bad parameter syntax")
        << QStringList{"demo", "--rampup", "1,1",     "--graceful-stop",
                       "0",    "--quiet",  "--param", "think"}
        << QStringList{"key=value", "think"} << QString();
    QTest::newRow("parameter the scenario refuses")
        << QStringList{"run",      "--scenario", m_harness.sourcePath("scenarios/shop.cpp"),
                       "--rampup", "2,60",       "--param",
                       "think=-1"}
        << QStringList{"think must be a number >= 0"} << QString();
    QTest::newRow("unknown option")
        << QStringList{"run", "--scenario", m_simple, "--rampup", "2,60", "--bogus"}
        << QStringList{"--bogus"} << QString();
    QTest::newRow("validate a malformed project")
        << QStringList{"validate", malformed} << QStringList{} << "malformed\\.yaml:\\d+:\\d+";
    QTest::newRow("validate a project with a bad rampup")
        << QStringList{"validate", badRampup} << QStringList{"\"abc\"", "token 3"}
        << "badrampup\\.yaml:4:\\d+";
    QTest::newRow("validate a project whose scenario does not compile")
        << QStringList{"validate", brokenScenario} << QStringList{"undeclared_name"}
        << "broken\\.cpp:5:\\d+";
    QTest::newRow("validate a missing project")
        << QStringList{"validate", m_harness.scratchPath("missing.yaml")}
        << QStringList{"missing.yaml"} << QString();
}

void TestEndToEndBadInput::rejectsBadInputWithExitCodeTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);
    QFETCH(QString, pattern);

    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished, outcome.describe().constData());
    QCOMPARE(outcome.exitStatus, QProcess::NormalExit);
    QVERIFY2(outcome.exitCode == 2, outcome.describe().constData());
    const QString err = QString::fromUtf8(outcome.err);
    for (const auto &text : mentions)
        QVERIFY2(err.contains(text), qPrintable("no \"" + text + "\" in: " + err));
    if (!pattern.isEmpty()) {
        QVERIFY2(err.contains(QRegularExpression(pattern)),
                 qPrintable("no match for " + pattern + " in: " + err));
    }
    QVERIFY2(!err.contains("terminate called"), qPrintable(err)); // no crash behind the message
    QVERIFY(outcome.out.trimmed().isEmpty());
}

void TestEndToEndBadInput::validateAcceptsAGoodProject()
{
    const Outcome outcome = m_harness.run({"validate", m_harness.scratchPath("good.yaml")});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    QVERIFY2(outcome.out.contains("ok"), outcome.out.constData());
    QVERIFY(outcome.out.contains("simple"));
}

QTEST_GUILESS_MAIN(TestEndToEndBadInput)
#include "tst_e2ebadinput.moc"
