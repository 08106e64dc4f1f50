#include <loadwizard/arrivalprofile.h>

#include "numberpairs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <system_error>

namespace Loadwizard {

namespace {

using Detail::errorAt;
using Detail::formatNumber;
using Detail::Origin;

template <typename Locate>
std::optional<Error> validate(const std::vector<ArrivalStage> &stages, const Locate &locate)
{
    const std::string rateLimit = formatNumber(ArrivalProfile::maxRate);
    const std::string secondsLimit = formatNumber(ArrivalProfile::maxSeconds);
    double total = 0;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const ArrivalStage &stage = stages[i];
        if (!std::isfinite(stage.target))
            return errorAt(locate(i, false), "is not a finite number");
        if (!std::isfinite(stage.seconds))
            return errorAt(locate(i, true), "is not a finite number");
        if (stage.target < 0)
            return errorAt(locate(i, false), "is a negative rate");
        if (stage.target > ArrivalProfile::maxRate)
            return errorAt(locate(i, false),
                           "is too large a rate (at most " + rateLimit + " iterations per second)");
        if (stage.seconds < 0)
            return errorAt(locate(i, true), "is a negative duration");
        total += stage.seconds;
        if (stage.seconds > ArrivalProfile::maxSeconds || total > ArrivalProfile::maxSeconds)
            return errorAt(locate(i, true),
                           "makes the profile longer than " + secondsLimit + " seconds");
    }
    return std::nullopt;
}

} // namespace

ArrivalProfile::ArrivalProfile(std::vector<ArrivalStage> stages)
    : m_stages(std::move(stages))
{}

tl::expected<ArrivalProfile, Error> ArrivalProfile::parse(std::string_view spec)
{
    if (Detail::trimmedSpec(spec).empty()) {
        Error error;
        error.message = "the arrival-rate spec is empty (expected \"target,seconds[,target,"
                        "seconds…]\" in iterations per second)";
        return tl::unexpected(std::move(error));
    }
    auto pairs = Detail::parseNumberPairs(spec, "has no duration (the spec needs target,seconds "
                                                "pairs; it has an odd number of values)");
    if (!pairs)
        return tl::unexpected(pairs.error());
    const std::vector<double> &values = pairs->values;
    const auto &tokens = pairs->tokens;
    std::vector<ArrivalStage> stages;
    for (std::size_t i = 0; i < values.size(); i += 2)
        stages.push_back({values[i], values[i + 1]});
    const auto error = validate(stages, [&](std::size_t stage, bool seconds) {
        const std::size_t index = stage * 2 + (seconds ? 1 : 0);
        return Origin{
            shortened(tokens[index]), static_cast<int>(index + 1), {}, pairs->describe(index)};
    });
    if (error)
        return tl::unexpected(*error);
    return ArrivalProfile(std::move(stages));
}

tl::expected<ArrivalProfile, Error> ArrivalProfile::fromStages(std::vector<ArrivalStage> stages)
{
    const auto error = validate(stages, [&](std::size_t stage, bool seconds) {
        const double value = seconds ? stages[stage].seconds : stages[stage].target;
        const std::string token = formatNumber(value);
        return Origin{token, static_cast<int>(stage * 2 + (seconds ? 2 : 1)),
                      "stages[" + std::to_string(stage) + (seconds ? "].seconds" : "].target"),
                      token};
    });
    if (error)
        return tl::unexpected(*error);
    return ArrivalProfile(std::move(stages));
}

std::string ArrivalProfile::toString() const
{
    std::string out;
    for (const ArrivalStage &stage : m_stages) {
        if (!out.empty())
            out += ',';
        out += formatNumber(stage.target) + ',' + formatNumber(stage.seconds);
    }
    return out;
}

double ArrivalProfile::totalSeconds() const
{
    double total = 0;
    for (const ArrivalStage &stage : m_stages)
        total += stage.seconds;
    return total;
}

double ArrivalProfile::rateAt(double seconds) const
{
    double rate = 0;
    double start = 0;
    for (const ArrivalStage &stage : m_stages) {
        if (seconds < start + stage.seconds)
            return rate + (stage.target - rate) * (seconds - start) / stage.seconds;
        rate = stage.target;
        start += stage.seconds;
    }
    return rate;
}

double ArrivalProfile::plannedIterationsAt(double seconds) const
{
    if (!(seconds > 0))
        return 0;
    double planned = 0;
    double rate = 0;
    double start = 0;
    for (const ArrivalStage &stage : m_stages) {
        const double end = start + stage.seconds;
        if (seconds < end) {
            const double tau = seconds - start;
            const double slope = (stage.target - rate) / stage.seconds;
            return planned + rate * tau + slope * tau * tau / 2;
        }
        planned += (rate + stage.target) / 2 * stage.seconds;
        rate = stage.target;
        start = end;
    }
    return planned;
}

double ArrivalProfile::plannedTime(std::uint64_t k) const
{
    // Arrival k is the first moment the integral exceeds k: on a stage from rate r to rate
    // r + s·d over d seconds, N(τ) = N0 + r·τ + s·τ²/2 = k. The root is taken in the form
    // 2c / (r + sqrt(r² + 2sc)), exact on flat stages (s = 0) and without the cancellation of
    // the school formula when s is small.
    const double target = double(k);
    double planned = 0;
    double rate = 0;
    double start = 0;
    for (const ArrivalStage &stage : m_stages) {
        const double stageArrivals = (rate + stage.target) / 2 * stage.seconds;
        if (stage.seconds > 0 && planned + stageArrivals > target) {
            const double c = target - planned; // >= 0: earlier stages ended at or below k
            if (c <= 0)
                return start;
            const double slope = (stage.target - rate) / stage.seconds;
            const double root = std::sqrt(std::max(0.0, rate * rate + 2 * slope * c));
            const double tau = 2 * c / (rate + root);
            return start + std::min(tau, stage.seconds);
        }
        planned += stageArrivals;
        rate = stage.target;
        start += stage.seconds;
    }
    return std::numeric_limits<double>::infinity();
}

std::uint64_t ArrivalProfile::arrivalsBetween(double from, double to) const
{
    // The count of k with plannedTime(k) < t is ceil(N(t)); corrected against plannedTime()
    // itself so that counts and the times the runtime uses agree to the last arrival.
    auto before = [&](double t) -> std::uint64_t {
        std::uint64_t n = std::uint64_t(std::ceil(std::max(0.0, plannedIterationsAt(t))));
        while (n > 0 && plannedTime(n - 1) >= t)
            --n;
        while (plannedTime(n) < t)
            ++n;
        return n;
    };
    return to > from ? before(to) - before(from) : 0;
}

std::uint64_t ArrivalProfile::totalArrivals() const
{
    return arrivalsBetween(0, totalSeconds());
}

double ArrivalProfile::peakRate() const
{
    double peak = 0;
    for (const ArrivalStage &stage : m_stages)
        peak = std::max(peak, stage.target);
    return peak;
}

} // namespace Loadwizard
