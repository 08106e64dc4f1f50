// The writer of stepsyaml.h: a scenario as a person would write it (docs/declarative-scenarios.md).

#include <loadwizard/stepsyaml.h>

#include <loadwizard/yamldocument.h>
#include <loadwizard/yamlreader.h>

#include "stepsjson.h"

#include <cmath>
#include <set>
#include <variant>

#include <yaml-cpp/yaml.h>

namespace Loadwizard::Steps {

namespace {

using namespace Yaml;

/// Maps this long (keys and values) or shorter are written on one line.
constexpr std::size_t flowWidth = 60;

/// "10s", "500ms", "1m" when that reads back as exactly `seconds`, else "0.0125s".
std::string formatDuration(double seconds)
{
    auto exact = [seconds](const std::string &text) {
        const auto value = toSeconds(text);
        return value && *value == seconds;
    };
    if (seconds >= 60 && std::fmod(seconds, 60) == 0) {
        if (std::string text = formatNumber(seconds / 60) + 'm'; exact(text))
            return text;
    }
    if (seconds > 0 && seconds < 1) {
        if (std::string text = formatNumber(seconds * 1000) + "ms"; exact(text))
            return text;
    }
    return formatNumber(seconds) + 's';
}

/// A value of a small map: a text, or a list of texts (`status: [200, 201]`, `between`).
using Value = std::variant<std::string, std::vector<std::string>>;
using Entries = std::vector<std::pair<std::string, Value>>;

std::size_t width(const Entries &entries)
{
    std::size_t total = 0;
    for (const auto &[key, value] : entries) {
        total += key.size() + 2;
        if (const auto *text = std::get_if<std::string>(&value)) {
            if (text->find_first_of("\n\r") != std::string::npos)
                return std::string::npos; // escapes in a flow map read badly
            total += text->size();
        } else {
            for (const std::string &item : std::get<std::vector<std::string>>(value))
                total += item.size() + 2;
        }
    }
    return total;
}

void emitValue(YAML::Emitter &out, const Value &value)
{
    if (const auto *text = std::get_if<std::string>(&value)) {
        out << Yaml::Text{*text};
        return;
    }
    out << YAML::Flow << YAML::BeginSeq;
    for (const std::string &item : std::get<std::vector<std::string>>(value))
        out << Yaml::Text{item};
    out << YAML::EndSeq;
}

/// A check, an extraction or a file: on one line when short (`- status: 200` is one already).
void emitSmallMap(YAML::Emitter &out, const Entries &entries)
{
    const bool oneText = entries.size() == 1 && entries.front().second.index() == 0;
    if (!oneText && width(entries) <= flowWidth)
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[key, value] : entries) {
        out << YAML::Key << Yaml::Text{key, true} << YAML::Value;
        emitValue(out, value);
    }
    out << YAML::EndMap;
}

bool uniqueNames(const Pairs &pairs)
{
    std::set<std::string_view> names;
    for (const auto &[name, value] : pairs) {
        if (!names.insert(name).second)
            return false;
    }
    return true;
}

/// Headers, query, form, set: a map, short ones on one line; a list of one-key maps when a name
/// repeats (a map cannot hold a key twice).
void emitPairs(YAML::Emitter &out, std::string_view key, const Pairs &pairs, bool block = false)
{
    out << YAML::Key << std::string(key) << YAML::Value;
    if (!uniqueNames(pairs)) {
        out << YAML::BeginSeq;
        for (const auto &[name, value] : pairs)
            emitSmallMap(out, {{name, value}});
        out << YAML::EndSeq;
        return;
    }
    Entries entries;
    for (const auto &[name, value] : pairs)
        entries.emplace_back(name, value);
    if (pairs.empty() || (!block && width(entries) <= flowWidth))
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[name, value] : pairs)
        out << YAML::Key << Yaml::Text{name, true} << YAML::Value << Yaml::Text{value};
    out << YAML::EndMap;
}

std::vector<std::string> statusTexts(const std::vector<int> &statuses)
{
    std::vector<std::string> texts;
    for (const int status : statuses)
        texts.push_back(std::to_string(status));
    return texts;
}

