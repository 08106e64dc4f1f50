#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace Loadwizard {

/// ISO 8601 in UTC with milliseconds, "2026-12-03T16:45:12.318Z": what the outputs, the results
/// manifest and Elasticsearch's date fields share.
std::string isoTime(std::chrono::system_clock::time_point time);
/// The reverse of isoTime() (exactly its form); empty for anything else.
std::optional<std::chrono::system_clock::time_point> parseIsoTime(const std::string &text);

} // namespace Loadwizard
