#pragma once

#include <loadwizard/diagnostic.h>

#include <string>
#include <vector>

namespace Loadwizard {

/// The "where: severity: message" lines of GCC or Clang output, in order. Source excerpts,
/// carets, "In function" headers and summaries are left out: they belong to the line before.
std::vector<Diagnostic> parseCompilerDiagnostics(const std::string &output);

} // namespace Loadwizard
