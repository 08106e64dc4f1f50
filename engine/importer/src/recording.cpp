#include <loadwizard/recording.h>

#include <loadwizard/httpsyntax.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

namespace Loadwizard::Import {

namespace {

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::tolower((unsigned char)c));
    return out;
}

/// Think time between pages is capped: a recording paused for lunch is no think time.
constexpr double maxThinkSeconds = 30;

std::string extensionOf(std::string_view url)
{
    auto end = url.find_first_of("?#");
    std::string_view path = url.substr(0, end);
    const auto slash = path.rfind('/');
    if (slash != std::string_view::npos)
        path = path.substr(slash + 1);
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string() : lower(path.substr(dot + 1));
}

const Steps::Pairs::value_type *findHeader(const Steps::Pairs &headers, std::string_view name)
{
    for (const auto &header : headers) {
        if (lower(header.first) == lower(name))
            return &header;
    }
    return nullptr;
}

nlohmann::ordered_json escapedJson(const nlohmann::ordered_json &value)
{
    if (value.is_string())
        return escapeTemplate(value.get<std::string>());
    if (value.is_array()) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto &item : value)
            out.push_back(escapedJson(item));
        return out;
    }
    if (value.is_object()) {
        nlohmann::ordered_json out = nlohmann::ordered_json::object();
        for (const auto &[key, item] : value.items())
            out[key] = escapedJson(item);
        return out;
    }
    return value;
}

Steps::Pairs escapedPairs(const Steps::Pairs &pairs)
{
    Steps::Pairs out;
    for (const auto &[name, value] : pairs)
        out.emplace_back(escapeTemplate(name), escapeTemplate(value));
    return out;
}

/// `text` shortened, with control characters written as escapes (`\r`, `\n`, `\x00`): a
/// warning stays one line.
std::string visible(std::string_view text)
{
    std::string out;
    for (const char c : shortened(text)) {
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if ((unsigned char)c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", unsigned((unsigned char)c));
            out += hex;
        } else
            out += c;
    }
    return out;
}

std::string entryLabel(const RecordedExchange &exchange)
{
    return "entry " + std::to_string(exchange.entry);
}

