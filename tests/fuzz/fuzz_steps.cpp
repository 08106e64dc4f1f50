// Fuzzes the declarative scenario reader: parseStepScenario() on YAML held in memory (nothing is
// read, written, compiled or run). A scenario that loads must save to YAML that loads back to the
// same scenario, both as text and through a YAML node (where quotes are lost).

#include "fuzzcheck.h"

#include <loadwizard/stepsyaml.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace {

// The name errors carry; no file of that name is ever opened.
const std::string fakeFileName = "fuzz-steps.yaml";

void checkError(const Loadwizard::Error &error, std::string_view yaml)
{
    FUZZ_CHECK(error.file == fakeFileName, error.toString());
    FUZZ_CHECK(!error.message.empty(), yaml);
    FUZZ_CHECK(error.line >= 0 && error.column >= 0, error.toString());
    // Errors quote the user's text shortened: a 100 000-character key or value helps nobody.
    FUZZ_CHECK(error.message.size() <= 1024, error.message);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Loadwizard::Steps;
    const std::string_view yaml = LoadwizardFuzz::asText(data, size);
    std::vector<Loadwizard::Error> warnings;
    // Any exception escaping here is a finding too: libFuzzer reports it as a crash.
    const auto scenario = parseStepScenario(yaml, fakeFileName, &warnings);
    if (!scenario) {
        checkError(scenario.error(), yaml);
        FUZZ_CHECK(warnings.empty(), yaml); // warnings come only with a scenario that loaded
        return 0;
    }
    for (const Loadwizard::Error &warning : warnings)
        checkError(warning, yaml);

    // What the workbench saves loads back as the same scenario, and saving that again changes
    // nothing.
    const std::string saved = stepScenarioToYaml(*scenario);
    const auto reloaded = parseStepScenario(saved, fakeFileName);
    FUZZ_CHECK(reloaded.has_value(), saved + "\n---- " + reloaded.error().toString());
    FUZZ_CHECK(*reloaded == *scenario, saved);
    FUZZ_CHECK(stepScenarioToYaml(*reloaded) == saved, saved);

    // The node form (a project's inline scenario handed around) reads back equal too. It is not
    // written back through YAML::Dump: yaml-cpp's own emitter writes a carriage return raw, and a
    // reader folds it into a line break; every writer of ours goes through Yaml::Text instead.
    const YAML::Node node = stepScenarioToNode(*scenario);
    const auto fromNode = readStepScenario(node, fakeFileName, {});
    FUZZ_CHECK(fromNode.has_value(), saved + "\n---- " + fromNode.error().toString());
    FUZZ_CHECK(*fromNode == *scenario, saved);
    return 0;
}
