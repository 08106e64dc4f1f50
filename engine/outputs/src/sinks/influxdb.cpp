// The InfluxDB output: line protocol over HTTP (1.x /write, 2.x /api/v2/write), gzip bodies,
// batches of at most 5 000 lines, retries with backoff. Runs only on its OutputRunner's thread
// (its libcurl easy handle is never touched by a worker).

#include <loadwizard/lineprotocol.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/outputsinks.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>

#include <curl/curl.h>
#include <zlib.h>

namespace Loadwizard::Engine {

namespace {

struct Response
{
    long status = 0; ///< 0: no answer (network error)
    std::string body;
    std::string error;      ///< libcurl's message when status is 0
    std::string version;    ///< X-Influxdb-Version
    double retryAfter = -1; ///< Retry-After in seconds, -1 when absent
};

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

std::string percentDecoded(const std::string &text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
            std::isxdigit(text[i + 2])) {
            out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
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

std::string gzipped(const std::string &data)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return {};
    std::string out(deflateBound(&stream, uLong(data.size())) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return result == Z_STREAM_END ? out : std::string();
}

std::size_t collectBody(char *data, std::size_t size, std::size_t count, void *user)
{
    auto *response = static_cast<Response *>(user);
    if (response->body.size() < 64 * 1024)
        response->body.append(data, size * count);
    return size * count;
}

// Cuts a request short once the flush deadline has passed (a slow server must not hold the
// end of the run hostage).
int abortWhenStopping(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<DeliveryContext *>(user)->stopping() ? 1 : 0;
}

std::size_t collectHeader(char *data, std::size_t size, std::size_t count, void *user)
{
    auto *response = static_cast<Response *>(user);
    const std::string line(data, size * count);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        const std::string name = lowered(line.substr(0, colon));
        const std::string value = trimmed(line.substr(colon + 1));
        if (name == "x-influxdb-version")
            response->version = value;
        else if (name == "retry-after") {
            char *end = nullptr;
            const double seconds = std::strtod(value.c_str(), &end);
            if (end != value.c_str() && seconds >= 0)
                response->retryAfter = seconds;
        }
    }
    return size * count;
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
std::string serverMessage(const Response &response)
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
        , m_random(std::random_device{}())
    {}

    ~InfluxSink() override
    {
        if (m_curl)
            curl_easy_cleanup(m_curl);
    }

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
        if (auto ok = detectVersion(); !ok)
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

    CURL *handle()
    {
        if (!m_curl)
            m_curl = curl_easy_init();
        curl_easy_reset(m_curl);
        curl_easy_setopt(m_curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(m_curl, CURLOPT_PROXY, ""); // never through http_proxy from the env
        curl_easy_setopt(m_curl, CURLOPT_TIMEOUT_MS, long(m_settings.timeoutSeconds * 1000));
        curl_easy_setopt(m_curl, CURLOPT_CONNECTTIMEOUT_MS,
                         long(std::min(m_settings.timeoutSeconds, 5.0) * 1000));
        curl_easy_setopt(m_curl, CURLOPT_SSL_VERIFYPEER, m_settings.verifyTls ? 1L : 0L);
        curl_easy_setopt(m_curl, CURLOPT_SSL_VERIFYHOST, m_settings.verifyTls ? 2L : 0L);
        if (!m_settings.caFile.empty())
            curl_easy_setopt(m_curl, CURLOPT_CAINFO, m_settings.caFile.c_str());
        curl_easy_setopt(m_curl, CURLOPT_USERAGENT, "Loadwizard/" LOADWIZARD_VERSION);
        return m_curl;
    }

    std::string escaped(const std::string &text)
    {
        char *value = curl_easy_escape(m_curl, text.c_str(), int(text.size()));
        std::string out = value ? value : "";
        curl_free(value);
        return out;
    }

    Response perform(CURL *curl, curl_slist *headers)
    {
        Response response;
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collectBody);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collectHeader);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        const CURLcode code = curl_easy_perform(curl);
        if (code != CURLE_OK) {
            response.status = 0;
            response.error = curl_easy_strerror(code);
        } else {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
        }
        return response;
    }

