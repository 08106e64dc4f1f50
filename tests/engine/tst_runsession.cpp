// The run session the CLI and the GUI both drive: prepare → start → finish → summary, against
// the built-in target with the bundled simple.so plugin; errors before anything starts; a
// session dropped mid-run stops its run.

#include <loadwizard/arrivalprofile.h>
#include <loadwizard/runsession.h>
#include <loadwizard/targetserver.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

using namespace Loadwizard;

class TestRunSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void runsToASummaryWhoseCountsAddUp();
    void aBadOutputFailsPreparationNamingTheEntry();
    void aMissingScenarioFailsPreparation();
    void latencyFromTheIntendedStartNeedsTheOpenModel();
    void droppingARunningSessionStopsItsRun();

private:
    Project project(const std::string &rampup) const;

    TargetServer m_target;
    QTemporaryDir m_dir;
};

void TestRunSession::initTestCase()
{
    QVERIFY(m_target.start("127.0.0.1", 0));
    QVERIFY(m_dir.isValid());
}

Project TestRunSession::project(const std::string &rampup) const
{
    Project project;
    project.name = "session test";
    project.scenario =
        std::string(qgetenv("LOADWIZARD_BUILD_DIR").constData()) + "/scenarios/simple.so";
    project.parameters["base_url"] = m_target.baseUrl();
    project.profile = *RampProfile::parse(rampup);
    project.workers = 1;
    project.gracefulStopSeconds = 2;
    return project;
}

void TestRunSession::runsToASummaryWhoseCountsAddUp()
{
    Project p = project("2,1,0,1");
    // A file output's relative target is relative to the project file, as the scenario is.
    p.path = m_dir.filePath("project.yaml").toStdString();
    const std::string jsonLines = m_dir.filePath("metrics.jsonl").toStdString();
    p.outputs.push_back(OutputConfig{"json", "metrics.jsonl", {}});

    auto session = RunSession::prepare(p, RunSessionOptions{{}, {}, 10});
    QVERIFY2(session, session ? "" : session.error().toString().c_str());
    QCOMPARE((*session)->header().scenario, std::string("simple"));
    QCOMPARE((*session)->header().profile, std::string("2,1,0,1"));
    QCOMPARE((*session)->outputNames().size(), std::size_t(1));

    std::atomic<int> snapshots{0};
    (*session)->addObserver([&](const auto &) { ++snapshots; });
    QVERIFY((*session)->start());
    QVERIFY(!(*session)->start()); // once only
    const auto final = (*session)->finish();
    QVERIFY(final);
    QVERIFY(final->final);
    QVERIFY(snapshots >= 2);
    QVERIFY(final->total.requests > 0);
    QCOMPARE(final->total.requestErrors, 0u);

    // The summary and its JSON say what the final snapshot says.
    const auto json = nlohmann::json::parse((*session)->summaryJson());
    QCOMPARE(json["requests"]["count"].get<std::uint64_t>(), final->total.requests);
    QCOMPARE(json["iterations"].get<std::uint64_t>(), final->total.iterations);
    const std::string text = (*session)->summaryText();
    QVERIFY2(text.find(std::to_string(final->total.requests)) != std::string::npos, text.c_str());
    QVERIFY(text.find("session test") != std::string::npos);

    // finish() flushed the output and put its counts into the header.
    const auto &outputs = (*session)->header().outputs;
    QCOMPARE(outputs.size(), std::size_t(1));
    QVERIFY(outputs[0].sent > 0);
    QCOMPARE(outputs[0].dropped, 0u);
    QCOMPARE(json["outputs"].size(), std::size_t(1));
    // Written all at once at the end: no temporary file is left next to it.
    QCOMPARE(QDir(m_dir.path()).entryList({".metrics.jsonl.*"}, QDir::Hidden | QDir::Files),
             QStringList());
    std::ifstream file(jsonLines);
    QVERIFY(file.good());
    QVERIFY(file.peek() != std::ifstream::traits_type::eof());
}

void TestRunSession::aBadOutputFailsPreparationNamingTheEntry()
{
    Project p = project("1,1");
    p.path = "/tmp/project.yaml";
    p.outputs.push_back(OutputConfig{"json", "", {}});
    auto session = RunSession::prepare(p);
    QVERIFY(!session);
    QCOMPARE(session.error().file, p.path);
    QVERIFY2(session.error().field.starts_with("outputs[0]"), session.error().toString().c_str());

    // A file output whose folder is missing fails here, before the run, not after it.
    Project missingFolder = project("1,1");
    missingFolder.outputs.push_back(
        OutputConfig{"csv", m_dir.filePath("no/such/folder/x.csv").toStdString(), {}});
    auto unwritable = RunSession::prepare(missingFolder);
    QVERIFY(!unwritable);
    QVERIFY2(unwritable.error().field.starts_with("outputs[0]"),
             unwritable.error().toString().c_str());

    auto flagged = RunSession::prepare(project("1,1"), RunSessionOptions{{}, {"nosuchkind=x"}, 1});
    QVERIFY(!flagged);
    QVERIFY2(flagged.error().field.starts_with("--out"), flagged.error().toString().c_str());
}

void TestRunSession::aMissingScenarioFailsPreparation()
{
    Project p = project("1,1");
    p.scenario = m_dir.filePath("missing.so").toStdString();
    auto session = RunSession::prepare(p);
    QVERIFY(!session);
    QVERIFY2(session.error().toString().find("missing.so") != std::string::npos,
             session.error().toString().c_str());
}

void TestRunSession::latencyFromTheIntendedStartNeedsTheOpenModel()
{
    // Closed: such a threshold could only ever be "no data"; refused before the run, naming the
    // threshold, the project's or the flag's.
    Project closed = project("1,1");
    closed.path = m_dir.filePath("closed.yaml").toStdString();
    closed.thresholds.push_back({"p95 < 1s", false, 0});
    closed.thresholds.push_back({"p99{from=intended} < 1s", false, 0});
    auto refused = RunSession::prepare(closed);
    QVERIFY(!refused);
    QCOMPARE(refused.error().toString(),
             closed.path + ": thresholds[1]: \"p99{from=intended} < 1s\": from=intended reads "
                           "the latency from the intended start, which only the open model (an "
                           "arrival rate) has; this run is closed (vusers)");
    RunSessionOptions flagged;
    flagged.thresholds.push_back({"avg(request:home){from=intended} < 1s", false, 0});
    auto refusedFlag = RunSession::prepare(project("1,1"), flagged);
    QVERIFY(!refusedFlag);
    QCOMPARE(refusedFlag.error().field, std::string("--threshold"));

    // Open: accepted, and from=send (the service time) is accepted in either model.
    Project open = project("1,1");
    open.profile = {};
    open.arrivalRate = *ArrivalProfile::parse("5,1");
    open.preAllocatedVusers = 2;
    open.thresholds.push_back({"p99{from=intended} < 1s", false, 0});
    QVERIFY2(RunSession::prepare(open), "an open run takes from=intended");
    Project send = project("1,1");
    send.thresholds.push_back({"p99{from=send} < 1s", false, 0});
    QVERIFY(RunSession::prepare(send));
}

void TestRunSession::droppingARunningSessionStopsItsRun()
{
    auto session = RunSession::prepare(project("2,1,0,3600"));
    QVERIFY(session);
    QVERIFY((*session)->start());
    QTest::qWait(300);
    QVERIFY(!(*session)->runFinished());
    const auto started = std::chrono::steady_clock::now();
    session->reset(); // aborts and waits: no thread left running plugin code
    QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
}

QTEST_GUILESS_MAIN(TestRunSession)
#include "tst_runsession.moc"
