// Scenario code that runs after the summary: the scenario's destructor or a static destructor
// of the plugin spins forever or crashes (`how`: none, spin, segv, static-spin).

#include <loadwizard/scenario.h>

#include <array>
#include <cstdint>
#include <string>

namespace {

int *volatile g_null = nullptr;
std::string g_how = "none";

void misbehave(const std::string &how)
{
    if (how == "spin" || how == "static-spin") {
        volatile std::uint64_t spins = 0;
        for (;;)
            spins = spins + 1;
    }
    if (how == "segv")
        *g_null = 1;
}

/// Destroyed when the plugin is unloaded or the process ends.
struct StaticSpinner
{
    ~StaticSpinner()
    {
        if (g_how == "static-spin")
            misbehave(g_how);
    }
} g_spinner;

class DtorScenario : public Loadwizard::Scenario
{
public:
    ~DtorScenario() override
    {
        if (g_how != "static-spin")
            misbehave(g_how);
    }

    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        g_how = parameters.at("how");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "health"});
        vu.check("health is 200", response.status == 200);
        co_await vu.sleep(0.1);
    }

private:
    std::string m_url;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
    {"how", "none", "none, spin, segv or static-spin: what the destructors do"},
}};

} // namespace

LOADWIZARD_PLUGIN(DtorScenario, "dtor", "Destructor",
                  "GET /health; the destructor or a static destructor misbehaves.", parameters)
