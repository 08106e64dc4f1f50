// Elasticsearch output: ECS documents through the `_bulk` API (the outputs' HttpClient, on the
// output's own thread).
//
// Every document goes out as a `create` action with an id derived from the run, the interval and
// its position, so a batch resent after a lost answer meets `409 version_conflict_engine_exception`
// for what was already stored instead of storing it twice; such a 409 counts as delivered.
// Answers: HTTP 200 may still hold failed items (`errors: true`): items refused with 429 are
// resent alone after a backoff, other refused items are counted as rejected and never resent.
// A whole-request 429 or 502/503/504 or a network error resends the whole body after a backoff;
// 413 splits the batch in two.

#include "backoff.h"
#include "ecsdocuments.h"
#include "httpclient.h"
#include <loadwizard/outputsinks.h>
#include <loadwizard/urlparts.h>

#include <loadwizard/output.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/snapshot.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace Loadwizard::Engine {

namespace {

using Json = nlohmann::json;

constexpr std::size_t defaultMaxBulkBytes = 5 * 1024 * 1024;
constexpr int maxServerErrorRetries = 5;

Error optionError(const std::string &field, std::string message, std::string token = {})
{
    Error error;
    error.message = std::move(message);
    error.field = field;
    error.token = std::move(token);
    return error;
}

std::string base64(std::string_view data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0'); // EVP_EncodeBlock adds a NUL
    const int length =
        EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                        reinterpret_cast<const unsigned char *>(data.data()), int(data.size()));
    out.resize(std::size_t(std::max(length, 0)));
    return out;
}

/// Elasticsearch's rules for index and data stream names.
std::string indexNameProblem(std::string_view name)
{
    if (name.empty())
        return "must not be empty";
    if (name == "." || name == "..")
        return "must not be . or ..";
    if (name.size() > 255)
        return "longer than 255 bytes";
    if (name.front() == '-' || name.front() == '_' || name.front() == '+')
        return "must not start with -, _ or +";
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z')
            return "must be lower case";
        if (std::string_view("\\/*?\"<>|, #:").find(c) != std::string_view::npos)
            return std::string("must not contain '") + c + "'";
    }
    return {};
}

/// `loadwizard-%Y.%m.%d` for the day of `time` (UTC); only date directives are allowed.
std::string expandIndexPattern(std::string_view pattern, std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[512];
    const std::string format(pattern);
    const std::size_t length = std::strftime(text, sizeof text, format.c_str(), &parts);
    return std::string(text, length);
}

tl::expected<void, Error> checkIndexPattern(const std::string &option, const std::string &pattern,
                                            bool allowDirectives)
{
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%')
            continue;
        if (!allowDirectives)
            return tl::unexpected(optionError("options." + option,
                                              "no % directives in a data "
                                              "stream name",
                                              pattern));
        if (i + 1 >= pattern.size() ||
            std::string_view("YymdHjGV%").find(pattern[i + 1]) == std::string_view::npos)
            return tl::unexpected(optionError(
                "options." + option, "only %Y %y %m %d %H %j %G %V %% are allowed", pattern));
        ++i;
    }
    // A fixed date shows what the pattern expands to.
    const auto sample = std::chrono::system_clock::from_time_t(1700000000);
    const std::string expanded = allowDirectives ? expandIndexPattern(pattern, sample) : pattern;
    if (const std::string problem = indexNameProblem(expanded); !problem.empty())
        return tl::unexpected(optionError("options." + option, "index name " + problem, pattern));
    if (!allowDirectives && expanded.starts_with(".ds-"))
        return tl::unexpected(
            optionError("options." + option, "data stream name must not start with .ds-", pattern));
    return {};
}

std::string field(std::string_view option)
{
    return "options." + std::string(option);
}

tl::expected<bool, Error> parseBool(const std::string &key, const std::string &value)
{
    if (value == "true" || value == "1" || value == "yes" || value == "on")
        return true;
    if (value == "false" || value == "0" || value == "no" || value == "off")
        return false;
    return tl::unexpected(optionError("options." + key, "expected true or false", value));
}

