#include <loadwizard/variables.h>

#include <loadwizard/secrets.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace Loadwizard {

tl::expected<std::string, Error> expandVariables(std::string_view text, std::string_view field)
{
    auto failure = [&](std::string message, std::string token) {
        Error error;
        error.message = std::move(message);
        error.field = std::string(field);
        error.token = std::move(token);
        return tl::unexpected(std::move(error));
    };

    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.substr(i).starts_with("$${")) {
            out += "${";
            i += 3;
            continue;
        }
        if (!text.substr(i).starts_with("${")) {
            out += text[i++];
            continue;
        }
        const auto close = text.find('}', i + 2);
        if (close == std::string_view::npos)
            return failure("unterminated \"${\" (write \"$${\" for a literal \"${\")",
                           std::string(text.substr(i)));
        const std::string_view reference = text.substr(i + 2, close - i - 2);
        const auto separator = reference.find(":-");
        const std::string_view name = reference.substr(0, separator);
        const bool validName = !name.empty() &&
                               !std::isdigit(static_cast<unsigned char>(name[0])) &&
                               std::all_of(name.begin(), name.end(), [](char c) {
                                   return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                               });
        if (!validName)
            return failure("\"${" + std::string(reference) + "}\" is not a valid variable name",
                           std::string(name));
        const char *value = std::getenv(std::string(name).c_str());
        // What the environment gives is taken for a secret and redacted wherever the engine
        // prints it; a default is written in the project for all to see.
        if (separator != std::string_view::npos) {
            // As in the shell, ":-" also replaces a variable that is set but empty.
            if (value && *value) {
                out += value;
                registerSecret(name, value);
            } else {
                out += reference.substr(separator + 2);
            }
        } else if (value) {
            out += value;
            registerSecret(name, value);
        } else {
            return failure("environment variable " + std::string(name) +
                               " is not set (give a default with ${" + std::string(name) +
                               ":-value})",
                           std::string(name));
        }
        i = close + 1;
    }
    return out;
}

} // namespace Loadwizard
