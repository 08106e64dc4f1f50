#pragma once

namespace Loadwizard::App {

/// Exit codes, documented in the README.
enum ExitCode : int
{
    Success = 0,
    RunFailed = 1,         ///< the run could not complete (internal error)
    BadInput = 2,          ///< bad command line, project, profile, plugin or scenario
    ScenarioCrashed = 3,   ///< the scenario crashed or called exit() (CrashGuard::crashStatus)
    ThresholdsFailed = 99, ///< the run completed, but a threshold failed (k6's code)
    Interrupted = 130      ///< stopped by Ctrl-C / SIGTERM (the summary is still printed)
};

struct Mode
{
    bool headless = false;
};

/// Decides GUI or headless from plain argv, before any Qt object exists.
Mode scanMode(int argc, char **argv);

/// run, validate, target, demo, --headless, --help, --version. Never touches Qt.
int runHeadless(int argc, char **argv);

} // namespace Loadwizard::App
