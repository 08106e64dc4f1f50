#include "worker.h"

#include "clock.h"
#include "transferpool.h"
#include <loadwizard/httpsyntax.h>
#include <loadwizard/requestnames.h>
#include <loadwizard/secrets.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// The HTTP half of Worker: starting a vuser's request on a pooled easy handle and turning a
// finished transfer into a Response and metrics.

namespace Loadwizard::Engine {

namespace {

/// A failed request's exchange for people looking into it: request line, headers and the start
/// of the body, then the status (or transport error), the response headers the request captured
/// and the start of the body. Bounded: an error view needs the first lines, not 8 MiB.
std::string errorSample(const Request &request, const Response &response, long status)
{
    static constexpr std::size_t bodyShown = 2048;
    const auto appendBody = [](std::string &out, const std::string &body) {
        if (body.empty())
            return;
        out += '\n';
        out.append(body, 0, std::min(body.size(), bodyShown));
        if (body.size() > bodyShown)
            out += "\n… (" + std::to_string(body.size()) + " bytes, cut)";
        out += '\n';
    };
    std::string out = "> " + request.method + " " + request.url + "\n";
    for (const Header &header : request.headers)
        out += "> " + header.name + ": " + header.value + "\n";
    appendBody(out, request.body);
    out += response.error.empty() ? "< HTTP " + std::to_string(status) + "\n"
                                  : "< error: " + response.error + "\n";
    for (const Header &header : response.headers)
        out += "< " + header.name + ": " + header.value + "\n";
    appendBody(out, response.body);
    return out;
}

} // namespace

namespace {

enum Method : std::int8_t
{
    Get,
    Head,
    Post,
    Other
};

Method methodOf(const std::string &method)
{
    if (method == "GET")
        return Get;
    if (method == "POST")
        return Post;
    if (method == "HEAD")
        return Head;
    return Other;
}

ErrorClass classify(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return ErrorClass::Dns;
    case CURLE_OPERATION_TIMEDOUT:
        return ErrorClass::Timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
        return ErrorClass::Tls;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
        return ErrorClass::Connect;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WEIRD_SERVER_REPLY:
        return ErrorClass::Receive;
    default:
        return ErrorClass::Other;
    }
}

// "scheme://" at the start: RFC 3986's scheme is a letter, then letters, digits, + - .
bool isAbsoluteUrl(std::string_view url)
{
    if (url.empty() || !std::isalpha(static_cast<unsigned char>(url[0])))
        return false;
    for (std::size_t i = 1; i < url.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(url[i]);
        if (c == ':')
            return url.substr(i, 3) == "://";
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.')
            return false;
    }
    return false;
}

bool hasHeader(const std::vector<Header> &headers, std::string_view name)
{
    return std::any_of(headers.begin(), headers.end(),
                       [&](const Header &h) { return Detail::sameLetters(h.name, name); });
}

// Cookie text for CURLOPT_COOKIELIST: Netscape format, which carries every field.
std::string netscapeCookieLine(const Cookie &cookie)
{
    std::string line;
    if (cookie.httpOnly)
        line += "#HttpOnly_";
    line += cookie.domain;
    line += cookie.includeSubdomains ? "\tTRUE\t" : "\tFALSE\t";
    line += cookie.path.empty() ? "/" : cookie.path;
    line += cookie.secure ? "\tTRUE\t" : "\tFALSE\t";
    line += std::to_string(cookie.expires);
    line += '\t';
    line += cookie.name;
    line += '\t';
    line += cookie.value;
    return line;
}

Cookie parseNetscapeCookieLine(std::string_view line)
{
    Cookie cookie;
    constexpr std::string_view httpOnly = "#HttpOnly_";
    if (line.starts_with(httpOnly)) {
        cookie.httpOnly = true;
        line.remove_prefix(httpOnly.size());
    }
    std::vector<std::string_view> fields;
    while (fields.size() < 6) {
        const auto tab = line.find('\t');
        if (tab == std::string_view::npos)
            break;
        fields.push_back(line.substr(0, tab));
        line.remove_prefix(tab + 1);
    }
    fields.push_back(line);
    if (fields.size() != 7)
        return cookie;
    cookie.domain = fields[0];
    cookie.includeSubdomains = fields[1] == "TRUE";
    cookie.path = fields[2];
    cookie.secure = fields[3] == "TRUE";
    cookie.expires = std::strtoll(std::string(fields[4]).c_str(), nullptr, 10);
    cookie.name = fields[5];
    cookie.value = fields[6];
    return cookie;
}

} // namespace

