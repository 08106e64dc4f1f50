// Each vuser gets a role from `roles` ("spin@3,segv@8": vuser 1 spins forever from its 3rd
// iteration, vuser 2 dereferences a null pointer in its 8th): one worker stuck, another
// crashing, or two crashing, for the crash guard's hardest endings. Vusers without a role only
// send requests.

#include <loadwizard/scenario.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace {

int *volatile g_null = nullptr;

struct Role
{
    std::string what; ///< spin, segv or abort
    std::uint64_t after = 0;
};

class SpinCrashScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        std::istringstream roles(parameters.at("roles"));
        for (std::string role; std::getline(roles, role, ',');) {
            const auto at = role.find('@');
            m_roles.push_back({role.substr(0, at),
                               at == std::string::npos ? 0 : std::stoull(role.substr(at + 1))});
        }
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto response = co_await vu.get(m_url, {.name = "health"});
        vu.check("health is 200", response.status == 200);
        if (vu.id() >= 1 && vu.id() <= m_roles.size()) {
            const Role &role = m_roles[vu.id() - 1];
            if (vu.iteration() >= role.after) {
                if (role.what == "spin") {
                    volatile std::uint64_t spins = 0;
                    for (;;)
                        spins = spins + 1;
                } else if (role.what == "segv") {
                    *g_null = 1;
                } else if (role.what == "abort") {
                    std::abort();
                }
            }
        }
        co_await vu.sleep(0.05);
    }

private:
    std::string m_url;
    std::vector<Role> m_roles;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
    {"roles", "spin@3,segv@8", "Per vuser: spin, segv or abort, @ the iteration it starts at"},
}};

} // namespace

LOADWIZARD_PLUGIN(SpinCrashScenario, "spincrash", "Spin and crash",
                  "GET /health; vusers spin or crash as `roles` says.", parameters)
