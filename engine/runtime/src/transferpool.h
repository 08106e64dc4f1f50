#pragma once

#include "httptrace.h"

#include <loadwizard/run.h>
#include <loadwizard/settings.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <curl/curl.h>

namespace Loadwizard::Engine {

class VuserImpl;

/// A libcurl easy handle lent to one vuser for one request, and what it is set to now (so a
/// request sets only the options that changed).
struct TransferSlot
{
    CURL *easy = nullptr;
    VuserImpl *owner = nullptr; ///< the vuser whose request is in flight
    CURLSH *share = nullptr;    ///< the vuser identity attached (cookies, connections)
    VuserImpl *shareOwner = nullptr;
    curl_slist *headerList = nullptr;
    std::string lastUrl;
    long lastTimeoutMs = -1;
    std::int8_t lastMethod = -1;
    std::int8_t lastFollow = -1;
    std::int8_t lastCaptureHeaders = -1;
    std::uint64_t bodyCap = 0; ///< body bytes kept for the request in flight
    bool inUse = false;
    bool inFreeList = false;
    std::unique_ptr<HttpTrace> httpTrace; ///< only with --http-debug
};

/// A worker's easy handles. A vuser's identity is a curl share handle of its own (cookie jar
/// and connection cache); easy handles are only needed while a request is in flight, so a run
/// holds as many as it has concurrent requests, not as many as vusers. libcurl 7.88 pins
/// connections to a vuser only through a share (the multi handle's cache would hand one vuser's
/// idle connection to another), and an idle easy handle costs more than the share.
class TransferPool
{
public:
    TransferPool(const HttpSettings &http, std::string userAgent,
                 TraceSettings::Http httpTrace = TraceSettings::Http::Off);
    ~TransferPool();
    TransferPool(const TransferPool &) = delete;
    TransferPool &operator=(const TransferPool &) = delete;

    /// A vuser's own identity: cookie jar and connections. nullptr when libcurl is out of memory.
    static CURLSH *newIdentity();
    /// An easy handle attached to the vuser's identity (its last one when free).
    TransferSlot *acquire(VuserImpl &vuser);
    void release(TransferSlot *slot);
    /// Turns Response::headers capture on or off for the slot's next request.
    static void captureHeaders(TransferSlot &slot, bool capture);
    /// Detaches the vuser's identity from every easy handle, so it can be cleaned up.
    void forget(VuserImpl &vuser);

private:
    CURL *newEasyHandle(TransferSlot &slot);

    const HttpSettings &m_http;
    std::string m_userAgent;
    TraceSettings::Http m_httpTrace;
    std::vector<std::unique_ptr<TransferSlot>> m_slots;
    std::vector<TransferSlot *> m_free;
};

} // namespace Loadwizard::Engine
