#pragma once

#include <string>

namespace Loadwizard::CrashGuard {

/// The exit status of a process whose scenario crashed or called exit() (see `--help`).
inline constexpr int crashStatus = 3;

/// Catches SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, and exit() called from scenario code.
/// On a run's worker thread the handler prints what happened (signal, scenario, vuser), parks
/// that thread, and leaves the rest of the process to end the run and write its summary; if
/// the process still lives `graceSeconds` later, the handler ends it with crashStatus. Scenario
/// code on another thread (init() inside a ScenarioCall) ends the process at once with
/// crashStatus, or with `scenarioCallsWait` after the same grace period (the workbench, which
/// polls crashed() to tell the user first); anything else is a Loadwizard bug and gets the signal's
/// default action (a core dump where enabled). Call it again just before a run starts: each call
/// adds one more exit() trap, so the trap runs before the exit handlers the scenario registered
/// meanwhile.
void install(double graceSeconds, bool scenarioCallsWait = false);

/// Whether a crash was caught: polled by whoever ends the run and writes the summary.
bool crashed();
/// One line on what crashed, once crashed(): "scenario "x" crashed: SIGSEGV (…) in vuser 3".
std::string description();
/// The index of the worker whose thread crashed, -1 when none did.
int crashedWorker();
/// Ends the process with crashStatus at once, without exit handlers: a thread is parked in the
/// crash handler and the scenario's own state may be broken.
[[noreturn]] void endProcess();

/// Marks scenario code called outside a worker (create(), init(), its destruction) on this
/// thread, so a crash in it is reported as the scenario's, not as a Loadwizard bug. `when` ends
/// the message ("before the run started" by default); both must outlive the call.
class ScenarioCall
{
public:
    explicit ScenarioCall(const std::string &scenarioId, const char *when = nullptr);
    ~ScenarioCall();
    ScenarioCall(const ScenarioCall &) = delete;
    ScenarioCall &operator=(const ScenarioCall &) = delete;

private:
    const char *m_previous;
    const char *m_previousWhen;
};

} // namespace Loadwizard::CrashGuard
