// Scenario mixes through the binary: a project with groups runs each group's scenario under its
// share of the profile against the built-in target, validate lists the groups, the command
// line's flags meet a mix as documented, and a mix's parameters are checked as strictly as a
// single scenario's.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndGroups : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aMixRunsEachGroupsScenario();
    void validateListsTheGroups();
    void weightedGroupsShareAnArrivalRateAndItsPool();
    void flagsMeetAMix_data();
    void flagsMeetAMix();
    void parametersOfAMixAreChecked_data();
    void parametersOfAMixAreChecked();

private:
    /// A declarative scenario requesting `path` as `name` inside a "login" transaction.
    QString scenario(const QString &file, const QString &path, const QString &name);
    /// The mix: "browse" (weight 3) and "buy" (weight 1) sharing `profile`, plus `extra`.
    QString mix(const QString &file, const QByteArray &profile, const QByteArray &extra = {});

    Harness m_harness;
    Loadwizard::TargetServer m_target;
};

void TestEndToEndGroups::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndGroups::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndGroups::scenario(const QString &file, const QString &path, const QString &name)
{
    return m_harness.writeFile(
        file, "name: " + file.section('.', 0, 0).toUtf8() +
                  "\nparameters: {pause: \"0.05\"}\n"
                  "steps:\n  - transaction: login\n    steps:\n"
                  "      - request: GET " +
                  QByteArray::fromStdString(m_target.baseUrl()) + path.toUtf8() +
                  "?pause=${pause}\n        name: " + name.toUtf8() + "\n  - think: 0.05\n");
}

QString TestEndToEndGroups::mix(const QString &file, const QByteArray &profile,
                                const QByteArray &extra)
{
    const QString browse = scenario("browse.yaml", "/health", "health");
    const QString buy = scenario("buy.yaml", "/login", "login page");
    return m_harness.writeFile(file, "loadwizard: 1\nname: mix\nprofile: " + profile +
                                         "\ngroups:\n"
                                         "  - {name: browse, scenario: " +
                                         browse.toUtf8() +
                                         ", weight: 3}\n"
                                         "  - {name: buy, scenario: " +
                                         buy.toUtf8() + ", weight: 1}\n" + extra);
}

void TestEndToEndGroups::aMixRunsEachGroupsScenario()
{
    // 8 vusers within 0.5 s, held 1 s, shared 3:1: 6 browse (health), 2 buy (login page); plus
    // an open group of 20 arrivals starting after 0.5 s.
    const QString project =
        mix("mix.yaml", "{rampup: \"16,0.5,0,1\"}",
            "  - name: feed\n    scenario: " + scenario("feed.yaml", "/health", "feed").toUtf8() +
                "\n    start_delay: 0.5s\n"
                "    profile: {arrival_rate: \"20,0,20,1\", pool: {pre_allocated: 5, max: 5}}\n");
    const QString json = m_harness.scratchPath("mix.json");
    const Outcome outcome =
        m_harness.run({"run", project, "--workers", "2", "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QVERIFY2(outcome.err.contains("loadwizard: group browse: 75 % of rampup 16,0.5,0,1\n") &&
                 outcome.err.contains("loadwizard: group buy: 25 % of rampup 16,0.5,0,1\n") &&
                 outcome.err.contains("loadwizard: group feed: arrival rate 20,0,20,1 (pool 5 "
                                      "to 5 vusers), after 0.5 s\n"),
             outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(count(summary, {"vusers", "max"}) >= 8, true);
    const qint64 health = count(summary, {"requests_by_name", "health", "count"});
    const qint64 login = count(summary, {"requests_by_name", "login page", "count"});
    const qint64 feed = count(summary, {"requests_by_name", "feed", "count"});
    QVERIFY2(health > 0 && login > 0, outcome.out.constData());
    QCOMPARE(feed, 20);
    // Every iteration of every group ran one "login" transaction and one request.
    QCOMPARE(count(summary, {"transactions", "login", "count"}), health + login + feed);
    QCOMPARE(count(summary, {"requests", "count"}), health + login + feed);
    QCOMPARE(count(summary, {"requests", "errors"}), 0);
    // 6 browsers and 2 buyers pause the same 50 ms: about three times the iterations.
    QVERIFY2(health > 2 * login, outcome.out.constData());
}

void TestEndToEndGroups::validateListsTheGroups()
{
    const QString project = mix("valid.yaml", "{rampup: \"10,1,0,2\"}");
    const Outcome outcome = m_harness.run({"validate", project});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    QCOMPARE(QString::fromUtf8(outcome.out),
             project + ": ok (2 groups, 3 s)\n" +
                 "  group browse: scenario browse, 75 % of rampup 10,1,0,2\n"
                 "  group buy: scenario buy, 25 % of rampup 10,1,0,2\n");
}

void TestEndToEndGroups::weightedGroupsShareAnArrivalRateAndItsPool()
{
    // 20/s for 1 s shared 3:1 (15 and 5 arrivals), the project's pool of 8 split 6 and 2; each
    // iteration takes about 100 ms, so the pools hold them all. (Such a mix used to be refused:
    // "an arrival-rate profile needs a vuser pool".)
    const QString project =
        mix("open-mix.yaml", "{arrival_rate: \"20,0,20,1\", pool: {pre_allocated: 8, max: 8}}");
    const Outcome validated = m_harness.run({"validate", project});
    QVERIFY2(validated.finished && validated.exitCode == 0, validated.describe());
    QCOMPARE(QString::fromUtf8(validated.out),
             project + ": ok (2 groups, 1 s)\n" +
                 "  group browse: scenario browse, 75 % of arrival rate 20,0,20,1 (pool 6 to 6 "
                 "vusers)\n"
                 "  group buy: scenario buy, 25 % of arrival rate 20,0,20,1 (pool 2 to 2 "
                 "vusers)\n");
    const QString json = m_harness.scratchPath("open-mix.json");
    const Outcome outcome = m_harness.run({"run", project, "--summary-json", json});
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());
    const QJsonObject summary = readJson(json);
    QVERIFY(countsAddUp(summary));
    QCOMPARE(summary.value("model").toString(), QStringLiteral("open"));
    QCOMPARE(count(summary, {"arrivals", "planned"}), 20);
    const QJsonArray groups = summary.value("groups").toArray();
    QCOMPARE(groups.size(), 2);
    const QJsonObject browse = groups[0].toObject(), buy = groups[1].toObject();
    QCOMPARE(count(browse, {"arrivals", "planned"}), 15);
    QCOMPARE(count(buy, {"arrivals", "planned"}), 5);
    QCOMPARE(count(browse, {"arrivals", "started"}) + count(browse, {"arrivals", "dropped"}), 15);
    QCOMPARE(count(buy, {"arrivals", "started"}) + count(buy, {"arrivals", "dropped"}), 5);
    QCOMPARE(count(browse, {"arrivals", "pool_max"}), 6);
    QCOMPARE(count(buy, {"arrivals", "pool_max"}), 2);
}

void TestEndToEndGroups::flagsMeetAMix_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--scenario") << QByteArray() << QStringList{"--scenario", "x.yaml"} << 2
                                << "--scenario: the project is a mix of groups";
    QTest::newRow("--pacing") << QByteArray() << QStringList{"--pacing", "1"} << 2
                              << "--pacing: the project is a mix of groups";
    QTest::newRow("--rampup replaces the shared profile")
        << QByteArray() << QStringList{"--rampup", "4,0.5"} << 0
        << "loadwizard: group browse: 75 % of rampup 4,0.5\n";
    QTest::newRow("--arrival-rate makes the shared profile open")
        << QByteArray() << QStringList{"--arrival-rate", "8,0,8,0.5", "--max-vusers", "4"} << 0
        << "loadwizard: group buy: 25 % of arrival rate 8,0,8,0.5 (pool 0 to 1 vusers)\n";
    QTest::newRow("--vus and --duration too")
        << QByteArray() << QStringList{"--vus", "2", "--duration", "0.5s"} << 0
        << "loadwizard: group buy: 25 % of rampup 2000,0.001,0,0.499\n";
}

