#pragma once

// Two saved runs compared name by name (`loadwizard compare`): counts, error rates and
// percentiles from each name's merged histogram, a better/worse mark per change, and the
// --fail-if rules (docs/report.md#comparing-two-runs).

#include <loadwizard/error.h>
#include <loadwizard/histogram.h>
#include <loadwizard/results.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// One name's figures over a whole run.
struct NameFigures
{
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    double ratePerSecond = 0;
    double errorRate = 0; ///< errors / count, 0 to 1
    LatencyStats latency; ///< from the merged histogram when the folder has one
};

/// A run's figures: all requests, and each request and transaction name.
struct RunFigures
{
    double seconds = 0;
    NameFigures total;
    std::map<std::string, NameFigures, std::less<>> requests;
    std::map<std::string, NameFigures, std::less<>> transactions;
};

/// The figures of a saved run, from its final snapshot (its totals and merged histograms).
RunFigures runFigures(const SavedRun &run);

/// What a comparison or a rule reads.
enum class CompareMetric
{
    P50,
    P90,
    P95,
    P99,
    Mean,
    Max,
    ErrorRate,
    Rps,
    Count,
};

/// "p50", …, "error_rate", "rps", "count".
std::string_view compareMetricName(CompareMetric metric);
/// The metric's value: milliseconds, a fraction (error rate), per second or a count.
double metricValue(const NameFigures &figures, CompareMetric metric);

/// How a change reads.
enum class Change
{
    Better,
    Same, ///< within the noise band
    Worse,
    Neutral, ///< a count: neither better nor worse
};

/// Lower latency and error rate are better, higher rps is; changes within ±5 % (latency, rps;
/// and within 0.01 ms) or ±0.1 percentage point (error rate) are the same.
Change classifyChange(CompareMetric metric, double before, double after);
/// The same for one name's figures; Neutral when either side has no request (nothing was
/// measured there: a run killed at once is not "100 % faster").
Change classifyChange(CompareMetric metric, const NameFigures &a, const NameFigures &b);

/// A `--fail-if` rule: `METRIC[{SCOPE}] (+|-)AMOUNT[%|ms|s|pp]`.
struct FailRule
{
    enum class Scope
    {
        Every,       ///< every name in both runs, and the total
        Total,       ///< all requests together
        Request,     ///< the request `name`
        Transaction, ///< the transaction `name`
    };
    std::string text; ///< as given
    CompareMetric metric = CompareMetric::P95;
    Scope scope = Scope::Every;
    std::string name;
    bool increase = true; ///< '+': a rise beyond the amount breaks it; '-': a fall
    double amount = 0;    ///< ms, a fraction (relative or error-rate points), per second, count
    bool relative = false;
};

/// Parses a rule; the error names the rule (field "--fail-if") and the column.
tl::expected<FailRule, Error> parseFailRule(std::string_view text);

/// One breach of a rule.
struct RuleBreach
{
    std::string where; ///< "total", "request GET /x", "transaction browse"
    double before = 0;
    double after = 0;
    std::string explanation; ///< "p95 3.10 → 3.60 ms (+16.1 %, more than +10 %)"
};

/// The rule's breaches between the runs (empty: it holds). A scoped rule naming a name in
/// neither run is an error; a name in only one of them is a breach.
tl::expected<std::vector<RuleBreach>, Error> checkRule(const FailRule &rule, const RunFigures &a,
                                                       const RunFigures &b);

/// The comparison as text for a terminal or a CI log: the totals, then one line per transaction
/// and request name with its change, then the names only in A or only in B.
std::string formatComparison(const RunFigures &a, const RunFigures &b, const std::string &labelA,
                             const std::string &labelB);

} // namespace Loadwizard
