#include <loadwizard/error.h>

#include <loadwizard/secrets.h>

namespace Loadwizard {

std::string Error::toString() const
{
    std::string out;
    if (!file.empty()) {
        out += file;
        if (line > 0) {
            out += ':' + std::to_string(line);
            if (column > 0)
                out += ':' + std::to_string(column);
        }
        out += ": ";
    }
    if (!field.empty())
        out += field + ": ";
    out += message;
    // Every front end shows errors through here: a value from the environment stays "${NAME}".
    return redactSecrets(out);
}

std::string shortened(std::string_view text)
{
    if (text.size() <= 60)
        return std::string(text);
    // Cut at a character boundary: never leave half a UTF-8 sequence.
    std::size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "…(" + std::to_string(text.size()) + " characters)";
}

} // namespace Loadwizard