Entries checkEntries(const Check &check)
{
    static const std::pair<Check::Op, const char *> operators[] = {
        {Check::Op::Equals, "equals"},
        {Check::Op::NotEquals, "not_equals"},
        {Check::Op::Contains, "contains"},
        {Check::Op::NotContains, "not_contains"},
        {Check::Op::Matches, "matches"},
        {Check::Op::Less, "less"},
        {Check::Op::LessOrEqual, "less_or_equal"},
        {Check::Op::Greater, "greater"},
        {Check::Op::GreaterOrEqual, "greater_or_equal"}};
    Entries entries;
    switch (check.subject) {
    case Check::Subject::Status: {
        const auto texts = statusTexts(check.statuses);
        if (texts.size() == 1)
            entries.emplace_back("status", texts.front());
        else
            entries.emplace_back("status", texts);
        break;
    }
    case Check::Subject::Body:
        entries.emplace_back(check.op == Check::Op::NotContains ? "body_not_contains"
                             : check.op == Check::Op::Matches   ? "body_matches"
                                                                : "body_contains",
                             check.value);
        break;
    case Check::Subject::Duration: {
        const auto seconds = toNumber<double>(check.value);
        entries.emplace_back("duration_below", seconds ? formatDuration(*seconds) : check.value);
        break;
    }
    case Check::Subject::Json:
    case Check::Subject::Header:
        entries.emplace_back(check.subject == Check::Subject::Json ? "json" : "header",
                             check.target);
        if (check.op == Check::Op::Missing)
            entries.emplace_back("exists", std::string("false"));
        for (const auto &[op, name] : operators) {
            if (op == check.op)
                entries.emplace_back(name, check.value);
        }
        break;
    }
    if (!check.name.empty())
        entries.emplace_back("name", check.name);
    return entries;
}

Entries extractionEntries(const Extraction &extraction)
{
    Entries entries{{"var", extraction.variable}};
    switch (extraction.source) {
    case Extraction::Source::Json:
        entries.emplace_back("json", extraction.expression);
        break;
    case Extraction::Source::Regex:
        entries.emplace_back("regex", extraction.expression);
        if (extraction.group != 1)
            entries.emplace_back("group", std::to_string(extraction.group));
        break;
    case Extraction::Source::Between:
        entries.emplace_back("between",
                             std::vector<std::string>{extraction.expression, extraction.right});
        break;
    case Extraction::Source::Header:
        entries.emplace_back("header", extraction.expression);
        break;
    case Extraction::Source::Cookie:
        entries.emplace_back("cookie", extraction.expression);
        break;
    }
    if (extraction.defaultValue)
        entries.emplace_back("default", *extraction.defaultValue);
    return entries;
}

void emitSteps(YAML::Emitter &out, std::string_view key, const std::vector<Step> &steps);

void emitRequest(YAML::Emitter &out, const RequestStep &request)
{
    out << YAML::Key << "request" << YAML::Value << Yaml::Text{request.method + ' ' + request.url};
    if (!request.name.empty())
        out << YAML::Key << "name" << YAML::Value << Yaml::Text{request.name};
    if (!request.headers.empty())
        emitPairs(out, "headers", request.headers);
    if (!request.query.empty())
        emitPairs(out, "query", request.query);
    if (request.body)
        out << YAML::Key << "body" << YAML::Value << Yaml::Text{*request.body};
    if (request.json) {
        out << YAML::Key << "json" << YAML::Value;
        emitJson(out, *request.json);
    }
    if (!request.form.empty())
        emitPairs(out, "form", request.form);
    if (!request.files.empty()) {
        out << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
        for (const FileField &file : request.files) {
            Entries entries{{"field", file.field}, {"path", file.path}};
            if (!file.fileName.empty())
                entries.emplace_back("file_name", file.fileName);
            if (!file.contentType.empty())
                entries.emplace_back("content_type", file.contentType);
            emitSmallMap(out, entries);
        }
        out << YAML::EndSeq;
    }
    if (request.timeoutSeconds != 0)
        out << YAML::Key << "timeout" << YAML::Value << formatDuration(request.timeoutSeconds);
    if (request.followRedirects)
        out << YAML::Key << "follow_redirects" << YAML::Value
            << (*request.followRedirects ? "true" : "false");
    if (request.endIterationOnFailure)
        out << YAML::Key << "on_failure" << YAML::Value << "end_iteration";
    if (request.expectMin != 0 || request.expectMax != 0) {
        std::string text = std::to_string(request.expectMin);
        if (request.expectMax != request.expectMin)
            text += '-' + std::to_string(request.expectMax);
        out << YAML::Key << "expect_status" << YAML::Value << text;
    }
    if (!request.checks.empty()) {
        out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
        for (const Check &check : request.checks)
            emitSmallMap(out, checkEntries(check));
        out << YAML::EndSeq;
    }
    if (!request.extractions.empty()) {
        out << YAML::Key << "extract" << YAML::Value << YAML::BeginSeq;
        for (const Extraction &extraction : request.extractions)
            emitSmallMap(out, extractionEntries(extraction));
        out << YAML::EndSeq;
    }
}

std::string_view conditionName(Step::Condition condition)
{
    switch (condition) {
    case Step::Condition::Equals:
        return "equals";
    case Step::Condition::NotEquals:
        return "not_equals";
    case Step::Condition::Contains:
        return "contains";
    case Step::Condition::Matches:
        return "matches";
    case Step::Condition::Less:
        return "less";
    case Step::Condition::LessOrEqual:
        return "less_or_equal";
    case Step::Condition::Greater:
        return "greater";
    case Step::Condition::GreaterOrEqual:
        return "greater_or_equal";
    case Step::Condition::Empty:
        return "empty";
    case Step::Condition::NotEmpty:
        return "not_empty";
    case Step::Condition::None:
        break;
    }
    return {};
}

