#pragma once

#include <loadwizard/error.h>
#include <loadwizard/steps.h>

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace YAML {
class Emitter;
class Node;
} // namespace YAML

namespace Loadwizard::Steps {

/// The largest scenario file read (16 MiB, as for projects).
inline constexpr std::size_t maxScenarioBytes = 16u << 20;

/// Parses a declarative scenario file. `fileName` names the file in errors (file:line:column
/// and the key path, e.g. `steps[2].checks[0].status`). An unknown key inside a step is an
/// error with a suggestion (a typo must not silently drop a check); an unknown top-level key is
/// a warning and kept in extraKeys.
tl::expected<StepScenario, Error> parseStepScenario(std::string_view yaml,
                                                    const std::string &fileName,
                                                    std::vector<Error> *warnings = nullptr);
/// Reads and parses a file (at most maxScenarioBytes).
tl::expected<StepScenario, Error> loadStepScenario(const std::string &path,
                                                   std::vector<Error> *warnings = nullptr);
/// The same from a node already parsed (a project's inline `scenario:` map); `field` prefixes
/// key paths in errors ("scenario").
tl::expected<StepScenario, Error> readStepScenario(const YAML::Node &node,
                                                   const std::string &fileName,
                                                   const std::string &field,
                                                   std::vector<Error> *warnings = nullptr);

/// Whether `path` holds a declarative scenario rather than a project: a YAML map with `steps`
/// or `init` and without the project's `loadwizard` key (so `loadwizard run shop.yaml` works
/// for both). False for anything unreadable: the project loader then says why.
bool isStepScenarioFile(const std::string &path);

/// The YAML text of a scenario file, in block style with short flow maps, keys in a fixed order,
/// strings quoted only when needed. Reading it back gives an equal StepScenario, for every
/// scenario the reader could have produced (a think range's end below its start, a request
/// without a URL, a NaN in a JSON body and the like cannot be written back).
std::string stepScenarioToYaml(const StepScenario &scenario);
/// The same scenario as a YAML node. Emitting a node loses the quotes that tell a JSON body's
/// "12" (a string) from 12: such strings carry the !!str tag in the node. A project writes its
/// inline scenario with emitStepScenario() instead.
YAML::Node stepScenarioToNode(const StepScenario &scenario);
/// Writes the scenario as one block map into `out` (a project's `scenario:` value).
void emitStepScenario(YAML::Emitter &out, const StepScenario &scenario);

/// Short names used in YAML and in the workbench: "request", "think", …
std::string_view stepKindName(Step::Kind kind);

} // namespace Loadwizard::Steps
