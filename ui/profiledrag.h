#pragma once

#include <loadwizard/rampprofile.h>

namespace Loadwizard::Ui {

/// Dragging a step's end point on the profile chart: the values it snaps to and what becomes of
/// the steps after it.
namespace ProfileDrag {

/// The steps a drag snaps to, from what the chart's axes show.
struct Grid
{
    double seconds = 1; ///< durations are multiples of this (whole seconds at least)
    double vusers = 1;  ///< one step of the rate moves the step's end by at most this many vusers
    bool free = false;  ///< a modifier is held: rates in hundredths, whole seconds
};

/// About 50 steps across the time axis and 25 up the vusers axis, in 1-2-5 (or minute) steps.
Grid gridFor(double secondsShown, double vusersShown, bool free);

/// The rate step for a step of `seconds`: the coarsest of 1, 0.5, 0.2, 0.1, 0.05, … vusers/s
/// whose change over the step stays within `grid.vusers`.
double rateStep(const Grid &grid, double seconds);

/// `profile` with the end of step `step` moved to (`seconds` since the start, `vusers`), snapped
/// to `grid`. The steps after it keep their durations (they move in time with it). Holds right
/// after it stay holds on the new level (a plateau moves as one); the first later step that
/// ramps ends where it did (its rate absorbs the change; a ramp-down that reached zero keeps
/// its rate while it still does), so every later level stays. Unchanged when `step` is out of
/// range.
RampProfile dragStepEnd(const RampProfile &profile, int step, double seconds, double vusers,
                        const Grid &grid);

} // namespace ProfileDrag
} // namespace Loadwizard::Ui
