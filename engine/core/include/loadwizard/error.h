#pragma once

#include <loadwizard/diagnostic.h>

#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// An error a user can act on: a message plus where it happened (file, line, column, field or
/// token). Fallible engine calls return tl::expected<T, Error>.
struct Error
{
    std::string message;
    std::string file;  ///< project or plugin file, empty when not tied to a file
    int line = 0;      ///< 1-based, 0 when unknown
    int column = 0;    ///< 1-based, 0 when unknown
    std::string field; ///< YAML key path ("profile.steps[2].seconds") or option name
    std::string token; ///< the offending token, when a text was parsed
    int position = 0;  ///< 1-based position of token in a list, 0 when unknown
    std::vector<Diagnostic> diagnostics; ///< a tool's own messages (compiler output), in order

    /// "file:line:column: field: message" with the empty parts left out and secrets redacted
    /// (secrets.h).
    std::string toString() const;
};

/// A user's text as a message quotes it: at most 60 characters (a 100 000-character token helps
/// nobody), with its length when cut.
std::string shortened(std::string_view text);

} // namespace Loadwizard
