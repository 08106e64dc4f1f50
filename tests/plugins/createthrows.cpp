// Loads fine, but its scenario's constructor throws out of create().
#include <loadwizard/scenario.h>

#include <stdexcept>

namespace {

class CreateThrowsScenario : public Loadwizard::Scenario
{
public:
    CreateThrowsScenario() { throw std::runtime_error("database of users is missing"); }
    Loadwizard::Task<> iteration(Loadwizard::Vuser &) override { co_return; }
};

} // namespace

LOADWIZARD_PLUGIN(CreateThrowsScenario, "createthrows", "Create throws", "create() fails.",
                  Loadwizard::noParameters)
