#pragma once

#include <string>
#include <string_view>

namespace Loadwizard {

/// RFC 9110's token: what a method or a header name may be.
bool isHttpToken(std::string_view text);

/// Why a header cannot be sent as written, or empty: a name that is not a token, or a CR, LF or
/// NUL in the value (which would start a header, or a request, of its own).
std::string headerProblem(std::string_view name, std::string_view value);

} // namespace Loadwizard
