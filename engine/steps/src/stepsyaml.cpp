#include <loadwizard/stepsyaml.h>

#include <loadwizard/suggest.h>
#include <loadwizard/yamldocument.h>

#include "scenarioreader.h"

#include <array>
#include <optional>

namespace Loadwizard::Steps {

namespace YamlRead {

namespace {

constexpr std::array kindNames = {std::pair{"request", Step::Kind::Request},
                                  std::pair{"think", Step::Kind::Think},
                                  std::pair{"pace", Step::Kind::Pace},
                                  std::pair{"transaction", Step::Kind::Transaction},
                                  std::pair{"rendezvous", Step::Kind::Rendezvous},
                                  std::pair{"repeat", Step::Kind::Repeat},
                                  std::pair{"if", Step::Kind::If},
                                  std::pair{"log", Step::Kind::Log},
                                  std::pair{"set", Step::Kind::Set}};

constexpr std::array conditionNames = {
    std::pair{"equals", Step::Condition::Equals},
    std::pair{"not_equals", Step::Condition::NotEquals},
    std::pair{"contains", Step::Condition::Contains},
    std::pair{"matches", Step::Condition::Matches},
    std::pair{"less", Step::Condition::Less},
    std::pair{"less_or_equal", Step::Condition::LessOrEqual},
    std::pair{"greater", Step::Condition::Greater},
    std::pair{"greater_or_equal", Step::Condition::GreaterOrEqual}};

int height(const Step &step)
{
    int most = 0;
    for (const auto *list : {&step.steps, &step.elseSteps}) {
        for (const Step &inner : *list)
            most = std::max(most, height(inner));
    }
    return most + 1;
}

} // namespace

Status ScenarioReader::spend(const YAML::Node &node, const std::string &field)
{
    if (m_budget == 0)
        return tl::unexpected(m_reader.error(node, field,
                                             "the scenario is too large (more than " +
                                                 std::to_string(maxItems) +
                                                 " steps, checks and values; aliases repeating "
                                                 "a large part of it?)"));
    --m_budget;
    return {};
}

Result<std::vector<Entry>> ScenarioReader::entries(const YAML::Node &map, const std::string &field,
                                                   const std::vector<std::string_view> &names)
{
    std::vector<Entry> found;
    Reader::Handlers handlers;
    for (const std::string_view name : names) {
        handlers.emplace_back(
            name, [this, &found, name](const YAML::Node &value, const std::string &path) -> Status {
                found.push_back({name, value, path, m_reader.lastKey()});
                return {};
            });
    }
    if (auto status = m_reader.readMap(map, field, handlers); !status)
        return tl::unexpected(status.error());
    return found;
}

Result<std::string> ScenarioReader::required(const YAML::Node &node, const std::string &field,
                                             std::string_view what) const
{
    auto text = m_reader.text(node, field);
    if (text && text->empty())
        return tl::unexpected(m_reader.error(node, field, std::string(what) + " is empty"));
    return text;
}

Result<std::string> ScenarioReader::pointer(const YAML::Node &node, const std::string &field) const
{
    auto text = m_reader.text(node, field);
    if (text && !text->empty() && !text->starts_with('/') && !hasTemplate(*text))
        return tl::unexpected(m_reader.error(node, field,
                                             '"' + shortened(*text) +
                                                 "\" is not a JSON pointer (they start with /, "
                                                 "as in /items/0/id)"));
    return text;
}

Status ScenarioReader::readPairs(const YAML::Node &node, const std::string &field, Pairs &pairs,
                                 Repeats repeats)
{
    auto add = [&](const YAML::Node &key, const YAML::Node &value,
                   const std::string &path) -> Status {
        if (auto status = spend(value, path); !status)
            return status;
        auto name = m_reader.text(key, path);
        if (!name)
            return tl::unexpected(name.error());
        if (repeats == Repeats::Variables && !isVariableName(*name))
            return tl::unexpected(m_reader.error(key, path,
                                                 "\"" + shortened(*name) +
                                                     "\" is not a variable name (letters, digits "
                                                     "and _, not starting with a digit)"));
        auto text = m_reader.text(value, path);
        if (!text)
            return tl::unexpected(text.error());
        pairs.emplace_back(std::move(*name), std::move(*text));
        return {};
    };
    if (repeats == Repeats::Allowed && node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            const YAML::Node item = node[i];
            const std::string path = indexed(field, i);
            if (!item.IsMap() || item.size() != 1)
                return tl::unexpected(
                    m_reader.error(item, path, "expected a map of one name and its value"));
            if (auto status = m_reader.readMap(item, path, {}, add); !status)
                return status;
        }
        return {};
    }
    if (!node.IsMap() && !node.IsNull()) {
        return tl::unexpected(m_reader.error(
            node, field,
            repeats == Repeats::Allowed
                ? "expected a map of names and values (or a list of {name: value} to repeat a "
                  "name)"
                : "expected a map of names and values"));
    }
    return m_reader.readMap(node, field, {}, add);
}

Status ScenarioReader::readSteps(const YAML::Node &node, const std::string &field,
                                 std::vector<Step> &steps, int depth)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(
            m_reader.error(node, field, "expected a list of steps, not " + Reader::kind(node)));
    if (depth > maxNesting)
        return tl::unexpected(m_reader.error(
            node, field, "steps nested deeper than " + std::to_string(maxNesting) + " levels"));
    steps.reserve(node.size());
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto step = readStep(node[i], indexed(field, i), depth);
        if (!step)
            return tl::unexpected(step.error());
        steps.push_back(std::move(*step));
    }
    return {};
}

