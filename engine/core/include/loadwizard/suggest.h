#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// The candidate closest to a mistyped `name` (Damerau–Levenshtein distance, case-insensitive),
/// or empty when none is close enough to be a likely typo.
std::string closestMatch(std::string_view name, const std::vector<std::string_view> &candidates);

/// " (did you mean \"x\"?)" for the closest candidate, else " (known: a, b, c)".
std::string suggestionFor(std::string_view name, const std::vector<std::string_view> &candidates);

} // namespace Loadwizard
