// The Elasticsearch output against FakeElasticsearch, a test server written from the bulk API
// documentation (Elasticsearch cannot be installed offline on Debian 12; see
// fake_elasticsearch.h for what it checks).

#include "fake_elasticsearch.h"
#include "sinktesting.h"
#include <loadwizard/outputsinks.h>

#include "e2eharness.h"

#include <loadwizard/output.h>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using Json = nlohmann::json;

namespace {

std::unique_ptr<OutputSink> makeSink(const std::string &target,
                                     std::map<std::string, std::string, std::less<>> options = {})
{
    return makeTestSink(&Engine::makeElasticsearchSink, "elasticsearch", target,
                        std::move(options));
}

std::string utcDay(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%Y.%m.%d", &parts);
    return text;
}

const Json *find(const Json &document, std::initializer_list<const char *> path)
{
    const Json *node = &document;
    for (const char *key : path) {
        if (!node->is_object() || !node->contains(key))
            return nullptr;
        node = &(*node)[key];
    }
    return node;
}

std::size_t countWhere(const std::vector<FakeElasticsearch::Document> &documents,
                       const std::function<bool(const Json &)> &predicate)
{
    return std::size_t(std::count_if(documents.begin(), documents.end(),
                                     [&](const auto &d) { return predicate(d.source); }));
}

/// A server that accepts connections (the kernel completes the handshake) and never answers.
class SilentServer
{
public:
    SilentServer()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), length) != 0 ||
            ::listen(m_fd, 16) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            return;
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    int m_fd = -1;
    int m_port = 0;
};

bool isType(const Json &source, const char *type)
{
    const Json *value = find(source, {"loadwizard", "type"});
    return value && *value == type;
}

} // namespace

