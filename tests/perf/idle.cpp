// For the memory benchmark: each vuser makes one request, then sits in a long think time on its
// kept-alive connection.
#include <loadwizard/scenario.h>

class IdleScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        auto response = co_await vu.get(vu.param("base_url") + "/");
        vu.check("status is 200", response.status == 200);
        co_await vu.think(vu.param("think").empty() ? 60.0 : std::stod(vu.param("think")));
    }
};

static constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Target base URL"},
    {"think", "60", "Seconds of think time after the request"},
}};

LOADWIZARD_PLUGIN(IdleScenario, "idle", "Idle vusers", "One request, then a long think time",
                  parameters)