void emitStep(YAML::Emitter &out, const Step &step)
{
    out << YAML::BeginMap;
    const std::string kind(stepKindName(step.kind));
    switch (step.kind) {
    case Step::Kind::Request:
        emitRequest(out, step.request);
        break;
    case Step::Kind::Think:
        out << YAML::Key << kind << YAML::Value;
        if (step.maxSeconds != 0)
            out << YAML::Flow << YAML::BeginSeq << formatDuration(step.seconds)
                << formatDuration(step.maxSeconds) << YAML::EndSeq;
        else
            out << formatDuration(step.seconds);
        break;
    case Step::Kind::Pace:
        out << YAML::Key << kind << YAML::Value << formatDuration(step.seconds);
        break;
    case Step::Kind::Transaction:
    case Step::Kind::Repeat:
        out << YAML::Key << kind << YAML::Value << Yaml::Text{step.text};
        emitSteps(out, "steps", step.steps);
        break;
    case Step::Kind::If:
        out << YAML::Key << kind << YAML::Value << Yaml::Text{step.text};
        if (step.condition == Step::Condition::Empty || step.condition == Step::Condition::NotEmpty)
            out << YAML::Key << std::string(conditionName(step.condition)) << YAML::Value << "true";
        else if (step.condition != Step::Condition::None)
            out << YAML::Key << std::string(conditionName(step.condition)) << YAML::Value
                << Yaml::Text{step.value};
        emitSteps(out, "steps", step.steps);
        if (!step.elseSteps.empty())
            emitSteps(out, "else", step.elseSteps);
        break;
    case Step::Kind::Rendezvous:
    case Step::Kind::Log:
        out << YAML::Key << kind << YAML::Value << Yaml::Text{step.text};
        break;
    case Step::Kind::Set:
        emitPairs(out, "set", step.assignments);
        break;
    }
    if (step.disabled)
        out << YAML::Key << "disabled" << YAML::Value << "true";
    out << YAML::EndMap;
}

void emitSteps(YAML::Emitter &out, std::string_view key, const std::vector<Step> &steps)
{
    out << YAML::Key << std::string(key) << YAML::Value;
    if (steps.empty())
        out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const Step &step : steps)
        emitStep(out, step);
    out << YAML::EndSeq;
}

/// In a node, quotes are lost: mark the JSON body's scalars that must stay strings ("12").
void tagQuotedScalars(YAML::Node node)
{
    if (node.IsScalar()) {
        if (node.Tag() == "!" &&
            (isCoreSchemaNonString(node.Scalar()) || isOneTemplate(node.Scalar())))
            node.SetTag("tag:yaml.org,2002:str");
        return;
    }
    for (auto it = node.begin(); it != node.end(); ++it)
        tagQuotedScalars(node.IsMap() ? it->second : *it);
}

/// The same for every `json:` of a list of steps (elsewhere a text is a text, quoted or not).
void tagJsonBodies(const YAML::Node &steps)
{
    if (!steps || !steps.IsSequence()) // a missing key is an invalid node: ask it nothing else
        return;
    for (const YAML::Node &step : steps) {
        if (!step.IsMap())
            continue;
        if (const YAML::Node body = step["json"])
            tagQuotedScalars(body);
        tagJsonBodies(step["steps"]);
        tagJsonBodies(step["else"]);
    }
}

} // namespace

void emitStepScenario(YAML::Emitter &out, const StepScenario &scenario)
{
    out << YAML::BeginMap;
    if (!scenario.name.empty())
        out << YAML::Key << "name" << YAML::Value << Yaml::Text{scenario.name};
    if (!scenario.description.empty())
        out << YAML::Key << "description" << YAML::Value << Yaml::Text{scenario.description};
    if (!scenario.parameters.empty())
        emitPairs(out, "parameters", scenario.parameters, true);
    if (!scenario.variables.empty())
        emitPairs(out, "variables", scenario.variables, true);
    if (!scenario.init.empty())
        emitSteps(out, "init", scenario.init);
    emitSteps(out, "steps", scenario.steps);
    for (const auto &[key, text] : scenario.extraKeys) {
        YAML::Node value;
        try {
            value = loadYamlDocument(text).root;
        } catch (const YAML::Exception &) {
            value = YAML::Node(text); // not YAML after all: keep it as a text
        }
        out << YAML::Key << Yaml::Text{key, true} << YAML::Value << value;
    }
    out << YAML::EndMap;
}

std::string stepScenarioToYaml(const StepScenario &scenario)
{
    YAML::Emitter out;
    emitStepScenario(out, scenario);
    return std::string(out.c_str()) + '\n';
}

YAML::Node stepScenarioToNode(const StepScenario &scenario)
{
    const YAML::Node node = loadYamlDocument(stepScenarioToYaml(scenario)).root;
    tagJsonBodies(node["init"]);
    tagJsonBodies(node["steps"]);
    return node;
}

} // namespace Loadwizard::Steps
