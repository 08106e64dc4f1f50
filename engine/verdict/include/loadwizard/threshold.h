#pragma once

#include <loadwizard/error.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// A threshold as a project or the command line states it: the expression as written, whether a
/// failure stops the run, and from when on it may.
struct ThresholdSettings
{
    std::string expression;  ///< "p95(transaction:checkout) < 800ms"
    bool abort = false;      ///< a failure (after the grace period) stops the run gracefully
    double graceSeconds = 0; ///< from the run's start: no abort before this
    bool operator==(const ThresholdSettings &) const = default;
};

/// What a threshold measures (the metric's name before any parenthesis).
enum class ThresholdMetric
{
    Latency,          ///< pN, med, avg, min, max: milliseconds
    ErrorRate,        ///< request (or transaction) errors / count: a fraction
    Checks,           ///< passed / (passed + failed): a fraction
    Rate,             ///< per second over the run's elapsed time
    Count,            ///< a plain count
    IterationsFailed, ///< iterations ended by a scenario exception
    IterationsDropped ///< the open model's arrivals that found the vuser pool full
};

/// What a metric is taken over.
enum class ThresholdSubject
{
    Requests,    ///< every request (`requests`)
    Request,     ///< one request name (`request:NAME`)
    Transaction, ///< one transaction (`transaction:NAME`)
    Check,       ///< one check (`checks:NAME`), or every check when the name is empty
    Iterations,  ///< `iterations` (rate, count)
    Errors       ///< request errors (rate, count)
};

enum class ThresholdAggregation
{
    Percentile,
    Mean,
    Min,
    Max
};

enum class ThresholdComparison
{
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual
};

/// A parsed threshold expression: `metric[{group=NAME, from=intended}] op value[unit]`.
struct ThresholdExpression
{
    ThresholdMetric metric = ThresholdMetric::Latency;
    ThresholdAggregation aggregation = ThresholdAggregation::Percentile;
    double percentile = 0; ///< for Percentile: 50, 95, 99.9, …
    ThresholdSubject subject = ThresholdSubject::Requests;
    std::string name;  ///< the request's, transaction's or check's name, unquoted
    std::string group; ///< empty: the whole run
    /// `{from=intended}`: the open model's latency from the intended start (wrk2's correction of
    /// coordinated omission) instead of the service time; only p50, p90, p95, p99, avg, min, max.
    bool fromIntended = false;
    ThresholdComparison comparison = ThresholdComparison::Less;
    double value = 0; ///< in the metric's unit: ms, a fraction, per second or a count
    bool operator==(const ThresholdExpression &) const = default;
};

/// The groups of a project without `groups:`: one, implicit, named "default".
inline const std::vector<std::string> &implicitGroups()
{
    static const std::vector<std::string> groups{"default"};
    return groups;
}

/// Parses an expression (grammar in README's thresholds table). An error names the bad token
/// and its 1-based column; a group selector naming none of `groups` is an error too.
tl::expected<ThresholdExpression, Error>
parseThreshold(std::string_view text, const std::vector<std::string> &groups = implicitGroups());

/// Seconds from "10s", "500ms", "2m", "1h" or plain seconds; nullopt when malformed or negative.
std::optional<double> parseGraceSeconds(std::string_view text);

/// Reads the command line's form `EXPR[;abort][;grace=DURATION]`; errors name `--threshold`.
/// `groups`: what a {group=NAME} may name (Project::groupNames()).
tl::expected<ThresholdSettings, Error>
parseThresholdFlag(std::string_view text,
                   const std::vector<std::string> &groups = implicitGroups());

/// "<", "<=", ">", ">=", "==", "!=".
std::string_view comparisonText(ThresholdComparison comparison);

} // namespace Loadwizard
