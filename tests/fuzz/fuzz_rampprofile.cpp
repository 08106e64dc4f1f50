// Fuzzes the ramp-up parser: RampProfile::parse (the seed's "2,60,0,200") and fromSteps (the
// steps a project file gives), with the invariants every accepted profile must keep.

#include "fuzzcheck.h"

#include <loadwizard/rampprofile.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Loadwizard::RampProfile;
using Loadwizard::RampStep;

constexpr std::string_view whitespace = " \t\r\n\f\v";

// The tokens as the seed syntax defines them: split at every comma, whitespace trimmed.
std::vector<std::string_view> tokensOf(std::string_view spec)
{
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0;;) {
        const std::size_t comma = spec.find(',', start);
        std::string_view token = spec.substr(start, comma - start);
        const std::size_t first = token.find_first_not_of(whitespace);
        token = first == std::string_view::npos
                    ? std::string_view()
                    : token.substr(first, token.find_last_not_of(whitespace) - first + 1);
        tokens.push_back(token);
        if (comma == std::string_view::npos)
            return tokens;
        start = comma + 1;
    }
}

std::string numberText(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

// What an accepted profile promises, whichever way it was made.
void checkAccepted(const RampProfile &profile, std::string_view origin)
{
    FUZZ_CHECK(!profile.empty(), origin);
    double total = 0;
    for (const RampStep &step : profile.steps()) {
        FUZZ_CHECK(std::isfinite(step.rate) && std::isfinite(step.seconds), origin);
        FUZZ_CHECK(std::abs(step.rate) <= RampProfile::maxVusers, origin);
        FUZZ_CHECK(step.seconds >= 0 && step.seconds <= RampProfile::maxSeconds, origin);
        total += step.seconds;
    }
    FUZZ_CHECK(profile.totalSeconds() == total, origin);
    FUZZ_CHECK(total <= RampProfile::maxSeconds, origin);
    const double peak = profile.peakVusers();
    FUZZ_CHECK(peak >= 0 && peak <= RampProfile::maxVusers, origin);

    // The plan stays within [0, peak] at any time, including before the start, at every step
    // boundary, inside steps, after the end and at NaN or infinite times. Inside a step the time
    // since the step's start is rounded, so allow the last bits of the peak.
    const double slack = peak * 1e-12 + 1e-9;
    auto checkAt = [&](double seconds) {
        const double planned = profile.plannedVusersAt(seconds);
        FUZZ_CHECK(planned >= 0 && planned <= peak + slack, origin);
        const long long whole = profile.plannedWholeVusersAt(seconds);
        FUZZ_CHECK(whole >= 0 && double(whole) <= std::ceil(peak + slack), origin);
    };
    for (const double t :
         {-1.0, 0.0, std::nan(""), double(INFINITY), -double(INFINITY), total, total + 1})
        checkAt(t);
    // Each check walks the steps: the first 64 boundaries and midpoints keep an input linear.
    double start = 0;
    for (std::size_t i = 0; i < profile.steps().size() && i < 64; ++i) {
        checkAt(start);
        checkAt(start + profile.steps()[i].seconds / 2);
        start += profile.steps()[i].seconds;
    }
    FUZZ_CHECK(profile.plannedVusersAt(-1) == 0 && profile.plannedVusersAt(0) == 0, origin);

    // toString() is the seed syntax again and reads back to the very same steps.
    const std::string text = profile.toString();
    const auto again = RampProfile::parse(text);
    FUZZ_CHECK(again.has_value(), text);
    FUZZ_CHECK(again->steps() == profile.steps(), text);
    FUZZ_CHECK(again->toString() == text, text);
    // The project file's path (fromSteps) accepts what the seed syntax accepted.
    const auto fromSteps = RampProfile::fromSteps(profile.steps());
    FUZZ_CHECK(fromSteps.has_value(), text);
}

void checkParse(std::string_view spec)
{
    const auto parsed = RampProfile::parse(spec);
    const std::vector<std::string_view> tokens = tokensOf(spec);
    if (parsed) {
        FUZZ_CHECK(parsed->steps().size() * 2 == tokens.size(), spec);
        checkAccepted(*parsed, spec);
        // Each value is the token's own, not a clipped or partly read one.
        for (std::size_t i = 0; i < parsed->steps().size(); ++i) {
            const RampStep &step = parsed->steps()[i];
            for (const auto &[token, value] : {std::pair{tokens[2 * i], step.rate},
                                               std::pair{tokens[2 * i + 1], step.seconds}}) {
                double expected = 0;
                const auto [end, ec] =
                    std::from_chars(token.data(), token.data() + token.size(), expected);
                FUZZ_CHECK(ec == std::errc() && end == token.data() + token.size(), spec);
                FUZZ_CHECK(value == expected, spec);
            }
        }
        return;
    }
    // A refusal says what and where, and quotes the user's text shortened.
    const Loadwizard::Error &error = parsed.error();
    FUZZ_CHECK(!error.message.empty(), spec);
    FUZZ_CHECK(error.message.size() <= 400, error.message);
    FUZZ_CHECK(error.position >= 0 && std::size_t(error.position) <= tokens.size(), spec);
    if (error.position > 0) {
        FUZZ_CHECK(error.token == Loadwizard::shortened(tokens[std::size_t(error.position) - 1]),
                   error.token);
    }
}

// The same bytes as raw doubles, two per step (NaN payloads, infinities, denormals, -0): fromSteps
// and the seed syntax written from the same values agree on what is acceptable.
void checkSteps(const std::uint8_t *data, std::size_t size)
{
    std::vector<RampStep> steps;
    for (std::size_t offset = 0; offset + 2 * sizeof(double) <= size && steps.size() < 64;
         offset += 2 * sizeof(double)) {
        RampStep step;
        std::memcpy(&step.rate, data + offset, sizeof(double));
        std::memcpy(&step.seconds, data + offset + sizeof(double), sizeof(double));
        steps.push_back(step);
    }
    if (steps.empty())
        return;
    std::string text;
    for (const RampStep &step : steps)
        text += (text.empty() ? "" : ",") + numberText(step.rate) + ',' + numberText(step.seconds);

    const auto fromSteps = RampProfile::fromSteps(steps);
    const auto parsed = RampProfile::parse(text);
    FUZZ_CHECK(fromSteps.has_value() == parsed.has_value(), text);
    if (fromSteps) {
        FUZZ_CHECK(fromSteps->steps() == steps, text);
        checkAccepted(*fromSteps, text);
    } else {
        const Loadwizard::Error &error = fromSteps.error();
        FUZZ_CHECK(!error.message.empty() && !error.field.empty(), text);
        FUZZ_CHECK(error.position >= 1 && std::size_t(error.position) <= steps.size() * 2, text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    checkParse(LoadwizardFuzz::asText(data, size));
    checkSteps(data, size);
    return 0;
}
