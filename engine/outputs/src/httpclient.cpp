#include "httpclient.h"

#include <loadwizard/output.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include <zlib.h>

namespace Loadwizard::Engine {

namespace {

/// `data` as a gzip member; empty when zlib fails (the caller then sends it uncompressed).
std::string gzipped(std::string_view data)
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

std::string trimmed(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    return std::string(text);
}

struct Transfer
{
    HttpReply *reply;
    std::size_t maxBytes;
};

std::size_t collectBody(char *data, std::size_t size, std::size_t count, void *user)
{
    auto *transfer = static_cast<Transfer *>(user);
    std::string &body = transfer->reply->body;
    if (body.size() < transfer->maxBytes)
        body.append(data, std::min(size * count, transfer->maxBytes - body.size()));
    return size * count;
}

std::size_t collectHeader(char *data, std::size_t size, std::size_t count, void *user)
{
    auto &headers = static_cast<Transfer *>(user)->reply->headers;
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear(); // a new response (after 100 Continue): only the last one counts
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        headers[name] = trimmed(line.substr(colon + 1));
    }
    return size * count;
}

int abortWhenStopping(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<const DeliveryContext *>(user)->stopping() ? 1 : 0;
}

} // namespace

HttpClient::HttpClient(HttpSettings settings)
    : m_settings(std::move(settings))
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::~HttpClient()
{
    if (m_curl)
        curl_easy_cleanup(m_curl);
    if (m_multi)
        curl_multi_cleanup(m_multi);
}

CURLcode HttpClient::run(const DeliveryContext *context)
{
    // curl_easy_perform() calls the progress function about once a second while it waits, so
    // a flush deadline would be noticed up to a second late: a multi handle polled in short
    // steps notices it within one.
    constexpr int stepMs = 20;
    if (!m_multi)
        m_multi = curl_multi_init();
    if (!m_multi || curl_multi_add_handle(m_multi, m_curl) != CURLM_OK)
        return curl_easy_perform(m_curl);
    CURLcode result = CURLE_OK;
    bool done = false;
    for (int running = 1; !done;) {
        if (curl_multi_perform(m_multi, &running) != CURLM_OK) {
            result = CURLE_OUT_OF_MEMORY;
            break;
        }
        int queued = 0;
        while (CURLMsg *message = curl_multi_info_read(m_multi, &queued)) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == m_curl) {
                result = message->data.result;
                done = true;
            }
        }
        if (done)
            break;
        if (running == 0) { // cannot happen: a transfer that ends says so above
            result = CURLE_GOT_NOTHING;
            break;
        }
        if (context && context->stopping()) {
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(m_multi, nullptr, 0, context ? stepMs : 1000, nullptr);
    }
    curl_multi_remove_handle(m_multi, m_curl);
    return result;
}

HttpReply HttpClient::perform(const HttpRequest &request, const DeliveryContext *context)
{
    HttpReply reply;
    if (context && context->stopping()) {
        reply.error = "not sent: the flush deadline has passed";
        return reply;
    }
    if (!m_curl)
        m_curl = curl_easy_init();
    if (!m_curl) {
        reply.error = "curl_easy_init failed";
        return reply;
    }
    CURL *curl = m_curl;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROXY, ""); // never through http_proxy from the environment
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(m_settings.timeoutSeconds * 1000));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     long(std::min(m_settings.timeoutSeconds, 5.0) * 1000));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, m_settings.verifyTls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, m_settings.verifyTls ? 2L : 0L);
    if (!m_settings.caFile.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_settings.caFile.c_str());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "Loadwizard/" LOADWIZARD_VERSION);
    if (!request.user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
        curl_easy_setopt(curl, CURLOPT_USERNAME, request.user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
    }

    curl_slist *headers = nullptr;
    for (const std::string &header : request.headers)
        headers = curl_slist_append(headers, header.c_str());
    std::string compressed;
    if (request.method == "POST") {
        if (request.gzip)
            compressed = gzipped(request.body);
        const std::string_view body = compressed.empty() ? request.body : compressed;
        if (!compressed.empty())
            headers = curl_slist_append(headers, "Content-Encoding: gzip");
        headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    Transfer transfer{&reply, request.maxReplyBytes};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collectBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collectHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    if (context) {
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abortWhenStopping);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, context);
    }
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    const CURLcode result = run(context);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);

    if (result == CURLE_ABORTED_BY_CALLBACK) {
        reply.error = "cut short: the flush deadline has passed";
    } else if (result != CURLE_OK) {
        reply.error = errorBuffer[0] ? errorBuffer : curl_easy_strerror(result);
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
        // libcurl reads both forms of Retry-After (seconds and an HTTP date).
        curl_off_t retryAfter = 0;
        if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retryAfter) == CURLE_OK &&
            retryAfter > 0)
            reply.retryAfterSeconds = double(retryAfter);
        return reply;
    }
    reply.status = 0;
    return reply;
}

std::string HttpClient::escaped(std::string_view text)
{
    // The handle argument has been unused since libcurl 7.82.
    char *value = curl_easy_escape(nullptr, text.data(), int(text.size()));
    std::string out = value ? value : "";
    curl_free(value);
    return out;
}

} // namespace Loadwizard::Engine
