// One GET, then a long pause that is not think time: iterations that are still running when the
// profile ends, for the graceful-stop, Ctrl-C and abort tests.

#include <loadwizard/scenario.h>

#include <array>
#include <stdexcept>
#include <string>

namespace {

class SleepyScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        m_seconds = std::stod(parameters.at("sleep"));
        if (!(m_seconds >= 0))
            throw std::invalid_argument("sleep must be >= 0");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "health"});
        vu.check("health is 200", response.status == 200);
        co_await vu.sleep(m_seconds);
    }

private:
    std::string m_url;
    double m_seconds = 0;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
    {"sleep", "1.5", "Seconds each iteration sleeps after its request"},
}};

} // namespace

LOADWIZARD_PLUGIN(SleepyScenario, "sleepy", "Sleepy",
                  "GET /health, then sleep; for graceful-stop tests.", parameters)
