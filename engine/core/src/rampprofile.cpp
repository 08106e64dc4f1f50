#include <loadwizard/rampprofile.h>

#include "numberpairs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <system_error>

namespace Loadwizard {

namespace {

using Detail::errorAt;
using Detail::formatNumber;
using Detail::Origin;

using Locate = std::function<Origin(std::size_t step, bool seconds)>;

std::optional<Error> validate(const std::vector<RampStep> &steps, const Locate &locate)
{
    const std::string vuserLimit = formatNumber(RampProfile::maxVusers);
    const std::string secondsLimit = formatNumber(RampProfile::maxSeconds);
    double planned = 0;
    double total = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const RampStep &step = steps[i];
        if (!std::isfinite(step.rate))
            return errorAt(locate(i, false), "is not a finite number");
        if (!std::isfinite(step.seconds))
            return errorAt(locate(i, true), "is not a finite number");
        if (std::abs(step.rate) > RampProfile::maxVusers)
            return errorAt(locate(i, false),
                           "is too large a rate (at most " + vuserLimit + " vusers per second)");
        if (step.seconds < 0)
            return errorAt(locate(i, true), "is a negative duration");
        if (step.seconds > RampProfile::maxSeconds)
            return errorAt(locate(i, true),
                           "is too long a duration (at most " + secondsLimit + " seconds)");
        total += step.seconds;
        if (total > RampProfile::maxSeconds)
            return errorAt(locate(i, true),
                           "makes the profile longer than " + secondsLimit + " seconds");
        planned = std::max(0.0, planned + step.rate * step.seconds);
        if (planned > RampProfile::maxVusers)
            return errorAt(locate(i, true), "makes the planned vusers exceed " + vuserLimit);
    }
    return std::nullopt;
}

} // namespace

RampProfile::RampProfile(std::vector<RampStep> steps)
    : m_steps(std::move(steps))
{}

tl::expected<RampProfile, Error> RampProfile::parse(std::string_view spec)
{
    if (Detail::trimmedSpec(spec).empty()) {
        Error error;
        error.message = "the ramp-up spec is empty (expected \"rate,seconds[,rate,seconds…]\")";
        return tl::unexpected(std::move(error));
    }
    auto pairs = Detail::parseNumberPairs(
        spec,
        "has no duration (the spec needs rate,seconds pairs; it has an odd number of values)");
    if (!pairs)
        return tl::unexpected(pairs.error());
    const std::vector<double> &values = pairs->values;
    const auto &tokens = pairs->tokens;

    std::vector<RampStep> steps;
    steps.reserve(values.size() / 2);
    for (std::size_t i = 0; i < values.size(); i += 2)
        steps.push_back({values[i], values[i + 1]});

    const auto error = validate(steps, [&](std::size_t step, bool seconds) {
        const std::size_t index = step * 2 + (seconds ? 1 : 0);
        return Origin{
            shortened(tokens[index]), static_cast<int>(index + 1), {}, pairs->describe(index)};
    });
    if (error)
        return tl::unexpected(*error);
    return RampProfile(std::move(steps));
}

tl::expected<RampProfile, Error> RampProfile::fromSteps(std::vector<RampStep> steps)
{
    const auto error = validate(steps, [&](std::size_t step, bool seconds) {
        const double value = seconds ? steps[step].seconds : steps[step].rate;
        const std::string token = formatNumber(value);
        return Origin{token, static_cast<int>(step * 2 + (seconds ? 2 : 1)),
                      "steps[" + std::to_string(step) + (seconds ? "].seconds" : "].rate"), token};
    });
    if (error)
        return tl::unexpected(*error);
    return RampProfile(std::move(steps));
}

std::string RampProfile::toString() const
{
    std::string out;
    for (const RampStep &step : m_steps) {
        if (!out.empty())
            out += ',';
        out += formatNumber(step.rate);
        out += ',';
        out += formatNumber(step.seconds);
    }
    return out;
}

double RampProfile::plannedVusersAt(double seconds) const
{
    if (!(seconds > 0)) // also NaN
        return 0;
    double planned = 0;
    double start = 0;
    for (const RampStep &step : m_steps) {
        if (seconds < start + step.seconds)
            return std::max(0.0, planned + step.rate * (seconds - start));
        planned = std::max(0.0, planned + step.rate * step.seconds);
        start += step.seconds;
    }
    return planned;
}

long long RampProfile::plannedWholeVusersAt(double seconds) const
{
    // Vuser k starts as soon as the plan passes k - 1 (JMeter and k6 start the first one at the
    // start of a ramp): "1,1" runs one vuser for a second, "2,60" starts one every 0.5 s.
    return static_cast<long long>(std::ceil(plannedVusersAt(seconds) - 1e-9));
}

double RampProfile::totalSeconds() const
{
    double total = 0;
    for (const RampStep &step : m_steps)
        total += step.seconds;
    return total;
}

double RampProfile::peakVusers() const
{
    // Piecewise linear: the peak is at a step boundary.
    double planned = 0;
    double peak = 0;
    for (const RampStep &step : m_steps) {
        planned = std::max(0.0, planned + step.rate * step.seconds);
        peak = std::max(peak, planned);
    }
    return peak;
}

} // namespace Loadwizard
