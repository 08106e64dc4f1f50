// The InfluxDB output against an InfluxDB 2.x write API. No 2.x server installs offline on
// Debian 12, so FakeInflux2 below answers like one, written from the InfluxDB OSS v2 API
// documentation (api/write, write-data/troubleshoot, api/response-codes):
//   - GET /ping: 204 with `X-Influxdb-Version: 2.7.1` and `X-Influxdb-Build: OSS`, no token needed;
//   - POST /api/v2/write?org=&bucket=&precision= (ns, us, ms, s; default ns), `Authorization:
//     Token <token>` else 401, `Content-Encoding: gzip` or identity, line protocol body;
//   - errors as `{"code": "...", "message": "..."}`: 400 malformed (nothing written), 401,
//     404 unknown org or bucket, 422 partial write (the good points are kept), 429 and 503 with
//     `Retry-After` (seconds).
// The tests check that the sink finds the v2 API from /ping, writes to the right path with the
// token from ${ENV_VAR}, retries 429/503 honouring Retry-After, never resends a 422, counts the
// rejected points, and never shows the token in its name or errors.

#include "sinktesting.h"

#include <loadwizard/output.h>

#include <QTest>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <zlib.h>

using namespace Loadwizard;

namespace {

constexpr const char *tokenVariable = "LW_TEST_INFLUX2_TOKEN";
constexpr const char *secretToken = "lw-S3cr3t-t0ken-4f9a";

std::string gunzipped(const std::string &data)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return {};
    std::string out;
    char buffer[16384];
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    int result = Z_OK;
    while (result == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer);
        stream.avail_out = sizeof buffer;
        result = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
    }
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : std::string();
}

/// Splits a line at the spaces that separate measurement+tags, fields and timestamp (not the
/// escaped ones, nor those inside quoted string fields). Returns the parse problem, or "".
std::string lineProblem(const std::string &line, std::vector<std::string> &parts)
{
    parts.assign(1, {});
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {
            parts.back() += c;
            parts.back() += line[++i];
            continue;
        }
        if (c == '"' && parts.size() == 2)
            quoted = !quoted;
        if (c == ' ' && !quoted) {
            parts.emplace_back();
            continue;
        }
        if (c == '\r' || c == '\n')
            return "line contains CR or LF";
        parts.back() += c;
    }
    if (quoted)
        return "unterminated string";
    if (parts.size() != 3)
        return "expected measurement, fields and a timestamp, got " + std::to_string(parts.size()) +
               " parts";
    if (parts[0].empty() || parts[0][0] == ',')
        return "missing measurement";
    if (parts[0].find("=,") != std::string::npos || parts[0].back() == '=')
        return "missing tag value";
    if (parts[1].empty() || parts[1].find('=') == std::string::npos)
        return "missing fields";
    if (parts[2].find_first_not_of("0123456789") != std::string::npos)
        return "bad timestamp";
    return {};
}

/// An InfluxDB 2.x write API on a free loopback port (see the top of the file).
class FakeInflux2
{
public:
    struct Fault
    {
        int status = 0;
        std::string retryAfter;    ///< Retry-After value, none when empty
        std::uint64_t dropped = 0; ///< 422: the last `dropped` points of the body are refused
    };

    struct Write
    {
        std::string org, bucket, precision;
        std::string authorization, contentEncoding, contentType;
        std::size_t wireBytes = 0; ///< Content-Length: what went over the wire
        std::string body;          ///< decompressed
        std::vector<std::string> lines;
        int status = 0;
    };

    explicit FakeInflux2(std::string token)
        : m_token(std::move(token))
    {
        m_server.Get("/ping", [this](const httplib::Request &, httplib::Response &response) {
            std::lock_guard lock(m_mutex);
            ++m_pings;
            response.status = 204;
            response.set_header("X-Influxdb-Version", "2.7.1");
            response.set_header("X-Influxdb-Build", "OSS");
        });
        m_server.Post("/api/v2/write",
                      [this](const httplib::Request &request, httplib::Response &response) {
                          write(request, response);
                      });
        // A v2 client has no business with the 1.x API here; record it if it tries.
        const auto unexpected = [this](const httplib::Request &request,
                                       httplib::Response &response) {
            std::lock_guard lock(m_mutex);
            m_protocolErrors.push_back(request.method + " " + request.path);
            error(response, 404, "not found", "path not found");
        };
        m_server.Post("/write", unexpected);
        m_server.Post("/query", unexpected);
        m_server.Get("/query", unexpected);
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    ~FakeInflux2()
    {
        m_server.stop();
        m_thread.join();
    }

    int port() const { return m_port; }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(m_port); }