struct Settings
{
    std::string baseUrl; ///< scheme://host[:port][/path], no userinfo, no trailing slash
    std::string user;
    std::string password;
    std::string apiKey; ///< already encoded for the ApiKey header
    bool verifyTls = true;
    std::string caFile;
    double timeoutSeconds = 10;
    std::size_t maxBulkBytes = defaultMaxBulkBytes;
    bool dataStream = false;
    std::string metricsTarget; ///< index pattern or data stream name
    std::string logsTarget;
    std::string serviceName = "loadwizard";
};

/// One document as the two NDJSON lines of a `create` action, each ending in '\n'.
struct BulkItem
{
    std::string lines;
};

class ElasticsearchSink final : public OutputSink
{
public:
    explicit ElasticsearchSink(Settings settings)
        : m_settings(std::move(settings))
        , m_http({m_settings.timeoutSeconds, m_settings.verifyTls, m_settings.caFile})
    {}

    std::string name() const override { return "elasticsearch " + m_settings.baseUrl; }

    tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &context) override
    {
        m_documents.emplace(info, m_settings.serviceName);
        // Elasticsearch being down now is not fatal: the start event waits for the first batch.
        std::vector<EcsDocument> started;
        started.push_back(m_documents->runStarted());
        auto items = toItems(started);
        const auto reply = post("/_bulk", joined(items), context);
        if (reply.status == 200) {
            m_pending = handleItems(items, reply, context);
        } else {
            context.setError(describe(reply));
            m_pending = std::move(items);
        }
        return {};
    }

    tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                               DeliveryContext &context) override
    {
        if (!m_documents)
            return tl::unexpected(Error{"deliver() before start()"});
        auto documents = m_documents->interval(snapshot);
        std::vector<BulkItem> items = std::move(m_pending);
        m_pending.clear();
        auto more = toItems(documents);
        std::move(more.begin(), more.end(), std::back_inserter(items));
        return send(std::move(items), context);
    }

    void finish(const Snapshot *last, DeliveryContext &context) override
    {
        if (!m_documents)
            return;
        std::vector<EcsDocument> stopped;
        stopped.push_back(m_documents->runStopped(last));
        std::vector<BulkItem> items = std::move(m_pending);
        m_pending.clear();
        auto more = toItems(stopped);
        std::move(more.begin(), more.end(), std::back_inserter(items));
        (void)send(std::move(items), context);
    }

    tl::expected<void, Error> testConnection() override
    {
        const HttpReply reply = m_http.perform(request("GET", "/"));
        if (reply.status == 200) {
            const Json info = Json::parse(reply.body, nullptr, false);
            if (info.is_object() && info.contains("version"))
                return {};
            return tl::unexpected(Error{m_settings.baseUrl + " answered, but not like "
                                                             "Elasticsearch"});
        }
        return tl::unexpected(Error{describe(reply)});
    }