/// The request step of one exchange (templates escaped), warnings for what it cannot carry.
Steps::RequestStep requestStep(const RecordedExchange &exchange, const std::string &base,
                               std::vector<std::string> &warnings)
{
    Steps::RequestStep step;
    step.method = exchange.method;
    std::string url = exchange.url;
    if (const auto hash = url.find('#'); hash != std::string::npos)
        url.resize(hash);
    if (!base.empty() && originOf(url) == base) {
        // The origin's text as written may differ in case or a default port: cut after it.
        const auto afterScheme = url.find("://") + 3;
        const auto pathStart = url.find_first_of("/?", afterScheme);
        url = pathStart == std::string::npos ? "/" : url.substr(pathStart);
        if (url.starts_with("?"))
            url = "/" + url;
    }
    if (const auto question = url.find('?'); question != std::string::npos) {
        // Pairs read better and are percent-encoded again when sent; a query that is not
        // name=value pairs stays in the URL as recorded.
        const auto pairs = parseUrlEncoded(std::string_view(url).substr(question + 1));
        if (pairs && !pairs->empty()) {
            step.query = escapedPairs(*pairs);
            url.resize(question);
        }
    }
    step.url = escapeTemplate(url);

    const std::string contentType = lower(exchange.bodyMimeType);
    bool implied = false;
    if (exchange.bodyBinary) {
        warnings.push_back(entryLabel(exchange) + ": " + exchange.method + " " + exchange.url +
                           ": binary request body (" +
                           (contentType.empty() ? std::string("no type") : contentType) +
                           ") left out");
    } else if (contentType.starts_with("multipart/form-data")) {
        implied = true;
        step.form = escapedPairs(exchange.bodyForm.value_or(Steps::Pairs{}));
        for (std::size_t i = 0; i < exchange.files.size(); ++i) {
            Steps::FileField file = exchange.files[i];
            file.path = escapeTemplate(file.path);
            file.fileName = escapeTemplate(file.fileName);
            step.files.push_back(file);
            const std::size_t size = i < exchange.fileSizes.size() ? exchange.fileSizes[i] : 0;
            warnings.push_back(entryLabel(exchange) + ": multipart file \"" + file.fileName +
                               "\" (field \"" + file.field +
                               "\") is not in the recording: put a file at \"" + file.path +
                               "\" next to the scenario" +
                               (size ? " (" + std::to_string(size) + " bytes recorded)" : ""));
        }
        if (step.files.empty() && step.form.empty())
            warnings.push_back(entryLabel(exchange) +
                               ": multipart body without readable parts left out");
    } else if (exchange.bodyForm && !exchange.bodyText) {
        implied = contentType.starts_with("application/x-www-form-urlencoded");
        step.form = escapedPairs(*exchange.bodyForm);
    } else if (exchange.bodyText) {
        const std::string &text = *exchange.bodyText;
        std::optional<Steps::Pairs> form;
        // Deeper JSON stays text: the YAML writer and the interpreter walk it recursively.
        if (contentType.find("json") != std::string::npos && jsonDepth(text) <= 64) {
            // In the recorded key order: a diff against the browser's request reads better.
            auto json = nlohmann::ordered_json::parse(text, nullptr, false);
            if (!json.is_discarded()) {
                step.json = escapedJson(json);
                implied = contentType.starts_with("application/json");
            }
        } else if (contentType.starts_with("application/x-www-form-urlencoded") &&
                   (form = parseUrlEncoded(text))) {
            step.form = escapedPairs(*form);
            implied = true;
        }
        if (!step.json && step.form.empty() && !text.empty())
            step.body = escapeTemplate(text);
    }

    for (const auto &[name, value] : exchange.headers) {
        const std::string key = lower(name);
        // A name with a space or a colon, a value with a line break: the request (and the YAML
        // that carries it) would break, or smuggle a header of its own.
        if (const std::string problem = headerProblem(name, value); !problem.empty()) {
            if (!isDroppedHeader(key) && !name.starts_with(":"))
                warnings.push_back(entryLabel(exchange) + ": " + visible(problem) + ": left out");
            continue;
        }
        if (std::find(exchange.keptHeaders.begin(), exchange.keptHeaders.end(), key) !=
            exchange.keptHeaders.end()) {
            step.headers.emplace_back(name, escapeTemplate(value));
            continue;
        }
        if (isDroppedHeader(key))
            continue;
        if (key == "content-type" && implied)
            continue; // json:, form: and files: send their own (with the multipart boundary)
        step.headers.emplace_back(name, escapeTemplate(value));
    }
    // A text body keeps the type it was sent with (curl -d sends a form type by default).
    if (step.body && !contentType.empty() && !findHeader(exchange.headers, "content-type"))
        step.headers.emplace_back("Content-Type", exchange.bodyMimeType);
    if (exchange.timeoutSeconds > 0)
        step.timeoutSeconds = exchange.timeoutSeconds;

    if (exchange.status > 0) {
        Steps::Check check;
        check.subject = Steps::Check::Subject::Status;
        check.op = Steps::Check::Op::OneOf;
        check.statuses = {exchange.status};
        step.checks.push_back(check);
        // A redirect is a step of its own in a recording: replaying it must not follow it too.
        if (exchange.status >= 300 && exchange.status < 400)
            step.followRedirects = false;
        // What the browser saw is what the replay expects (a 404 favicon is no error).
        if (exchange.status >= 400) {
            step.expectMin = exchange.status;
            step.expectMax = exchange.status;
        }
    }
    return step;
}

std::string stemOf(const std::string &source)
{
    auto name = source;
    if (const auto slash = name.find_last_of('/'); slash != std::string::npos)
        name = name.substr(slash + 1);
    if (const auto dot = name.rfind('.'); dot != std::string::npos && dot > 0)
        name.resize(dot);
    return name.empty() ? std::string("imported") : name;
}

} // namespace

