#pragma once

// A StepScenario after compileStepScenario(): templates parsed, variables given slots, regexes
// and JSON pointers built, files read, disabled steps dropped. Immutable while the run lasts
// and shared by every vuser on every worker.

#include "template.h"

#include <loadwizard/steps.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace Loadwizard::Steps {

struct CompiledCheck
{
    Check::Subject subject = Check::Subject::Status;
    Check::Op op = Check::Op::OneOf;
    std::string target;
    nlohmann::json::json_pointer pointer;
    Template value;
    std::optional<std::regex> regex; ///< Matches with a constant value
    std::vector<int> statuses;
    double seconds = 0; ///< Duration
    std::string name;
};

struct CompiledExtraction
{
    int slot = 0;
    Extraction::Source source = Extraction::Source::Json;
    std::string expression, right;
    nlohmann::json::json_pointer pointer;
    std::optional<std::regex> regex;
    int group = 1;
    std::optional<Template> fallback;
    std::string name; ///< "extract token"
};

struct CompiledFile
{
    std::string field, fileName, contentType, content;
};

using TemplatePairs = std::vector<std::pair<Template, Template>>;

struct CompiledRequest
{
    std::string method;
    Template url, name;
    TemplatePairs headers, query, form;
    std::optional<Template> body;
    std::vector<Template> json; ///< rendered one after the other; empty: no JSON body
    std::vector<CompiledFile> files;
    double timeoutSeconds = 0;
    std::optional<bool> followRedirects;
    int expectMin = 0, expectMax = 0;
    bool endIterationOnFailure = false;
    std::vector<CompiledCheck> checks;
    std::vector<CompiledExtraction> extractions;
    bool needsBody = false;    ///< a check or extraction reads it (else it is discarded)
    bool needsHeaders = false; ///< a check or extraction reads one
    bool needsJson = false;    ///< parse the body once for JSON checks and extractions
};

struct CompiledStep
{
    Step::Kind kind = Step::Kind::Log;
    std::string path; ///< "steps[2].steps[0]", for messages and traces
    std::unique_ptr<CompiledRequest> request;
    double seconds = 0, maxSeconds = 0;
    Template text;
    Step::Condition condition = Step::Condition::None;
    Template value;
    std::optional<std::regex> regex; ///< If Matches with a constant value
    std::vector<CompiledStep> steps, elseSteps;
    std::vector<std::pair<int, Template>> assignments;
};

struct CompiledScenario
{
    TemplateScope scope;                             ///< templates point into it
    std::vector<std::pair<int, Template>> variables; ///< initial values
    std::vector<CompiledStep> init, steps;
};

} // namespace Loadwizard::Steps
