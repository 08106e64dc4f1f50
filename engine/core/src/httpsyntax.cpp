#include <loadwizard/httpsyntax.h>

#include <loadwizard/error.h>

namespace Loadwizard {

bool isHttpToken(std::string_view text)
{
    static constexpr std::string_view punctuation = "!#$%&'*+-.^_`|~";
    if (text.empty())
        return false;
    for (const char c : text) {
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && punctuation.find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

std::string headerProblem(std::string_view name, std::string_view value)
{
    if (name.empty())
        return "a header needs a name";
    if (!isHttpToken(name))
        return "header name \"" + shortened(name) + "\" has a character HTTP does not allow";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return "header \"" + shortened(name) + "\" has a line break or NUL in its value";
    return {};
}

} // namespace Loadwizard
