// The InfluxDB output: line protocol over HTTP (1.x /write, 2.x /api/v2/write), gzip bodies,
// batches of at most 5 000 lines, retries with backoff. Runs only on its OutputRunner's thread
// (its HTTP client is never touched by a worker).

#include "backoff.h"
#include "httpclient.h"
#include <loadwizard/lineprotocol.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/outputsinks.h>
#include <loadwizard/urlparts.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace Loadwizard::Engine {

namespace {

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string trimmed(std::string text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    const auto first = text.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first);
}

std::optional<bool> parseBool(std::string text)
{
    text = lowered(text);
    if (text == "true" || text == "1" || text == "yes" || text == "on")
        return true;
    if (text == "false" || text == "0" || text == "no" || text == "off")
        return false;
    return std::nullopt;
}

/// The string value of `"key": "…"` in a JSON body, unescaped; nullopt when absent.
std::optional<std::string> jsonString(const std::string &text, const char *key)
{
    const auto at = text.find(std::string("\"") + key + '"');
    if (at == std::string::npos)
        return std::nullopt;
    const auto colon = text.find(':', at);
    const auto start = colon == std::string::npos ? colon : text.find('"', colon + 1);
    if (start == std::string::npos)
        return std::nullopt;
    std::string value;
    for (std::size_t i = start + 1; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size())
            ++i;
        value += text[i];
    }
    return value;
}

/// The server's message, one line, short: 1.x `{"error":"partial write: …"}` and 2.x
/// `{"code":"…","message":"partial write: …"}` → `partial write: …`.
std::string serverMessage(const HttpReply &response)
{
    std::string text = response.body;
    if (auto error = jsonString(text, "error"))
        text = *error;
    else if (auto message = jsonString(text, "message"))
        text = *message;
    for (char &c : text) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    text = trimmed(text);
    if (text.size() > 300)
        text = text.substr(0, 300) + "…";
    return text.empty() ? "HTTP " + std::to_string(response.status) : text;
}

/// `dropped=N` from a partial write message, 0 when absent.
std::uint64_t droppedCount(const std::string &message)
{
    const auto at = message.find("dropped=");
    if (at == std::string::npos)
        return 0;
    return std::strtoull(message.c_str() + at + 8, nullptr, 10);
}

struct Settings
{
    std::string base;     ///< scheme://host:port[/prefix], no userinfo
    std::string database; ///< db (1.x) or bucket (2.x)
    std::string retentionPolicy;
    std::string org;
    std::string username;
    std::string password;
    std::string token;
    int version = 0; ///< 0: detect from /ping
    TimePrecision precision = TimePrecision::Milliseconds;
    LineRenderer::Schema schema = LineRenderer::Schema::Native;
    bool createDatabase = true;
    bool gzip = true;
    bool verifyTls = true;
    std::string caFile;
    double timeoutSeconds = 10;
    int maxRetries = 10;
    std::size_t batchLines = 5000;
    std::size_t maxEvents = 100;
    std::string application;
    std::map<std::string, std::string> extraTags;
};

class InfluxSink final : public OutputSink
{
public:
    InfluxSink(Settings settings, std::string name)
        : m_settings(std::move(settings))
        , m_name(std::move(name))
        , m_http({m_settings.timeoutSeconds, m_settings.verifyTls, m_settings.caFile})
    {}

    std::string name() const override { return m_name; }

    tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &context) override
    {
        if (!m_renderer) {
            RunInfo copy = info;
            std::string application = m_settings.application;
            if (application.empty())
                application = !info.project.empty()    ? info.project
                              : !info.scenario.empty() ? info.scenario
                                                       : "loadwizard";
            m_renderer.emplace(m_settings.schema, m_settings.precision, copy, m_settings.extraTags,
                               application);
            m_renderer->setMaxEvents(m_settings.maxEvents);
            m_started = info.started;
        }
        if (auto ok = detectVersion(&context); !ok)
            return ok;
        if (m_version == 1 && m_settings.createDatabase) {
            if (auto ok = createDatabase(context); !ok)
                return ok;
        }
        std::vector<std::string> lines;
        m_renderer->annotation(true, 0, lines);
        send(lines, context);
        return {};
    }

    tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                               DeliveryContext &context) override
    {
        std::vector<std::string> lines;
        m_renderer->render(snapshot, lines);
        return send(lines, context);
    }

    void finish(const Snapshot *last, DeliveryContext &context) override
    {
        if (!m_renderer || context.stopping())
            return;
        std::vector<std::string> lines;
        m_renderer->annotation(false, last ? last->elapsedSeconds : 0, lines);
        send(lines, context);
    }

    tl::expected<void, Error> testConnection() override
    {
        if (auto ok = detectVersion(); !ok)
            return ok;
        return {};
    }

