// The Logstash output against a tiny TCP server that reads json_lines the way Logstash's tcp
// input does (one JSON document per '\n'-terminated line). Logstash cannot be installed offline
// on Debian 12.

#include "sinktesting.h"
#include <loadwizard/outputsinks.h>

#include <loadwizard/output.h>

#include <QTest>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using Json = nlohmann::json;

namespace {

/// Accepts connections on 127.0.0.1 and collects complete lines until stopped.
class JsonLinesServer
{
public:
    explicit JsonLinesServer(int port = 0)
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        const int one = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(std::uint16_t(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
            ::listen(m_listener, 16) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
            ::close(m_listener);
            m_listener = -1;
            return;
        }
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { loop(); });
    }

    ~JsonLinesServer() { stop(); }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    int port() const { return m_port; }
    std::string target() const { return "tcp://127.0.0.1:" + std::to_string(m_port); }

    std::vector<std::string> lines() const
    {
        std::lock_guard lock(m_mutex);
        return m_lines;
    }

    bool waitForLines(std::size_t count, int timeoutMs = 10'000) const
    {
        for (int waited = 0; waited < timeoutMs; waited += 20) {
            if (lines().size() >= count)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return lines().size() >= count;
    }

private:
    void loop()
    {
        struct Client
        {
            int fd;
            std::string buffer;
        };
        std::vector<Client> clients;
        while (!m_stop) {
            std::vector<pollfd> fds{{m_listener, POLLIN, 0}};
            for (const auto &client : clients)
                fds.push_back({client.fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 20) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK);
                if (fd >= 0)
                    clients.push_back({fd, {}});
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                Client &client = clients[i - 1];
                char data[4096];
                const ssize_t got = ::recv(client.fd, data, sizeof data, 0);
                if (got <= 0) {
                    ::close(client.fd);
                    client.fd = -1;
                    continue;
                }
                client.buffer.append(data, std::size_t(got));
                std::size_t newline;
                while ((newline = client.buffer.find('\n')) != std::string::npos) {
                    std::lock_guard lock(m_mutex);
                    m_lines.push_back(client.buffer.substr(0, newline));
                    client.buffer.erase(0, newline + 1);
                }
            }
            std::erase_if(clients, [](const Client &c) { return c.fd < 0; });
        }
        for (const auto &client : clients)
            ::close(client.fd);
        ::close(m_listener);
    }

    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop = false;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
};

std::unique_ptr<OutputSink> makeSink(const std::string &target,
                                     std::map<std::string, std::string, std::less<>> options = {})
{
    return makeTestSink(&Engine::makeLogstashSink, "logstash", target, std::move(options));
}

std::string action(const Json &document)
{
    if (document.contains("event") && document["event"].contains("action"))
        return document["event"]["action"].get<std::string>();
    return {};
}

} // namespace

class TestLogstash : public QObject
{
    Q_OBJECT

private slots:
    void sendsOneEcsDocumentPerLine()
    {
        JsonLinesServer server;
        QVERIFY(server.port() > 0);
        auto sink = makeSink(server.target());
        QVERIFY(sink);
        SnapshotSeries series;
        RecordingContext context;
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        std::uint64_t sent = 0;
        for (int i = 0; i < 2; ++i) {
            Snapshot snapshot = series.next(10, 1);
            // A message with its own line breaks must stay inside one json_lines document.
            snapshot.events.push_back({0.5, "info", "two\nlines\r\n", ErrorClass::Other, 9});
            sent += sink->deliver(snapshot, context).value_or(0);
        }
        sink->finish(nullptr, context);
        QCOMPARE(sent, std::uint64_t(2 * (4 + 4)));
        QVERIFY(server.waitForLines(1 + sent + 1));
        const auto lines = server.lines();
        QCOMPARE(lines.size(), std::size_t(1 + sent + 1));
        std::vector<Json> documents;
        for (const auto &line : lines) {
            const Json document = Json::parse(line, nullptr, false);
            QVERIFY2(document.is_object(), line.c_str());
            QVERIFY(document.contains("@timestamp"));
            QCOMPARE(document["ecs"]["version"].get<std::string>(), std::string("8.11.0"));
            QVERIFY(!document["loadwizard"]["id"].get<std::string>().empty());
            documents.push_back(document);
        }
        QCOMPARE(action(documents.front()), std::string("run-start"));
        QCOMPARE(action(documents.back()), std::string("run-stop"));
        const auto twoLines = std::count_if(documents.begin(), documents.end(), [](const Json &d) {
            return d.contains("message") && d["message"] == "two\nlines\r\n";
        });
        QCOMPARE(twoLines, 2);
        const auto failed = std::find_if(documents.begin(), documents.end(), [](const Json &d) {
            return action(d) == "request-failed";
        });
        QVERIFY(failed != documents.end());
        QCOMPARE((*failed)["http"]["response"]["status_code"].get<int>(), 503);
        QCOMPARE((*failed)["log"]["level"].get<std::string>(), std::string("error"));
    }