Result<Step> ScenarioReader::readStep(const YAML::Node &node, const std::string &field, int depth)
{
    const int place = collectionPlace(node);
    if (const auto *kept = m_steps.find(place)) {
        if (depth + kept->height > maxNesting + 1)
            return tl::unexpected(m_reader.error(
                node, field, "steps nested deeper than " + std::to_string(maxNesting) + " levels"));
        if (kept->items > m_budget || kept->items > m_aliasBudget)
            return tl::unexpected(m_reader.error(node, field,
                                                 "aliases repeat more than " +
                                                     std::to_string(maxAliasItems) +
                                                     " steps, checks and values (write the "
                                                     "steps out, or use repeat:)"));
        m_budget -= kept->items;
        m_aliasBudget -= kept->items;
        return kept->value;
    }
    const bool repeated = m_steps.repeated(place);
    const std::size_t before = m_budget;
    auto step = readStepOnce(node, field, depth);
    if (step && repeated)
        m_steps.keep(place, {*step, before - m_budget, height(*step)});
    return step;
}

Result<Step> ScenarioReader::readStepOnce(const YAML::Node &node, const std::string &field,
                                          int depth)
{
    if (auto status = spend(node, field); !status)
        return tl::unexpected(status.error());
    std::vector<std::string_view> kinds;
    for (const auto &[name, kind] : kindNames)
        kinds.push_back(name);
    if (!node.IsMap())
        return tl::unexpected(m_reader.error(node, field,
                                             "expected a step (a map such as "
                                             "\"request: GET /\" or \"think: 2s\"), not " +
                                                 Reader::kind(node)));
    // The kind is the one key that names one.
    Step step;
    step.at = spotOf(node);
    std::optional<YAML::Node> kindKey;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar())
            continue; // readMap says so below
        const auto known = std::find_if(kindNames.begin(), kindNames.end(), [&](const auto &entry) {
            return key.Scalar() == entry.first;
        });
        if (known == kindNames.end())
            continue;
        if (kindKey && kindKey->Scalar() != key.Scalar())
            return tl::unexpected(m_reader.error(key, join(field, key.Scalar()),
                                                 "a step has one kind, and this one has two: \"" +
                                                     kindKey->Scalar() + "\" and \"" +
                                                     key.Scalar() + "\" (make them two steps)"));
        kindKey = key;
        step.kind = known->second;
    }
    static const std::vector<std::string_view> requestKeys = {
        "request",       "name",   "headers", "query",    "body",
        "json",          "form",   "files",   "timeout",  "follow_redirects",
        "expect_status", "checks", "extract", "disabled", "on_failure"};
    static const std::vector<std::string_view> ifKeys = {
        "if",        "equals",        "not_equals", "contains",         "matches",
        "less",      "less_or_equal", "greater",    "greater_or_equal", "empty",
        "not_empty", "steps",         "else",       "disabled"};
    if (!kindKey) {
        // A typo in the kind key (`reqeust:`) is the likely cause: suggest it.
        std::vector<std::string_view> every(kinds.begin(), kinds.end());
        every.insert(every.end(), requestKeys.begin(), requestKeys.end());
        every.insert(every.end(), ifKeys.begin(), ifKeys.end());
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node key = it->first;
            if (key.IsScalar() &&
                std::find(every.begin(), every.end(), key.Scalar()) == every.end())
                return tl::unexpected(m_reader.unknownKey(key, join(field, key.Scalar()), kinds));
        }
        return tl::unexpected(m_reader.error(node, field,
                                             "this step has no kind: give one of request, think, "
                                             "pace, transaction, rendezvous, repeat, if, log, "
                                             "set"));
    }

    std::vector<std::string_view> keys;
    switch (step.kind) {
    case Step::Kind::Request:
        keys = requestKeys;
        break;
    case Step::Kind::If:
        keys = ifKeys;
        break;
    case Step::Kind::Transaction:
    case Step::Kind::Repeat:
        keys = {stepKindName(step.kind), "steps", "disabled"};
        break;
    default:
        keys = {stepKindName(step.kind), "disabled"};
        break;
    }
    auto fields = entries(node, field, keys);
    if (!fields)
        return tl::unexpected(fields.error());
    const Entry *kindEntry = nullptr;
    const Entry *stepsEntry = nullptr;
    for (const Entry &entry : *fields) {
        m_reader.noteKey(entry.key);
        if (entry.name == stepKindName(step.kind))
            kindEntry = &entry;
        else if (entry.name == "steps")
            stepsEntry = &entry;
        else if (entry.name == "disabled") {
            auto disabled = m_reader.boolean(entry.value, entry.field);
            if (!disabled)
                return tl::unexpected(disabled.error());
            step.disabled = *disabled;
        }
    }
    m_reader.noteKey(kindEntry->key);
    const YAML::Node &value = kindEntry->value;
    const std::string &path = kindEntry->field;
    Status status;
    switch (step.kind) {
    case Step::Kind::Request:
        status = readRequest(*fields, step.request);
        break;
    case Step::Kind::Think:
        if (value.IsSequence()) {
            if (value.size() != 2)
                return tl::unexpected(m_reader.error(
                    value, path, "a think range is two durations: [shortest, longest]"));
            auto low = m_reader.duration(value[0], indexed(path, 0));
            if (!low)
                return tl::unexpected(low.error());
            auto high = m_reader.duration(value[1], indexed(path, 1));
            if (!high)
                return tl::unexpected(high.error());
            if (*high < *low)
                return tl::unexpected(m_reader.error(value[1], indexed(path, 1),
                                                     "the longest think time is below the "
                                                     "shortest"));
            step.seconds = *low;
            step.maxSeconds = *high;
            break;
        }
        [[fallthrough]];
    case Step::Kind::Pace:
        status = into(step.seconds,
                      [&](auto &n, auto &f) { return m_reader.duration(n, f); })(value, path);
        break;
    case Step::Kind::Transaction:
    case Step::Kind::Rendezvous: {
        auto name = required(value, path, "the name");
        if (!name)
            return tl::unexpected(name.error());
        step.text = std::move(*name);
        break;
    }
    case Step::Kind::Repeat: {
        auto count = required(value, path, "the count");
        if (!count)
            return tl::unexpected(count.error());
        const auto number = toNumber<long long>(*count);
        if (!hasTemplate(*count) && (!number || *number < 0))
            return tl::unexpected(m_reader.error(value, path,
                                                 '"' + shortened(*count) +
                                                     "\" is not a number of times (a whole "
                                                     "number, or a template: \"${count}\")"));
        step.text = std::move(*count);
        break;
    }
    case Step::Kind::If: {
        auto subject = required(value, path, "the subject");
        if (!subject)
            return tl::unexpected(subject.error());
        step.text = std::move(*subject);
        status = readIf(*fields, step, depth);
        break;
    }
    case Step::Kind::Log:
        status =
            into(step.text, [&](auto &n, auto &f) { return m_reader.text(n, f); })(value, path);
        break;
    case Step::Kind::Set:
        status = readPairs(value, path, step.assignments, Repeats::Variables);
        break;
    }
    if (!status)
        return tl::unexpected(status.error());
    if (step.kind == Step::Kind::Transaction || step.kind == Step::Kind::Repeat ||
        step.kind == Step::Kind::If) {
        if (!stepsEntry)
            return tl::unexpected(
                m_reader.error(node, join(field, "steps"),
                               "\"" + std::string(stepKindName(step.kind)) + "\" needs steps:"));
        m_reader.noteKey(stepsEntry->key);
        if (auto read = readSteps(stepsEntry->value, stepsEntry->field, step.steps, depth + 1);
            !read)
            return tl::unexpected(read.error());
    }
    return step;
}

