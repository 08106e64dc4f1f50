#pragma once

#include "compiledsteps.h"

#include <loadwizard/error.h>
#include <loadwizard/stepscenario.h>
#include <loadwizard/stepsyaml.h>

#include <tl/expected.hpp>

namespace Loadwizard::Steps {

/// Turns a StepScenario into a CompiledScenario: first every variable gets a slot (so a step
/// may read a variable an earlier or later step sets), then each step is compiled in order.
/// The first problem is returned, with file, line, column and key path.
class StepCompiler
{
public:
    StepCompiler(const StepContext &context, CompiledScenario &out);
    tl::expected<void, Error> compile(const StepScenario &scenario);

private:
    Error error(const SourceSpot &at, const std::string &field, std::string message) const;
    tl::expected<void, Error> declare(const std::string &name, const SourceSpot &at,
                                      const std::string &field);
    tl::expected<void, Error> declareIn(const std::vector<Step> &steps, const std::string &path);
    tl::expected<Template, Error> compileText(const std::string &text, const SourceSpot &at,
                                              const std::string &field,
                                              Escape escape = Escape::None);
    tl::expected<TemplatePairs, Error> compilePairs(const Pairs &pairs, const SourceSpot &at,
                                                    const std::string &field);
    tl::expected<void, Error> compileJson(const nlohmann::ordered_json &value, const SourceSpot &at,
                                          const std::string &field, std::vector<Template> &out);
    tl::expected<CompiledCheck, Error> compileCheck(const Check &check, const std::string &field);
    tl::expected<CompiledExtraction, Error> compileExtraction(const Extraction &extraction,
                                                              const std::string &field);
    tl::expected<std::unique_ptr<CompiledRequest>, Error> compileRequest(const Step &step,
                                                                         const std::string &path);
    tl::expected<std::vector<CompiledStep>, Error> compileSteps(const std::vector<Step> &steps,
                                                                const std::string &path);

    const StepContext &m_context;
    CompiledScenario &m_out;
};

} // namespace Loadwizard::Steps
