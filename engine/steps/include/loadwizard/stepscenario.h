#pragma once

// The interpreter: a StepScenario compiled once (templates parsed, variables given slots,
// constant bodies serialized) into a Scenario that runs on the same worker loop as a compiled
// plugin. No script engine: each step is a small struct walked by one coroutine.

#include <loadwizard/error.h>
#include <loadwizard/http.h>
#include <loadwizard/scenario.h>
#include <loadwizard/steps.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard::Steps {

/// One thing a step did, for "Try one iteration" (workbench) and tests. Reported on the worker
/// thread, in order.
struct StepEvent
{
    enum class Kind
    {
        Request,          ///< request sent and its response (or transport error) received
        Check,            ///< a check passed or failed
        Extraction,       ///< a variable was set (or the extraction failed: passed == false)
        Log,              ///< a `log:` step
        Think,            ///< a think, pace or rendezvous wait began (`seconds`)
        TransactionBegin, ///< `name`
        TransactionEnd,   ///< `name`, passed
        Failure,          ///< the iteration ended early (`message`: why)
    };
    Kind kind = Kind::Log;
    std::string path; ///< the step: "init[0]", "steps[2].steps[1]"
    std::string name; ///< request, check, transaction or variable name
    bool passed = true;
    std::string message; ///< check: what was seen; extraction: the value; log: the line
    double seconds = 0;
    Request request;   ///< Request: as sent (URL resolved by the engine may differ: relative)
    Response response; ///< Request: with headers (captured when tracing)
};

/// Receives StepEvents; set only for single-vuser debugging runs (it costs header capture).
using StepTrace = std::function<void(const StepEvent &)>;

/// What compiling a scenario needs besides its steps.
struct StepContext
{
    std::string fileName; ///< for errors: the scenario file, or the project for inline steps
    std::string folder;   ///< `files:` paths resolve against it (absolute)
    /// Parameter values after overrides (scenario defaults < project < --param); templates
    /// read them as `${name}` and they are folded in as constants.
    std::map<std::string, std::string, std::less<>> parameters;
    /// Data feeders of the project and their columns: `${feeder.column}`.
    std::map<std::string, std::vector<std::string>, std::less<>> feeders;
    /// `${env.NAME}`; empty: getenv.
    std::function<std::optional<std::string>(const std::string &)> environment;
    StepTrace trace;
};

/// Compiles `scenario` into a runnable Scenario. Errors name file, line, column and key path:
/// a template that does not parse, an unknown variable, feeder, column or built-in (with a
/// suggestion), a bad regex or JSON pointer, a `files:` path that does not exist.
tl::expected<std::shared_ptr<Scenario>, Error> compileStepScenario(const StepScenario &scenario,
                                                                   const StepContext &context);

} // namespace Loadwizard::Steps
