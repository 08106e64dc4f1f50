#pragma once

#include <loadwizard/summary.h>

#include <QString>

namespace Loadwizard::Ui {

/// "Completed", "Stopped by user", "Aborted", "Failed thresholds", "Crashed".
QString runEndingTitle(RunEnding ending);
/// The status line of an ended run: its ending, then what else is wrong ("Failed thresholds
/// (1 of 2) — every request failed"), from the final snapshot and the thresholds' results.
QString runStatusText(RunEnding ending, const Snapshot &final,
                      const std::vector<ThresholdResult> &thresholds);

} // namespace Loadwizard::Ui
