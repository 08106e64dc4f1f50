#include "compilerdiagnostics.h"

#include <array>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

// Why parse text rather than ask for JSON: GCC 12's -fdiagnostics-format=json exists but Clang
// has no JSON format at all (SARIF only from Clang 15 and GCC 13), and $CXX may name either. The
// "file:line:column: severity: message" headline is the one format both print (and editors parse),
// so it is parsed once, here, and the raw output stays in Error::message for the terminal.

namespace Loadwizard {

namespace {

struct Marker
{
    std::string_view text;
    Diagnostic::Severity severity;
};

// "fatal error" before "error": both are looked for, the earliest in the line wins.
constexpr std::array<Marker, 4> markers = {{{": fatal error: ", Diagnostic::Severity::Error},
                                            {": error: ", Diagnostic::Severity::Error},
                                            {": warning: ", Diagnostic::Severity::Warning},
                                            {": note: ", Diagnostic::Severity::Note}}};

// Splits a trailing ":<number>" off `where`; nothing when it does not end in one.
std::optional<int> takeNumber(std::string_view &where)
{
    const auto colon = where.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == where.size())
        return std::nullopt;
    int value = 0;
    const char *first = where.data() + colon + 1;
    const char *last = where.data() + where.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last || value <= 0)
        return std::nullopt;
    where = where.substr(0, colon);
    return value;
}

std::optional<Diagnostic> parseLine(std::string_view line)
{
    // Source excerpts ("    4 |     return x;") and "                 from x.h:3:" are indented.
    if (line.empty() || line.front() == ' ' || line.front() == '\t')
        return std::nullopt;
    const Marker *found = nullptr;
    std::size_t position = std::string_view::npos;
    for (const Marker &marker : markers) {
        const auto at = line.find(marker.text);
        if (at != std::string_view::npos && at < position) {
            position = at;
            found = &marker;
        }
    }
    if (!found || position == 0)
        return std::nullopt;

    Diagnostic diagnostic;
    diagnostic.severity = found->severity;
    diagnostic.message = std::string(line.substr(position + found->text.size()));
    // "file:line:column", "file:line", or a tool's name ("cc1plus", "collect2").
    std::string_view where = line.substr(0, position);
    if (const auto last = takeNumber(where)) {
        if (const auto first = takeNumber(where)) {
            diagnostic.line = *first;
            diagnostic.column = *last;
        } else {
            diagnostic.line = *last;
        }
    }
    diagnostic.file = std::string(where);
    return diagnostic;
}

} // namespace

std::vector<Diagnostic> parseCompilerDiagnostics(const std::string &output)
{
    std::vector<Diagnostic> diagnostics;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (auto diagnostic = parseLine(line))
            diagnostics.push_back(std::move(*diagnostic));
    }
    return diagnostics;
}

} // namespace Loadwizard