std::vector<Cookie> Worker::cookies(const VuserImpl &vuser)
{
    std::vector<Cookie> out;
    CURL *easy = cookieHandle(vuser.share);
    if (!easy)
        return out;
    curl_slist *list = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_COOKIELIST, &list) == CURLE_OK) {
        for (curl_slist *item = list; item; item = item->next)
            out.push_back(parseNetscapeCookieLine(item->data));
        curl_slist_free_all(list);
    }
    curl_easy_setopt(easy, CURLOPT_SHARE, nullptr);
    return out;
}

void Worker::setCookie(VuserImpl &vuser, const Cookie &cookie)
{
    auto refuse = [&](const std::string &why) {
        return std::invalid_argument("setCookie(\"" + cookie.name + "\"): " + why);
    };
    if (cookie.name.empty())
        throw refuse("a cookie needs a name");
    const std::string_view forbidden = "\t\r\n;";
    for (const std::string *text : {&cookie.name, &cookie.value, &cookie.domain, &cookie.path}) {
        if (text->find_first_of(forbidden) != std::string::npos)
            throw refuse("tabs, line breaks and ';' are not allowed in a cookie");
    }
    Cookie copy = cookie;
    if (copy.domain.empty()) {
        // The host of the vuser's base URL: a jar keeps no cookie without a domain.
        const std::string &base = vuser.baseUrl();
        CURLU *url = curl_url();
        char *host = nullptr;
        if (url && !base.empty() &&
            curl_url_set(url, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
            curl_url_get(url, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
            copy.domain = host;
        }
        curl_free(host);
        curl_url_cleanup(url);
        if (copy.domain.empty())
            throw refuse("give a domain (there is no base URL to take it from)");
    }
    CURL *easy = cookieHandle(vuser.share);
    if (!easy)
        throw std::runtime_error("setCookie: out of memory");
    const std::string line = netscapeCookieLine(copy);
    curl_easy_setopt(easy, CURLOPT_COOKIELIST, line.c_str());
    curl_easy_setopt(easy, CURLOPT_SHARE, nullptr);
}

void Worker::clearCookies(VuserImpl &vuser)
{
    if (CURL *easy = cookieHandle(vuser.share)) {
        curl_easy_setopt(easy, CURLOPT_COOKIELIST, "ALL");
        curl_easy_setopt(easy, CURLOPT_SHARE, nullptr);
    }
}

CURL *Worker::cookieHandle(CURLSH *share)
{
    if (!share)
        return nullptr;
    if (!m_cookieEasy) {
        m_cookieEasy = curl_easy_init();
        if (!m_cookieEasy)
            return nullptr;
        curl_easy_setopt(m_cookieEasy, CURLOPT_COOKIEFILE, ""); // the cookie engine, no file
    }
    curl_easy_setopt(m_cookieEasy, CURLOPT_SHARE, share);
    return m_cookieEasy;
}

void Worker::resolveUrl(VuserImpl &vuser, Request &request)
{
    const std::string &base = vuser.baseUrl();
    if (base.empty()) {
        throw std::invalid_argument("relative URL \"" + shortened(redactSecrets(request.url)) +
                                    "\" needs a base URL: set http.base_url in the project, give "
                                    "--base-url, or call vu.setBaseUrl()");
    }
    if (!m_baseUrl || m_baseUrlText != base) {
        if (!m_baseUrl)
            m_baseUrl = curl_url();
        if (!m_baseUrl || curl_url_set(m_baseUrl, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
            m_baseUrlText.clear();
            throw std::invalid_argument("the base URL \"" + shortened(redactSecrets(base)) +
                                        "\" is not a URL");
        }
        m_baseUrlText = base;
    }
    CURLU *url = curl_url_dup(m_baseUrl);
    char *resolved = nullptr;
    const CURLUcode code =
        url ? curl_url_set(url, CURLUPART_URL, request.url.c_str(), 0) : CURLUE_OUT_OF_MEMORY;
    if (code == CURLUE_OK && curl_url_get(url, CURLUPART_URL, &resolved, 0) == CURLUE_OK)
        request.url = resolved;
    curl_free(resolved);
    curl_url_cleanup(url);
    if (code != CURLUE_OK) {
        throw std::invalid_argument("cannot resolve \"" + shortened(redactSecrets(request.url)) +
                                    "\" against the base URL: " + curl_url_strerror(code));
    }
}

namespace {

// Why a request cannot go out as written, or empty: a method that is not an HTTP token, or a
// header name or value that would end its line (CR, LF, NUL) and so write headers, or a whole
// request, of its own. Values often come from data rows and responses, so this is checked for
// every request that has headers (a few bytes scanned, next to libcurl's work per request).
std::string requestProblem(const Request &request)
{
    if (!isHttpToken(request.method))
        return "method \"" + shortened(request.method) + "\" is not an HTTP method name";
    for (const auto &header : request.headers) {
        if (std::string problem = headerProblem(header.name, header.value); !problem.empty())
            return problem;
    }
    return {};
}

} // namespace

void Worker::startRequest(VuserImpl &vuser, Detail::RequestAwaitable &op,
                          std::coroutine_handle<> handle)
{
    // Thrown from here (before the wait begins) the exception comes out of the co_await.
    if (!op.request.headers.empty() || op.request.method.size() > 7 ||
        (op.request.method != "GET" && op.request.method != "POST")) {
        if (const std::string problem = requestProblem(op.request); !problem.empty())
            throw std::invalid_argument(redactSecrets(problem));
    }
    if (!isAbsoluteUrl(op.request.url))
        resolveUrl(vuser, op.request);
    TransferSlot *slot = m_pool->acquire(vuser);
    vuser.beginWait(VuserImpl::HttpWait{handle, &op, slot});
    if (!slot) {
        m_done.push_back({&vuser, CURLE_OUT_OF_MEMORY}); // completed from the loop, not inline
        return;
    }
    CURL *easy = slot->easy;
    const Request &request = op.request;
    if (slot->lastUrl != request.url) {
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        slot->lastUrl = request.url;
    }

    const Method method = methodOf(request.method);
    if (method != slot->lastMethod || method == Other) {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L); // also resets NOBODY and POST
        if (method == Head)
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        else if (method == Other)
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        slot->lastMethod = method;
    }
    // PUT and PATCH carry content by definition: with none, a Content-Length of 0 still goes
    // (RFC 9110 8.6), or a server waits for a body that never comes.
    const bool sendsContent = method == Post || (method == Other && !request.body.empty()) ||
                              request.method == "PUT" || request.method == "PATCH";
    if (sendsContent) {
        // The body lives in the awaitable, in the coroutine frame, until the transfer is done.
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        slot->lastMethod = -1; // POSTFIELDS must be reset before the next GET
    }

    if (slot->headerList) {
        curl_slist_free_all(slot->headerList);
        slot->headerList = nullptr;
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
    }
    const auto &projectHeaders = m_shared.config.http.headers;
    const std::vector<Header> *vuserHeaders = vuser.defaultHeaders();
    if (!request.headers.empty() || request.body.size() > 1024 || !projectHeaders.empty() ||
        (vuserHeaders && !vuserHeaders->empty())) {
        curl_slist *list = nullptr;
        std::string line;
        auto append = [&](std::string_view name, std::string_view value) {
            line.assign(name).append(value.empty() ? ";" : ": ").append(value);
            list = curl_slist_append(list, line.c_str());
        };
        for (const auto &header : request.headers)
            append(header.name, header.value);
        // Defaults only where the request (then the vuser) did not set the header itself.
        if (vuserHeaders) {
            for (const auto &header : *vuserHeaders) {
                if (!hasHeader(request.headers, header.name))
                    append(header.name, header.value);
            }
        }
        for (const auto &[name, value] : projectHeaders) {
            if (!hasHeader(request.headers, name) &&
                !(vuserHeaders && hasHeader(*vuserHeaders, name)))
                append(name, value);
        }
        if (request.body.size() > 1024)
            list = curl_slist_append(list, "Expect:"); // no 100-continue round trip
        slot->headerList = list;
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
    }

    const double timeout =
        request.timeoutSeconds > 0 ? request.timeoutSeconds : m_shared.config.http.timeoutSeconds;
    const long timeoutMs = long(timeout * 1000);
    if (timeoutMs != slot->lastTimeoutMs) {
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeoutMs);
        slot->lastTimeoutMs = timeoutMs;
    }
    const bool follow = request.followRedirects && m_shared.config.http.maxRedirects > 0;
    if (std::int8_t(follow) != slot->lastFollow) {
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
        slot->lastFollow = std::int8_t(follow);
    }
    TransferPool::captureHeaders(*slot, request.captureHeaders);
    slot->bodyCap = request.discardBody        ? 0
                    : request.maxBodyBytes > 0 ? request.maxBodyBytes
                                               : m_shared.config.http.maxBodyBytes;

    if (curl_multi_add_handle(m_multi, easy) != CURLM_OK)
        m_done.push_back({&vuser, CURLE_FAILED_INIT}); // completed from the loop, not inline
}

void Worker::processCompletions()
{
    CURLMsg *message;
    int left = 0;
    while ((message = curl_multi_info_read(m_multi, &left))) {
        if (message->msg != CURLMSG_DONE)
            continue;
        TransferSlot *slot = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
        m_done.push_back({slot->owner, message->data.result});
    }
    // Resuming a vuser may start its next request: finish reading the queue first.
    for (std::size_t i = 0; i < m_done.size(); ++i) {
        const Done done = m_done[i];
        completeRequest(*done.vuser, done.result);
    }
    m_done.clear();
}

void Worker::completeRequest(VuserImpl &vuser, CURLcode result)
{
    auto &http = *vuser.httpWait();
    TransferSlot *slot = std::exchange(http.slot, nullptr);
    Detail::RequestAwaitable &op = *http.op;
    Response &response = op.response;
    const Request &request = op.request;

    long status = 0;
    curl_off_t total = 0, dns = 0, connect = 0, tls = 0, ttfb = 0, down = 0, up = 0;
    long headerBytes = 0, requestBytes = 0, redirects = 0;
    std::string httpText; // --http-debug
    // Without a slot (no easy handle could be had) every figure stays zero.
    if (slot) {
        CURL *easy = slot->easy;
        curl_multi_remove_handle(m_multi, easy);
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
        curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
        curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
        curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &tls);
        curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
        curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
        curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &up);
        curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &headerBytes);
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &requestBytes);
        curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
        if (redirects > 0) {
            char *effective = nullptr;
            curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective);
            if (effective)
                response.url = effective;
        }
        if (slot->httpTrace)
            httpText = slot->httpTrace->take();
        m_pool->release(slot);
    }
    // A transfer that failed must not look like a response: a status line followed by a reset
    // or a short body still reads 0, so every `status == 200` check sees the failure.
    response.status = result == CURLE_OK ? status : 0;
    response.seconds = double(total) / 1e6;
    response.ttfbSeconds = double(ttfb) / 1e6;
    response.expectedStatusMin = request.expectedStatusMin;
    response.expectedStatusMax = request.expectedStatusMax;
    if (result != CURLE_OK)
        response.error = curl_easy_strerror(result);

    const bool failed = !response.ok(); // the one definition the scenario sees too
    ErrorClass errorClass = ErrorClass::Other;
    if (result != CURLE_OK)
        errorClass = classify(result);
    else if (status >= 500)
        errorClass = ErrorClass::Http5xx;
    else if (status >= 400)
        errorClass = ErrorClass::Http4xx;

    GroupRecord &data = record(vuser);
    const std::uint64_t micros = std::uint64_t(std::max<curl_off_t>(total, 0));
    std::string derivedName;
    const std::string *name = &request.name;
    if (request.name.empty()) {
        derivedName = defaultRequestName(request.method, request.url);
        name = &derivedName;
    }
    name = &cappedName(NameKind::Request, *name, vuser);
    response.name = *name;
    NameRecord &named = data.requests[*name];
    ++named.count;
    named.histogram.record(micros);
    named.dnsMicros += std::uint64_t(dns);
    named.connectMicros += std::uint64_t(std::max<curl_off_t>(connect - dns, 0));
    named.tlsMicros += tls > 0 ? std::uint64_t(std::max<curl_off_t>(tls - connect, 0)) : 0;
    named.ttfbMicros += std::uint64_t(ttfb);
    named.totalMicros += micros;
    data.allRequests.record(micros);
    if (group(vuser).openModel) {
        // wrk2's correction: from the arrival's intended start (first request) or the previous
        // step's end, so a stalled server's queueing shows as the wait users see.
        const std::uint64_t end = nowNs();
        const std::uint64_t intended =
            end > vuser.stepEndNs ? (end - vuser.stepEndNs) / 1000 : micros;
        named.intended.record(intended);
        data.allIntended.record(intended);
    }
    ++data.counters.requests;
    data.counters.bytesIn += std::uint64_t(down) + std::uint64_t(headerBytes);
    data.counters.bytesOut += std::uint64_t(up) + std::uint64_t(requestBytes);
    if (failed) {
        ++named.errors;
        ++data.counters.requestErrors;
        ++data.counters.errors[std::size_t(errorClass)];
        ++vuser.errorCount;
        std::string message = request.method + " " + request.url + ": ";
        message += result != CURLE_OK ? response.error : "HTTP " + std::to_string(status);
        std::string sample;
        if (!vuser.interrupting && m_interval->wantsSample(message))
            sample = errorSample(request, response, status);
        logEvent(vuser, "error", std::move(message), errorClass, std::move(sample));
    }
    if (m_shared.config.trace.any())
        traceRequest(vuser, request, response, std::uint64_t(down), std::move(httpText));
    wake(vuser);
}

} // namespace Loadwizard::Engine
