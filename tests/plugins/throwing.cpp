// Every iteration throws: the engine must turn that into a failed iteration, not a crash.
#include <loadwizard/scenario.h>

#include <stdexcept>

namespace {

class ThrowingScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vuser) override
    {
        (void)vuser;
        throw std::runtime_error("iteration failed on purpose");
        co_return; // makes this a coroutine: the exception lands in the Task, as in real code
    }
};

} // namespace

LOADWIZARD_PLUGIN(ThrowingScenario, "throwing", "Throwing test plugin",
                  "Each iteration throws std::runtime_error.", Loadwizard::noParameters)