private:
    Error error(std::string message) const { return Error{std::move(message), {}, 0, 0, {}}; }

    /// A request to `path` under the base URL, with the credentials this server version takes.
    HttpRequest request(const std::string &path) const
    {
        HttpRequest request;
        request.url = m_settings.base + path;
        request.maxReplyBytes = 64 * 1024; // error messages only
        if (m_version == 2 && !m_settings.token.empty()) {
            request.headers.push_back("Authorization: Token " + m_settings.token);
        } else if (!m_settings.username.empty()) {
            request.user = m_settings.username;
            request.password = m_settings.password;
        } else if (!m_settings.token.empty()) {
            // 1.8+ and 2.x's v1 compatibility API accept a token this way too.
            request.headers.push_back("Authorization: Token " + m_settings.token);
        }
        return request;
    }

    tl::expected<void, Error> detectVersion(const DeliveryContext *context = nullptr)
    {
        if (m_settings.version != 0) {
            m_version = m_settings.version;
            return {};
        }
        const HttpReply response = m_http.perform(request("/ping"), context);
        if (response.status == 0)
            return tl::make_unexpected(error("cannot reach " + m_name + ": " + response.error));
        if (response.status >= 400 && response.status != 401 && response.status != 403)
            return tl::make_unexpected(
                error("GET /ping answered " + std::to_string(response.status)));
        std::string version;
        if (const auto it = response.headers.find("x-influxdb-version");
            it != response.headers.end())
            version = it->second;
        if (!version.empty() && (version[0] == 'v' || version[0] == 'V'))
            version.erase(0, 1);
        m_version = version.starts_with("1.") || version.empty() ? 1 : 2;
        return {};
    }

    tl::expected<void, Error> createDatabase(DeliveryContext &context)
    {
        const std::string statement = "CREATE DATABASE \"" + [&] {
            std::string name;
            for (char c : m_settings.database) {
                if (c == '"' || c == '\\')
                    name += '\\';
                name += c;
            }
            return name;
        }() + "\"";
        const std::string form = "q=" + HttpClient::escaped(statement);
        HttpRequest query = request("/query");
        query.method = "POST";
        query.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        query.body = form;
        const HttpReply response = m_http.perform(query, &context);
        if (response.status == 0)
            return tl::make_unexpected(error("cannot reach " + m_name + ": " + response.error));
        if (response.status >= 500)
            return tl::make_unexpected(error("CREATE DATABASE answered " +
                                             std::to_string(response.status) + ": " +
                                             serverMessage(response)));
        if (response.status >= 400 || response.body.find("\"error\"") != std::string::npos)
            // Not an admin, say: the database may exist already, writes will tell.
            context.setError("cannot create database " + m_settings.database + ": " +
                             serverMessage(response));
        return {};
    }

    std::string writePath() const
    {
        static const char *v1[] = {"ns", "u", "ms", "s"};
        static const char *v2[] = {"ns", "us", "ms", "s"};
        const int p = int(m_settings.precision);
        if (m_version == 2) {
            return "/api/v2/write?org=" + HttpClient::escaped(m_settings.org) +
                   "&bucket=" + HttpClient::escaped(m_settings.database) + "&precision=" + v2[p];
        }
        std::string path = "/write?db=" + HttpClient::escaped(m_settings.database);
        if (!m_settings.retentionPolicy.empty())
            path += "&rp=" + HttpClient::escaped(m_settings.retentionPolicy);
        return path + "&precision=" + v1[p];
    }

    /// Sends the lines in batches; returns the points the server kept.
    tl::expected<std::uint64_t, Error> send(const std::vector<std::string> &lines,
                                            DeliveryContext &context)
    {
        std::uint64_t kept = 0;
        std::optional<Error> failure;
        for (std::size_t first = 0; first < lines.size(); first += m_settings.batchLines) {
            const std::size_t count = std::min(m_settings.batchLines, lines.size() - first);
            std::string body;
            for (std::size_t i = first; i < first + count; ++i)
                body += lines[i];
            auto sent = sendBatch(body, count, context);
            if (sent)
                kept += *sent;
            else
                failure = sent.error();
        }
        if (failure && kept == 0)
            return tl::make_unexpected(*failure);
        return kept;
    }

    tl::expected<std::uint64_t, Error> sendBatch(const std::string &lines, std::size_t count,
                                                 DeliveryContext &context)
    {
        Backoff backoff;
        for (int attempt = 0;; ++attempt) {
            // Built each time: a 404 below may have switched the database back into existence.
            HttpRequest write = request(writePath());
            write.method = "POST";
            write.headers.push_back("Content-Type: text/plain; charset=utf-8");
            write.body = lines;
            write.gzip = m_settings.gzip;
            const HttpReply response = m_http.perform(write, &context);

            const long status = response.status;
            if (status >= 200 && status < 300)
                return count;
            std::string message =
                status == 0 ? response.error
                            : "HTTP " + std::to_string(status) + ": " + serverMessage(response);
            if (status == 400 || status == 422) {
                // Partial write: the good lines were kept, resending would duplicate them.
                const std::string text = serverMessage(response);
                std::uint64_t dropped = droppedCount(text);
                if (dropped == 0 || dropped > count)
                    dropped = count;
                context.countRejected(dropped, "server rejected " + std::to_string(dropped) +
                                                   " of " + std::to_string(count) +
                                                   " points: " + text);
                return count - dropped;
            }
            if (status == 404 && m_version == 1 && m_settings.createDatabase &&
                response.body.find("database not found") != std::string::npos) {
                // The server lost its data (restarted empty): create the database again.
                if (createDatabase(context) && attempt < m_settings.maxRetries) {
                    context.countRetry();
                    continue;
                }
            } else if (status != 0 && status != 429 && status < 500) {
                context.setError(message);
                return tl::make_unexpected(error(message));
            }
            if (attempt >= m_settings.maxRetries) {
                context.setError("gave up after " + std::to_string(attempt + 1) +
                                 " attempts: " + message);
                return tl::make_unexpected(error(message));
            }
            context.setError(message + " (retrying)");
            if (!context.backoff(backoff.next(response.retryAfterSeconds)))
                return tl::make_unexpected(error(message + " (not retried: the run is over)"));
            context.countRetry();
        }
    }

    Settings m_settings;
    std::string m_name;
    HttpClient m_http;
    int m_version = 1;
    std::optional<LineRenderer> m_renderer;
    std::chrono::system_clock::time_point m_started;
};

