// Fuzzes the project loader: parseProject() on YAML held in memory (the input is never a path:
// loadProject() is not called, nothing is read, written, resolved or run). A project that loads
// must save to YAML that loads back to the same project.

#include "fuzzcheck.h"

#include <loadwizard/project.h>

#include <string>
#include <vector>

namespace {

// The name errors carry; no file of that name is ever opened.
const std::string fakeFileName = "fuzz-project.yaml";

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
    const std::string_view yaml = LoadwizardFuzz::asText(data, size);
    std::vector<Loadwizard::Error> warnings;
    // Any exception escaping here is a finding too: libFuzzer reports it as a crash.
    const auto project = Loadwizard::parseProject(yaml, fakeFileName, &warnings);
    if (!project) {
        checkError(project.error(), yaml);
        FUZZ_CHECK(warnings.empty(), yaml); // warnings come only with a project that loaded
        return 0;
    }
    FUZZ_CHECK(project->path.empty(), yaml); // parsed from memory: it came from no file
    for (const Loadwizard::Error &warning : warnings)
        checkError(warning, yaml);

    // What the GUI saves loads back as the same project, and saving that again changes nothing.
    const std::string saved = Loadwizard::projectToYaml(*project);
    std::vector<Loadwizard::Error> savedWarnings;
    const auto reloaded = Loadwizard::parseProject(saved, fakeFileName, &savedWarnings);
    FUZZ_CHECK(reloaded.has_value(), saved + "\n---- " + reloaded.error().toString());
    FUZZ_CHECK(*reloaded == *project, saved);
    FUZZ_CHECK(savedWarnings.size() <= warnings.size(), saved);
    FUZZ_CHECK(Loadwizard::projectToYaml(*reloaded) == saved, saved);
    return 0;
}