class TestElasticsearch : public QObject
{
    Q_OBJECT

private slots:
    void sendsNdjsonCreateActionsWithEcsFields()
    {
        FakeElasticsearch server;
        QVERIFY(server.listening());
        auto sink = makeSink(server.url());
        QVERIFY(sink);
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        std::uint64_t delivered = 0;
        for (int i = 0; i < 3; ++i) {
            const auto sent = sink->deliver(series.next(100, 2), context);
            QVERIFY2(sent.has_value(), sent ? "" : sent.error().message.c_str());
            delivered += *sent;
        }
        const Snapshot last = series.next(50, 0, true);
        QVERIFY(sink->deliver(last, context).has_value());
        sink->finish(&last, context);

        QVERIFY(server.protocolErrors().empty());
        for (const auto &request : server.requests()) {
            QCOMPARE(request.contentType, std::string("application/x-ndjson"));
            QCOMPARE(request.path, std::string("/_bulk"));
            QCOMPARE(request.status, 200);
        }
        const auto documents = server.documents();
        // Per interval: 1 interval + 2 requests + 1 transaction; logs: errors + check + exception.
        QCOMPARE(countWhere(documents, [](const Json &s) { return isType(s, "interval"); }),
                 std::size_t(4));
        QCOMPARE(countWhere(documents, [](const Json &s) { return isType(s, "request"); }),
                 std::size_t(8));
        QCOMPARE(countWhere(documents, [](const Json &s) { return isType(s, "transaction"); }),
                 std::size_t(4));
        const std::string day = utcDay(series.started() + std::chrono::seconds(1));
        std::uint64_t requests = 0;
        for (const auto &document : documents) {
            QCOMPARE(document.op, std::string("create"));
            QVERIFY(!document.id.empty());
            QVERIFY(document.source.contains("@timestamp"));
            QCOMPARE(document.source["ecs"]["version"].get<std::string>(), std::string("8.11.0"));
            QCOMPARE(document.source["service"]["name"].get<std::string>(),
                     std::string("loadwizard"));
            const bool metric = document.source["event"]["kind"] == "metric";
            QCOMPARE(document.index, (metric ? "loadwizard-metrics-" : "loadwizard-logs-") + day);
            if (isType(document.source, "interval")) {
                requests += document.source["loadwizard"]["requests"]["count"].get<std::uint64_t>();
                QCOMPARE(document.source["event"]["duration"].get<std::int64_t>(),
                         std::int64_t(1'000'000'000));
            }
        }
        QCOMPARE(requests, series.total().requests);

        const auto logs = std::count_if(documents.begin(), documents.end(), [](const auto &d) {
            return d.source["event"]["kind"] == "event";
        });
        // 3 × (2 errors + check + exception) + 2 (check, exception) + run start + run stop
        QCOMPARE(logs, 16);
        QCOMPARE(delivered + 6 + 1 + 1, std::uint64_t(documents.size()));

        const auto requestError =
            std::find_if(documents.begin(), documents.end(), [](const auto &d) {
                const Json *action = find(d.source, {"event", "action"});
                return action && *action == "request-failed";
            });
        QVERIFY(requestError != documents.end());
        const Json &error = requestError->source;
        QCOMPARE(error["log"]["level"].get<std::string>(), std::string("error"));
        QCOMPARE(error["http"]["request"]["method"].get<std::string>(), std::string("GET"));
        QCOMPARE(error["http"]["response"]["status_code"].get<int>(), 503);
        QCOMPARE(error["url"]["full"].get<std::string>(), std::string(SnapshotSeries::productName));
        QCOMPARE(error["error"]["message"].get<std::string>(), std::string("HTTP 503"));
        QVERIFY(error["message"].get<std::string>().find("HTTP 503") != std::string::npos);

        const auto stop = std::find_if(documents.begin(), documents.end(), [](const auto &d) {
            const Json *action = find(d.source, {"event", "action"});
            return action && *action == "run-stop";
        });
        QVERIFY(stop != documents.end());
        QCOMPARE(stop->source["loadwizard"]["summary"]["requests"].get<std::uint64_t>(),
                 series.total().requests);
        QCOMPARE(stop->source["event"]["duration"].get<std::int64_t>(),
                 std::int64_t(4'000'000'000));
        QCOMPARE(context.rejected(), std::uint64_t(0));
        QCOMPARE(context.retries(), 0);
    }

    void labelsEachGroupsDocumentsBesideTheRuns()
    {
        FakeElasticsearch server;
        QVERIFY(server.listening());
        auto sink = makeSink(server.url());
        QVERIFY(sink);
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        for (int i = 0; i < 2; ++i)
            QVERIFY(sink->deliver(withTwoGroups(series.next(40, 4)), context).has_value());
        sink->finish(nullptr, context);
        QVERIFY(server.protocolErrors().empty());
        const auto documents = server.documents();
        const auto group = [](const Json &s) {
            const Json *value = find(s, {"labels", "group"});
            return value ? value->get<std::string>() : std::string();
        };
        std::map<std::string, std::uint64_t> requests, checkout, intervals;
        for (const auto &document : documents) {
            const Json &s = document.source;
            if (isType(s, "interval")) {
                ++intervals[group(s)];
                requests[group(s)] += s["loadwizard"]["requests"]["count"].get<std::uint64_t>();
                // Log events are the run's.
                QCOMPARE(s["loadwizard"].contains("events_dropped"), group(s).empty());
                QCOMPARE(s["loadwizard"]["vusers"].contains("max"), group(s).empty());
            }
            if (isType(s, "transaction"))
                checkout[group(s)] += s["loadwizard"]["count"].get<std::uint64_t>();
            if (s["event"]["kind"] == "event")
                QCOMPARE(group(s), std::string());
        }
        using Counts = std::map<std::string, std::uint64_t>;
        QCOMPARE(intervals, (Counts{{"", 2}, {"browse", 2}, {"buy.eu", 2}}));
        QCOMPARE(requests, (Counts{{"", 80}, {"browse", 40}, {"buy.eu", 40}}));
        QCOMPARE(checkout, (Counts{{"", 80}, {"browse", 40}, {"buy.eu", 40}}));
        // Per interval: the run's 1 + 2 requests + 1 transaction, each group's 1 + 1 + 1; no id
        // met twice (a conflict would have dropped a document).
        QCOMPARE(countWhere(documents, [](const Json &s) { return isType(s, "request"); }),
                 std::size_t(8));
        std::set<std::string> ids;
        for (const auto &document : documents)
            ids.insert(document.id);
        QCOMPARE(ids.size(), documents.size());
        QCOMPARE(context.rejected(), std::uint64_t(0));
    }

    void retriesItemsRefusedWith429UntilAccepted()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.item429Attempts = 2;
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        const auto sent = sink->deliver(series.next(10, 1), context);
        QVERIFY(sent.has_value());
        QCOMPARE(*sent, std::uint64_t(1 + 4 + 3)); // with the run-start event refused in start()
        QVERIFY(context.retries() >= 2);
        QCOMPARE(context.rejected(), std::uint64_t(0));
        // Stored once each, sent three times each (429, 429, created).
        const auto documents = server.documents();
        QCOMPARE(documents.size(), std::size_t(1 + 4 + 3));
        for (const auto &[id, attempts] : server.attempts())
            QCOMPARE(attempts, 3);
        for (const double delay : context.backoffs())
            QVERIFY(delay > 0);
    }

    void countsItemsRefusedWith400AndDoesNotResendThem()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.reject400 = [](const Json &source) { return isType(source, "request"); };
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        const auto sent = sink->deliver(series.next(10, 0), context);
        QVERIFY(sent.has_value());
        QCOMPARE(*sent, std::uint64_t(1 + 1 + 2)); // interval, transaction, check, exception
        QCOMPARE(context.rejected(), std::uint64_t(2));
        QCOMPARE(context.retries(), 0);
        for (const auto &[id, attempts] : server.attempts())
            QCOMPARE(attempts, 1);
        const auto messages = context.messages();
        QVERIFY(std::any_of(messages.begin(), messages.end(), [](const std::string &m) {
            return m.find("mapper_parsing_exception") != std::string::npos;
        }));
    }

    void honoursWholeRequest429()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.wholeRequest429 = 3; // start()'s request, then two of deliver()'s
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        const auto sent = sink->deliver(series.next(10, 0), context);
        QVERIFY(sent.has_value());
        QCOMPARE(*sent, std::uint64_t(1 + 4 + 2)); // the run-start event went out with it
        QCOMPARE(context.retries(), 2);
        QCOMPARE(server.documents().size(), std::size_t(7));
        // Backoff grows between attempts.
        const auto delays = context.backoffs();
        QCOMPARE(delays.size(), std::size_t(2));
        QVERIFY(delays[1] > delays[0]);
    }

    void splitsBatchesTheServerFindsTooLarge()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.maxBodyBytes = 3000;
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        const auto sent = sink->deliver(series.next(100, 5), context);
        QVERIFY(sent.has_value());
        QCOMPARE(*sent, std::uint64_t(4 + 5 + 2));
        QCOMPARE(server.documents().size(), std::size_t(1 + 11));
        const auto requests = server.requests();
        QVERIFY(std::any_of(requests.begin(), requests.end(),
                            [](const auto &r) { return r.status == 413; }));
        QCOMPARE(context.rejected(), std::uint64_t(0));
    }

