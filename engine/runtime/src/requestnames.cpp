#include <loadwizard/requestnames.h>

#include <algorithm>
#include <cctype>

namespace Loadwizard {

namespace {

bool isHex(char c)
{
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool isUuid(std::string_view s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isHex(s[i]))
            return false;
    }
    return true;
}

/// What stands for a variable segment, or empty for a segment kept as it is.
std::string_view placeholder(std::string_view segment)
{
    if (segment.empty())
        return {};
    if (std::all_of(segment.begin(), segment.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return "{id}";
    if (isUuid(segment))
        return "{uuid}";
    const bool hasDigit = std::any_of(segment.begin(), segment.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
    if (segment.size() >= 16 && hasDigit && std::all_of(segment.begin(), segment.end(), isHex))
        return "{hex}";
    return {};
}

} // namespace

// By hand rather than through curl_url: this runs for every unnamed request, and the URL API
// allocates a handle and a copy per part.
std::string defaultRequestName(std::string_view method, std::string_view url)
{
    // Drop the scheme and the authority (which may hold userinfo: never in a name).
    std::string_view rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
        rest.remove_prefix(scheme + 3);
        const auto path = rest.find_first_of("/?#");
        rest = path == std::string_view::npos ? std::string_view() : rest.substr(path);
    }
    rest = rest.substr(0, rest.find_first_of("?#"));
    std::string name(method);
    name += ' ';
    if (rest.empty() || rest.front() != '/')
        name += '/';
    for (std::size_t start = 0; start < rest.size();) {
        const auto slash = rest.find('/', start);
        const auto end = slash == std::string_view::npos ? rest.size() : slash;
        const std::string_view segment = rest.substr(start, end - start);
        const std::string_view shown = placeholder(segment);
        name += shown.empty() ? segment : shown;
        if (slash == std::string_view::npos)
            break;
        name += '/';
        start = slash + 1;
    }
    return name;
}

bool NameRegistry::admit(const std::string &name, bool *first)
{
    std::lock_guard lock(m_mutex);
    if (m_names.contains(name))
        return true;
    if (m_names.size() < m_limit) {
        m_names.insert(name);
        return true;
    }
    if (first)
        *first = !m_overflowed;
    m_overflowed = true;
    return false;
}

} // namespace Loadwizard
