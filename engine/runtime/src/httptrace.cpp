#include "httptrace.h"

#include <loadwizard/secrets.h>

#include <algorithm>
#include <utility>

namespace Loadwizard::Engine {

void HttpTrace::attach(CURL *easy)
{
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &HttpTrace::onDebug);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, this);
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
}

int HttpTrace::onDebug(CURL *, curl_infotype type, char *data, std::size_t size, void *self)
{
    static_cast<HttpTrace *>(self)->add(type, std::string_view(data, size));
    return 0;
}

void HttpTrace::add(curl_infotype type, std::string_view data)
{
    switch (type) {
    case CURLINFO_HEADER_OUT:
        endBody();
        appendLines(data, "> ");
        break;
    case CURLINFO_HEADER_IN:
        endBody();
        appendLines(data, "< ");
        break;
    case CURLINFO_DATA_OUT:
    case CURLINFO_DATA_IN:
        if (!m_bodies)
            break;
        if (m_bodyType != int(type)) {
            endBody();
            m_bodyType = int(type);
        }
        appendBody(data);
        break;
    default: // libcurl's own remarks ("Trying 127.0.0.1…") and TLS records
        break;
    }
}

void HttpTrace::endBody()
{
    if (m_bodyType < 0)
        return;
    // Redacted here, whole, rather than by the reporter after the cut (see bodyKept).
    std::string body = haveSecrets() ? redactSecrets(m_body) : std::move(m_body);
    const std::size_t shown = std::min(body.size(), m_bodyLimit);
    // Control bytes would drive the terminal: shown as '.', as hexdump -C does; UTF-8 stays.
    for (char c : std::string_view(body).substr(0, shown)) {
        const auto byte = static_cast<unsigned char>(c);
        m_text += (byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f ? '.' : c;
    }
    if (!m_text.empty() && m_text.back() != '\n')
        m_text += '\n';
    const std::uint64_t more = (body.size() - shown) + m_bodyMore;
    if (more > 0)
        m_text += "… " + std::to_string(more) + " more bytes\n";
    m_bodyType = -1;
    m_body.clear();
    m_bodyMore = 0;
}

void HttpTrace::appendLines(std::string_view block, std::string_view prefix)
{
    // HEADER_OUT is the whole request head; HEADER_IN one line at a time. The empty line that
    // ends a head is left out.
    while (!block.empty()) {
        auto end = block.find('\n');
        std::string_view line = block.substr(0, end);
        block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.remove_suffix(1);
        if (line.empty())
            continue;
        if (m_text.size() + line.size() > maxText) {
            if (!std::exchange(m_cut, true))
                m_text += "… (headers cut at 64 KiB)\n";
            return;
        }
        // A server's header bytes go to a terminal: control bytes (ESC, BEL) shown as '.'.
        m_text.append(prefix);
        for (const char c : line) {
            const auto byte = static_cast<unsigned char>(c);
            m_text += (byte < 0x20 && c != '\t') || byte == 0x7f ? '.' : c;
        }
        m_text.push_back('\n');
    }
}

void HttpTrace::appendBody(std::string_view data)
{
    const std::size_t room = m_body.size() < bodyKept ? bodyKept - m_body.size() : 0;
    const std::size_t kept = std::min(room, data.size());
    m_body.append(data.substr(0, kept));
    m_bodyMore += data.size() - kept;
}

std::string HttpTrace::take()
{
    endBody();
    m_cut = false;
    return std::exchange(m_text, {});
}

} // namespace Loadwizard::Engine
