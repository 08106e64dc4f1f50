// The request step's fields, checks, extractions and files (docs/declarative-scenarios.md).

#include "scenarioreader.h"

#include <loadwizard/httpsyntax.h>
#include <loadwizard/stepsyaml.h>

#include <array>

namespace Loadwizard::Steps::YamlRead {

namespace {

constexpr std::array checkOperators = {std::pair{"equals", Check::Op::Equals},
                                       std::pair{"not_equals", Check::Op::NotEquals},
                                       std::pair{"contains", Check::Op::Contains},
                                       std::pair{"not_contains", Check::Op::NotContains},
                                       std::pair{"matches", Check::Op::Matches},
                                       std::pair{"less", Check::Op::Less},
                                       std::pair{"less_or_equal", Check::Op::LessOrEqual},
                                       std::pair{"greater", Check::Op::Greater},
                                       std::pair{"greater_or_equal", Check::Op::GreaterOrEqual}};

} // namespace

Status ScenarioReader::readRequest(const std::vector<Entry> &fields, RequestStep &request)
{
    const Entry *body = nullptr;
    const Entry *files = nullptr;
    for (const Entry &entry : fields) {
        m_reader.noteKey(entry.key);
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
            if (line->find_first_of("\r\n") != std::string::npos)
                return tl::unexpected(
                    m_reader.error(value, path, "the request line holds a line break"));
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
            auto json = yamlToJson(m_reader, value, path, m_json);
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
        } else if (entry.name == "on_failure") {
            auto text = m_reader.text(value, path);
            if (!text)
                return tl::unexpected(text.error());
            if (*text != "end_iteration" && *text != "continue") {
                return tl::unexpected(m_reader.error(
                    value, path, "\"" + shortened(*text) + "\": write end_iteration or continue"));
            }
            request.endIterationOnFailure = *text == "end_iteration";
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
    if (files && body && body->name != "form") {
        m_reader.noteKey(files->key);
        return tl::unexpected(m_reader.error(files->value, files->field,
                                             "files are sent with form: (multipart), not with \"" +
                                                 std::string(body->name) + '"'));
    }
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
        m_reader.noteKey(entry.key);
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
    m_reader.noteKey(subject->key);
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
        if (comparison)
            m_reader.noteKey(comparison->key);
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
        m_reader.noteKey(entry.key);
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
    m_reader.noteKey(source->key);
    const YAML::Node &value = source->value;
    const std::string &path = source->field;
    extraction.source = std::find_if(sources.begin(), sources.end(), [&](const auto &entry) {
                            return entry.first == source->name;
                        })->second;
    if (group && extraction.source != Extraction::Source::Regex) {
        m_reader.noteKey(group->key);
        return tl::unexpected(
            m_reader.error(group->value, group->field, "group: is for regex: extractions"));
    }
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

} // namespace Loadwizard::Steps::YamlRead