    void addFault(Fault fault)
    {
        std::lock_guard lock(m_mutex);
        m_faults.push_back(std::move(fault));
    }
    std::vector<Write> writes() const
    {
        std::lock_guard lock(m_mutex);
        return m_writes;
    }
    std::vector<std::string> stored() const
    {
        std::lock_guard lock(m_mutex);
        return m_stored;
    }
    std::vector<std::string> protocolErrors() const
    {
        std::lock_guard lock(m_mutex);
        return m_protocolErrors;
    }
    int pings() const
    {
        std::lock_guard lock(m_mutex);
        return m_pings;
    }

private:
    static void error(httplib::Response &response, int status, const std::string &code,
                      const std::string &message)
    {
        response.status = status;
        std::string escaped;
        for (char c : message) {
            if (c == '"' || c == '\\')
                escaped += '\\';
            escaped += c;
        }
        response.set_content("{\"code\":\"" + code + "\",\"message\":\"" + escaped + "\"}",
                             "application/json; charset=utf-8");
    }

    void write(const httplib::Request &request, httplib::Response &response)
    {
        Write seen;
        seen.org = request.get_param_value("org");
        seen.bucket = request.get_param_value("bucket");
        seen.precision = request.get_param_value("precision");
        seen.authorization = request.get_header_value("Authorization");
        seen.contentEncoding = request.get_header_value("Content-Encoding");
        seen.contentType = request.get_header_value("Content-Type");
        seen.wireBytes = std::size_t(
            std::strtoull(request.get_header_value("Content-Length").c_str(), nullptr, 10));
        // This httplib inflates gzip request bodies itself; one built without zlib would not.
        seen.body = request.body.starts_with("\x1f\x8b") ? gunzipped(request.body) : request.body;

        std::lock_guard lock(m_mutex);
        const auto finish = [&](int status) {
            seen.status = status;
            m_writes.push_back(seen);
        };
        if (seen.authorization != "Token " + m_token) {
            error(response, 401, "unauthorized", "unauthorized access");
            return finish(401);
        }
        if (seen.org.empty()) {
            error(response, 400, "invalid", "Please provide either orgID or org");
            return finish(400);
        }
        if (seen.bucket.empty()) {
            error(response, 404, "not found", "bucket \"\" not found");
            return finish(404);
        }
        const std::string precision = seen.precision.empty() ? "ns" : seen.precision;
        if (precision != "ns" && precision != "us" && precision != "ms" && precision != "s") {
            error(response, 400, "invalid",
                  "invalid precision; valid precision units are ns, us, ms, and s");
            return finish(400);
        }
        if (seen.body.empty() || seen.body.back() != '\n') {
            // Accepted by the server, but every batch we write ends its last line.
            m_protocolErrors.push_back("body does not end with LF");
        }
        std::size_t start = 0;
        while (start < seen.body.size()) {
            auto end = seen.body.find('\n', start);
            if (end == std::string::npos)
                end = seen.body.size();
            const std::string line = seen.body.substr(start, end - start);
            start = end + 1;
            if (line.empty() || line[0] == '#')
                continue;
            std::vector<std::string> parts;
            if (const std::string problem = lineProblem(line, parts); !problem.empty()) {
                error(response, 400, "invalid",
                      "unable to parse '" + line + "': " + problem + " (nothing was written)");
                return finish(400);
            }
            seen.lines.push_back(line);
        }

        Fault fault;
        if (!m_faults.empty()) {
            fault = m_faults.front();
            m_faults.pop_front();
        }
        if (fault.status == 422) {
            const std::size_t kept =
                seen.lines.size() - std::min<std::size_t>(fault.dropped, seen.lines.size());
            m_stored.insert(m_stored.end(), seen.lines.begin(), seen.lines.begin() + kept);
            error(response, 422, "unprocessable entity",
                  "failure writing points to database: partial write: field type conflict: "
                  "input field \"count\" on measurement \"requests\" is type float, already "
                  "exists as type integer dropped=" +
                      std::to_string(fault.dropped));
            return finish(422);
        }
        if (fault.status != 0) {
            if (!fault.retryAfter.empty())
                response.set_header("Retry-After", fault.retryAfter);
            error(response, fault.status, fault.status == 429 ? "too many requests" : "unavailable",
                  fault.status == 429 ? "write limit exceeded" : "service unavailable");
            return finish(fault.status);
        }
        m_stored.insert(m_stored.end(), seen.lines.begin(), seen.lines.end());
        response.status = 204;
        finish(204);
    }

    std::string m_token;
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::deque<Fault> m_faults;
    std::vector<Write> m_writes;
    std::vector<std::string> m_stored;
    std::vector<std::string> m_protocolErrors;
    int m_pings = 0;
};

