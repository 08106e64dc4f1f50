#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <curl/curl.h>

namespace Loadwizard::Engine {

/// One transfer's `--http-debug` text as libcurl sees it: request and status lines with their
/// headers ("> " and "< "), bodies cut at a few KiB. Kept per easy handle, filled by libcurl's
/// debug callback on the worker's thread, taken when the transfer completes.
class HttpTrace
{
public:
    HttpTrace(bool bodies, std::size_t bodyLimit)
        : m_bodies(bodies)
        , m_bodyLimit(bodyLimit)
    {}

    /// Turns libcurl's debug output on for `easy`, into this trace.
    void attach(CURL *easy);
    /// The text so far (ending in a newline, or empty), and a fresh start for the next transfer.
    std::string take();

private:
    static int onDebug(CURL *easy, curl_infotype type, char *data, std::size_t size, void *self);
    void add(curl_infotype type, std::string_view data);
    void endBody();
    void appendLines(std::string_view block, std::string_view prefix);
    void appendBody(std::string_view data);

    /// Header blocks past this are cut: a server sending endless headers must not fill memory.
    static constexpr std::size_t maxText = 64 * 1024;
    /// Body bytes kept before the cut: secrets are redacted before a body is cut, so that a cut
    /// never leaves the first half of one behind.
    static constexpr std::size_t bodyKept = 64 * 1024;

    bool m_bodies;
    std::size_t m_bodyLimit;
    std::string m_text;
    int m_bodyType = -1;          ///< the body being written (CURLINFO_DATA_IN/OUT), -1: none
    std::string m_body;           ///< its first bodyKept bytes
    std::uint64_t m_bodyMore = 0; ///< and how many more there were
    bool m_cut = false;
};

} // namespace Loadwizard::Engine
