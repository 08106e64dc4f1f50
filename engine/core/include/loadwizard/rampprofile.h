#pragma once

#include <loadwizard/error.h>

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// One ramp-up step: add `rate` vusers per second (negative removes them) during `seconds`.
struct RampStep
{
    double rate = 0;
    double seconds = 0;

    bool operator==(const RampStep &) const = default;
};

/// A ramp-up profile: the seed's "2,60,0,200" pairs, or the same steps from a project file.
/// The run ends after the last step.
class RampProfile
{
public:
    /// Limits that make a spec "absurdly large".
    static constexpr double maxVusers = 10'000'000;
    static constexpr double maxSeconds = 366.0 * 24 * 3600;

    RampProfile() = default;
    explicit RampProfile(std::vector<RampStep> steps);

    /// Parses the seed syntax "rate,seconds[,rate,seconds…]". Errors name the bad token and its
    /// 1-based position in the list.
    static tl::expected<RampProfile, Error> parse(std::string_view spec);
    /// Checks steps from any source (negative duration, NaN, too large); field names "steps[i]".
    static tl::expected<RampProfile, Error> fromSteps(std::vector<RampStep> steps);

    /// The seed syntax again, shortest exact decimal form ("2,60,0.5,200").
    std::string toString() const;

    const std::vector<RampStep> &steps() const { return m_steps; }
    bool empty() const { return m_steps.empty(); }

    /// Planned vusers at `seconds` since the start, as a real number (never below zero).
    double plannedVusersAt(double seconds) const;
    /// Whole vusers running at `seconds`: ceil(planned - 1e-9), so vuser k starts as soon as the
    /// plan passes k - 1 ("1,1" runs one vuser; "2,60" starts one at 0 s, 0.5 s, … 59.5 s).
    long long plannedWholeVusersAt(double seconds) const;
    /// Sum of the steps' durations.
    double totalSeconds() const;
    /// Largest planned vuser count over the whole profile.
    double peakVusers() const;

private:
    std::vector<RampStep> m_steps;
};

} // namespace Loadwizard