void TestEndToEndGroups::flagsMeetAMix()
{
    QFETCH(QByteArray, extra);
    QFETCH(QStringList, flags);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    const QString project = mix("flags.yaml", "{rampup: \"2,0.5\"}", extra);
    const Outcome outcome = m_harness.run(QStringList{"run", project} + flags);
    QVERIFY2(outcome.finished && outcome.exitCode == exitCode, outcome.describe());
    QVERIFY2(outcome.err.contains(expected.toUtf8()), outcome.describe());
}

void TestEndToEndGroups::parametersOfAMixAreChecked_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("expected");
    const QByteArray own = "loadwizard: 1\ngroups:\n  - {name: a, scenario: SCENARIO, "
                           "profile: {rampup: \"1,1\"}";
    QTest::newRow("a shared parameter no scenario declares")
        << QByteArray("loadwizard: 1\nparameters: {pasue: \"1\"}\ngroups:\n"
                      "  - {name: a, scenario: SCENARIO, profile: {rampup: \"1,1\"}}\n")
        << QStringList()
        << "parameters.pasue: project parameter \"pasue\" is declared by no "
           "group's scenario";
    QTest::newRow("a group's parameter its scenario does not declare")
        << own + ", parameters: {paus: \"1\"}}\n"
        << QStringList()
        << "groups[0].parameters.paus: group \"a\" parameter \"paus\" is not declared by "
           "scenario \"health\" (did you mean \"pause\"?)";
    QTest::newRow("a --param no scenario declares")
        << own + "}\n"
        << QStringList{"--param", "nope=1"}
        << "--param: --param parameter \"nope\" is declared by no group's scenario";
    QTest::newRow("a missing scenario file")
        << QByteArray("loadwizard: 1\ngroups:\n"
                      "  - {name: a, scenario: missing.yaml, profile: {rampup: \"1,1\"}}\n")
        << QStringList() << "params.yaml: groups[0].scenario: group \"a\": cannot open ";
}

void TestEndToEndGroups::parametersOfAMixAreChecked()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, flags);
    QFETCH(QString, expected);
    const QString health = scenario("health.yaml", "/health", "health");
    const QString project =
        m_harness.writeFile("params.yaml", QByteArray(text).replace("SCENARIO", health.toUtf8()));
    const Outcome outcome = m_harness.run(QStringList{"run", project} + flags);
    QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe());
    QVERIFY2(outcome.err.contains(expected.toUtf8()), outcome.describe());
}

QTEST_GUILESS_MAIN(TestEndToEndGroups)
#include "tst_e2egroups.moc"
