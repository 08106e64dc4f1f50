#pragma once

// Requests, their options and responses, as scenario code sees them. Everything here is built on
// the scenario's side of the plugin boundary: only Request's strings cross into the engine, so
// no JSON object or multipart builder has to match between the plugin and the engine.

#include <loadwizard/helpers.h>

#include <nlohmann/json.hpp>

#include <pthread.h>

#include <cstdint>
#include <exception>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Loadwizard {

/// nlohmann-json (Debian's nlohmann-json3-dev), the SDK's JSON value.
using Json = nlohmann::json;

struct Header
{
    Header() = default;
    /// From anything a std::string is made of: literals, strings, string_views (a data row's).
    // By value: string literals decay to pointers here (GCC 12 fails on references to arrays
    // in braced lists inside coroutines).
    template <class Name, class Value>
    Header(Name n, Value v)
        : name(std::move(n))
        , value(std::move(v))
    {}

    std::string name;
    std::string value;
};

/// A file in a multipart/form-data body (`RequestOptions::files`).
struct FilePart
{
    std::string field;    ///< the form field's name
    std::string fileName; ///< what the server sees as the file's name
    std::string content;  ///< the bytes
    std::string contentType = "application/octet-stream";
};

/// A cookie in a vuser's jar.
struct Cookie
{
    std::string name;
    std::string value;
    std::string domain;       ///< empty when setting: any host ("" matches like curl's jar)
    std::string path = "/";   ///< where it is sent
    bool secure = false;      ///< only over https
    bool httpOnly = false;    ///< informational
    std::int64_t expires = 0; ///< Unix seconds; 0: a session cookie
    bool includeSubdomains = false;
};

/// One HTTP request as the engine sends it. Scenarios usually pass RequestOptions instead; the
/// SDK turns those into this.
struct Request
{
    std::string method = "GET";
    std::string url; ///< absolute, or relative to the base URL (http.base_url, Vuser::setBaseUrl)
    std::vector<Header> headers;
    std::string body;
    std::string name;               ///< metrics name; default: METHOD /path, ids collapsed
    double timeoutSeconds = 0;      ///< 0: the project's http.timeout (default 60 s)
    bool followRedirects = true;    ///< up to http.max_redirects, as browsers and k6 do
    bool captureHeaders = false;    ///< fill Response::headers (costs a callback per header)
    bool discardBody = false;       ///< do not keep the response body (saves copying)
    std::uint64_t maxBodyBytes = 0; ///< body bytes kept; 0: the project's http.max_body (8 MiB)
    int expectedStatusMin = 200;    ///< statuses outside [min, max] count as errors
    int expectedStatusMax = 399;
};

/// Everything optional about a request, for designated initializers:
/// `co_await vu.post("/orders", {.json = {{"item", 3}}, .name = "create order"})`.
/// At most one of body, json, form and files; a Content-Type header given here wins over the
/// one json, form and files imply.
struct RequestOptions
{
    std::vector<Header> headers;
    std::vector<Field> query; ///< appended to the URL, percent-encoded
    std::string body;         ///< sent as it is
    /// Serialized as the body with Content-Type: application/json. Unset (discarded) by default,
    /// so `.json = nullptr` sends `null`.
    Json json = Json(Json::value_t::discarded);
    std::vector<Field> form;     ///< application/x-www-form-urlencoded, or fields next to files
    std::vector<FilePart> files; ///< multipart/form-data with the form fields
    std::string name;            ///< metrics name (default: METHOD /path)
    double timeout = 0;          ///< seconds; 0: the project's http.timeout
    bool followRedirects = true;
    bool captureHeaders = false;
    bool discardBody = false;
    std::uint64_t maxBody = 0; ///< bytes kept; 0: the project's http.max_body
    int expectedStatusMin = 200;
    int expectedStatusMax = 399;
};

