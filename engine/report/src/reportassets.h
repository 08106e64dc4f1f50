#pragma once

// The report page's parts, compiled in at build time (embedassets.cmake).

#include <cstddef>
#include <string_view>

namespace Loadwizard::ReportAssets {

/// uPlot's IIFE build, its banner replaced by its licence.
std::string_view uplotScript();
std::string_view uplotStyle();
/// web/report.html: the page, with @STYLE@, @SCRIPT@ and @DATA@ placeholders.
std::string_view pageTemplate();
std::string_view pageScript();
std::string_view pageStyle();

} // namespace Loadwizard::ReportAssets