/// A v2 sink for `server`, its token given as ${LW_TEST_INFLUX2_TOKEN} (set to `token`).
std::unique_ptr<OutputSink> makeSink(const FakeInflux2 &server, const std::string &token,
                                     const std::string &options = {})
{
    qputenv(tokenVariable, QByteArray::fromStdString(token));
    const std::string flag = "influxdb=" + server.base() + "/lw-bucket?org=perf%20team&token=${" +
                             tokenVariable + "}" + options;
    auto config = parseOutputFlag(flag);
    if (!config)
        qFatal("parseOutputFlag: %s", config.error().toString().c_str());
    auto sink = makeOutput(*config);
    if (!sink)
        qFatal("makeOutput: %s", sink.error().toString().c_str());
    return std::move(*sink);
}

bool containsToken(const std::string &text)
{
    return text.find(secretToken) != std::string::npos ||
           text.find("wrong-token-77") != std::string::npos;
}

} // namespace

class TestInflux2Output : public QObject
{
    Q_OBJECT

private slots:
    void findsTheV2ApiAndWritesGzippedLinesWithTheToken();
    void retriesTooManyRequestsAndUnavailableHonouringRetryAfter();
    void neverResendsAPartialWrite();
    void unauthorizedIsNotRetriedAndTheTokenStaysSecret();
    void runnerCountsRetriesAndRejectedPoints();
};

void TestInflux2Output::findsTheV2ApiAndWritesGzippedLinesWithTheToken()
{
    FakeInflux2 server(secretToken);
    auto sink = makeSink(server, secretToken);
    QVERIFY(!containsToken(sink->name()));
    RecordingContext context;
    SnapshotSeries series;
    QVERIFY(sink->start(series.runInfo(), context).has_value());
    QCOMPARE(server.pings(), 1); // version=auto asks /ping, which answers 2.7.1
    const auto annotationLines = server.stored().size();
    QVERIFY(annotationLines > 0); // the run-start annotation

    const auto sent = sink->deliver(series.next(40, 2), context);
    QVERIFY2(sent.has_value(), sent ? "" : sent.error().toString().c_str());
    QVERIFY(server.protocolErrors().empty());

    const auto writes = server.writes();
    QCOMPARE(writes.size(), std::size_t(2));
    for (const auto &write : writes) {
        QCOMPARE(write.status, 204);
        QCOMPARE(write.org, std::string("perf team"));
        QCOMPARE(write.bucket, std::string("lw-bucket"));
        QCOMPARE(write.precision, std::string("ms"));
        QCOMPARE(write.authorization, "Token " + std::string(secretToken));
        QCOMPARE(write.contentEncoding, std::string("gzip"));
        QVERIFY(write.contentType.starts_with("text/plain"));
        // What crossed the wire is smaller than the line protocol it inflates to.
        QVERIFY2(
            write.wireBytes > 0 && write.wireBytes < write.body.size(),
            (std::to_string(write.wireBytes) + " vs " + std::to_string(write.body.size())).c_str());
        QVERIFY(write.body.find('\r') == std::string::npos);
    }
    QCOMPARE(*sent, std::uint64_t(writes[1].lines.size()));
    QCOMPARE(server.stored().size(), annotationLines + writes[1].lines.size());

    // precision=ms: timestamps are milliseconds of the run's time, not seconds or nanoseconds.
    const auto startedMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(series.started().time_since_epoch())
            .count();
    bool sawRequests = false;
    for (const auto &line : writes[1].lines) {
        std::vector<std::string> parts;
        QVERIFY(lineProblem(line, parts).empty());
        const long long stamp = std::stoll(parts[2]);
        QVERIFY2(stamp >= startedMs && stamp <= startedMs + 3'600'000, line.c_str());
        if (parts[0].starts_with("requests,") && parts[0].find("request=all") != std::string::npos)
            sawRequests = parts[1].find("count=40i") != std::string::npos;
    }
    QVERIFY(sawRequests);
}

void TestInflux2Output::retriesTooManyRequestsAndUnavailableHonouringRetryAfter()
{
    FakeInflux2 server(secretToken);
    auto sink = makeSink(server, secretToken, "&version=2");
    RecordingContext context; // backoffs are recorded, and cut to 20 ms
    SnapshotSeries series;
    QVERIFY(sink->start(series.runInfo(), context).has_value());
    QCOMPARE(server.pings(), 0); // version=2 given: no detection
    const auto before = server.writes().size();
    const auto storedBefore = server.stored().size();

    server.addFault({429, "7", 0});
    server.addFault({503, "3", 0});
    server.addFault({503, "", 0});
    const auto sent = sink->deliver(series.next(10, 0), context);
    QVERIFY(sent.has_value());

    const auto writes = server.writes();
    QCOMPARE(writes.size() - before, std::size_t(4));
    QCOMPARE(writes[before].status, 429);
    QCOMPARE(writes[before + 1].status, 503);
    QCOMPARE(writes[before + 2].status, 503);
    QCOMPARE(writes[before + 3].status, 204);
    for (std::size_t i = before + 1; i < writes.size(); ++i)
        QCOMPARE(writes[i].body, writes[before].body); // the same batch again
    QCOMPARE(context.retries(), 3);
    const auto backoffs = context.backoffs();
    QCOMPARE(backoffs.size(), std::size_t(3));
    QCOMPARE(backoffs[0], 7.0); // Retry-After honoured
    QCOMPARE(backoffs[1], 3.0);
    // Without Retry-After: the sink's own backoff, 0.5 s doubled per attempt (2 s on the
    // third), ±20 % jitter.
    QVERIFY2(backoffs[2] >= 1.0 && backoffs[2] <= 3.0, std::to_string(backoffs[2]).c_str());
    // Stored once, although sent four times.
    QCOMPARE(server.stored().size() - storedBefore, writes.back().lines.size());
    QCOMPARE(*sent, std::uint64_t(writes.back().lines.size()));
}

