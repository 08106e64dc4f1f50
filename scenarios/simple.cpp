// The smallest scenario: one GET per iteration. Aim it at `loadwizard target` or any server.

#include <loadwizard/scenario.h>

#include <array>

namespace {

class SimpleScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(vu.param("base_url") + "/");
        vu.check("status is 200", response.status == 200);
    }
};

constexpr std::array<lw_param, 1> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Server to load, without a trailing slash"},
}};

} // namespace

LOADWIZARD_PLUGIN(SimpleScenario, "simple", "Simple GET",
                  "GET base_url/ in a loop and check for status 200.", parameters)
