// For the start-rate benchmark: each vuser thinks for a long time, so what the worker spends is
// starting vusers; with request=1 it first makes one GET (its own connection) to base_url.
#include <loadwizard/scenario.h>

#include <array>
#include <string>

class StartRateScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/";
        m_request = parameters.at("request") == "1";
        m_think = std::stod(parameters.at("think"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        if (m_request) {
            auto response = co_await vu.get(m_url, {.name = "first"});
            vu.check("status is 200", response.status == 200);
        }
        co_await vu.think(m_think);
    }

private:
    std::string m_url;
    bool m_request = false;
    double m_think = 600;
};

static constexpr std::array<lw_param, 3> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Target base URL (with request=1)"},
    {"request", "0", "1: one GET before the think time"},
    {"think", "600", "Seconds of think time per iteration"},
}};

LOADWIZARD_PLUGIN(StartRateScenario, "startrate", "Start rate",
                  "A long think time, optionally after one GET", parameters)
