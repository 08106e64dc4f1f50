// The results folder (docs/results-format.md): a real session against the built-in target writes
// it, loadResults() reads it back, and the numbers equal the summary's exactly: counters summed
// over the intervals, percentiles from the merged histograms. A writer that never finishes (a
// killed run) leaves a folder that still reads; the folder rules; what is redacted.

#include <loadwizard/histogram.h>
#include <loadwizard/results.h>
#include <loadwizard/runsession.h>
#include <loadwizard/targetserver.h>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include <string>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <zlib.h>

using namespace Loadwizard;
namespace fs = std::filesystem;

class TestResults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void histogramBucketsRoundTripLosslessly();
    void aSessionSavesAFolderWhoseNumbersEqualTheSummary();
    void aStoppedSessionSaysSo();
    void aFolderLeftByAKilledRunStillReads();
    void aChosenFolderMustBeNewOrEmpty();
    void theDefaultFolderNeverOverwrites();
    void secretsAreRedacted();
    void notAResultsFolderIsAClearError();
    void errorsKeepASampleOfTheExchange();
    void aFolderFromElsewhereCannotTrickTheReader();

private:
    Project project(const std::string &rampup) const;
    static std::string readFile(const fs::path &path);

    TargetServer m_target;
    QTemporaryDir m_dir;
};

void TestResults::initTestCase()
{
    QVERIFY(m_target.start("127.0.0.1", 0));
    QVERIFY(m_dir.isValid());
}

Project TestResults::project(const std::string &rampup) const
{
    Project project;
    project.name = "results test";
    project.scenario =
        std::string(qgetenv("LOADWIZARD_BUILD_DIR").constData()) + "/scenarios/simple.so";
    project.parameters["base_url"] = m_target.baseUrl();
    project.profile = *RampProfile::parse(rampup);
    project.workers = 2;
    project.gracefulStopSeconds = 2;
    project.path = m_dir.filePath("project.yaml").toStdString();
    return project;
}

