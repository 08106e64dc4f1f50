#include "transferpool.h"

#include "vuserimpl.h"

namespace Loadwizard::Engine {

namespace {

std::size_t onBody(char *data, std::size_t size, std::size_t count, void *user)
{
    auto *slot = static_cast<TransferSlot *>(user);
    const std::size_t bytes = size * count;
    auto *request = slot->owner ? slot->owner->requestInFlight() : nullptr;
    if (!request)
        return bytes;
    // Past the cap the bytes are read and counted (bytes_in) but not kept: an endless body
    // costs a timeout, never the machine's memory.
    std::string &body = request->response.body;
    const std::uint64_t room = slot->bodyCap > body.size() ? slot->bodyCap - body.size() : 0;
    if (bytes > room && !request->request.discardBody)
        request->response.truncated = true;
    body.append(data, std::size_t(std::min<std::uint64_t>(bytes, room)));
    return bytes;
}

std::size_t onHeader(char *data, std::size_t size, std::size_t count, void *user)
{
    auto *slot = static_cast<TransferSlot *>(user);
    const std::size_t bytes = size * count;
    auto *request = slot->owner ? slot->owner->requestInFlight() : nullptr;
    if (!request)
        return bytes;
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    auto &headers = request->response.headers;
    if (line.starts_with("HTTP/")) {
        headers.clear(); // a new response (after a redirect or a 100 Continue)
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return bytes;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    return bytes;
}

// Without a header function of its own, libcurl hands the status line and headers to the body
// callback whenever CURLOPT_HEADERDATA is set: the body would start with "HTTP/1.1 200 OK".
std::size_t discardHeader(char *, std::size_t size, std::size_t count, void *)
{
    return size * count;
}

} // namespace

TransferPool::TransferPool(const HttpSettings &http, std::string userAgent,
                           TraceSettings::Http httpTrace)
    : m_http(http)
    , m_userAgent(std::move(userAgent))
    , m_httpTrace(httpTrace)
{}

TransferPool::~TransferPool()
{
    for (auto &slot : m_slots) {
        if (slot->headerList)
            curl_slist_free_all(slot->headerList);
        curl_easy_cleanup(slot->easy);
    }
}

CURLSH *TransferPool::newIdentity()
{
    CURLSH *share = curl_share_init();
    if (!share)
        return nullptr;
    // No lock callbacks: a vuser and its share live on one worker thread.
    if (curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) != CURLSHE_OK ||
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return nullptr;
    }
    return share;
}

CURL *TransferPool::newEasyHandle(TransferSlot &slot)
{
    CURL *easy = curl_easy_init();
    if (!easy)
        return nullptr;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &discardHeader);
    // An explicit empty proxy and no-proxy list save libcurl two getenv() per request (and
    // ignore http_proxy: load-test traffic goes where the scenario says).
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, m_userAgent.c_str());
    // Switches the cookie engine on; the jar itself is the vuser's share.
    curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, m_http.verifyTls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, m_http.verifyTls ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION,
                     m_http.http2 ? long(CURL_HTTP_VERSION_2TLS) : long(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, long(m_http.bufferSize));
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, long(m_http.maxRedirects));
    // A load tester speaks HTTP: never file://, gopher:// or dict:// from a URL or a redirect.
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (m_httpTrace != TraceSettings::Http::Off) {
        slot.httpTrace = std::make_unique<HttpTrace>(m_httpTrace == TraceSettings::Http::Full,
                                                     TraceSettings::httpBodyBytes);
        slot.httpTrace->attach(easy);
    }
    return easy;
}

TransferSlot *TransferPool::acquire(VuserImpl &vuser)
{
    TransferSlot *slot = vuser.preferredSlot;
    if (!slot || slot->inUse) {
        slot = nullptr;
        while (!m_free.empty() && !slot) {
            TransferSlot *candidate = m_free.back();
            m_free.pop_back();
            candidate->inFreeList = false;
            if (!candidate->inUse)
                slot = candidate;
        }
    }
    if (!slot) {
        auto fresh = std::make_unique<TransferSlot>();
        fresh->easy = newEasyHandle(*fresh);
        if (!fresh->easy)
            return nullptr;
        slot = m_slots.emplace_back(std::move(fresh)).get();
    }
    slot->inUse = true;
    slot->owner = &vuser;
    if (slot->share != vuser.share) {
        if (slot->shareOwner)
            --slot->shareOwner->attachedSlots;
        curl_easy_setopt(slot->easy, CURLOPT_SHARE, vuser.share);
        slot->share = vuser.share;
        slot->shareOwner = &vuser;
        ++vuser.attachedSlots;
    }
    vuser.preferredSlot = slot;
    return slot;
}

void TransferPool::release(TransferSlot *slot)
{
    slot->inUse = false;
    slot->owner = nullptr;
    if (!slot->inFreeList) {
        slot->inFreeList = true;
        m_free.push_back(slot);
    }
}

void TransferPool::captureHeaders(TransferSlot &slot, bool capture)
{
    if (std::int8_t(capture) == slot.lastCaptureHeaders)
        return;
    curl_easy_setopt(slot.easy, CURLOPT_HEADERFUNCTION, capture ? &onHeader : &discardHeader);
    slot.lastCaptureHeaders = std::int8_t(capture);
}

void TransferPool::forget(VuserImpl &vuser)
{
    for (auto &slot : m_slots) {
        if (vuser.attachedSlots == 0)
            break;
        if (slot->shareOwner != &vuser)
            continue;
        curl_easy_setopt(slot->easy, CURLOPT_SHARE, nullptr);
        slot->share = nullptr;
        slot->shareOwner = nullptr;
        --vuser.attachedSlots;
    }
    vuser.preferredSlot = nullptr;
}

} // namespace Loadwizard::Engine
