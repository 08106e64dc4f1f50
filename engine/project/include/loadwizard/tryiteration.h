#pragma once

#include <loadwizard/error.h>
#include <loadwizard/project.h>
#include <loadwizard/scenario.h>
#include <loadwizard/snapshot.h>
#include <loadwizard/stepscenario.h>

#include <atomic>
#include <functional>
#include <optional>

#include <tl/expected.hpp>

namespace Loadwizard {

/// What "Try one iteration" (the workbench) takes besides the project.
struct TryOptions
{
    Parameters overrides; ///< win over the project's parameters (the demo's base_url)
    std::string baseUrl;  ///< non-empty: replaces http.base_url (the built-in target's URL)
    /// A scenario file's steps as edited (not saved yet): tried instead of the file's content,
    /// with the file's name and folder.
    std::optional<Steps::StepScenario> editedSteps;
    /// A declarative scenario's events: each request with its response and headers, checks,
    /// extractions, log lines, a failure. Called on the worker thread, in order.
    Steps::StepTrace trace;
    /// A compiled scenario's account instead (`--http-debug=full` and `-v` lines), and either
    /// kind's log events (errors, failed checks). Called on the run's controller thread.
    std::function<void(const TraceLine &)> traceLine;
    std::function<void(const LogEvent &)> logEvent;
    /// Set from another thread to end the iteration early (abort).
    const std::atomic<bool> *cancel = nullptr;
    /// The longest the iteration may take (then it is aborted).
    double maxSeconds = 600;
};

/// What the iteration did, counted by the engine.
struct TryResult
{
    std::uint64_t requests = 0;
    std::uint64_t failedRequests = 0;
    std::uint64_t checksFailed = 0;
    std::uint64_t iterationsFailed = 0;
    bool declarative = false; ///< events came through `trace`, not trace lines
    bool aborted = false;     ///< cancelled, or over maxSeconds
};

/// Runs one vuser for one iteration (its init first) against the project's target: the
/// project's settings, data and parameters, a profile of one vuser. Blocks until the iteration
/// is over; belongs off a UI thread. Errors name file, line and field as prepareRun()'s do.
tl::expected<TryResult, Error> tryOneIteration(const Project &project, const TryOptions &options);

} // namespace Loadwizard
