#pragma once

#include <string>
#include <string_view>

namespace Loadwizard {

/// One message of a tool Loadwizard ran (the scenario compiler), with where it points.
struct Diagnostic
{
    enum class Severity
    {
        Error, ///< also GCC's "fatal error"
        Warning,
        Note
    };

    std::string file; ///< as the tool named it; the tool's own name when it names no file
    int line = 0;     ///< 1-based, 0 when the tool gave none
    int column = 0;   ///< 1-based, 0 when the tool gave none
    Severity severity = Severity::Error;
    std::string message;

    /// "file:line:column: severity: message" as GCC and Clang print it, empty parts left out.
    std::string toString() const;
};

/// "error", "warning" or "note".
std::string_view severityName(Diagnostic::Severity severity);

} // namespace Loadwizard
