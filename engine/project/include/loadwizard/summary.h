#pragma once

#include <loadwizard/output.h>
#include <loadwizard/results.h>
#include <loadwizard/snapshot.h>
#include <loadwizard/thresholdevaluator.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// What the summary says about the run besides the numbers.
struct SummaryHeader
{
    std::string project;
    std::string scenario;
    std::string profile;              ///< seed syntax
    std::string profileLabel;         ///< for people (the terminal), when the seed syntax is not
                                      ///< what was asked for: "flat, 1 iteration per vuser"
    std::vector<OutputStats> outputs; ///< delivery counts of each output, after its flush
    std::vector<ThresholdResult> thresholds; ///< on the final snapshot, in the project's order
    /// Empty, or why the run ended before its profile did ("stopped before the end of the
    /// profile"): an interrupted run is not reported as passed.
    std::string stopped;
    /// How the run ended (set by RunSession::finish()).
    RunEnding ending = RunEnding::Completed;
};

/// The end-of-run table for a terminal, k6-style.
std::string formatSummary(const Snapshot &snapshot, const SummaryHeader &header);
/// The same numbers as JSON (the --summary-json file; schema in docs/summary-json.md).
std::string summaryJson(const Snapshot &snapshot, const SummaryHeader &header);
/// One progress line: elapsed/total, vusers, req/s, errors, p95.
std::string formatProgress(const Snapshot &snapshot);

} // namespace Loadwizard