    void reconnectsWhenLogstashComesUpLate()
    {
        int port = 0;
        {
            JsonLinesServer probe;
            port = probe.port();
        }
        auto sink = makeSink("tcp://127.0.0.1:" + std::to_string(port));
        SnapshotSeries series;
        RecordingContext context(0.1);
        QVERIFY(sink->start(series.runInfo(), context).has_value()); // down: not fatal
        QVERIFY(!sink->testConnection().has_value());
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(10, 0), context); });
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        JsonLinesServer server(port);
        QVERIFY(server.port() == port);
        delivering.join();
        QVERIFY(sent && sent->has_value());
        QCOMPARE(**sent, std::uint64_t(1 + 4 + 2)); // the run-start event waited for it
        QVERIFY(context.retries() >= 1);
        QVERIFY(server.waitForLines(7));
        QCOMPARE(action(Json::parse(server.lines().front())), std::string("run-start"));
    }

    void reconnectsAfterLogstashRestarts()
    {
        auto server = std::make_unique<JsonLinesServer>();
        const int port = server->port();
        auto sink = makeSink(server->target());
        SnapshotSeries series;
        RecordingContext context(0.1);
        QVERIFY(sink->start(series.runInfo(), context).has_value());
        QVERIFY(sink->deliver(series.next(10, 0), context).has_value());
        QVERIFY(server->waitForLines(7));
        server.reset(); // closes its connections: the sink sees the FIN
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::optional<tl::expected<std::uint64_t, Error>> sent;
        std::thread delivering([&] { sent = sink->deliver(series.next(20, 0), context); });
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        server = std::make_unique<JsonLinesServer>(port);
        delivering.join();
        QVERIFY(sent && sent->has_value());
        QVERIFY(server->waitForLines(6));
        const auto lines = server->lines();
        QCOMPARE(lines.size(), std::size_t(6)); // the batch after the restart, whole
        QCOMPARE(Json::parse(lines.front())["loadwizard"]["sequence"].get<int>(), 2);
    }

    void rejectsBadConfiguration_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("field");
        QTest::newRow("no port") << "tcp://127.0.0.1"
                                 << ""
                                 << "target";
        QTest::newRow("http") << "http://127.0.0.1:5000"
                              << ""
                              << "target";
        QTest::newRow("unknown option") << "tcp://127.0.0.1:5000"
                                        << "codec"
                                        << "options.codec";
        QTest::newRow("timeout") << "tcp://127.0.0.1:5000"
                                 << "timeout"
                                 << "options.timeout";
    }

    void rejectsBadConfiguration()
    {
        QFETCH(QString, target);
        QFETCH(QString, key);
        QFETCH(QString, field);
        OutputConfig config;
        config.kind = "logstash";
        config.target = target.toStdString();
        if (!key.isEmpty())
            config.options[key.toStdString()] = "x";
        const auto sink = Engine::makeLogstashSink(config);
        QVERIFY(!sink.has_value());
        QCOMPARE(QString::fromStdString(sink.error().field), field);
    }
};

QTEST_GUILESS_MAIN(TestLogstash)
#include "tst_logstash.moc"
