#pragma once

#include <vector>

namespace Loadwizard {

/// `total` split in proportion to `weights` (each > 0) by the largest remainder method: the
/// parts are whole, add up to `total` exactly, and differ from the exact shares by less than
/// one; ties go to the earlier weight. For a negative total, the parts are the negated split
/// of -total. Used by the schedule (a weighted mix's vusers at each moment) and the workbench's
/// chart, so both show the same numbers.
std::vector<long long> splitByWeights(long long total, const std::vector<double> &weights);

} // namespace Loadwizard