    curl_slist *authHeaders(curl_slist *headers)
    {
        if (m_version == 2 && !m_settings.token.empty()) {
            const std::string header = "Authorization: Token " + m_settings.token;
            headers = curl_slist_append(headers, header.c_str());
        } else if (!m_settings.username.empty()) {
            curl_easy_setopt(m_curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
            curl_easy_setopt(m_curl, CURLOPT_USERNAME, m_settings.username.c_str());
            curl_easy_setopt(m_curl, CURLOPT_PASSWORD, m_settings.password.c_str());
        } else if (!m_settings.token.empty()) {
            // 1.8+ and 2.x's v1 compatibility API accept a token this way too.
            const std::string header = "Authorization: Token " + m_settings.token;
            headers = curl_slist_append(headers, header.c_str());
        }
        return headers;
    }

    tl::expected<void, Error> detectVersion()
    {
        if (m_settings.version != 0) {
            m_version = m_settings.version;
            return {};
        }
        CURL *curl = handle();
        const std::string url = m_settings.base + "/ping";
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_slist *headers = authHeaders(nullptr);
        const Response response = perform(curl, headers);
        curl_slist_free_all(headers);
        if (response.status == 0)
            return tl::make_unexpected(error("cannot reach " + m_name + ": " + response.error));
        if (response.status >= 400 && response.status != 401 && response.status != 403)
            return tl::make_unexpected(
                error("GET /ping answered " + std::to_string(response.status)));
        std::string version = response.version;
        if (!version.empty() && (version[0] == 'v' || version[0] == 'V'))
            version.erase(0, 1);
        m_version = version.starts_with("1.") || version.empty() ? 1 : 2;
        return {};
    }

    tl::expected<void, Error> createDatabase(DeliveryContext &context)
    {
        CURL *curl = handle();
        const std::string url = m_settings.base + "/query";
        const std::string statement = "CREATE DATABASE \"" + [&] {
            std::string name;
            for (char c : m_settings.database) {
                if (c == '"' || c == '\\')
                    name += '\\';
                name += c;
            }
            return name;
        }() + "\"";
        const std::string form = "q=" + escaped(statement);
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(form.size()));
        curl_slist *headers = authHeaders(nullptr);
        const Response response = perform(curl, headers);
        curl_slist_free_all(headers);
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

    std::string writeUrl()
    {
        handle();
        static const char *v1[] = {"ns", "u", "ms", "s"};
        static const char *v2[] = {"ns", "us", "ms", "s"};
        const int p = int(m_settings.precision);
        if (m_version == 2) {
            return m_settings.base + "/api/v2/write?org=" + escaped(m_settings.org) +
                   "&bucket=" + escaped(m_settings.database) + "&precision=" + v2[p];
        }
        std::string url = m_settings.base + "/write?db=" + escaped(m_settings.database);
        if (!m_settings.retentionPolicy.empty())
            url += "&rp=" + escaped(m_settings.retentionPolicy);
        return url + "&precision=" + v1[p];
    }

    double jittered(double seconds)
    {
        std::uniform_real_distribution<double> factor(0.5, 1.5);
        return seconds * factor(m_random);
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
        std::string compressed = m_settings.gzip ? gzipped(lines) : std::string();
        const bool gzip = !compressed.empty();
        const std::string &body = gzip ? compressed : lines;
        double delay = 0.5;
        for (int attempt = 0;; ++attempt) {
            CURL *curl = handle();
            const std::string url = writeUrl();
            curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
            curl_slist *headers =
                curl_slist_append(nullptr, "Content-Type: text/plain; charset=utf-8");
            if (gzip)
                headers = curl_slist_append(headers, "Content-Encoding: gzip");
            headers = curl_slist_append(headers, "Expect:");
            headers = authHeaders(headers);
            curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abortWhenStopping);
            curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &context);
            const Response response = perform(curl, headers);
            curl_slist_free_all(headers);

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
            const double wait =
                response.retryAfter >= 0 ? std::min(response.retryAfter, 60.0) : jittered(delay);
            delay = std::min(delay * 2, 30.0);
            if (!context.backoff(wait))
                return tl::make_unexpected(error(message + " (not retried: the run is over)"));
            context.countRetry();
        }
    }

    Settings m_settings;
    std::string m_name;
    CURL *m_curl = nullptr;
    int m_version = 1;
    std::optional<LineRenderer> m_renderer;
    std::chrono::system_clock::time_point m_started;
    std::mt19937 m_random;
};

Error optionError(const std::string &key, std::string message)
{
    return Error{std::move(message), {}, 0, 0, key == "target" ? key : "options." + key, {}};
}

} // namespace

SinkResult makeInfluxSink(const OutputConfig &config)
{
    static std::once_flag curlOnce;
    std::call_once(curlOnce, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    if (auto known = checkOutputOptions(config); !known)
        return tl::make_unexpected(known.error());

    Settings settings;
    std::string target = config.target;
    const auto scheme = target.find("://");
    if (scheme == std::string::npos || (lowered(target.substr(0, scheme)) != "http" &&
                                        lowered(target.substr(0, scheme)) != "https"))
        return tl::make_unexpected(
            optionError("target", "expected http://HOST:PORT/DATABASE or https://…, got \"" +
                                      redactedTarget(target) + '"'));
    const auto authorityStart = scheme + 3;
    auto pathStart = target.find('/', authorityStart);
    std::string authority = target.substr(authorityStart, pathStart - authorityStart);
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        const std::string userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = userinfo.find(':');
        settings.username = percentDecoded(userinfo.substr(0, colon));
        if (colon != std::string::npos)
            settings.password = percentDecoded(userinfo.substr(colon + 1));
    }
    if (authority.empty())
        return tl::make_unexpected(
            optionError("target", "no host in \"" + redactedTarget(target) + '"'));
    std::string path = pathStart == std::string::npos ? std::string() : target.substr(pathStart);
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    const auto lastSlash = path.rfind('/');
    std::string prefix = lastSlash == std::string::npos ? std::string() : path.substr(0, lastSlash);
    settings.database =
        percentDecoded(lastSlash == std::string::npos ? path : path.substr(lastSlash + 1));
    settings.base = target.substr(0, authorityStart) + authority + prefix;

    namespace N = OptionName;
    for (const auto &[key, value] : withOutputDefaults(config)) {
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
