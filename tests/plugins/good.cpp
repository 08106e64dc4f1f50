// A well-formed plugin with two parameters; tst_compilecache also compiles copies of this file.
#include <loadwizard/scenario.h>

namespace {

class GoodScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vuser) override
    {
        co_await vuser.get(vuser.param("base_url") + "/");
    }
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Where the system under test listens"},
    {"pages", "3", "How many pages each iteration reads"},
}};

} // namespace

LOADWIZARD_PLUGIN(GoodScenario, "good", "Good test plugin", "Loads, lists and runs.", parameters)
