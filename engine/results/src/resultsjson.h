#pragma once

// The results folder's JSON shapes (docs/results-format.md), both ways: what the writer emits
// for a snapshot, and what the reader rebuilds from it.

#include <loadwizard/isotime.h>
#include <loadwizard/results.h>
#include <loadwizard/snapshot.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace Loadwizard::Results {

using Json = nlohmann::ordered_json;

Json latencyJson(const LatencyStats &latency);
LatencyStats latencyFrom(const Json &j);
Json countersJson(const Counters &counters);
Counters countersFrom(const Json &j);
std::optional<ErrorClass> errorClassFrom(std::string_view name);

/// {"count", "min", "max", "sum", "buckets": [index, count, Δindex, count, …]}.
Json bucketsJson(const HistogramBuckets &buckets);
/// Empty when the object is not a valid histogram (the message says why).
std::optional<HistogramBuckets> bucketsFrom(const Json &j, std::string &problem);

/// One series.jsonl line; `previous` (the last snapshot written, or null) gives the checks'
/// interval figures, which snapshots hold as totals.
Json seriesLine(const Snapshot &snapshot, const Snapshot *previous);
/// One histograms.jsonl line.
Json histogramLine(const Snapshot &snapshot);
Json eventJson(const LogEvent &event);

Json manifestJson(const ResultsManifest &manifest);
/// The error says which key is wrong.
tl::expected<ResultsManifest, std::string> manifestFrom(const Json &j);

} // namespace Loadwizard::Results
