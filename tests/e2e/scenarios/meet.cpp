// Every vuser (or only the even ones) meets the others once at the rendezvous "meet", then thinks
// for a long time: exactly one round of arrivals, so the rendezvous counters are predictable.

#include <loadwizard/scenario.h>

#include <array>
#include <stdexcept>
#include <string>

namespace {

class MeetScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_who = parameters.at("who");
        if (m_who != "all" && m_who != "even")
            throw std::invalid_argument("who must be all or even");
        m_delay = std::stod(parameters.at("delay"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        if (vu.iteration() == 0) {
            // Wait until the whole ramp is running: the engine never waits for more vusers than
            // are running, so an early arrival would be released alone.
            co_await vu.sleep(m_delay);
            if (m_who == "all" || vu.id() % 2 == 0) {
                const auto outcome = co_await vu.rendezvous("meet");
                vu.check("released", outcome == Loadwizard::RendezvousOutcome::Released);
            }
        }
        co_await vu.think(30);
    }

private:
    std::string m_who;
    double m_delay = 0;
};

constexpr std::array<lw_param, 2> parameters{{
    {"who", "all", "Who goes to the rendezvous: all, or even (vusers with an even id)"},
    {"delay", "1.5", "Seconds to wait before the rendezvous, until every vuser runs"},
}};

} // namespace

LOADWIZARD_PLUGIN(MeetScenario, "meet", "Meet once",
                  "Each vuser meets the others once at rendezvous meet, then thinks 30 s.",
                  parameters)
