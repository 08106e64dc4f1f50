#pragma once

#include <loadwizard/snapshot.h>
#include <loadwizard/threshold.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace Loadwizard {

/// How a threshold stands on a snapshot.
enum class ThresholdStatus
{
    Passed,
    Failed,
    NoData ///< nothing in the run measured it (yet): a failure at the end, never an abort
};

/// One threshold's state, as the summary, the JSON, JUnit and the dashboard show it.
struct ThresholdResult
{
    ThresholdSettings settings;
    std::string group; ///< the group its {group=NAME} names; empty: the whole run
    ThresholdStatus status = ThresholdStatus::NoData;
    double observed = 0;      ///< in the metric's unit (ms, fraction, per second, count)
    std::string observedText; ///< "812.4 ms", "0.50 %", "no data"
    bool aborted = false;     ///< this one stopped the run
    /// Whether it counts as a failure: Failed, NoData at the end of the run, or having aborted
    /// the run (even if the iterations that finished in the graceful stop then brought its
    /// value back: the run was cut short by it).
    bool failed(bool final) const
    {
        return aborted || status == ThresholdStatus::Failed ||
               (final && status == ThresholdStatus::NoData);
    }
    bool operator==(const ThresholdResult &) const = default;
};

/// The thresholds of one run, parsed once, evaluated on each cumulative snapshot.
class ThresholdEvaluator
{
public:
    /// Errors name the threshold (`field`, e.g. "thresholds[2]") and the column.
    static tl::expected<ThresholdEvaluator, Error>
    create(const std::vector<ThresholdSettings> &thresholds,
           const std::vector<std::string> &groups = implicitGroups());
    ThresholdEvaluator() = default;

    bool empty() const { return m_settings.empty(); }
    std::size_t size() const { return m_settings.size(); }
    /// Whether some percentile needs the snapshot's histograms (one LatencyStats does not hold):
    /// the run's, its names' and, for a {group=NAME}, that group's (RunConfig::keepHistograms).
    bool needsHistograms() const;

    /// Every threshold on the snapshot's totals; pure.
    std::vector<ThresholdResult> evaluate(const Snapshot &snapshot) const;
    /// The first abort threshold that failed at or after its grace period, if any.
    static std::optional<std::size_t> abortingThreshold(const std::vector<ThresholdResult> &results,
                                                        double elapsedSeconds);

private:
    std::vector<ThresholdSettings> m_settings;
    std::vector<ThresholdExpression> m_expressions;
};

/// The observed value of one expression; nullopt when nothing measured it. `{group=NAME}` reads
/// that group of Snapshot::groups (none of that name: nullopt); "default" on a snapshot without
/// groups reads the whole run.
std::optional<double> observeThreshold(const ThresholdExpression &expression,
                                       const Snapshot &snapshot);
/// The observed value as the expression's unit shows it: "812.40 ms", "0.50 %", "1234/s", "17".
std::string formatObserved(const ThresholdExpression &expression, double value);

/// How many of `results` fail (no data counts at the end).
std::size_t failedThresholds(const std::vector<ThresholdResult> &results, bool final);

/// What is wrong with the run, for people: "thresholds failed (2 of 5)", "every request failed",
/// "every vuser failed its vuserInit (no iteration ran)",
/// joined with "; ", after "aborted by threshold \"…\"" when one stopped the run, or `stopped`
/// ("stopped before the end of the profile") when someone did, and "incomplete" when a worker
/// was left behind; empty when nothing is.
std::string runVerdict(const Snapshot &snapshot, const std::vector<ThresholdResult> &results,
                       std::string_view stopped = {});

} // namespace Loadwizard
