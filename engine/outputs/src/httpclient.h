#pragma once

// Internal: the HTTP client of the outputs (InfluxDB, Elasticsearch). One libcurl easy handle,
// used only on the output's own thread; every request can be cut short at the flush deadline.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

namespace Loadwizard {
class DeliveryContext;
}

namespace Loadwizard::Engine {

/// What stays the same for every request of one output.
struct HttpSettings
{
    double timeoutSeconds = 10; ///< whole request; connecting gets at most 5 s of it
    bool verifyTls = true;
    std::string caFile;
};

/// One request.
struct HttpRequest
{
    std::string method = "GET"; ///< GET, or POST with `body`
    std::string url;
    std::vector<std::string> headers; ///< "Name: value"
    std::string_view body;            ///< not copied: must outlive perform()
    bool gzip = false;                ///< send the body gzip-compressed (Content-Encoding)
    std::string user;                 ///< basic auth when not empty
    std::string password;
    std::size_t maxReplyBytes = 64 * 1024 * 1024; ///< the rest of an endless body is discarded
};

/// One answer, or why there was none.
struct HttpReply
{
    long status = 0;   ///< 0: no answer (error says why)
    std::string error; ///< libcurl's message when status is 0
    std::string body;
    std::map<std::string, std::string> headers; ///< names in lower case
    double retryAfterSeconds = 0;               ///< Retry-After (seconds or a date), 0 when none
};

/// A libcurl easy handle with the outputs' defaults: no proxy from the environment, no signals,
/// timeouts, TLS verification as configured.
class HttpClient
{
public:
    explicit HttpClient(HttpSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    /// Performs `request`; when `context` is given, a request still running once it says
    /// stopping() is cut short (a slow server must not hold the end of the run hostage).
    HttpReply perform(const HttpRequest &request, const DeliveryContext *context = nullptr);

    /// `text` percent-encoded for a query value.
    static std::string escaped(std::string_view text);

private:
    /// m_curl's transfer, cut short once `context` is stopping().
    CURLcode run(const DeliveryContext *context);

    HttpSettings m_settings;
    CURL *m_curl = nullptr;
    CURLM *m_multi = nullptr; ///< drives m_curl, so the deadline is checked between short polls
};

} // namespace Loadwizard::Engine