void TestInflux2Output::neverResendsAPartialWrite()
{
    FakeInflux2 server(secretToken);
    auto sink = makeSink(server, secretToken);
    RecordingContext context;
    SnapshotSeries series;
    QVERIFY(sink->start(series.runInfo(), context).has_value());
    const auto before = server.writes().size();
    const auto storedBefore = server.stored().size();

    server.addFault({422, "", 2});
    const auto sent = sink->deliver(series.next(10, 1), context);
    QVERIFY(sent.has_value());
    const auto writes = server.writes();
    QCOMPARE(writes.size() - before, std::size_t(1)); // not resent
    const std::size_t lines = writes.back().lines.size();
    QCOMPARE(*sent, std::uint64_t(lines - 2));
    QCOMPARE(context.rejected(), std::uint64_t(2));
    QCOMPARE(context.retries(), 0);
    QCOMPARE(server.stored().size() - storedBefore, lines - 2);
    bool logged = false;
    for (const auto &message : context.messages())
        logged = logged || message.find("partial write") != std::string::npos;
    QVERIFY(logged); // the server's message is shown
}

void TestInflux2Output::unauthorizedIsNotRetriedAndTheTokenStaysSecret()
{
    FakeInflux2 server(secretToken);
    SnapshotSeries series;
    OutputRunner runner(makeSink(server, "wrong-token-77"), series.runInfo(), 10);
    for (int i = 0; i < 3; ++i)
        runner.push(std::make_shared<const Snapshot>(series.next(10, 0)));
    runner.finish(10);
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.sent, std::uint64_t(0));
    QCOMPARE(stats.dropped, std::uint64_t(3));
    QCOMPARE(stats.retried, std::uint64_t(0));
    QVERIFY(server.stored().empty());
    const auto writes = server.writes();
    // The run-start annotation, three snapshots and the run-end annotation: once each.
    QCOMPARE(writes.size(), std::size_t(5));
    for (const auto &write : writes) {
        QCOMPARE(write.status, 401);
        QCOMPARE(write.authorization, std::string("Token wrong-token-77"));
    }
    // The v2 error body's message, unwrapped from its JSON.
    QCOMPARE(stats.lastError, std::string("HTTP 401: unauthorized access"));
    QVERIFY2(!containsToken(stats.lastError), stats.lastError.c_str());
    QVERIFY2(!containsToken(stats.name), stats.name.c_str());
}

void TestInflux2Output::runnerCountsRetriesAndRejectedPoints()
{
    FakeInflux2 server(secretToken);
    server.addFault({429, "0", 0});
    server.addFault({422, "", 1});
    SnapshotSeries series;
    OutputRunner runner(makeSink(server, secretToken), series.runInfo(), 10);
    runner.push(std::make_shared<const Snapshot>(series.next(10, 0)));
    runner.push(std::make_shared<const Snapshot>(series.next(10, 0, true)));
    runner.finish(10);
    const OutputStats stats = runner.stats();
    QCOMPARE(stats.name, "influxdb " + server.base() + "/lw-bucket");
    QCOMPARE(stats.sent, std::uint64_t(2));
    QCOMPARE(stats.dropped, std::uint64_t(0));
    QCOMPARE(stats.retried, std::uint64_t(1));
    QCOMPARE(stats.pointsRejected, std::uint64_t(1));
    QVERIFY2(stats.lastError.find("partial write") != std::string::npos, stats.lastError.c_str());
    QVERIFY(!containsToken(stats.lastError));
    QVERIFY(!containsToken(stats.name));
    QVERIFY(server.protocolErrors().empty());
    for (const auto &write : server.writes())
        QCOMPARE(write.authorization, "Token " + std::string(secretToken));
}

QTEST_GUILESS_MAIN(TestInflux2Output)
#include "tst_influxdb2.moc"