Status ScenarioReader::readIf(const std::vector<Entry> &fields, Step &step, int depth)
{
    const Entry *comparison = nullptr;
    for (const Entry &entry : fields) {
        m_reader.noteKey(entry.key);
        const bool isEmpty = entry.name == "empty" || entry.name == "not_empty";
        const auto known =
            std::find_if(conditionNames.begin(), conditionNames.end(),
                         [&](const auto &condition) { return entry.name == condition.first; });
        if (entry.name == "else") {
            if (auto read = readSteps(entry.value, entry.field, step.elseSteps, depth + 1); !read)
                return read;
            continue;
        }
        if (!isEmpty && known == conditionNames.end())
            continue;
        if (comparison)
            return tl::unexpected(m_reader.error(
                entry.value, entry.field,
                "an if compares one way, and this one has two: \"" + std::string(comparison->name) +
                    "\" and \"" + std::string(entry.name) + '"'));
        comparison = &entry;
        if (isEmpty) {
            auto flag = m_reader.boolean(entry.value, entry.field);
            if (!flag)
                return tl::unexpected(flag.error());
            step.condition = (*flag == (entry.name == "empty")) ? Step::Condition::Empty
                                                                : Step::Condition::NotEmpty;
            continue;
        }
        auto value = m_reader.text(entry.value, entry.field);
        if (!value)
            return tl::unexpected(value.error());
        step.condition = known->second;
        step.value = std::move(*value);
    }
    return {};
}

