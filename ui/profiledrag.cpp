#include "profiledrag.h"

#include <algorithm>
#include <cmath>

namespace Loadwizard::Ui::ProfileDrag {

namespace {

/// The largest of 1-2-5 × 10^n that is at most `limit` (and at least `smallest`).
double niceStepBelow(double limit, double smallest)
{
    if (!(limit > smallest))
        return smallest;
    const double magnitude = std::pow(10.0, std::floor(std::log10(limit)));
    for (double factor : {5.0, 2.0, 1.0}) {
        if (factor * magnitude <= limit)
            return std::max(smallest, factor * magnitude);
    }
    return std::max(smallest, magnitude);
}

double roundTo(double value, double step)
{
    const double rounded = std::round(value / step) * step;
    // 0.1 × 3 is 0.30000000000000004: keep the decimals the step has, so the text stays short.
    const double decimals = std::max(0.0, std::ceil(-std::log10(step) - 1e-9));
    const double scale = std::pow(10.0, decimals);
    const double clean = std::round(rounded * scale) / scale;
    return clean == 0 ? 0 : clean; // no "-0"
}

/// The rate from `from` to `to` vusers over `seconds`, in as few decimals as reach `to` exactly;
/// else a hair below it, so the whole vusers planned there (rounded up) stay the same.
double rateBetween(double from, double to, double seconds)
{
    const double raw = (to - from) / seconds;
    for (int decimals = 0; decimals <= 6; ++decimals) {
        const double scale = std::pow(10.0, decimals);
        const double rate = std::round(raw * scale) / scale;
        if (std::abs(from + rate * seconds - to) <= 1e-9 * std::max(1.0, std::abs(to)))
            return rate == 0 ? 0 : rate;
    }
    return std::floor(raw * 1e6) / 1e6;
}

} // namespace

Grid gridFor(double secondsShown, double vusersShown, bool free)
{
    Grid grid;
    grid.free = free;
    const double seconds = secondsShown / 50;
    // Past a minute, time goes in minutes' natural steps rather than 100 or 200 s.
    double step = 1;
    for (double candidate :
         {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0}) {
        if (candidate <= seconds)
            step = candidate;
    }
    grid.seconds = step;
    grid.vusers = std::max(vusersShown / 25, 1e-6);
    return grid;
}

double rateStep(const Grid &grid, double seconds)
{
    if (grid.free || seconds <= 0)
        return 0.01;
    // Whole vusers per second at the coarsest: a short step would otherwise jump by 5 or 10.
    return std::min(1.0, niceStepBelow(grid.vusers / seconds, 0.01));
}

RampProfile dragStepEnd(const RampProfile &profile, int step, double seconds, double vusers,
                        const Grid &grid)
{
    std::vector<RampStep> steps = profile.steps();
    if (step < 0 || step >= static_cast<int>(steps.size()))
        return profile;
    const auto index = std::size_t(step);
    double start = 0;
    for (std::size_t i = 0; i < index; ++i)
        start += steps[i].seconds;
    const double startVusers = profile.plannedVusersAt(start);
    const double oldEnd = start + steps[index].seconds;

    const double secondsStep = grid.free ? 1.0 : grid.seconds;
    const double duration =
        std::max(secondsStep, std::round((seconds - start) / secondsStep) * secondsStep);
    const double rate =
        roundTo((std::max(0.0, vusers) - startVusers) / duration, rateStep(grid, duration));
    steps[index] = RampStep{rate, duration};

    // Holds right after it stay holds, on its new level (a plateau moves as one); the first
    // step after them that ramps ends where it did: its rate takes up the difference.
    std::size_t next = index + 1;
    double nextStart = oldEnd;
    while (next < steps.size() && steps[next].rate == 0) {
        nextStart += steps[next].seconds;
        ++next;
    }
    if (next < steps.size() && steps[next].seconds > 0) {
        RampStep &ramp = steps[next];
        const double target = profile.plannedVusersAt(nextStart + ramp.seconds);
        const double level = std::max(0.0, startVusers + rate * duration);
        const bool stillReachesZero = target == 0 && level + ramp.rate * ramp.seconds <= 0;
        if (!stillReachesZero)
            ramp.rate = rateBetween(level, target, ramp.seconds);
    }
    auto checked = RampProfile::fromSteps(steps);
    return checked ? *checked : profile;
}

} // namespace Loadwizard::Ui::ProfileDrag
