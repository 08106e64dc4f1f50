// Vuser 1 stops yielding after a few iterations: a CPU loop without co_await, as a scenario
// author's mistake would make. For the watchdog and the abort that must end the run anyway.

#include <loadwizard/scenario.h>

#include <array>
#include <cstdint>
#include <string>

namespace {

class SpinScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        m_after = std::stoull(parameters.at("after"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "health"});
        vu.check("health is 200", response.status == 200);
        if (vu.id() == 1 && vu.iteration() >= m_after) {
            volatile std::uint64_t spins = 0; // volatile: a loop with no effect may be removed
            for (;;)
                spins = spins + 1;
        }
        co_await vu.sleep(0.05);
    }

private:
    std::string m_url;
    std::uint64_t m_after = 3;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
    {"after", "3", "Iterations vuser 1 runs before it spins forever"},
}};

} // namespace

LOADWIZARD_PLUGIN(SpinScenario, "spin", "Spin",
                  "GET /health; vuser 1 spins forever in its iteration after a few.", parameters)
