// TEMPORARY until the YAML reader/writer (branch stepsyaml) is merged: weak stand-ins so the
// workbench links. The real definitions in loadwizard::steps win when present.
#include <loadwizard/stepsyaml.h>

namespace Loadwizard::Steps {

__attribute__((weak)) std::string stepScenarioToYaml(const StepScenario &)
{
    return "# the YAML writer is not merged yet\n";
}

} // namespace Loadwizard::Steps

namespace Loadwizard::Steps {

__attribute__((weak)) tl::expected<StepScenario, Error>
parseStepScenario(std::string_view, const std::string &fileName, std::vector<Error> *)
{
    return tl::make_unexpected(Error{"scenario files cannot be read yet", fileName});
}

} // namespace Loadwizard::Steps