private:
    std::string indexFor(const EcsDocument &document) const
    {
        const std::string &target = document.kind == EcsDocument::Kind::Logs
                                        ? m_settings.logsTarget
                                        : m_settings.metricsTarget;
        return m_settings.dataStream ? target : expandIndexPattern(target, document.timestamp);
    }

    std::vector<BulkItem> toItems(const std::vector<EcsDocument> &documents) const
    {
        std::vector<BulkItem> items;
        items.reserve(documents.size());
        for (const EcsDocument &document : documents) {
            const Json action = {
                {"create", {{"_index", indexFor(document)}, {"_id", document.id}}}};
            // Invalid UTF-8 in a scenario's message must not make the whole batch unparsable.
            std::string lines = action.dump() + '\n';
            lines += document.source.dump(-1, ' ', false, Json::error_handler_t::replace);
            lines += '\n';
            items.push_back({std::move(lines)});
        }
        return items;
    }

    static std::string joined(const std::vector<BulkItem> &items)
    {
        std::size_t size = 0;
        for (const auto &item : items)
            size += item.lines.size();
        std::string body;
        body.reserve(size);
        for (const auto &item : items)
            body += item.lines;
        return body; // every item ends in '\n', so the body does too, as _bulk requires
    }

    std::string describe(const HttpReply &reply) const
    {
        if (reply.status == 0)
            return "POST " + m_settings.baseUrl + ": " + reply.error;
        std::string text = "HTTP " + std::to_string(reply.status);
        const Json body = Json::parse(reply.body, nullptr, false);
        if (body.is_object() && body.contains("error")) {
            const Json &error = body["error"];
            if (error.is_object())
                text += ": " + error.value("type", std::string()) + ": " +
                        error.value("reason", std::string());
            else if (error.is_string())
                text += ": " + error.get<std::string>();
        }
        return text;
    }

    /// Sends items in bodies of at most maxBulkBytes; returns the documents stored.
    tl::expected<std::uint64_t, Error> send(std::vector<BulkItem> items, DeliveryContext &context)
    {
        std::uint64_t stored = 0;
        std::optional<Error> failure;
        std::vector<BulkItem> chunk;
        std::size_t chunkBytes = 0;
        const auto flush = [&] {
            if (chunk.empty())
                return;
            const Outcome outcome = sendChunk(std::move(chunk), context);
            stored += outcome.stored;
            if (outcome.failure && !failure)
                failure = outcome.failure;
            chunk.clear();
            chunkBytes = 0;
        };
        for (auto &item : items) {
            if (!chunk.empty() && chunkBytes + item.lines.size() > m_settings.maxBulkBytes)
                flush();
            chunkBytes += item.lines.size();
            chunk.push_back(std::move(item));
        }
        flush();
        if (failure)
            return tl::unexpected(*failure);
        return stored;
    }

    struct Outcome
    {
        std::uint64_t stored = 0;
        std::optional<Error> failure; ///< some documents were neither stored nor rejected
    };

    /// Counts stored and rejected items of a 200 answer; returns the ones to resend (429).
    std::vector<BulkItem> handleItems(std::vector<BulkItem> &items, const HttpReply &reply,
                                      DeliveryContext &context, std::uint64_t *stored = nullptr,
                                      bool *unreadable = nullptr)
    {
        std::vector<BulkItem> retry;
        const Json body = Json::parse(reply.body, nullptr, false);
        if (!body.is_object() || !body.contains("items") || !body["items"].is_array() ||
            body["items"].size() != items.size()) {
            if (unreadable)
                *unreadable = true;
            return std::move(items);
        }
        std::uint64_t rejected = 0;
        std::string firstRejection;
        const Json &answers = body["items"];
        for (std::size_t i = 0; i < items.size(); ++i) {
            const Json &wrapper = answers[i];
            const Json *result = nullptr;
            if (wrapper.is_object() && !wrapper.empty())
                result = &wrapper.begin().value();
            const int status = result && result->is_object() ? result->value("status", 0) : 0;
            std::string errorType;
            std::string reason;
            if (result && result->is_object() && result->contains("error") &&
                (*result)["error"].is_object()) {
                errorType = (*result)["error"].value("type", std::string());
                reason = (*result)["error"].value("reason", std::string());
            }
            if ((status >= 200 && status < 300) ||
                (status == 409 && errorType == "version_conflict_engine_exception")) {
                if (stored)
                    ++*stored; // 409: stored by an earlier attempt whose answer was lost
            } else if (status == 429) {
                retry.push_back(std::move(items[i]));
            } else {
                if (rejected++ == 0) {
                    firstRejection = "document rejected: HTTP " + std::to_string(status) +
                                     (errorType.empty() ? std::string() : ": " + errorType) +
                                     (reason.empty() ? std::string() : ": " + reason);
                }
            }
        }
        if (rejected)
            context.countRejected(rejected, firstRejection);
        return retry;
    }

    Outcome sendChunk(std::vector<BulkItem> items, DeliveryContext &context)
    {
        Outcome outcome;
        Backoff backoff;
        int serverErrors = 0;
        while (!items.empty()) {
            const HttpReply reply = post("/_bulk", joined(items), context);
            double wait = -1;
            if (reply.status == 200) {
                bool unreadable = false;
                auto retry = handleItems(items, reply, context, &outcome.stored, &unreadable);
                if (unreadable) {
                    context.setError("unreadable _bulk answer from " + m_settings.baseUrl);
                    if (++serverErrors > maxServerErrorRetries) {
                        outcome.failure = Error{"unreadable _bulk answers"};
                        return outcome;
                    }
                } else if (!retry.empty()) {
                    context.setError(
                        std::to_string(retry.size()) +
                        " documents refused with 429 (es_rejected_execution_exception)");
                }
                items = std::move(retry);
                if (items.empty())
                    return outcome;
                wait = backoff.next();
            } else if (reply.status == 413) {
                if (items.size() == 1) {
                    context.countRejected(1, "document larger than the server accepts (413)");
                    return outcome;
                }
                // Too large for http.max_content_length: halve until it fits.
                const auto middle = items.begin() + std::ptrdiff_t(items.size() / 2);
                std::vector<BulkItem> second(std::make_move_iterator(middle),
                                             std::make_move_iterator(items.end()));
                items.erase(middle, items.end());
                for (auto *half : {&items, &second}) {
                    Outcome part = sendChunk(std::move(*half), context);
                    outcome.stored += part.stored;
                    if (part.failure && !outcome.failure)
                        outcome.failure = part.failure;
                }
                return outcome;
            } else if (reply.status == 0 || reply.status == 429 || reply.status == 502 ||
                       reply.status == 503 || reply.status == 504) {
                context.setError(describe(reply));
                wait = backoff.next(reply.retryAfterSeconds);
            } else if (reply.status >= 500) {
                context.setError(describe(reply));
                if (++serverErrors > maxServerErrorRetries) {
                    outcome.failure = Error{describe(reply)};
                    return outcome;
                }
                wait = backoff.next();
            } else if (reply.status == 401 || reply.status == 403) {
                // Not the documents' fault: keep them counted as dropped, not as rejected.
                outcome.failure = Error{describe(reply)};
                context.setError(outcome.failure->message);
                return outcome;
            } else {
                context.countRejected(items.size(), "bulk request refused: " + describe(reply));
                return outcome;
            }
            if (!context.backoff(wait)) {
                outcome.failure = Error{"gave up with " + std::to_string(items.size()) +
                                        " documents unsent: " + describe(reply)};
                return outcome;
            }
            context.countRetry();
        }
        return outcome;
    }

    HttpRequest request(const char *method, const std::string &path) const
    {
        HttpRequest request;
        request.method = method;
        request.url = m_settings.baseUrl + path;
        request.headers = {"Content-Type: application/x-ndjson", "Accept: application/json"};
        if (!m_settings.apiKey.empty())
            request.headers.push_back("Authorization: ApiKey " + m_settings.apiKey);
        request.user = m_settings.user;
        request.password = m_settings.password;
        return request;
    }

    HttpReply post(const std::string &path, const std::string &body, DeliveryContext &context)
    {
        HttpRequest post = request("POST", path);
        post.body = body;
        return m_http.perform(post, &context);
    }

    Settings m_settings;
    std::optional<EcsDocuments> m_documents;
    std::vector<BulkItem> m_pending; ///< not delivered yet (the start event while ES was down)
    HttpClient m_http;
};

} // namespace

