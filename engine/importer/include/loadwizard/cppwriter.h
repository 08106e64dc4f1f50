#pragma once

#include <loadwizard/error.h>
#include <loadwizard/steps.h>

#include <string>

#include <tl/expected.hpp>

namespace Loadwizard::Import {

/// A C++ scenario (the SDK of docs/scenario-sdk.md) doing what `scenario` does, for
/// `loadwizard run x.cpp`. Knows the steps an import writes (request, think, transaction, log,
/// set) and templates of variables (`${name}`, `${name|url}`); anything else is an error naming
/// the step. `id` is the plugin's id.
tl::expected<std::string, Error> stepScenarioToCpp(const Steps::StepScenario &scenario,
                                                   const std::string &id);

} // namespace Loadwizard::Import
