// Every second iteration throws after its request: failed iterations, not a crashed run.

#include <loadwizard/scenario.h>

#include <array>
#include <stdexcept>
#include <string>

namespace {

class BoomScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        {
            auto transaction = vu.transaction("step");
            const auto response = co_await vu.get(m_url, {.name = "health"});
            vu.check("health is 200", response.status == 200);
            if (vu.iteration() % 2 == 1)
                throw std::runtime_error("boom");
        }
        co_await vu.sleep(0.02);
    }

private:
    std::string m_url;
};

constexpr std::array<lw_param, 1> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
}};

} // namespace

LOADWIZARD_PLUGIN(BoomScenario, "boom", "Boom",
                  "GET /health; every second iteration throws std::runtime_error(\"boom\").",
                  parameters)