/// Thrown by the Response extractors: the engine fails the iteration with this message.
class ExtractionError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// What came back. `status` is 0 whenever the transfer failed (see `error`), even when a status
/// line had arrived before the connection broke, so `status == 200` never passes a broken body.
struct Response
{
    long status = 0;
    std::string body;            ///< the body only, as received (never the headers)
    bool truncated = false;      ///< the body was longer than maxBodyBytes: the rest was dropped
    std::vector<Header> headers; ///< only with captureHeaders
    std::string error;           ///< transport error (connect, receive, DNS, timeout, TLS)
    std::string url;             ///< where redirects led (empty when none were followed)
    double seconds = 0;          ///< total time
    double ttfbSeconds = 0;      ///< time to first byte
    int expectedStatusMin = 200; ///< the request's expectations, copied by the engine
    int expectedStatusMax = 399;
    std::string name; ///< the request's metrics name, for messages

    /// No transport error and a status the request expected: exactly what the metrics count as
    /// a success.
    bool ok() const
    {
        return error.empty() && status >= expectedStatusMin && status <= expectedStatusMax;
    }
    /// First header with this name (case-insensitive), empty when absent or not captured.
    std::string_view header(std::string_view name) const;
    bool contains(std::string_view text) const { return body.find(text) != std::string::npos; }

    /// The body parsed as JSON. Throws ExtractionError naming the request and the parse error.
    Json json() const;
    /// The value at an RFC 6901 JSON pointer ("/data/0/id"). Throws ExtractionError naming the
    /// pointer when the body is not JSON or nothing is there.
    Json json(std::string_view pointer) const;
    /// The value at a JSON pointer as text: strings as they are, anything else as JSON text.
    std::string jsonText(std::string_view pointer) const;

    /// The text between the first `left` and the next `right` after it (a boundary extractor).
    /// Throws ExtractionError when either boundary is missing.
    std::string between(std::string_view left, std::string_view right) const;
    /// Every such text, in order (empty when none).
    std::vector<std::string> betweenAll(std::string_view left, std::string_view right) const;
    /// Capture group `group` (0: the whole match) of the first match of an ECMAScript regex.
    /// Throws ExtractionError when nothing matches. Compile a std::regex once and pass it when
    /// this runs in every iteration.
    std::string match(const std::regex &pattern, std::size_t group = 1) const;
    std::string match(const std::string &pattern, std::size_t group = 1) const
    {
        return match(compiledPattern(pattern), group);
    }
    /// Capture group `group` of every match, in order.
    std::vector<std::string> matchAll(const std::regex &pattern, std::size_t group = 1) const;

private:
    std::string describe() const
    {
        return name.empty() ? std::string("the response") : "\"" + name + "\"";
    }
    static std::regex compiledPattern(const std::string &pattern);
};

