#include <loadwizard/stepsyaml.h>

namespace Loadwizard::Steps {

std::string_view stepKindName(Step::Kind kind)
{
    switch (kind) {
    case Step::Kind::Request:
        return "request";
    case Step::Kind::Think:
        return "think";
    case Step::Kind::Pace:
        return "pace";
    case Step::Kind::Transaction:
        return "transaction";
    case Step::Kind::Rendezvous:
        return "rendezvous";
    case Step::Kind::Repeat:
        return "repeat";
    case Step::Kind::If:
        return "if";
    case Step::Kind::Log:
        return "log";
    case Step::Kind::Set:
        return "set";
    }
    return "?";
}

} // namespace Loadwizard::Steps

// Placeholder until the reader lands (branch stepsyaml).
namespace Loadwizard::Steps {
tl::expected<StepScenario, Error> loadStepScenario(const std::string &path, std::vector<Error> *)
{
    Error error;
    error.file = path;
    error.message = "reading declarative scenario files is not implemented yet";
    return tl::unexpected(std::move(error));
}
} // namespace Loadwizard::Steps