Status ScenarioReader::readScenario(const YAML::Node &root, const std::string &field,
                                    StepScenario &scenario)
{
    if (!root.IsMap())
        return tl::unexpected(m_reader.error(root, field,
                                             "not a declarative scenario (expected a map with "
                                             "steps:, and maybe name:, init:, …)"));
    bool hasSteps = false;
    auto text = [&](auto &n, auto &f) { return m_reader.text(n, f); };
    const Reader::Handlers handlers = {
        {"name", into(scenario.name, text)},
        {"description", into(scenario.description, text)},
        {"parameters",
         [&](const YAML::Node &node, const std::string &path) {
             return readPairs(node, path, scenario.parameters, Repeats::Variables);
         }},
        {"variables",
         [&](const YAML::Node &node, const std::string &path) {
             return readPairs(node, path, scenario.variables, Repeats::Variables);
         }},
        {"init", [&](const YAML::Node &node,
                     const std::string &path) { return readSteps(node, path, scenario.init, 0); }},
        {"steps",
         [&](const YAML::Node &node, const std::string &path) {
             hasSteps = true;
             return readSteps(node, path, scenario.steps, 0);
         }},
    };
    std::optional<Error> typo;
    auto status = m_reader.readMap(
        root, field, handlers,
        [&](const YAML::Node &key, const YAML::Node &value, const std::string &path) -> Status {
            // Another version's key (or the user's own): a warning, and kept on save.
            const Error unknown = m_reader.unknownKey(key, path, handlers);
            if (!typo && !closestMatch(key.Scalar(), {"steps"}).empty())
                typo = unknown;
            Error warning = unknown;
            warning.message += ": ignored (kept when saved)";
            m_reader.warn(std::move(warning));
            std::string text = YAML::Dump(value);
            // yaml-cpp dumps a lone carriage return as is, and it would read back as a line
            // break: a value that cannot be kept is refused rather than changed on save.
            if (text.find('\r') != std::string::npos)
                return tl::unexpected(m_reader.error(value, path,
                                                     "this unknown key's value holds a carriage "
                                                     "return, which a save could not keep"));
            scenario.extraKeys.emplace_back(key.Scalar(), std::move(text));
            return {};
        });
    if (!status)
        return status;
    if (!hasSteps) {
        if (typo)
            return tl::unexpected(*typo);
        return tl::unexpected(m_reader.at(root.Mark(), join(field, "steps"),
                                          "a scenario needs steps: (the list each iteration "
                                          "runs)"));
    }
    return {};
}

} // namespace YamlRead