    void splitsByMaxBulkBytesBeforeSending()
    {
        FakeElasticsearch server;
        auto sink = makeSink(server.url(), {{"max_bulk_bytes", "2048"}});
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        QVERIFY(sink->deliver(series.next(100, 5), context).has_value());
        for (const auto &request : server.requests())
            QVERIFY(request.bodyBytes <= 2048);
        QVERIFY(server.requests().size() > 3);
        QCOMPARE(server.documents().size(), std::size_t(1 + 11));
    }

    void resentCreatesAfterALostAnswerAreNotDuplicated()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.storeThenFail = 1;
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value()); // stored, answered 503
        const auto sent = sink->deliver(series.next(10, 0), context);
        QVERIFY(sent.has_value());
        QCOMPARE(*sent, std::uint64_t(1 + 4 + 2)); // the start event met a 409: already stored
        QCOMPARE(server.documents().size(), std::size_t(7));
        QCOMPARE(context.rejected(), std::uint64_t(0));
    }

    void writesToADataStream()
    {
        FakeElasticsearch server;
        server.addDataStream("logs-loadwizard-default");
        auto sink = makeSink(server.url(), {{"data_stream", "logs-loadwizard-default"}});
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        QVERIFY(sink->deliver(series.next(10, 1), context).has_value());
        sink->finish(nullptr, context);
        const auto documents = server.documents();
        QCOMPARE(documents.size(), std::size_t(1 + 4 + 3 + 1));
        for (const auto &document : documents) {
            QCOMPARE(document.index, std::string("logs-loadwizard-default"));
            QCOMPARE(document.op, std::string("create"));
        }
        QCOMPARE(context.rejected(), std::uint64_t(0));
    }

    void customIndexPatterns()
    {
        FakeElasticsearch server;
        auto sink = makeSink(server.url(), {{"index", "perf-%Y"}, {"logs_index", "perf-logs"}});
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        QVERIFY(sink->deliver(series.next(10, 0), context).has_value());
        const std::string year = utcDay(series.started()).substr(0, 4);
        std::set<std::string> indices;
        for (const auto &document : server.documents())
            indices.insert(document.index);
        QCOMPARE(indices, (std::set<std::string>{"perf-" + year, "perf-logs"}));
    }

    void basicAuthFromTheUrlNeverShowsThePassword()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.requiredAuthorization = "Basic ZWxhc3RpYzpzM2NyZXQ6IQ=="; // elastic:s3cret:!
        server.setFaults(faults);
        const std::string target =
            "http://elastic:s3cret%3A%21@127.0.0.1:" + std::to_string(server.port());
        auto sink = makeSink(target);
        QVERIFY(sink);
        QVERIFY(sink->name().find("s3cret") == std::string::npos);
        QVERIFY(sink->name().find("elastic@") == std::string::npos);
        QVERIFY(sink->testConnection().has_value());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        QVERIFY(sink->deliver(series.next(10, 0), context).has_value());
        QCOMPARE(server.documents().size(), std::size_t(7));
    }

    void apiKeyAuthAndWrongCredentials()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.requiredAuthorization = "ApiKey aWQ6a2V5"; // base64("id:key")
        server.setFaults(faults);
        auto good = makeSink(server.url(), {{"api_key", "id:key"}});
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(good->start(series.runInfo(), context).has_value());
        QVERIFY(good->deliver(series.next(10, 0), context).has_value());
        QCOMPARE(server.documents().size(), std::size_t(7));

        auto encoded = makeSink(server.url(), {{"api_key", "aWQ6a2V5"}});
        QVERIFY(encoded->testConnection().has_value());

        auto wrong = makeSink(server.url(), {{"api_key", "id:nope"}});
        RecordingContext wrongContext;
        QVERIFY(wrong->start(series.runInfo(), wrongContext).has_value());
        const auto sent = wrong->deliver(series.next(10, 0), wrongContext);
        QVERIFY(!sent.has_value());
        QVERIFY(sent.error().message.find("401") != std::string::npos);
        QVERIFY(sent.error().message.find("nope") == std::string::npos);
        QCOMPARE(wrongContext.retries(), 0);
    }

    void reconnectsWhenTheServerComesUpLate()
    {
        int port = 0;
        {
            FakeElasticsearch probe; // learn a free port, then free it
            port = probe.port();
        }
        auto sink = makeSink("http://127.0.0.1:" + std::to_string(port));
        SnapshotSeries series;
        RecordingContext context(0.1);
        QVERIFY(sink->start(series.runInfo(), context).has_value()); // down: not fatal
        QVERIFY(!sink->testConnection().has_value());
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(10, 0), context); });
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        FakeElasticsearch server(port);
        QVERIFY(server.listening());
        delivering.join();
        QVERIFY(sent && sent->has_value());
        QCOMPARE(**sent, std::uint64_t(1 + 4 + 2));
        QVERIFY(context.retries() >= 1);
        QCOMPARE(server.documents().size(), std::size_t(7));
    }

    void givesUpWhenTheRunIsOver()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.wholeRequest429 = 1000;
        server.setFaults(faults);
        auto sink = makeSink(server.url());
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(10, 0), context); });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        context.stop();
        delivering.join();
        QVERIFY(sent && !sent->has_value());
        QVERIFY(server.documents().empty());
    }

    void slowServerKeepsTheQueueBoundedAndCountsDrops()
    {
        FakeElasticsearch server;
        FakeElasticsearch::Faults faults;
        faults.delayMs = 200;
        server.setFaults(faults);
        SnapshotSeries series;
        OutputRunner runner(makeSink(server.url()), series.runInfo(), 3);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 40; ++i)
            runner.push(std::make_shared<const Snapshot>(series.next(10, 0)));
        QVERIFY(timer.elapsed() < 200); // the engine's side never waits for the server
        runner.finish(5.0);
        const OutputStats stats = runner.stats();
        QCOMPARE(stats.sent + stats.dropped, std::uint64_t(40));
        QVERIFY(stats.dropped >= 30);
        QCOMPARE(stats.pointsSent, stats.sent * 6);
        QCOMPARE(stats.pointsRejected, std::uint64_t(0));
        // The run-start and run-stop events, plus what was delivered.
        QCOMPARE(std::uint64_t(server.documents().size()), stats.pointsSent + 2);
    }

    void finishCutsARequestInFlightAtTheFlushDeadline()
    {
        // Without the cut, start()'s request alone would wait out the 60 s timeout.
        SilentServer server;
        QVERIFY(server.port() > 0);
        SnapshotSeries series;
        OutputRunner runner(makeSink(server.url(), {{"timeout", "60"}}), series.runInfo());
        runner.push(std::make_shared<const Snapshot>(series.next(10, 0)));
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the request is in flight
        QElapsedTimer timer;
        timer.start();
        runner.finish(1.0);
        const qint64 elapsed = timer.elapsed();
        // libcurl asks about stopping about once a second while waiting: a generous margin.
        QVERIFY2(elapsed < 8000, qPrintable(QString("finish(1.0) took %1 ms").arg(elapsed)));
        const OutputStats stats = runner.stats();
        QCOMPARE(stats.sent, std::uint64_t(0));
        QCOMPARE(stats.dropped, std::uint64_t(1));
        QVERIFY(!stats.lastError.empty());
    }

    void headlessRunDocumentsAddUpToTheSummary()
    {
        EndToEnd::Harness harness;
        if (!harness.problem().isEmpty())
            QSKIP(qPrintable(harness.problem()));
        FakeElasticsearch server;
        const QString json = harness.scratchPath("elasticsearch-run.json");
        const QString out = QString::fromStdString("elasticsearch=" + server.url() +
                                                   "?index=e2e-metrics&logs_index=e2e-logs");
        const auto outcome = harness.run({"demo", "--quiet", "--rampup", "4,1,0,3", "--param",
                                          "think=0", "--out", out, "--summary-json", json},
                                         180'000);
        QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
        const QJsonObject summary = EndToEnd::readJson(json);
        const qint64 requests = EndToEnd::count(summary, {"requests", "count"});
        QVERIFY(requests > 0);
        QVERIFY(server.protocolErrors().empty());
        std::uint64_t sum = 0;
        std::uint64_t errors = 0;
        bool started = false;
        bool stopped = false;
        for (const auto &document : server.documents()) {
            if (isType(document.source, "interval")) {
                QCOMPARE(document.index, std::string("e2e-metrics"));
                sum += document.source["loadwizard"]["requests"]["count"].get<std::uint64_t>();
                errors += document.source["loadwizard"]["requests"]["errors"].get<std::uint64_t>();
            }
            const Json *action = find(document.source, {"event", "action"});
            if (action && *action == "run-start")
                started = true;
            if (action && *action == "run-stop") {
                stopped = true;
                QCOMPARE(document.index, std::string("e2e-logs"));
                QCOMPARE(
                    qint64(
                        document.source["loadwizard"]["summary"]["requests"].get<std::uint64_t>()),
                    requests);
            }
        }
        QCOMPARE(qint64(sum), requests);
        QCOMPARE(qint64(errors), EndToEnd::count(summary, {"requests", "errors"}));
        QVERIFY(started);
        QVERIFY(stopped);
        const QJsonObject outputs = summary["outputs"].toObject();
        QCOMPARE(outputs.size(), 1);
        QVERIFY(outputs.begin().key().startsWith("elasticsearch http://127.0.0.1:"));
        QCOMPARE(outputs.begin().value().toObject()["dropped"].toInteger(), 0);
    }

    void rejectsBadConfiguration_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field");
        QTest::newRow("not http") << "tcp://127.0.0.1:9200"
                                  << ""
                                  << ""
                                  << "target";
        QTest::newRow("no host") << "http://"
                                 << ""
                                 << ""
                                 << "target";
        QTest::newRow("unknown option") << "http://h:9200"
                                        << "indexx"
                                        << "x"
                                        << "options.indexx";
        QTest::newRow("upper-case index") << "http://h:9200"
                                          << "index"
                                          << "Loadwizard"
                                          << "options.index";
        QTest::newRow("index with space") << "http://h:9200"
                                          << "index"
                                          << "a b"
                                          << "options.index";
        QTest::newRow("index starting with _") << "http://h:9200"
                                               << "index"
                                               << "_x"
                                               << "options.index";
        QTest::newRow("index with time directive") << "http://h:9200"
                                                   << "index"
                                                   << "x-%M"
                                                   << "options.index";
        QTest::newRow("data stream with directive") << "http://h:9200"
                                                    << "data_stream"
                                                    << "x-%Y"
                                                    << "options.data_stream";
        QTest::newRow("verify_tls") << "http://h:9200"
                                    << "verify_tls"
                                    << "maybe"
                                    << "options.verify_tls";
        QTest::newRow("timeout") << "http://h:9200"
                                 << "timeout"
                                 << "-1"
                                 << "options.timeout";
        QTest::newRow("bulk bytes") << "http://h:9200"
                                    << "max_bulk_bytes"
                                    << "10"
                                    << "options.max_bulk_bytes";
        QTest::newRow("api key and user") << "http://u:p@h:9200"
                                          << "api_key"
                                          << "a:b"
                                          << "options.api_key";
    }

    void rejectsBadConfiguration()
    {
        QFETCH(QString, target);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, field);
        OutputConfig config;
        config.kind = "elasticsearch";
        config.target = target.toStdString();
        if (!key.isEmpty())
            config.options[key.toStdString()] = value.toStdString();
        const auto sink = Engine::makeElasticsearchSink(config);
        QVERIFY(!sink.has_value());
        QCOMPARE(QString::fromStdString(sink.error().field), field);
        QVERIFY(sink.error().message.find(":p@") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestElasticsearch)
#include "tst_elasticsearch.moc"