Error optionError(const std::string &key, std::string message)
{
    return Error{std::move(message), {}, 0, 0, key == "target" ? key : "options." + key, {}};
}

} // namespace

SinkResult makeInfluxSink(const OutputConfig &config)
{
    if (auto known = checkOutputOptions(config); !known)
        return tl::make_unexpected(known.error());

    Settings settings;
    const std::string &target = config.target;
    const auto url = splitUrl(target);
    if (!url && url.error().noHost)
        return tl::make_unexpected(
            optionError("target", "no host in \"" + redactedTarget(target) + '"'));
    if (!url || (url->scheme != "http" && url->scheme != "https"))
        return tl::make_unexpected(
            optionError("target", "expected http://HOST:PORT/DATABASE or https://…, got \"" +
                                      redactedTarget(target) + '"'));
    settings.username = url->user;
    settings.password = url->password;
    // The last path segment is the database, what comes before it a reverse proxy's prefix.
    std::string path = url->path;
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    const auto lastSlash = path.rfind('/');
    const std::string prefix =
        lastSlash == std::string::npos ? std::string() : path.substr(0, lastSlash);
    settings.database =
        percentDecoded(lastSlash == std::string::npos ? path : path.substr(lastSlash + 1));
    settings.base = url->origin() + prefix;

    namespace N = OptionName;
    for (const auto &option : withOutputDefaults(config)) {
        // Named references, not a structured binding: clang before 16 cannot capture a binding
        // in the lambdas below (the fuzz build uses clang 14).
        const std::string &key = option.first;
        const std::string &value = option.second;
        auto boolean = [&](bool &into) -> tl::expected<void, Error> {
            const auto parsed = parseBool(value);
            if (!parsed)
                return tl::make_unexpected(
                    optionError(key, "expected true or false, got \"" + value + '"'));
            into = *parsed;
            return {};
        };
        auto number = [&](double min, double max) -> tl::expected<double, Error> {
            char *end = nullptr;
            const double parsed = std::strtod(value.c_str(), &end);
            if (value.empty() || *end || !(parsed >= min && parsed <= max))
                return tl::make_unexpected(
                    optionError(key, "expected a number from " + std::to_string(int(min)) + " to " +
                                         std::to_string(int(max)) + ", got \"" + value + '"'));
            return parsed;
        };
        tl::expected<void, Error> ok;
        if (key == N::db || key == N::bucket || key == N::database) {
            settings.database = value;
        } else if (key == N::rp || key == N::retentionPolicy) {
            settings.retentionPolicy = value;
        } else if (key == N::org) {
            settings.org = value;
        } else if (key == N::username || key == N::user) {
            settings.username = value;
        } else if (key == N::password) {
            settings.password = value;
        } else if (key == N::token) {
            settings.token = value;
        } else if (key == N::version) {
            if (value == "1" || value == "2")
                settings.version = value[0] - '0';
            else if (value == "auto" || value.empty())
                settings.version = 0;
            else
                return tl::make_unexpected(
                    optionError(key, "expected 1, 2 or auto, got \"" + value + '"'));
        } else if (key == N::precision) {
            const std::string p = lowered(value);
            if (p == "ns")
                settings.precision = TimePrecision::Nanoseconds;
            else if (p == "us" || p == "u" || p == "µs")
                settings.precision = TimePrecision::Microseconds;
            else if (p == "ms")
                settings.precision = TimePrecision::Milliseconds;
            else if (p == "s")
                settings.precision = TimePrecision::Seconds;
            else
                return tl::make_unexpected(
                    optionError(key, "expected ns, us, ms or s, got \"" + value + '"'));
        } else if (key == N::schema) {
            if (value == "native")
                settings.schema = LineRenderer::Schema::Native;
            else if (value == "jmeter")
                settings.schema = LineRenderer::Schema::JMeter;
            else
                return tl::make_unexpected(
                    optionError(key, "expected native or jmeter, got \"" + value + '"'));
        } else if (key == N::createDb) {
            ok = boolean(settings.createDatabase);
        } else if (key == N::gzip) {
            ok = boolean(settings.gzip);
        } else if (key == N::verifyTls || key == N::insecureSkipTlsVerify) {
            ok = boolean(settings.verifyTls);
            if (ok && key != N::verifyTls)
                settings.verifyTls = !settings.verifyTls;
        } else if (key == N::caFile) {
            settings.caFile = value;
        } else if (key == N::timeout) {
            auto seconds = number(0.1, 3600);
            if (!seconds)
                return tl::make_unexpected(seconds.error());
            settings.timeoutSeconds = *seconds;
        } else if (key == N::maxRetries) {
            auto retries = number(0, 1000);
            if (!retries)
                return tl::make_unexpected(retries.error());
            settings.maxRetries = int(*retries);
        } else if (key == N::batchSize) {
            auto lines = number(1, 5000);
            if (!lines)
                return tl::make_unexpected(lines.error());
            settings.batchLines = std::size_t(*lines);
        } else if (key == N::events) {
            auto events = number(0, 10000);
            if (!events)
                return tl::make_unexpected(events.error());
            settings.maxEvents = std::size_t(*events);
        } else if (key == N::application) {
            settings.application = value;
        } else if (key == N::testTags) {
            settings.extraTags[key] = value;
        } else if (key.starts_with(N::tagPrefix) && key.size() > N::tagPrefix.size()) {
            settings.extraTags[key.substr(N::tagPrefix.size())] = value;
        } else {
            // checkOutputOptions() let it through: the registry has an option not read here.
            return tl::make_unexpected(optionError(key, "option not supported by this build"));
        }
        if (!ok)
            return tl::make_unexpected(ok.error());
    }
    if (settings.schema == LineRenderer::Schema::Native)
        settings.extraTags.erase(std::string(N::testTags));
    else
        std::erase_if(settings.extraTags,
                      [](const auto &entry) { return entry.first != N::testTags; });
    if (settings.database.empty())
        return tl::make_unexpected(optionError(
            "target", "no database: give it as the URL's path (http://HOST:8086/loadwizard) or "
                      "with the db option"));
    if (settings.version == 2 && settings.org.empty())
        return tl::make_unexpected(
            optionError(std::string(N::org), "InfluxDB 2 needs an org option"));

    OutputConfig shown;
    shown.kind = config.kind;
    shown.target = config.target;
    return std::make_unique<InfluxSink>(std::move(settings), outputDisplayName(shown));
}

} // namespace Loadwizard::Engine