using namespace YamlRead;

std::string_view stepKindName(Step::Kind kind)
{
    for (const auto &[name, known] : kindNames) {
        if (known == kind)
            return name;
    }
    return "?";
}

tl::expected<StepScenario, Error> readStepScenario(const YAML::Node &node,
                                                   const std::string &fileName,
                                                   const std::string &field,
                                                   std::vector<Error> *warnings)
{
    // Warnings are only handed out with a scenario that loaded.
    std::vector<Error> found;
    const Reader reader(fileName, &found);
    StepScenario scenario;
    try {
        if (auto status = ScenarioReader(reader).readScenario(node, field, scenario); !status)
            return tl::unexpected(status.error());
    } catch (const YAML::Exception &exception) {
        return tl::unexpected(reader.at(exception.mark, field, exception.msg));
    }
    if (warnings)
        warnings->insert(warnings->end(), found.begin(), found.end());
    return scenario;
}

tl::expected<StepScenario, Error>
parseStepScenario(std::string_view yaml, const std::string &fileName, std::vector<Error> *warnings)
{
    auto root = parseDocument(yaml, fileName, maxScenarioBytes, "scenario file");
    if (!root)
        return tl::unexpected(root.error());
    return readStepScenario(*root, fileName, {}, warnings);
}

bool isStepScenarioFile(const std::string &path)
{
    const auto text = readTextFile(path, maxScenarioBytes);
    if (!text)
        return false;
    try {
        const YAML::Node root = Loadwizard::loadYamlDocument(*text).root;
        return root.IsMap() && !root["loadwizard"] && (root["steps"] || root["init"]);
    } catch (const YAML::Exception &) {
        return false;
    }
}

tl::expected<StepScenario, Error> loadStepScenario(const std::string &path,
                                                   std::vector<Error> *warnings)
{
    const auto text = readTextFile(path, maxScenarioBytes);
    if (!text)
        return tl::unexpected(text.error());
    return parseStepScenario(*text, path, warnings);
}

} // namespace Loadwizard::Steps
