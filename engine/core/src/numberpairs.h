#pragma once

// What the ramp-up ("rate,seconds,…") and arrival-rate ("target,seconds,…") specs share: a
// comma-separated list of pairs of numbers, parsed strictly, and errors that name the token (its
// 1-based place in the list) or, for steps from a project file, the field.

#include <loadwizard/error.h>

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard::Detail {

std::string_view trimmedSpec(std::string_view text);
/// The shortest text that reads back as `value` ("0.5", "1e+07").
std::string formatNumber(double value);

/// The spec's tokens and their values, two per step.
struct NumberPairs
{
    std::vector<std::string_view> tokens; ///< trimmed, views into the spec
    std::vector<double> values;

    /// `token 3 ("x")`, the subject of an error about token `index`.
    std::string describe(std::size_t index) const;
};

/// Splits and parses `spec` (not empty); `odd` finishes the error for an odd count of values
/// ("has no duration (…)"). Errors name the token and its position.
tl::expected<NumberPairs, Error> parseNumberPairs(std::string_view spec, std::string_view odd);

/// Where a bad value came from: a token of the text, or a field of a project's steps.
struct Origin
{
    std::string token; ///< as the user wrote it
    int position = 0;  ///< 1-based place in the flat list of values
    std::string field; ///< "steps[i].rate" for steps, empty for the text
    std::string subject;
};

Error errorAt(const Origin &origin, const std::string &problem);

} // namespace Loadwizard::Detail
