// Vuser 1 crashes after a few iterations, the way scenario code can: a bad pointer, abort(),
// exit(), a division by zero, runaway recursion; or init() does. For the crash guard. Or it
// raises SIGINT, as a scenario that wants the run to stop may.

#include <loadwizard/scenario.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

volatile int g_zero = 0;
volatile int g_ten = 10; // 1 / x would become a comparison: division by zero is undefined
int *volatile g_null = nullptr;

[[gnu::noinline]] std::uint64_t recurse(std::uint64_t depth)
{
    volatile char frame[1024];
    frame[0] = char(depth);
    return recurse(depth + 1) + frame[0]; // not a tail call: each level keeps its frame
}

void crash(const std::string &how)
{
    if (how == "none")
        return;
    if (how == "segv")
        *g_null = 1;
    else if (how == "abort")
        std::abort();
    else if (how == "exit0")
        std::exit(0);
    else if (how == "exit7")
        std::exit(7);
    else if (how == "fpe")
        g_zero = g_ten / g_zero;
    else if (how == "stack")
        g_zero = int(recurse(0));
    else if (how == "sigint") {
        static bool raised = false; // once: a second one would abort
        if (!raised)
            std::raise(SIGINT);
        raised = true;
    } else
        throw std::invalid_argument("unknown crash \"" + how + "\"");
}

class CrashScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        m_how = parameters.at("how");
        m_after = std::stoull(parameters.at("after"));
        if (parameters.at("in") == "init")
            crash(m_how);
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "health"});
        vu.check("health is 200", response.status == 200);
        if (vu.id() == 1 && vu.iteration() >= m_after)
            crash(m_how);
        co_await vu.sleep(0.05);
    }

private:
    std::string m_url;
    std::string m_how;
    std::uint64_t m_after = 3;
};

constexpr std::array<lw_param, 4> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
    {"how", "segv", "none, segv, abort, exit0, exit7, fpe, stack or sigint (raise(SIGINT) once)"},
    {"after", "3", "Iterations vuser 1 runs before it crashes"},
    {"in", "iteration", "iteration, or init: crash in init()"},
}};

} // namespace

LOADWIZARD_PLUGIN(CrashScenario, "crash", "Crash",
                  "GET /health; vuser 1 crashes after a few iterations (how: segv, abort, exit0, "
                  "exit7, fpe, stack).",
                  parameters)