namespace Detail {

inline bool sameLetters(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

/// RequestOptions to Request: query, body kinds, content type. Inline, in the plugin.
inline Request buildRequest(std::string method, std::string url, RequestOptions &&options)
{
    Request r;
    r.method = std::move(method);
    r.url = std::move(url);
    if (!options.query.empty()) {
        const auto fragment = r.url.find('#');
        std::string tail;
        if (fragment != std::string::npos) {
            tail = r.url.substr(fragment);
            r.url.resize(fragment);
        }
        r.url += r.url.find('?') == std::string::npos ? '?' : '&';
        r.url += formEncode(options.query);
        r.url += tail;
    }
    r.headers = std::move(options.headers);
    auto hasHeader = [&r](std::string_view name) {
        for (const auto &h : r.headers) {
            if (sameLetters(h.name, name))
                return true;
        }
        return false;
    };
    const int kinds = int(!options.body.empty()) + int(!options.json.is_discarded()) +
                      int(!options.form.empty() && options.files.empty()) +
                      int(!options.files.empty());
    if (kinds > 1) {
        throw std::invalid_argument(r.method + " " + r.url +
                                    ": give one of body, json, form and files");
    }
    std::string contentType;
    if (!options.json.is_discarded()) {
        r.body = options.json.dump();
        contentType = "application/json";
    } else if (!options.files.empty()) {
        // RFC 7578. The boundary only has to be absent from the content; a fixed prefix with a
        // counter that is checked against the parts keeps the body reproducible for tests.
        std::string boundary = "loadwizard-boundary-0";
        for (unsigned n = 1;; ++n) {
            bool clash = false;
            for (const auto &file : options.files)
                clash = clash || file.content.find(boundary) != std::string::npos;
            for (const auto &field : options.form)
                clash = clash || field.value.find(boundary) != std::string::npos;
            if (!clash)
                break;
            boundary = "loadwizard-boundary-" + std::to_string(n);
        }
        // RFC 7578 4.2: quotes and line breaks in names are percent-encoded.
        auto quoted = [](std::string_view text) {
            std::string out;
            for (const char c : text) {
                if (c == '"')
                    out += "%22";
                else if (c == '\r')
                    out += "%0D";
                else if (c == '\n')
                    out += "%0A";
                else
                    out += c;
            }
            return out;
        };
        for (const auto &file : options.files) {
            if (file.contentType.find_first_of(std::string_view("\r\n\0", 3)) !=
                std::string::npos) {
                throw std::invalid_argument(r.method + " " + r.url +
                                            ": the content type of file \"" + file.fileName +
                                            "\" has a line break or NUL");
            }
        }
        for (const auto &field : options.form) {
            r.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" +
                      quoted(field.name) + "\"\r\n\r\n" + field.value + "\r\n";
        }
        for (const auto &file : options.files) {
            r.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" +
                      quoted(file.field) + "\"; filename=\"" + quoted(file.fileName) +
                      "\"\r\nContent-Type: " + file.contentType + "\r\n\r\n";
            r.body += file.content;
            r.body += "\r\n";
        }
        r.body += "--" + boundary + "--\r\n";
        contentType = "multipart/form-data; boundary=" + boundary;
    } else if (!options.form.empty()) {
        r.body = formEncode(options.form);
        contentType = "application/x-www-form-urlencoded";
    } else {
        r.body = std::move(options.body);
    }
    if (!contentType.empty() && !hasHeader("Content-Type"))
        r.headers.push_back({"Content-Type", std::move(contentType)});
    r.name = std::move(options.name);
    r.timeoutSeconds = options.timeout;
    r.followRedirects = options.followRedirects;
    r.captureHeaders = options.captureHeaders;
    r.discardBody = options.discardBody;
    r.maxBodyBytes = options.maxBody;
    r.expectedStatusMin = options.expectedStatusMin;
    r.expectedStatusMax = options.expectedStatusMax;
    return r;
}

// libstdc++'s std::regex recurses once per character for patterns such as ([\s\S]*), a few hundred
// bytes of stack each: a body of a few hundred kilobytes overflows a worker thread's stack and
// ends the whole run. Bodies above 64 KiB are searched on a thread of their own with a 1 GiB
// stack (address space: its pages are touched only as deep as the search goes), and match()
// refuses bodies above maxRegexBytes, which that stack holds with room to spare.
inline constexpr std::size_t maxRegexBytes = 1u << 20;

template <class Function>
void onLargeStack(std::size_t bytes, Function &function)
{
    if (bytes <= 64 * 1024) {
        function();
        return;
    }
    struct Call
    {
        Function *function;
        std::exception_ptr error;
    };
    Call call{&function, nullptr};
    pthread_attr_t attributes;
    pthread_t thread;
    bool started = false;
    if (pthread_attr_init(&attributes) == 0) {
        if (pthread_attr_setstacksize(&attributes, std::size_t(1) << 30) == 0) {
            started = pthread_create(
                          &thread, &attributes,
                          [](void *argument) -> void * {
                              auto *c = static_cast<Call *>(argument);
                              try {
                                  (*c->function)();
                              } catch (...) {
                                  c->error = std::current_exception();
                              }
                              return nullptr;
                          },
                          &call) == 0;
        }
        pthread_attr_destroy(&attributes);
    }
    if (!started) {
        function();
        return;
    }
    pthread_join(thread, nullptr);
    if (call.error)
        std::rethrow_exception(call.error);
}

inline std::string excerpt(std::string_view body)
{
    constexpr std::size_t limit = 120;
    std::string out(body.substr(0, limit));
    // Messages reach terminals: line breaks as spaces, other control bytes (ESC, BEL) as '.'.
    for (char &c : out) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '.';
    }
    if (body.size() > limit)
        out += "… (" + std::to_string(body.size()) + " bytes)";
    return out.empty() ? std::string("(empty body)") : out;
}

} // namespace Detail

