#include <loadwizard/diagnostic.h>

namespace Loadwizard {

std::string_view severityName(Diagnostic::Severity severity)
{
    switch (severity) {
    case Diagnostic::Severity::Error:
        return "error";
    case Diagnostic::Severity::Warning:
        return "warning";
    case Diagnostic::Severity::Note:
        return "note";
    }
    return "error";
}

std::string Diagnostic::toString() const
{
    std::string out = file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0)
            out += ':' + std::to_string(column);
    }
    if (!out.empty())
        out += ": ";
    out += severityName(severity);
    out += ": ";
    out += message;
    return out;
}

} // namespace Loadwizard
