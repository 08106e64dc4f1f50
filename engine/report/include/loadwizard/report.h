#pragma once

// The HTML report of a saved run (`loadwizard report`) and of two runs compared
// (`loadwizard compare --html`): one self-contained file, its charts drawn by uPlot, inlined with
// the data, so it opens from disk with no network (docs/report.md).

#include <loadwizard/results.h>

#include <cstddef>
#include <string>

namespace Loadwizard {

/// What the page holds at most.
struct ReportOptions
{
    /// Points per chart series: longer runs are merged into this many time buckets (each
    /// bucket's percentiles from its merged histograms, its maximum kept), so an hour's run
    /// stays a few hundred KB.
    std::size_t maxPoints = 1000;
    /// Points of each name's own latency series (there are up to 2 × chartedNames of them).
    std::size_t namePoints = 400;
    /// Names (of requests, and of transactions) that get charts of their own, the busiest ones;
    /// every name is in the tables.
    std::size_t chartedNames = 10;
    /// Bars of a latency distribution.
    std::size_t distributionBars = 60;
};

/// The whole page for one run.
std::string renderReport(const SavedRun &run, const ReportOptions &options = {});

/// The whole page for a comparison: `baseline` (A) against `candidate` (B), overlaid charts
/// and the change per name.
/// A `--fail-if` rule's outcome, for the comparison page: the rule, and why it broke (empty: it
/// holds).
struct RuleOutcome
{
    std::string rule;
    std::vector<std::string> breaches;
};

std::string renderComparisonReport(const SavedRun &baseline, const SavedRun &candidate,
                                   const ReportOptions &options = {},
                                   const std::vector<RuleOutcome> &rules = {});

} // namespace Loadwizard