int jsonDepth(std::string_view text)
{
    int depth = 0, deepest = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

bool looksBinary(std::string_view text)
{
    // NUL bytes or invalid UTF-8: not something a YAML string can carry faithfully.
    for (std::size_t i = 0; i < text.size();) {
        const auto c = (unsigned char)text[i];
        if (c == 0)
            return true;
        int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (extra < 0 || i + std::size_t(extra) >= text.size())
            return true;
        for (int k = 1; k <= extra; ++k) {
            if (((unsigned char)text[i + k] >> 6) != 2)
                return true;
        }
        i += std::size_t(extra) + 1;
    }
    return false;
}

bool isDroppedHeader(std::string_view name)
{
    static const std::array<std::string_view, 19> dropped = {
        "host",
        "connection",
        "keep-alive",
        "user-agent",
        "proxy-connection",
        "content-length",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "accept-encoding",
        "cookie",
        "upgrade-insecure-requests",
        "priority",
        "dnt",
        "cache-control",
        "pragma",
        "if-none-match",
        "if-modified-since",
    };
    const std::string key = lower(name);
    if (key.empty() || key.front() == ':' || key.starts_with("sec-"))
        return true;
    return std::find(dropped.begin(), dropped.end(), key) != dropped.end();
}

bool isStaticResource(const RecordedExchange &exchange)
{
    const std::string mime = lower(exchange.responseMimeType);
    static const std::array<std::string_view, 9> staticTypes = {
        "image/",
        "font/",
        "audio/",
        "video/",
        "text/css",
        "application/javascript",
        "text/javascript",
        "application/x-javascript",
        "application/font-",
    };
    for (const auto prefix : staticTypes) {
        if (mime.starts_with(prefix))
            return true;
    }
    if (mime.starts_with("application/x-font") || mime.starts_with("application/vnd.ms-fontobject"))
        return true;
    static const std::array<std::string_view, 24> extensions = {
        "png", "jpg",  "jpeg",  "gif", "svg", "ico", "webp", "avif", "bmp", "css", "js",  "mjs",
        "map", "woff", "woff2", "ttf", "otf", "eot", "mp4",  "webm", "mp3", "ogg", "wav", "m4a",
    };
    const std::string extension = extensionOf(exchange.url);
    return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

std::string originOf(std::string_view url)
{
    const auto colon = url.find("://");
    if (colon == std::string_view::npos)
        return {};
    const std::string scheme = lower(url.substr(0, colon));
    if (scheme != "http" && scheme != "https")
        return {};
    const auto rest = url.substr(colon + 3);
    auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);
    std::string host = lower(authority);
    if (host.empty())
        return {};
    const std::string defaultPort = scheme == "http" ? ":80" : ":443";
    if (host.ends_with(defaultPort) && host.find(']') == std::string::npos &&
        std::count(host.begin(), host.end(), ':') == 1)
        host.resize(host.size() - defaultPort.size());
    if (host.ends_with("]" + defaultPort))
        host.resize(host.size() - defaultPort.size());
    return scheme + "://" + host;
}

std::string escapeTemplate(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{')
            out += '$';
        out += text[i];
    }
    return out;
}

std::string percentDecode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    const auto hex = [](char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
            hex(text[i + 2]) >= 0) {
            out += char(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else if (text[i] == '+' && plusIsSpace) {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<Steps::Pairs> parseUrlEncoded(std::string_view text)
{
    Steps::Pairs pairs;
    if (text.empty())
        return pairs;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('&', start);
        if (end == std::string_view::npos)
            end = text.size();
        const auto part = text.substr(start, end - start);
        const auto equals = part.find('=');
        // "a&b" or whitespace is not a form: keep such text as it is.
        if (equals == std::string_view::npos || equals == 0 ||
            part.find_first_of(" \t\r\n") != std::string_view::npos)
            return std::nullopt;
        pairs.emplace_back(percentDecode(part.substr(0, equals), true),
                           percentDecode(part.substr(equals + 1), true));
        if (looksBinary(pairs.back().first) || looksBinary(pairs.back().second))
            return std::nullopt;
        start = end + 1;
    }
    return pairs;
}

tl::expected<ImportResult, Error> buildScenario(const std::vector<RecordedExchange> &exchanges,
                                                const ImportOptions &options,
                                                std::vector<std::string> warnings)
{
    ImportResult result;
    std::optional<std::regex> exclude;
    if (!options.exclude.empty()) {
        try {
            exclude.emplace(options.exclude, std::regex::ECMAScript);
        } catch (const std::regex_error &e) {
            return tl::make_unexpected(Error{"not a regular expression (" + std::string(e.what()) +
                                                 "): \"" + shortened(options.exclude) + "\"",
                                             {},
                                             0,
                                             0,
                                             "--exclude"});
        }
    }
    std::string base;
    if (!options.baseUrl.empty()) {
        base = originOf(options.baseUrl);
        if (base.empty())
            return tl::make_unexpected(Error{"expected an http:// or https:// URL, got \"" +
                                                 shortened(options.baseUrl) + "\"",
                                             {},
                                             0,
                                             0,
                                             "--base-url"});
    }

    std::vector<RecordedExchange> kept;
    for (const auto &exchange : exchanges) {
        if (exclude && std::regex_search(exchange.url, *exclude)) {
            ++result.droppedExcluded;
            continue;
        }
        if (!options.includeStatic && isStaticResource(exchange)) {
            ++result.droppedStatic;
            continue;
        }
        if (originOf(exchange.url).empty()) {
            warnings.push_back(entryLabel(exchange) + ": \"" + shortened(exchange.url) +
                               "\" is not an http(s) URL: skipped");
            continue;
        }
        if (!isHttpToken(exchange.method)) {
            warnings.push_back(entryLabel(exchange) + ": method \"" + visible(exchange.method) +
                               "\" is not an HTTP token: skipped");
            continue;
        }
        if (std::any_of(exchange.url.begin(), exchange.url.end(),
                        [](char c) { return (unsigned char)c <= 0x20 || c == 0x7f; })) {
            warnings.push_back(entryLabel(exchange) +
                               ": the URL holds a space or a control character: skipped");
            continue;
        }
        kept.push_back(exchange);
    }
    if (base.empty() && !kept.empty())
        base = originOf(kept.front().url);
    result.baseUrl = base;

    std::vector<Steps::RequestStep> steps;
    for (const auto &exchange : kept)
        steps.push_back(requestStep(exchange, base, warnings));
    if (options.correlate)
        result.correlation = correlate(kept, steps);

    // Pages become transactions, the gaps between them think times.
    auto &out = result.scenario.steps;
    double lastEnd = -1;
    std::string lastPage;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const auto &exchange = kept[i];
        Steps::Step request;
        request.kind = Steps::Step::Kind::Request;
        request.request = std::move(steps[i]);
        const bool newPage = !exchange.page.empty() && (i == 0 || exchange.page != lastPage);
        if (newPage && lastEnd >= 0 && exchange.startedSeconds >= 0) {
            double gap = std::round((exchange.startedSeconds - lastEnd) * 10) / 10;
            gap = std::min(gap, maxThinkSeconds);
            if (gap >= 0.1) {
                Steps::Step think;
                think.kind = Steps::Step::Kind::Think;
                think.seconds = gap;
                out.push_back(think);
            }
        }
        if (exchange.page.empty()) {
            out.push_back(std::move(request));
        } else if (newPage) {
            Steps::Step transaction;
            transaction.kind = Steps::Step::Kind::Transaction;
            transaction.text = escapeTemplate(exchange.page);
            transaction.steps.push_back(std::move(request));
            out.push_back(std::move(transaction));
        } else {
            out.back().steps.push_back(std::move(request));
        }
        lastPage = exchange.page;
        if (exchange.startedSeconds >= 0)
            lastEnd = std::max(lastEnd, exchange.startedSeconds + exchange.durationSeconds);
    }
    result.requests = int(kept.size());

    // Requests to other origins are sent there whatever --base-url says: a replay against a local
    // server would still reach the identity provider or the analytics host. Say which.
    std::vector<std::pair<std::string, int>> others;
    int otherRequests = 0;
    for (const auto &exchange : kept) {
        const std::string origin = originOf(exchange.url);
        if (origin == base)
            continue;
        ++otherRequests;
        auto it = std::find_if(others.begin(), others.end(),
                               [&](const auto &other) { return other.first == origin; });
        if (it == others.end())
            others.emplace_back(origin, 1);
        else
            ++it->second;
    }
    if (otherRequests > 0) {
        std::string list;
        for (std::size_t i = 0; i < others.size() && i < 10; ++i)
            list += (i ? ", " : "") + shortened(others[i].first) + " (" +
                    std::to_string(others[i].second) + ")";
        if (others.size() > 10)
            list += " and " + std::to_string(others.size() - 10) + " more origins";
        warnings.push_back(std::to_string(otherRequests) + " request" +
                           (otherRequests == 1 ? " stays" : "s stay") +
                           " absolute: " + (otherRequests == 1 ? "it goes" : "they go") + " to " +
                           list + " whatever the base URL (--exclude leaves them out)");
    }
    if (result.droppedStatic > 0)
        warnings.push_back(std::to_string(result.droppedStatic) +
                           " static resources left out (images, CSS, fonts, scripts, media; "
                           "--include-static keeps them)");
    if (result.droppedExcluded > 0)
        warnings.push_back(std::to_string(result.droppedExcluded) +
                           " requests left out by --exclude");
    if (kept.empty())
        warnings.push_back("no requests left to import");
    result.warnings = std::move(warnings);
    result.scenario.name = stemOf(options.sourceName);
    result.scenario.description =
        ("Imported from " + options.sourceName + ": " + std::to_string(kept.size()) + " requests" +
         (base.empty() ? std::string()
                       : ", relative to " + base + " (run with --base-url " + base +
                             " or the project's http.base_url)"));
    return result;
}

} // namespace Loadwizard::Import
