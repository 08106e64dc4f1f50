#pragma once

// What the report page draws, as one JSON document (the page's script reads it).

#include <loadwizard/report.h>

#include <nlohmann/json.hpp>

#include <string>

namespace Loadwizard::ReportData {

/// One run's data: its settings, verdict, tables, series (downsampled to options.maxPoints),
/// latency distributions and errors.
nlohmann::json runData(const SavedRun &run, const ReportOptions &options);

/// A number rounded to `significant` digits (tables: 4; charts: 3, the histograms' precision):
/// a small file.
double rounded(double value, int significant = 4);

/// `data` for a <script> element: "</" written as "<\/" and "<!--" as "\u003c!--", so no text
/// in it (an error message, the project) can end the element or open a comment.
std::string scriptSafeJson(const nlohmann::json &data);

} // namespace Loadwizard::ReportData
