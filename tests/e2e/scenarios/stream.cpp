// One slow request per iteration (the target's /drip): iterations that are in flight whenever
// the run stops, for the counts that must add up on every stop path.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class StreamScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url =
            parameters.at("base_url") + "/drip?numbytes=20&duration=" + parameters.at("seconds");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "drip"});
        vu.check("drip complete", response.ok() && response.body.size() == 20);
    }

private:
    std::string m_url;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "", "The built-in target"},
    {"seconds", "5", "How long each body takes"},
}};

} // namespace

LOADWIZARD_PLUGIN(StreamScenario, "stream", "Stream", "One slow body per iteration.", parameters)
