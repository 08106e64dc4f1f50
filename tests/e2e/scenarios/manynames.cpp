// Each iteration makes `per` transactions and `per` checks, every one under a name never used
// before (as a scenario that names them after its data would), for the cap on names. No request:
// the names are the load. Every check passes but the odd ones; all after the sleep, so an
// iteration the stop interrupts has recorded none of them.

#include <loadwizard/scenario.h>

#include <array>
#include <cstdint>
#include <string>

namespace {

class ManyNamesScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_per = std::stoull(parameters.at("per"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        co_await vu.sleep(0.001);
        for (std::uint64_t i = 0; i < m_per; ++i) {
            const std::string unique = std::to_string(vu.id()) + "." +
                                       std::to_string(vu.iteration()) + "." + std::to_string(i);
            Loadwizard::Transaction transaction(vu, "tx " + unique);
            vu.check("check " + unique, i % 2 == 0);
            transaction.pass();
        }
    }

private:
    std::uint64_t m_per = 10;
};

constexpr std::array<lw_param, 1> parameters{{
    {"per", "10", "Transactions and checks per iteration, each under a new name"},
}};

} // namespace

LOADWIZARD_PLUGIN(ManyNamesScenario, "manynames", "Many names",
                  "Transactions and checks, each under a name of its own.", parameters)
