#include <loadwizard/stepsyaml.h>

#include <loadwizard/httpsyntax.h>
#include <loadwizard/suggest.h>
#include <loadwizard/yamlreader.h>

#include "stepsjson.h"

#include <algorithm>
#include <array>
#include <set>

namespace Loadwizard::Steps {

namespace {

using namespace Yaml;

/// Steps, checks, extractions and JSON values one scenario may hold: far more than a person
/// writes, few enough that aliases repeating a part of the file cannot exhaust memory.
constexpr std::size_t maxItems = 400'000;
/// Steps inside steps (transaction, repeat, if) deeper than this are refused before the stack is.
constexpr int maxNesting = 64;

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

constexpr std::array checkOperators = {std::pair{"equals", Check::Op::Equals},
                                       std::pair{"not_equals", Check::Op::NotEquals},
                                       std::pair{"contains", Check::Op::Contains},
                                       std::pair{"not_contains", Check::Op::NotContains},
                                       std::pair{"matches", Check::Op::Matches},
                                       std::pair{"less", Check::Op::Less},
                                       std::pair{"less_or_equal", Check::Op::LessOrEqual},
                                       std::pair{"greater", Check::Op::Greater},
                                       std::pair{"greater_or_equal", Check::Op::GreaterOrEqual}};

SourceSpot spotOf(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null())
        return {};
    return {mark.line + 1, mark.column + 1};
}

/// Variable and parameter names: what a template can name without ambiguity (`${a.b}` is a
/// feeder's column, `${a|url}` a filter).
bool isVariableName(std::string_view name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

bool hasTemplate(std::string_view text)
{
    return text.find("${") != std::string_view::npos;
}

/// A key's value, kept to be checked once the whole map has been read.
struct Entry
{
    std::string_view name;
    YAML::Node value;
    std::string field;
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
};

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
            name, [&found, name](const YAML::Node &value, const std::string &path) -> Status {
                found.push_back({name, value, path});
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
        "request", "name",    "headers",          "query",         "body",   "json",    "form",
        "files",   "timeout", "follow_redirects", "expect_status", "checks", "extract", "disabled"};
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

Status ScenarioReader::readRequest(const std::vector<Entry> &fields, RequestStep &request)
{
    const Entry *body = nullptr;
    const Entry *files = nullptr;
    for (const Entry &entry : fields) {
        const YAML::Node &value = entry.value;
        const std::string &path = entry.field;
        Status status;
        if (entry.name == "body" || entry.name == "json" || entry.name == "form") {
            if (body)
                return tl::unexpected(m_reader.error(value, path,
                                                     "a request has one body, and this one has "
                                                     "two: \"" +
                                                         std::string(body->name) + "\" and \"" +
                                                         std::string(entry.name) + '"'));
            body = &entry;
        }
        if (entry.name == "request") {
            auto line = required(value, path, "the request");
            if (!line)
                return tl::unexpected(line.error());
            // "METHOD URL", or a URL alone (GET). A URL may hold spaces in a template.
            const std::string text = trimmed(*line);
            const std::size_t space = text.find_first_of(" \t");
            const std::string first = text.substr(0, space);
            if (space != std::string::npos && isHttpToken(first)) {
                request.method = first;
                request.url = trimmed(text.substr(space));
            } else {
                request.method = "GET";
                request.url = text;
            }
            if (space == std::string::npos && isHttpToken(text) &&
                text.find_first_of("/.:") == std::string::npos &&
                std::all_of(text.begin(), text.end(),
                            [](char c) { return std::isupper(static_cast<unsigned char>(c)); }))
                return tl::unexpected(m_reader.error(value, path,
                                                     "\"" + shortened(text) +
                                                         "\" has no URL (write METHOD URL, or a "
                                                         "URL alone for GET)"));
        } else if (entry.name == "name") {
            status = into(request.name,
                          [&](auto &n, auto &f) { return m_reader.text(n, f); })(value, path);
        } else if (entry.name == "headers") {
            status = readPairs(value, path, request.headers, Repeats::Allowed);
            if (status) {
                for (const auto &[name, text] : request.headers) {
                    // A templated name is checked when the run starts, once it has a value.
                    const std::string problem = headerProblem(hasTemplate(name) ? "X" : name, text);
                    if (!problem.empty())
                        return tl::unexpected(m_reader.error(value, join(path, name), problem));
                }
            }
        } else if (entry.name == "query") {
            status = readPairs(value, path, request.query, Repeats::Allowed);
        } else if (entry.name == "body") {
            auto text = m_reader.text(value, path);
            if (!text)
                return tl::unexpected(text.error());
            request.body = std::move(*text);
        } else if (entry.name == "json") {
            auto json = yamlToJson(m_reader, value, path, m_budget);
            if (!json)
                return tl::unexpected(json.error());
            request.json = std::move(*json);
        } else if (entry.name == "form") {
            status = readPairs(value, path, request.form, Repeats::Allowed);
        } else if (entry.name == "files") {
            files = &entry;
            status = readFiles(value, path, request.files);
        } else if (entry.name == "timeout") {
            status = into(request.timeoutSeconds,
                          [&](auto &n, auto &f) { return m_reader.duration(n, f); })(value, path);
        } else if (entry.name == "follow_redirects") {
            auto follow = m_reader.boolean(value, path);
            if (!follow)
                return tl::unexpected(follow.error());
            request.followRedirects = *follow;
        } else if (entry.name == "expect_status") {
            auto text = m_reader.text(value, path);
            if (!text)
                return tl::unexpected(text.error());
            const std::size_t dash = text->find('-', 1);
            const auto low = toNumber<long long>(text->substr(0, dash));
            const auto high =
                dash == std::string::npos ? low : toNumber<long long>(text->substr(dash + 1));
            if (!low || !high || *low < 100 || *high > 599 || *low > *high)
                return tl::unexpected(m_reader.error(value, path,
                                                     '"' + shortened(*text) +
                                                         "\" is not a status or a range of "
                                                         "statuses (201, or 200-299; from 100 "
                                                         "to 599)"));
            request.expectMin = int(*low);
            request.expectMax = int(*high);
        } else if (entry.name == "checks") {
            status = readChecks(value, path, request.checks);
        } else if (entry.name == "extract") {
            status = readExtractions(value, path, request.extractions);
        }
        if (!status)
            return status;
    }
    if (files && body && body->name != "form")
        return tl::unexpected(m_reader.error(files->value, files->field,
                                             "files are sent with form: (multipart), not with "
                                             "\"" +
                                                 std::string(body->name) + '"'));
    return {};
}

Status ScenarioReader::readFiles(const YAML::Node &node, const std::string &field,
                                 std::vector<FileField> &files)
{
    if (!node.IsSequence())
        return tl::unexpected(m_reader.error(node, field, "expected a list of {field, path}"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const std::string path = indexed(field, i);
        if (auto status = spend(item, path); !status)
            return status;
        if (!item.IsMap())
            return tl::unexpected(m_reader.error(item, path, "expected a map {field, path}"));
        FileField file;
        auto text = [&](auto &n, auto &f) { return m_reader.text(n, f); };
        auto status = m_reader.readMap(item, path,
                                       {{"field", into(file.field, text)},
                                        {"path", into(file.path, text)},
                                        {"file_name", into(file.fileName, text)},
                                        {"content_type", into(file.contentType, text)}});
        if (!status)
            return status;
        if (file.field.empty())
            return tl::unexpected(
                m_reader.error(item, join(path, "field"), "a file needs its form field: field:"));
        if (file.path.empty())
            return tl::unexpected(m_reader.error(item, join(path, "path"), "a file needs a path"));
        files.push_back(std::move(file));
    }
    return {};
}

Status ScenarioReader::readChecks(const YAML::Node &node, const std::string &field,
                                  std::vector<Check> &checks)
{
    if (!node.IsSequence())
        return tl::unexpected(
            m_reader.error(node, field, "expected a list of checks (- status: 200)"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto check = readCheck(node[i], indexed(field, i));
        if (!check)
            return tl::unexpected(check.error());
        checks.push_back(std::move(*check));
    }
    return {};
}

Result<Check> ScenarioReader::readCheck(const YAML::Node &node, const std::string &field)
{
    static const std::vector<std::string_view> subjects = {
        "status", "body_contains", "body_not_contains", "body_matches",
        "json",   "header",        "duration_below"};
    if (auto status = spend(node, field); !status)
        return tl::unexpected(status.error());
    if (!node.IsMap())
        return tl::unexpected(
            m_reader.error(node, field, "expected a check (a map such as \"status: 200\")"));
    std::vector<std::string_view> keys = subjects;
    for (const auto &[name, op] : checkOperators)
        keys.push_back(name);
    keys.push_back("exists");
    keys.push_back("name");
    auto fields = entries(node, field, keys);
    if (!fields)
        return tl::unexpected(fields.error());

    Check check;
    check.at = spotOf(node);
    const Entry *subject = nullptr;
    const Entry *comparison = nullptr;
    for (const Entry &entry : *fields) {
        const YAML::Node &value = entry.value;
        if (entry.name == "name") {
            auto name = m_reader.text(value, entry.field);
            if (!name)
                return tl::unexpected(name.error());
            check.name = std::move(*name);
            continue;
        }
        const bool isSubject =
            std::find(subjects.begin(), subjects.end(), entry.name) != subjects.end();
        const Entry *&slot = isSubject ? subject : comparison;
        if (slot)
            return tl::unexpected(m_reader.error(
                value, entry.field,
                std::string("a check has one ") + (isSubject ? "subject" : "comparison") +
                    ", and this one has two: \"" + std::string(slot->name) + "\" and \"" +
                    std::string(entry.name) + '"'));
        slot = &entry;
    }
    if (!subject)
        return tl::unexpected(m_reader.error(node, field,
                                             "a check needs what it checks: status, "
                                             "body_contains, body_not_contains, body_matches, "
                                             "json, header or duration_below"));
    const YAML::Node &value = subject->value;
    const std::string &path = subject->field;
    const std::string_view what = subject->name;
    if (comparison && what != "json" && what != "header")
        return tl::unexpected(m_reader.error(comparison->value, comparison->field,
                                             '"' + std::string(comparison->name) +
                                                 "\" compares a json: or header: value, not \"" +
                                                 std::string(what) + '"'));
    if (what == "status") {
        check.subject = Check::Subject::Status;
        check.op = Check::Op::OneOf;
        auto one = [&](const YAML::Node &item, const std::string &itemPath) -> Status {
            auto code = m_reader.integer(item, itemPath, 100, 599);
            if (!code)
                return tl::unexpected(code.error());
            check.statuses.push_back(int(*code));
            return {};
        };
        if (value.IsSequence()) {
            if (value.size() == 0)
                return tl::unexpected(m_reader.error(value, path, "the list of statuses is empty"));
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (auto status = one(value[i], indexed(path, i)); !status)
                    return tl::unexpected(status.error());
            }
        } else if (auto status = one(value, path); !status) {
            return tl::unexpected(status.error());
        }
    } else if (what == "duration_below") {
        check.subject = Check::Subject::Duration;
        check.op = Check::Op::Less;
        auto seconds = m_reader.duration(value, path);
        if (!seconds)
            return tl::unexpected(seconds.error());
        check.value = formatNumber(*seconds);
    } else if (what.starts_with("body_")) {
        check.subject = Check::Subject::Body;
        check.op = what == "body_contains"       ? Check::Op::Contains
                   : what == "body_not_contains" ? Check::Op::NotContains
                                                 : Check::Op::Matches;
        auto text = m_reader.text(value, path);
        if (!text)
            return tl::unexpected(text.error());
        check.value = std::move(*text);
    } else {
        const bool isJson = what == "json";
        check.subject = isJson ? Check::Subject::Json : Check::Subject::Header;
        auto target = isJson ? pointer(value, path) : required(value, path, "the header name");
        if (!target)
            return tl::unexpected(target.error());
        check.target = std::move(*target);
        check.op = Check::Op::Exists;
        if (comparison && comparison->name == "exists") {
            auto exists = m_reader.boolean(comparison->value, comparison->field);
            if (!exists)
                return tl::unexpected(exists.error());
            check.op = *exists ? Check::Op::Exists : Check::Op::Missing;
        } else if (comparison) {
            const auto known =
                std::find_if(checkOperators.begin(), checkOperators.end(),
                             [&](const auto &entry) { return comparison->name == entry.first; });
            auto text = m_reader.text(comparison->value, comparison->field);
            if (!text)
                return tl::unexpected(text.error());
            check.op = known->second;
            check.value = std::move(*text);
        }
    }
    return check;
}

Status ScenarioReader::readExtractions(const YAML::Node &node, const std::string &field,
                                       std::vector<Extraction> &extractions)
{
    if (!node.IsSequence())
        return tl::unexpected(m_reader.error(node, field,
                                             "expected a list of extractions "
                                             "(- {var: token, json: /token})"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto extraction = readExtraction(node[i], indexed(field, i));
        if (!extraction)
            return tl::unexpected(extraction.error());
        extractions.push_back(std::move(*extraction));
    }
    return {};
}

Result<Extraction> ScenarioReader::readExtraction(const YAML::Node &node, const std::string &field)
{
    static const std::vector<std::pair<std::string_view, Extraction::Source>> sources = {
        {"json", Extraction::Source::Json},
        {"regex", Extraction::Source::Regex},
        {"between", Extraction::Source::Between},
        {"header", Extraction::Source::Header},
        {"cookie", Extraction::Source::Cookie}};
    if (auto status = spend(node, field); !status)
        return tl::unexpected(status.error());
    if (!node.IsMap())
        return tl::unexpected(m_reader.error(
            node, field, "expected an extraction (a map such as {var: token, json: /token})"));
    auto fields = entries(
        node, field, {"var", "json", "regex", "between", "header", "cookie", "group", "default"});
    if (!fields)
        return tl::unexpected(fields.error());
    Extraction extraction;
    extraction.at = spotOf(node);
    const Entry *source = nullptr;
    const Entry *group = nullptr;
    bool named = false;
    for (const Entry &entry : *fields) {
        const YAML::Node &value = entry.value;
        const std::string &path = entry.field;
        if (entry.name == "var") {
            auto name = m_reader.text(value, path);
            if (!name)
                return tl::unexpected(name.error());
            if (!isVariableName(*name))
                return tl::unexpected(m_reader.error(value, path,
                                                     "\"" + shortened(*name) +
                                                         "\" is not a variable name (letters, "
                                                         "digits and _, not starting with a "
                                                         "digit)"));
            extraction.variable = std::move(*name);
            named = true;
        } else if (entry.name == "group") {
            group = &entry;
            auto number = m_reader.integer(value, path, 0, 999);
            if (!number)
                return tl::unexpected(number.error());
            extraction.group = int(*number);
        } else if (entry.name == "default") {
            auto text = m_reader.text(value, path);
            if (!text)
                return tl::unexpected(text.error());
            extraction.defaultValue = std::move(*text);
        } else {
            if (source)
                return tl::unexpected(m_reader.error(value, path,
                                                     "an extraction reads one source, and this "
                                                     "one has two: \"" +
                                                         std::string(source->name) + "\" and \"" +
                                                         std::string(entry.name) + '"'));
            source = &entry;
        }
    }
    if (!named)
        return tl::unexpected(m_reader.error(node, join(field, "var"),
                                             "an extraction needs the variable it sets: var:"));
    if (!source)
        return tl::unexpected(m_reader.error(node, field,
                                             "an extraction needs a source: json, regex, "
                                             "between, header or cookie"));
    const YAML::Node &value = source->value;
    const std::string &path = source->field;
    extraction.source = std::find_if(sources.begin(), sources.end(), [&](const auto &entry) {
                            return entry.first == source->name;
                        })->second;
    if (group && extraction.source != Extraction::Source::Regex)
        return tl::unexpected(
            m_reader.error(group->value, group->field, "group: is for regex: extractions"));
    Result<std::string> expression;
    switch (extraction.source) {
    case Extraction::Source::Json:
        expression = pointer(value, path);
        break;
    case Extraction::Source::Regex:
        expression = required(value, path, "the regular expression");
        break;
    case Extraction::Source::Header:
        expression = required(value, path, "the header name");
        break;
    case Extraction::Source::Cookie:
        expression = required(value, path, "the cookie name");
        break;
    case Extraction::Source::Between: {
        if (!value.IsSequence() || value.size() != 2)
            return tl::unexpected(m_reader.error(value, path,
                                                 "between: takes two texts, what comes before "
                                                 "and what comes after: [left, right]"));
        auto right = m_reader.text(value[1], indexed(path, 1));
        if (!right)
            return tl::unexpected(right.error());
        extraction.right = std::move(*right);
        expression = m_reader.text(value[0], indexed(path, 0));
        break;
    }
    }
    if (!expression)
        return tl::unexpected(expression.error());
    extraction.expression = std::move(*expression);
    return extraction;
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
            scenario.extraKeys.emplace_back(key.Scalar(), YAML::Dump(value));
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

} // namespace

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

tl::expected<StepScenario, Error> loadStepScenario(const std::string &path,
                                                   std::vector<Error> *warnings)
{
    const auto text = readTextFile(path, maxScenarioBytes);
    if (!text)
        return tl::unexpected(text.error());
    return parseStepScenario(*text, path, warnings);
}

} // namespace Loadwizard::Steps
