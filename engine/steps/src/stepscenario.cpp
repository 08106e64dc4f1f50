#include <loadwizard/stepscenario.h>

namespace Loadwizard::Steps {

tl::expected<std::shared_ptr<Scenario>, Error> compileStepScenario(const StepScenario &,
                                                                   const StepContext &context)
{
    Error error;
    error.file = context.fileName;
    error.message = "declarative scenarios are not implemented yet";
    return tl::unexpected(std::move(error));
}

} // namespace Loadwizard::Steps