SinkResult makeElasticsearchSink(const OutputConfig &config)
{
    if (auto known = checkOutputOptions(config); !known)
        return tl::unexpected(known.error());
    namespace N = OptionName;
    // Index and data stream options conflict only when given, so they skip the defaults.
    const auto given = [&](std::string_view key) -> std::optional<std::string> {
        const auto it = config.options.find(key);
        return it == config.options.end() ? std::nullopt : std::optional(it->second);
    };
    const auto option = [&](std::string_view key) { return outputOption(config, key); };

    Settings settings;
    // Target: http(s)://[user:password@]host[:port][/path]
    const auto url = splitUrl(config.target);
    if (!url && url.error().noHost)
        return tl::unexpected(optionError("target", "missing host"));
    if (!url || (url->scheme != "http" && url->scheme != "https"))
        return tl::unexpected(optionError("target", "expected http(s)://host:port"));
    if (config.target.find_first_of("?#") != std::string::npos)
        return tl::unexpected(optionError("target", "no query or fragment in the URL"));
    settings.user = url->user;
    settings.password = url->password;
    settings.baseUrl = url->origin() + url->path;
    while (settings.baseUrl.ends_with('/'))
        settings.baseUrl.pop_back();

    if (auto user = option(N::user))
        settings.user = *user;
    if (auto password = option(N::password))
        settings.password = *password;
    if (!settings.password.empty() && settings.user.empty())
        return tl::unexpected(optionError(field(N::password), "a password needs a user"));
    if (auto apiKey = option(N::apiKey)) {
        if (apiKey->empty())
            return tl::unexpected(optionError(field(N::apiKey), "empty API key"));
        if (!settings.user.empty())
            return tl::unexpected(
                optionError(field(N::apiKey), "use either an API key or a user and password"));
        // "id:key" is encoded here; anything else is taken as Kibana's already encoded form.
        settings.apiKey = apiKey->find(':') != std::string::npos ? base64(*apiKey) : *apiKey;
    }
    if (auto verify = option(N::verifyTls)) {
        const auto parsed = parseBool(std::string(N::verifyTls), *verify);
        if (!parsed)
            return tl::unexpected(parsed.error());
        settings.verifyTls = *parsed;
    }
    if (auto caFile = option(N::caFile))
        settings.caFile = *caFile;
    if (auto timeout = option(N::timeout)) {
        double seconds = 0;
        const auto [end, ec] =
            std::from_chars(timeout->data(), timeout->data() + timeout->size(), seconds);
        if (ec != std::errc() || end != timeout->data() + timeout->size() || !(seconds > 0) ||
            seconds > 600)
            return tl::unexpected(
                optionError(field(N::timeout), "expected seconds in (0, 600]", *timeout));
        settings.timeoutSeconds = seconds;
    }
    if (auto bytes = option(N::maxBulkBytes)) {
        std::size_t value = 0;
        const auto [end, ec] = std::from_chars(bytes->data(), bytes->data() + bytes->size(), value);
        if (ec != std::errc() || end != bytes->data() + bytes->size() || value < 1024 ||
            value > 100 * 1024 * 1024)
            return tl::unexpected(
                optionError(field(N::maxBulkBytes), "expected bytes in [1024, 104857600]", *bytes));
        settings.maxBulkBytes = value;
    }
    if (auto service = option(N::serviceName)) {
        if (service->empty())
            return tl::unexpected(optionError(field(N::serviceName), "must not be empty"));
        settings.serviceName = *service;
    }

    const auto index = given(N::index);
    const auto logsIndex = given(N::logsIndex);
    const auto dataStream = given(N::dataStream);
    const auto logsDataStream = given(N::logsDataStream);
    if ((index || logsIndex) && (dataStream || logsDataStream))
        return tl::unexpected(
            optionError(field(N::dataStream), "use either index names or a data stream, not both"));
    if (logsDataStream && !dataStream)
        return tl::unexpected(
            optionError(field(N::logsDataStream), "needs data_stream for the metrics"));
    if (dataStream) {
        settings.dataStream = true;
        settings.metricsTarget = *dataStream;
        settings.logsTarget = logsDataStream.value_or(*dataStream);
        if (auto ok = checkIndexPattern(std::string(N::dataStream), settings.metricsTarget, false);
            !ok)
            return tl::unexpected(ok.error());
        if (auto ok =
                checkIndexPattern(std::string(logsDataStream ? N::logsDataStream : N::dataStream),
                                  settings.logsTarget, false);
            !ok)
            return tl::unexpected(ok.error());
    } else {
        // One `index` sends both kinds to one place, as data_stream does.
        settings.metricsTarget = index ? *index : *outputOption(config, N::index);
        settings.logsTarget = logsIndex ? *logsIndex
                              : index   ? *index
                                        : *outputOption(config, N::logsIndex);
        if (auto ok = checkIndexPattern(std::string(N::index), settings.metricsTarget, true); !ok)
            return tl::unexpected(ok.error());
        if (auto ok = checkIndexPattern(std::string(logsIndex ? N::logsIndex : N::index),
                                        settings.logsTarget, true);
            !ok)
            return tl::unexpected(ok.error());
    }
    return std::make_unique<ElasticsearchSink>(std::move(settings));
}

} // namespace Loadwizard::Engine