std::string TestResults::readFile(const fs::path &path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void TestResults::histogramBucketsRoundTripLosslessly()
{
    std::mt19937_64 random(42);
    std::lognormal_distribution<double> latency(8.0, 2.0); // µs: 1 µs to well past an hour
    Histogram whole, first, second;
    for (int i = 0; i < 200000; ++i) {
        const auto value = std::uint64_t(latency(random));
        whole.record(value);
        (i % 2 ? first : second).record(value);
    }
    Histogram rebuilt;
    QVERIFY(rebuilt.merge(first.buckets()));
    QVERIFY(rebuilt.merge(second.buckets()));
    QCOMPARE(rebuilt.count(), whole.count());
    QCOMPARE(rebuilt.minMicros(), whole.minMicros());
    QCOMPARE(rebuilt.maxMicros(), whole.maxMicros());
    QCOMPARE(rebuilt.sumMicros(), whole.sumMicros());
    for (double p : {1.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0})
        QCOMPARE(rebuilt.percentileMicros(p), whole.percentileMicros(p));
    QCOMPARE(rebuilt.buckets().buckets, whole.buckets().buckets);

    // Buckets are sparse: 200 000 values in well under the dense layout's size.
    QVERIFY(whole.buckets().buckets.size() < 20000);
    // An index past the layout (a corrupt file) is refused, not grown into.
    HistogramBuckets bad;
    bad.count = 1;
    bad.buckets.emplace_back(std::uint32_t(Histogram::bucketLimit()), 1);
    Histogram target;
    QVERIFY(!target.merge(bad));
    QCOMPARE(target.count(), std::uint64_t(0));
}

void TestResults::aSessionSavesAFolderWhoseNumbersEqualTheSummary()
{
    const std::string folder = m_dir.filePath("saved").toStdString();
    RunSessionOptions options;
    options.results.save = true;
    options.results.folder = folder;
    options.results.commandLine = {"loadwizard", "run", "project.yaml"};
    auto session = RunSession::prepare(project("4,1,0,2"), options);
    QVERIFY2(session, session ? "" : session.error().toString().c_str());
    QVERIFY((*session)->start());
    QCOMPARE((*session)->resultsFolder(), fs::absolute(folder).lexically_normal().string());
    // While the run goes, the manifest already says so.
    auto running = loadResultsManifest(folder);
    QVERIFY2(running, running ? "" : running.error().toString().c_str());
    QCOMPARE(running->status, RunEnding::Running);
    QVERIFY(fs::exists(fs::path(folder) / "project.yaml"));
    const auto final = (*session)->finish();
    QVERIFY(final && final->total.requests > 0);
    QVERIFY(!(*session)->resultsError());
    (*session)->recordExitCode(0);

    auto saved = loadResults(folder);
    QVERIFY2(saved, saved ? "" : saved.error().toString().c_str());
    QVERIFY2(saved->warnings.empty(), saved->warnings.empty() ? "" : saved->warnings[0].c_str());
    const ResultsManifest &m = saved->manifest;
    QCOMPARE(m.status, RunEnding::Completed);
    QCOMPARE(m.verdict, std::string("passed"));
    QCOMPARE(m.exitCode, std::optional<int>(0));
    QCOMPARE(m.project, std::string("results test"));
    QCOMPARE(m.scenario, std::string("simple"));
    QCOMPARE(m.model, std::string("closed"));
    QCOMPARE(m.plannedSeconds, 3.0);
    QCOMPARE(m.commandLine, (std::vector<std::string>{"loadwizard", "run", "project.yaml"}));
    QVERIFY(m.ended && *m.ended >= m.started);
    QCOMPARE(m.durationSeconds, std::round(final->elapsedSeconds * 1000) / 1000);

    // One line per snapshot; the interval counters add up to the totals.
    QVERIFY(saved->snapshots.size() >= 3);
    const Snapshot &last = *saved->snapshots.back();
    QVERIFY(last.final);
    std::uint64_t requests = 0, iterations = 0, bytesIn = 0;
    for (const auto &s : saved->snapshots) {
        requests += s->interval.requests;
        iterations += s->interval.iterations;
        bytesIn += s->interval.bytesIn;
    }
    QCOMPARE(requests, final->total.requests);
    QCOMPARE(iterations, final->total.iterations);
    QCOMPARE(bytesIn, final->total.bytesIn);
    QCOMPARE(last.total.requests, final->total.requests);
    QCOMPARE(last.total.requestErrors, final->total.requestErrors);
    QCOMPARE(last.maxVusers, final->maxVusers);

    // The merged histograms give the summary's percentiles exactly.
    QCOMPARE(last.totalLatency.count, final->totalLatency.count);
    QCOMPARE(last.totalLatency.p50Ms, final->totalLatency.p50Ms);
    QCOMPARE(last.totalLatency.p95Ms, final->totalLatency.p95Ms);
    QCOMPARE(last.totalLatency.p99Ms, final->totalLatency.p99Ms);
    QCOMPARE(last.totalLatency.maxMs, final->totalLatency.maxMs);
    QCOMPARE(last.requestsTotal.size(), final->requestsTotal.size());
    for (const auto &[name, stats] : final->requestsTotal) {
        const auto it = last.requestsTotal.find(name);
        QVERIFY2(it != last.requestsTotal.end(), name.c_str());
        QCOMPARE(it->second.count, stats.count);
        QCOMPARE(it->second.errors, stats.errors);
        QCOMPARE(it->second.latency.p95Ms, stats.latency.p95Ms);
        QCOMPARE(it->second.latency.p99Ms, stats.latency.p99Ms);
        QVERIFY(it->second.histogram);
        QCOMPARE(it->second.histogram->count(), stats.count);
    }
    for (const auto &[name, check] : final->checks) {
        QCOMPARE(last.checks.at(name).passes, check.passes);
        QCOMPARE(last.checks.at(name).fails, check.fails);
    }

    // summary.json is the --summary-json document.
    QCOMPARE(saved->summaryJson, (*session)->summaryJson());
    const auto summary = nlohmann::json::parse(saved->summaryJson);
    QCOMPARE(summary["requests"]["count"].get<std::uint64_t>(), requests);
}

void TestResults::aStoppedSessionSaysSo()
{
    const std::string folder = m_dir.filePath("stopped").toStdString();
    RunSessionOptions options;
    options.results.save = true;
    options.results.folder = folder;
    auto session = RunSession::prepare(project("2,1,0,30"), options);
    QVERIFY(session);
    QVERIFY((*session)->start());
    QTest::qWait(1500);
    (*session)->stop();
    QVERIFY((*session)->finish());
    QCOMPARE((*session)->ending(), RunEnding::Stopped);
    auto manifest = loadResultsManifest(folder);
    QVERIFY(manifest);
    QCOMPARE(manifest->status, RunEnding::Stopped);
    QCOMPARE(manifest->reason, std::string()); // "Stopped by user" needs no reason
    QVERIFY(manifest->verdict != "passed");    // an interrupted run is not reported as passed
    QVERIFY(!manifest->exitCode);
}

void TestResults::aFolderLeftByAKilledRunStillReads()
{
    const fs::path folder = m_dir.filePath("killed").toStdString();
    {
        ResultsManifest manifest;
        manifest.project = "killed";
        manifest.started = std::chrono::system_clock::now();
        auto writer = ResultsWriter::create(folder.string(), false, manifest, "loadwizard: 1\n");
        QVERIFY2(writer, writer ? "" : writer.error().toString().c_str());
        for (int second = 1; second <= 3; ++second) {
            auto s = std::make_shared<Snapshot>();
            s->elapsedSeconds = second;
            s->intervalSeconds = 1;
            s->activeVusers = second;
            s->interval.requests = 10;
            Histogram h;
            for (int i = 0; i < 10; ++i)
                h.record(std::uint64_t(1000 * second + i));
            s->intervalBuckets = std::make_shared<const HistogramBuckets>(h.buckets());
            NameStats name;
            name.count = 10;
            name.latency = h.stats();
            name.buckets = s->intervalBuckets;
            s->requestsInterval["GET /"] = name;
            s->events.push_back({second - 0.5, "error", "GET /: HTTP 500", ErrorClass::Http5xx, 1});
            (*writer)->push(s);
        }
        // Destroyed without finish(): what a kill leaves (the lines are flushed each interval).
    }
    // A kill in the middle of a line.
    std::ofstream(folder / "series.jsonl", std::ios::app) << "{\"t\": 4.0, \"dt\": 1.0, \"coun";

    auto saved = loadResults(folder.string());
    QVERIFY2(saved, saved ? "" : saved.error().toString().c_str());
    QCOMPARE(saved->manifest.status, RunEnding::Running);
    QCOMPARE(runEndingLabel(saved->manifest.status, true), std::string("Crashed or killed"));
    QVERIFY(saved->summaryJson.empty());
    QCOMPARE(saved->snapshots.size(), std::size_t(3));
    QCOMPARE(saved->warnings.size(), std::size_t(2)); // the torn line, and no recorded end
    const Snapshot &last = *saved->snapshots.back();
    QCOMPARE(last.total.requests, std::uint64_t(30));
    QCOMPARE(last.requestsTotal.at("GET /").count, std::uint64_t(30));
    QCOMPARE(last.totalLatency.count, std::uint64_t(30));
    QCOMPARE(last.totalLatency.minMs, 1.0);
    QCOMPARE(last.totalLatency.maxMs, 3.009);
    QCOMPARE(saved->events.size(), std::size_t(3));
    QCOMPARE(last.topErrors.size(), std::size_t(1));
    QCOMPARE(last.topErrors[0].count, std::uint64_t(3));

    // A bad line in the middle is an error naming the file and line.
    // The histograms are gzip-compressed; decompressed by a user, they read the same.
    QVERIFY(fs::exists(folder / "histograms.jsonl.gz"));
    {
        std::string text;
        gzFile gz = gzopen((folder / "histograms.jsonl.gz").c_str(), "rb");
        QVERIFY(gz);
        char buffer[4096];
        for (int n; (n = gzread(gz, buffer, sizeof buffer)) > 0;)
            text.append(buffer, std::size_t(n));
        gzclose(gz);
        QCOMPARE(std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(3));
        fs::remove(folder / "histograms.jsonl.gz");
        std::ofstream(folder / "histograms.jsonl") << text;
    }
    auto plain = loadResults(folder.string());
    QVERIFY2(plain, plain ? "" : plain.error().toString().c_str());
    QCOMPARE(plain->snapshots.back()->totalLatency.count, std::uint64_t(30));

    // A compressed file cut in the middle (a kill between two flushes) reads up to the cut.
    {
        // 1000 µs is bucket 1000 (values below 2048 µs have a bucket each).
        const std::string line = R"({"t":1.0,"dt":1.0,"all":{"count":1,"min":1000,"max":1000,)"
                                 R"("sum":1000,"buckets":[1000,1]}})"
                                 "\n";
        gzFile gz = gzopen((folder / "cut.gz").c_str(), "wb");
        gzwrite(gz, line.data(), unsigned(line.size()));
        gzflush(gz, Z_SYNC_FLUSH);
        const auto flushed = fs::file_size(folder / "cut.gz");
        for (int i = 0; i < 50; ++i) // a second interval, long enough to be cut in its middle
            gzwrite(gz, line.data(), unsigned(line.size()));
        gzclose(gz);
        std::ifstream in(folder / "cut.gz", std::ios::binary);
        std::string bytes(std::istreambuf_iterator<char>(in), {});
        QVERIFY(bytes.size() > flushed + 8);
        bytes.resize(flushed + (bytes.size() - flushed) / 2);
        fs::remove(folder / "histograms.jsonl");
        std::ofstream(folder / "histograms.jsonl.gz", std::ios::binary) << bytes;
        fs::remove(folder / "cut.gz");
        auto cut = loadResults(folder.string());
        QVERIFY2(cut, cut ? "" : cut.error().toString().c_str());
        QVERIFY(std::any_of(cut->warnings.begin(), cut->warnings.end(), [](const auto &w) {
            return w.find("ends early") != std::string::npos;
        }));
        QCOMPARE(cut->snapshots.front()->intervalBuckets->count, std::uint64_t(1));
        fs::remove(folder / "histograms.jsonl.gz");
    }

    // A bad line in the middle is an error naming the file and line.
    std::ofstream(folder / "histograms.jsonl") << "{}\noops\n{}\n";
    auto broken = loadResults(folder.string());
    QVERIFY(!broken);
    QCOMPARE(broken.error().line, 2);
    QVERIFY(broken.error().file.ends_with("histograms.jsonl"));
}

void TestResults::aChosenFolderMustBeNewOrEmpty()
{
    const fs::path folder = m_dir.filePath("chosen").toStdString();
    fs::create_directories(folder);
    std::ofstream(folder / "keep.txt") << "mine";
    auto writer = ResultsWriter::create(folder.string(), false, {}, {}, "--results");
    QVERIFY(!writer);
    QCOMPARE(writer.error().field, std::string("--results"));
    QVERIFY(writer.error().message.find("not empty") != std::string::npos);
    QCOMPARE(readFile(folder / "keep.txt"), std::string("mine"));

    // Under a file: cannot be created (root may write anywhere, but not below a file).
    auto under = ResultsWriter::create((folder / "keep.txt" / "results").string(), false, {}, {});
    QVERIFY(!under);
    QVERIFY(under.error().message.find("cannot create") != std::string::npos);
}

void TestResults::theDefaultFolderNeverOverwrites()
{
    const auto now = std::chrono::system_clock::now();
    const std::string base = m_dir.filePath("project dir").toStdString();
    const std::string folder = defaultResultsFolder(base, "shop / checkout", now);
    QVERIFY(folder.starts_with(base + "/results/"));
    QVERIFY(folder.ends_with("-shop___checkout"));
    auto first = ResultsWriter::create(folder, true, {}, {});
    auto second = ResultsWriter::create(folder, true, {}, {});
    QVERIFY(first && second);
    QCOMPARE((*first)->folder(), folder);
    QCOMPARE((*second)->folder(), folder + "-2");
    QVERIFY(defaultResultsFolder(base, "", now).ends_with("-run"));
    QVERIFY(defaultResultsFolder(base, "..", now).ends_with("-run"));
}

void TestResults::secretsAreRedacted()
{
    Project p = project("1,1");
    p.parameters["api_token"] = "hunter2-literal";
    p.parameters["password"] = "${SHOP_PASSWORD}";
    p.parameters["user"] = "alice";
    p.outputs.push_back(OutputConfig{
        "influxdb", "http://me:s3cret@127.0.0.1:8086/db?token=qt0k3n", {{"token", "abc123"}}});
    p.http.baseUrl = "http://shop:b4seurl@127.0.0.1:8080";
    const std::string yaml = projectAsRunYaml(p, {{"session_key", "from-the-cli"}}, {});
    QVERIFY(yaml.find("hunter2") == std::string::npos);
    QVERIFY(yaml.find("s3cret") == std::string::npos);
    QVERIFY(yaml.find("abc123") == std::string::npos);
    QVERIFY(yaml.find("qt0k3n") == std::string::npos);
    QVERIFY(yaml.find("b4seurl") == std::string::npos);
    QVERIFY(yaml.find("from-the-cli") == std::string::npos);
    QVERIFY(yaml.find("${SHOP_PASSWORD}") != std::string::npos); // names the secret only
    QVERIFY(yaml.find("alice") != std::string::npos);
    auto reparsed = parseProject(yaml, "project.yaml");
    QVERIFY2(reparsed, reparsed ? "" : reparsed.error().toString().c_str());
    QCOMPARE(reparsed->parameters.at("api_token"), std::string("<redacted>"));
    QCOMPARE(reparsed->parameters.at("session_key"), std::string("<redacted>"));

    const auto equalsForms = redactCommandLine(
        {"loadwizard", "--param=password=pw0000", "--base-url=http://u:pw9999@h/", "--vus", "10"});
    QCOMPARE(equalsForms,
             (std::vector<std::string>{"loadwizard", "--param=password=<redacted>",
                                       "--base-url=http://u:<redacted>@h/", "--vus", "10"}));
    const auto line =
        redactCommandLine({"loadwizard", "run", "--param", "password=pw1234", "--param", "user=bob",
                           "--out", "influxdb=http://u:pw5678@127.0.0.1/db?token=t0k3n&a=b"});
    std::string joined;
    for (const auto &argument : line)
        joined += argument + " ";
    QVERIFY2(joined.find("pw1234") == std::string::npos, joined.c_str());
    QVERIFY2(joined.find("pw5678") == std::string::npos, joined.c_str());
    QVERIFY2(joined.find("t0k3n") == std::string::npos, joined.c_str());
    QVERIFY2(joined.find("user=bob") != std::string::npos, joined.c_str());
    QVERIFY2(joined.find("a=b") != std::string::npos, joined.c_str());
}

void TestResults::notAResultsFolderIsAClearError()
{
    auto missing = loadResults(m_dir.filePath("nothing here").toStdString());
    QVERIFY(!missing);
    QVERIFY(missing.error().message.find("no such folder") != std::string::npos);
    const fs::path other = m_dir.filePath("other").toStdString();
    fs::create_directories(other);
    auto notResults = loadResults(other.string());
    QVERIFY(!notResults);
    QVERIFY(notResults.error().file.ends_with("manifest.json"));
    std::ofstream(other / "manifest.json") << R"({"format": "loadwizard-results", "version": 7})";
    auto newer = loadResults(other.string());
    QVERIFY(!newer);
    QVERIFY2(newer.error().message.find("newer") != std::string::npos,
             newer.error().message.c_str());
}

void TestResults::errorsKeepASampleOfTheExchange()
{
    Project p = project("2,1");
    // simple.cpp asks for base_url + "/": into the query, the path stays /status/503.
    p.parameters["base_url"] = m_target.baseUrl() + "/status/503?to=";
    const std::string folder = m_dir.filePath("errors").toStdString();
    RunSessionOptions options;
    options.results.save = true;
    options.results.folder = folder;
    auto session = RunSession::prepare(p, options);
    QVERIFY(session);
    QVERIFY((*session)->start());
    const auto final = (*session)->finish();
    QVERIFY(final && final->total.requestErrors > 0);
    QCOMPARE(final->topErrors.size(), std::size_t(1));
    const ErrorMessageCount &error = final->topErrors[0];
    QCOMPARE(error.count, final->total.requestErrors);
    const std::string url = m_target.baseUrl() + "/status/503?to=/";
    QVERIFY2(error.sample.starts_with("> GET " + url + "\n"), error.sample.c_str());
    QVERIFY2(error.sample.find("< HTTP 503\n") != std::string::npos, error.sample.c_str());

    // In summary.json, and read back from the folder.
    auto saved = loadResults(folder);
    QVERIFY(saved);
    QCOMPARE(saved->snapshots.back()->topErrors.at(0).sample, error.sample);
    QCOMPARE(saved->manifest.verdict, std::string("every request failed"));
}

void TestResults::aFolderFromElsewhereCannotTrickTheReader()
{
    // A real folder to spoil.
    const fs::path good = m_dir.filePath("good").toStdString();
    RunSessionOptions options;
    options.results.save = true;
    options.results.folder = good.string();
    auto session = RunSession::prepare(project("2,1"), options);
    QVERIFY(session && (*session)->start() && (*session)->finish());
    const auto spoiled = [&](const char *name) {
        const fs::path copy = m_dir.filePath(name).toStdString();
        fs::copy(good, copy, fs::copy_options::recursive);
        return copy;
    };

    // A link in place of a file (to /etc/shadow, to a FIFO) is refused, not followed.
    const fs::path linked = spoiled("linked");
    fs::remove(linked / "series.jsonl");
    fs::create_symlink("/etc/hostname", linked / "series.jsonl");
    auto refused = loadResults(linked.string());
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.find("symbolic link") != std::string::npos,
             refused.error().message.c_str());
    const fs::path fifo = spoiled("fifo");
    fs::remove(fifo / "events.jsonl");
    QCOMPARE(::mkfifo((fifo / "events.jsonl").c_str(), 0600), 0);
    QVERIFY(!loadResults(fifo.string())); // and does not block

    // A missing histograms file is an error, not zero latencies.
    const fs::path missing = spoiled("missing");
    fs::remove(missing / "histograms.jsonl.gz");
    auto incomplete = loadResults(missing.string());
    QVERIFY(!incomplete);
    QVERIFY(incomplete.error().file.ends_with("histograms.jsonl.gz"));

    // A value of the wrong type is an error naming file and line, not an exception.
    const fs::path typed = spoiled("typed");
    std::string series = readFile(typed / "series.jsonl");
    series.replace(series.find("\"t\":"), 4, "\"t\":\"x\",\"u\":");
    std::ofstream(typed / "series.jsonl") << series;
    auto wrong = loadResults(typed.string());
    QVERIFY(!wrong);
    QVERIFY(wrong.error().file.ends_with("series.jsonl"));
    QCOMPARE(wrong.error().line, 1);

    // Two runs handed the same empty folder: the second is refused, the first's files stay.
    const fs::path shared = m_dir.filePath("shared").toStdString();
    fs::create_directories(shared);
    auto first = ResultsWriter::create(shared.string(), false, {}, "first\n", "--results");
    auto second = ResultsWriter::create(shared.string(), false, {}, "second\n", "--results");
    QVERIFY(first);
    QVERIFY(!second);
    QCOMPARE(readFile(shared / "project.yaml"), std::string("first\n"));
}

QTEST_GUILESS_MAIN(TestResults)
#include "tst_results.moc"
