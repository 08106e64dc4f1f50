#include "numberpairs.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace Loadwizard::Detail {

std::string_view trimmedSpec(std::string_view text)
{
    constexpr std::string_view whitespace = " \t\r\n\f\v";
    const auto first = text.find_first_not_of(whitespace);
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(whitespace);
    return text.substr(first, last - first + 1);
}

std::string formatNumber(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string NumberPairs::describe(std::size_t index) const
{
    return "token " + std::to_string(index + 1) + " (\"" + shortened(tokens[index]) + "\")";
}

tl::expected<NumberPairs, Error> parseNumberPairs(std::string_view spec, std::string_view odd)
{
    NumberPairs pairs;
    for (std::size_t start = 0;;) {
        const auto comma = spec.find(',', start);
        pairs.tokens.push_back(trimmedSpec(spec.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    auto tokenError = [&](std::size_t index, std::string_view problem) {
        Error error;
        error.message = pairs.describe(index) + ' ' + std::string(problem);
        error.token = shortened(pairs.tokens[index]);
        error.position = static_cast<int>(index + 1);
        return tl::unexpected(std::move(error));
    };
    pairs.values.reserve(pairs.tokens.size());
    for (std::size_t i = 0; i < pairs.tokens.size(); ++i) {
        const std::string_view token = pairs.tokens[i];
        if (token.empty())
            return tokenError(i, "is empty");
        double value = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
        // Strict: "2x" or "1e999" must not pass as 2 or as a clipped value.
        if (ec == std::errc::result_out_of_range)
            return tokenError(i, "is out of range");
        if (ec != std::errc() || end != token.data() + token.size())
            return tokenError(i, "is not a number");
        if (!std::isfinite(value))
            return tokenError(i, "is not a finite number");
        pairs.values.push_back(value);
    }
    if (pairs.values.size() % 2 != 0)
        return tokenError(pairs.values.size() - 1, odd);
    return pairs;
}

Error errorAt(const Origin &origin, const std::string &problem)
{
    Error error;
    error.message = origin.subject + ' ' + problem;
    error.token = origin.token;
    error.position = origin.position;
    error.field = origin.field;
    return error;
}

} // namespace Loadwizard::Detail