inline std::string_view Response::header(std::string_view name) const
{
    for (const auto &h : headers) {
        if (Detail::sameLetters(h.name, name))
            return h.value;
    }
    return {};
}

inline Json Response::json() const
{
    try {
        return Json::parse(body);
    } catch (const Json::exception &e) {
        throw ExtractionError("the body of " + describe() + " is not JSON: " + e.what() +
                              "; body: " + Detail::excerpt(body));
    }
}

inline Json Response::json(std::string_view pointer) const
{
    Json::json_pointer where;
    try {
        where = Json::json_pointer(std::string(pointer));
    } catch (const Json::exception &e) {
        throw ExtractionError("bad JSON pointer \"" + std::string(pointer) + "\": " + e.what());
    }
    const Json document = json();
    if (!document.contains(where)) {
        throw ExtractionError("no \"" + std::string(pointer) + "\" in the JSON of " + describe() +
                              "; body: " + Detail::excerpt(body));
    }
    return document.at(where);
}

inline std::string Response::jsonText(std::string_view pointer) const
{
    const Json value = json(pointer);
    return value.is_string() ? value.get<std::string>() : value.dump();
}

inline std::string Response::between(std::string_view left, std::string_view right) const
{
    const auto start = body.find(left);
    if (start == std::string::npos) {
        throw ExtractionError("left boundary \"" + std::string(left) + "\" not in the body of " +
                              describe() + "; body: " + Detail::excerpt(body));
    }
    const auto from = start + left.size();
    const auto end = right.empty() ? body.size() : body.find(right, from);
    if (end == std::string::npos) {
        throw ExtractionError("right boundary \"" + std::string(right) + "\" not after \"" +
                              std::string(left) + "\" in the body of " + describe() +
                              "; body: " + Detail::excerpt(body));
    }
    return body.substr(from, end - from);
}

inline std::vector<std::string> Response::betweenAll(std::string_view left,
                                                     std::string_view right) const
{
    std::vector<std::string> out;
    if (left.empty())
        return out;
    for (auto start = body.find(left); start != std::string::npos;) {
        const auto from = start + left.size();
        const auto end = right.empty() ? body.size() : body.find(right, from);
        if (end == std::string::npos)
            break;
        out.push_back(body.substr(from, end - from));
        start = body.find(left, end + right.size());
    }
    return out;
}

inline std::regex Response::compiledPattern(const std::string &pattern)
{
    try {
        return std::regex(pattern);
    } catch (const std::regex_error &e) {
        throw ExtractionError("bad regular expression \"" + pattern + "\": " + e.what());
    }
}

inline std::string Response::match(const std::regex &pattern, std::size_t group) const
{
    if (group > pattern.mark_count()) {
        throw ExtractionError("the regular expression has " + std::to_string(pattern.mark_count()) +
                              " groups, not " + std::to_string(group));
    }
    if (body.size() > Detail::maxRegexBytes) {
        throw ExtractionError("match() searches at most 1 MiB (std::regex recurses per "
                              "character), and the body of " +
                              describe() + " has " + std::to_string(body.size()) +
                              " bytes: use between() or json(), or a smaller maxBody");
    }
    std::smatch found;
    bool matched = false;
    auto search = [&] { matched = std::regex_search(body, found, pattern); };
    Detail::onLargeStack(body.size(), search);
    if (!matched) {
        throw ExtractionError("no match in the body of " + describe() +
                              "; body: " + Detail::excerpt(body));
    }
    return found[group].str();
}

inline std::vector<std::string> Response::matchAll(const std::regex &pattern,
                                                   std::size_t group) const
{
    if (body.size() > Detail::maxRegexBytes) {
        throw ExtractionError("matchAll() searches at most 1 MiB (std::regex recurses per "
                              "character), and the body of " +
                              describe() + " has " + std::to_string(body.size()) +
                              " bytes: use betweenAll(), or a smaller maxBody");
    }
    std::vector<std::string> out;
    auto search = [&] {
        for (auto it = std::sregex_iterator(body.begin(), body.end(), pattern);
             it != std::sregex_iterator(); ++it) {
            if (group < it->size())
                out.push_back((*it)[group].str());
        }
    };
    Detail::onLargeStack(body.size(), search);
    return out;
}

} // namespace Loadwizard
