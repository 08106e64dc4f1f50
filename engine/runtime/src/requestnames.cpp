#include <loadwizard/requestnames.h>

#include <loadwizard/secrets.h>

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
    // An e-mail address; or the rest of a userinfo whose password held a "/", which cut the
    // authority short ("http://u:12/ab@host/x" is host "u", port 12, path "/ab@host/x").
    if (const auto at = segment.find('@'); at != std::string_view::npos && at > 0)
        return "{at}";
    return {};
}

/// The length of a URL's scheme with its colon and slashes ("http://"), as libcurl reads it:
/// "http:/host" is http too. 0 when there is none.
std::size_t schemeLength(std::string_view url)
{
    if (url.empty() || !std::isalpha(static_cast<unsigned char>(url.front())))
        return 0;
    std::size_t i = 1;
    while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' ||
                              url[i] == '-' || url[i] == '.'))
        ++i;
    // Without a slash after the colon, "user:password@host" is a URL without a scheme.
    if (i + 1 >= url.size() || url[i] != ':' || url[i + 1] != '/')
        return 0;
    return std::min(url.find_first_not_of('/', i + 1), url.size());
}

/// A port that is not a number: libcurl refuses the URL. This is what a password holding a "/"
/// or a "?" leaves of an authority ("user:pa" of "http://user:pa/ss@host/"), the rest of the
/// password being in what would be the path.
bool hasBadPort(std::string_view authority)
{
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        authority.remove_prefix(close == std::string_view::npos ? authority.size() : close + 1);
    }
    const auto colon = authority.find(':');
    if (colon == std::string_view::npos)
        return false;
    const std::string_view port = authority.substr(colon + 1);
    return !std::all_of(port.begin(), port.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

} // namespace

// By hand rather than through curl_url: this runs for every unnamed request, and the URL API
// allocates a handle and a copy per part.
std::string defaultRequestName(std::string_view method, std::string_view url)
{
    // Redacted before the URL is cut at "?" or "#" and split at "/": a secret holding one of
    // them would otherwise leave its first characters in the name, where no redaction finds
    // them. One atomic load when there are no secrets.
    std::string redacted;
    if (haveSecrets()) {
        redacted = redactSecrets(url);
        url = redacted;
    }
    std::string name(method);
    name += ' ';
    // Drop the scheme and the authority, which may hold userinfo: never in a name. A URL without
    // a scheme ("user:pw@host/x") has an authority too: libcurl guesses "http://" for it.
    std::string_view rest = url;
    const std::size_t scheme = schemeLength(url);
    if (scheme > 0 || rest.starts_with("//") || !rest.starts_with('/')) {
        rest.remove_prefix(scheme > 0 ? scheme
                                      : std::min(rest.find_first_not_of('/'), rest.size()));
        const auto path = rest.find_first_of("/?#");
        if (hasBadPort(rest.substr(0, path)))
            return name + "(bad URL)"; // what follows could be a piece of the password
        rest = path == std::string_view::npos ? std::string_view() : rest.substr(path);
    }
    rest = rest.substr(0, rest.find_first_of("?#"));
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
