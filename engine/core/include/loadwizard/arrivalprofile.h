#pragma once

#include <loadwizard/error.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// One stage of an arrival-rate profile: move linearly from the previous stage's rate (0 before
/// the first) to `target` iterations per second over `seconds` (0 seconds: jump to it).
struct ArrivalStage
{
    double target = 0;
    double seconds = 0;

    bool operator==(const ArrivalStage &) const = default;
};

/// The open workload model's schedule: iterations start at planned times whatever the response
/// times. Text form: "target,seconds" pairs from a rate of 0, so "0,0,2000,10,2000,60" starts
/// at 0/s, reaches 2000/s over 10 s and holds it for 60 s, and "500,0,500,60" is 500/s for 60 s.
/// Arrival k (0-based) is planned when the integral of the rate reaches k: the first at 0 s as
/// soon as the rate is above zero.
class ArrivalProfile
{
public:
    /// Limits that make a spec "absurdly large".
    static constexpr double maxRate = 10'000'000;
    static constexpr double maxSeconds = 366.0 * 24 * 3600;

    ArrivalProfile() = default;
    explicit ArrivalProfile(std::vector<ArrivalStage> stages);

    /// Parses "target,seconds[,target,seconds…]". Errors name the bad token and its 1-based
    /// position in the list.
    static tl::expected<ArrivalProfile, Error> parse(std::string_view spec);
    /// Checks stages from any source; field names "stages[i].target" / "stages[i].seconds".
    static tl::expected<ArrivalProfile, Error> fromStages(std::vector<ArrivalStage> stages);

    /// The text form again, shortest exact decimal form.
    std::string toString() const;

    const std::vector<ArrivalStage> &stages() const { return m_stages; }
    bool empty() const { return m_stages.empty(); }

    /// Sum of the stages' durations.
    double totalSeconds() const;
    /// Planned rate (iterations per second) at `seconds` since the start.
    double rateAt(double seconds) const;
    /// Planned iterations by `seconds`: the integral of the rate from 0 (exact for the
    /// piecewise-linear rate); the profile's end keeps the total.
    double plannedIterationsAt(double seconds) const;
    /// Arrivals the whole profile plans: arrivals k with plannedTime(k) < totalSeconds().
    std::uint64_t totalArrivals() const;
    /// When arrival k (0-based) is planned: the time at which plannedIterationsAt() reaches k
    /// (solved exactly: linear on a flat stage, quadratic on a ramp). Infinity when the
    /// profile never reaches k.
    double plannedTime(std::uint64_t k) const;
    /// Arrivals planned in [from, to): those k with from <= plannedTime(k) < to.
    std::uint64_t arrivalsBetween(double from, double to) const;
    /// Highest rate over the profile.
    double peakRate() const;

private:
    std::vector<ArrivalStage> m_stages;
};

} // namespace Loadwizard
