#pragma once

// The declarative scenario reader of stepsyaml.cpp (scenario, steps) and requestyaml.cpp
// (a request's fields, checks, extractions and files). Private to the steps library.

#include <loadwizard/steps.h>
#include <loadwizard/yamlreader.h>

#include "stepsjson.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard::Steps::YamlRead {

using namespace Yaml;

/// Steps, checks, extractions and JSON values one scenario may hold: far more than a person
/// writes, few enough that aliases repeating a part of the file cannot exhaust memory.
inline constexpr std::size_t maxItems = 400'000;
/// Steps inside steps (transaction, repeat, if) deeper than this are refused before the stack is.
inline constexpr int maxNesting = 64;

inline SourceSpot spotOf(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null())
        return {};
    return {mark.line + 1, mark.column + 1};
}

/// Variable and parameter names: what a template can name without ambiguity (`${a.b}` is a
/// feeder's column, `${a|url}` a filter).
inline bool isVariableName(std::string_view name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

inline bool hasTemplate(std::string_view text)
{
    return text.find("${") != std::string_view::npos;
}

/// A key's value, kept to be checked once the whole map has been read.
struct Entry
{
    std::string_view name;
    YAML::Node value;
    std::string field;
    YAML::Mark key; ///< where its key is: errors on an empty value point there
};

class ScenarioReader
{
public:
    explicit ScenarioReader(const Reader &reader)
        : m_reader(reader)
    {}

    Status readScenario(const YAML::Node &root, const std::string &field, StepScenario &scenario);

private:
    enum class Repeats
    {
        Allowed,  ///< headers, query, form: a list of one-key maps repeats a name
        Variables ///< a map of variable names
    };

    Status spend(const YAML::Node &node, const std::string &field);
    Result<std::vector<Entry>> entries(const YAML::Node &map, const std::string &field,
                                       const std::vector<std::string_view> &names);
    Status readPairs(const YAML::Node &node, const std::string &field, Pairs &pairs,
                     Repeats repeats);
    Status readSteps(const YAML::Node &node, const std::string &field, std::vector<Step> &steps,
                     int depth);
    Result<Step> readStep(const YAML::Node &node, const std::string &field, int depth);
    Result<Step> readStepOnce(const YAML::Node &node, const std::string &field, int depth);
    Status readRequest(const std::vector<Entry> &fields, RequestStep &request);
    Status readChecks(const YAML::Node &node, const std::string &field, std::vector<Check> &checks);
    Result<Check> readCheck(const YAML::Node &node, const std::string &field);
    Status readExtractions(const YAML::Node &node, const std::string &field,
                           std::vector<Extraction> &extractions);
    Result<Extraction> readExtraction(const YAML::Node &node, const std::string &field);
    Status readFiles(const YAML::Node &node, const std::string &field,
                     std::vector<FileField> &files);
    Status readIf(const std::vector<Entry> &fields, Step &step, int depth);
    Result<std::string> pointer(const YAML::Node &node, const std::string &field) const;
    Result<std::string> required(const YAML::Node &node, const std::string &field,
                                 std::string_view what) const;

    const Reader &m_reader;
    std::size_t m_budget = maxItems;
    AliasMemo<Step> m_steps;
    std::size_t m_aliasBudget = maxAliasItems;
    JsonContext m_json{m_budget, m_aliasBudget, {}};
};

/// Steps inside `step`, itself included: 1 for a step without steps.

} // namespace Loadwizard::Steps::YamlRead
