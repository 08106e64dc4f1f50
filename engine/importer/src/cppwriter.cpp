#include <loadwizard/cppwriter.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <sstream>

namespace Loadwizard::Import {

namespace {

using Json = nlohmann::ordered_json;

/// A C++ string literal (octal escapes: a hex escape would swallow the digits after it; "?\?"
/// for "??": no trigraph for a compiler to warn about).
std::string literal(std::string_view text)
{
    std::string out = "\"";
    char previous = 0;
    for (const char c : text) {
        if (c == '?' && previous == '?')
            out += '\\';
        previous = c;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if ((unsigned char)c < 0x20 || c == 0x7f) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\%03o", unsigned((unsigned char)c));
                out += escape;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

bool isIdentifier(std::string_view name)
{
    if (name.empty() || std::isdigit((unsigned char)name.front()))
        return false;
    for (const char c : name) {
        if (!std::isalnum((unsigned char)c) && c != '_')
            return false;
    }
    return true;
}

class Writer
{
public:
    explicit Writer(const std::string &id)
        : m_id(id)
    {}

    tl::expected<std::string, Error> write(const Steps::StepScenario &scenario);

private:
    std::string identifier(const std::string &variable) const
    {
        static const std::set<std::string> reserved = {
            "vu",     "r",        "transaction", "Json",    "std",      "and",     "auto",
            "bool",   "break",    "case",        "catch",   "char",     "class",   "const",
            "delete", "do",       "double",      "else",    "enum",     "false",   "float",
            "for",    "if",       "int",         "long",    "new",      "not",     "or",
            "return", "short",    "signed",      "static",  "struct",   "switch",  "template",
            "this",   "throw",    "true",        "try",     "typename", "union",   "using",
            "void",   "volatile", "while",       "default", "register", "operator"};
        return reserved.count(variable) ? variable + "_" : variable;
    }

    tl::expected<std::string, Error> expression(const std::string &text, const std::string &where);
    tl::expected<void, Error> steps(const std::vector<Steps::Step> &list, const std::string &path,
                                    int indent);
    tl::expected<void, Error> request(const Steps::RequestStep &step, const std::string &path,
                                      int indent);
    void line(int indent, const std::string &text)
    {
        m_body << std::string(std::size_t(indent) * 4, ' ') << text << '\n';
    }
    Error unsupported(const std::string &what, const std::string &path) const
    {
        return Error{what + " cannot be written as C++ by the importer", {}, 0, 0, path};
    }

    std::string m_id;
    std::set<std::string> m_variables;
    std::ostringstream m_body;
    int m_counter = 0;
};

tl::expected<std::string, Error> Writer::expression(const std::string &text,
                                                    const std::string &where)
{
    std::vector<std::string> parts;
    std::string pending;
    const auto flush = [&] {
        if (!pending.empty())
            parts.push_back(literal(pending));
        pending.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "$${") == 0) {
            pending += "${";
            i += 2;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            pending += text[i];
            continue;
        }
        const auto end = text.find('}', i);
        if (end == std::string::npos)
            return tl::make_unexpected(
                Error{"unterminated ${ in \"" + shortened(text) + "\"", {}, 0, 0, where});
        std::string name = text.substr(i + 2, end - i - 2);
        std::string filter;
        if (const auto bar = name.find('|'); bar != std::string::npos) {
            filter = name.substr(bar + 1);
            name.resize(bar);
        }
        std::string value;
        if (m_variables.count(name))
            value = identifier(name);
        else if (name == "vuser_id")
            value = "std::to_string(vu.id())";
        else if (name == "iteration")
            value = "std::to_string(vu.iteration())";
        else
            return tl::make_unexpected(
                Error{"${" + name + "} is not a variable the scenario sets", {}, 0, 0, where});
        if (filter == "url")
            value = "Loadwizard::urlEncode(" + value + ")";
        else if (filter == "base64")
            value = "Loadwizard::base64Encode(" + value + ")";
        else if (!filter.empty())
            return tl::make_unexpected(Error{
                "unknown filter |" + filter + " in \"" + shortened(text) + "\"", {}, 0, 0, where});
        flush();
        parts.push_back(value);
        i = end;
    }
    flush();
    if (parts.empty())
        return std::string("\"\"");
    if (parts.size() == 1)
        return parts.front();
    std::string out =
        parts.front().starts_with("\"") ? "std::string(" + parts.front() + ")" : parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i)
        out += " + " + parts[i];
    return out;
}

tl::expected<void, Error> Writer::request(const Steps::RequestStep &step, const std::string &path,
                                          int indent)
{
    line(indent, "{");
    ++indent;
    std::vector<std::string> options;
    const auto pairs = [&](const Steps::Pairs &list,
                           const std::string &field) -> tl::expected<std::string, Error> {
        std::vector<std::string> items;
        std::size_t width = 0;
        for (const auto &[name, text] : list) {
            auto value = expression(text, path + "." + field);
            if (!value)
                return tl::make_unexpected(value.error());
            items.push_back("{" + literal(name) + ", " + *value + "}");
            width += items.back().size() + 2;
        }
        // One pair a line when they do not fit on one (browsers send long headers).
        const std::string separator =
            width > 70 ? ",\n" + std::string(std::size_t(indent + 3) * 4, ' ') : ", ";
        std::string out = width > 70 ? "{\n" + std::string(std::size_t(indent + 3) * 4, ' ') : "{";
        for (std::size_t i = 0; i < items.size(); ++i)
            out += (i ? separator : "") + items[i];
        return out + (width > 70 ? "}" : "}");
    };
    if (!step.headers.empty()) {
        auto value = pairs(step.headers, "headers");
        if (!value)
            return tl::make_unexpected(value.error());
        options.push_back(".headers = " + *value);
    }
    if (!step.query.empty()) {
        auto value = pairs(step.query, "query");
        if (!value)
            return tl::make_unexpected(value.error());
        options.push_back(".query = " + *value);
    }
    if (step.body) {
        auto value = expression(*step.body, path + ".body");
        if (!value)
            return tl::make_unexpected(value.error());
        options.push_back(".body = " + *value);
    }
    if (step.json) {
        // Built before the request: constant JSON parsed, templated strings set by pointer.
        const std::string name = "body" + std::to_string(++m_counter);
        Json constant = *step.json;
        std::vector<std::pair<std::string, std::string>> assignments;
        std::string failure;
        const std::function<void(Json &, const std::string &)> walk = [&](Json &value,
                                                                          const std::string &at) {
            if (value.is_object()) {
                for (auto &[key, item] : value.items()) {
                    std::string token;
                    for (char c : key)
                        token += c == '~'   ? std::string("~0")
                                 : c == '/' ? std::string("~1")
                                            : std::string(1, c);
                    walk(item, at + "/" + token);
                }
            } else if (value.is_array()) {
                for (std::size_t i = 0; i < value.size(); ++i)
                    walk(value[i], at + "/" + std::to_string(i));
            } else if (value.is_binary()) {
                failure = "an unquoted template in json: (" + at + ") cannot be written as C++";
            } else if (value.is_string()) {
                const std::string text = value.get<std::string>();
                if (text.find('$') == std::string::npos)
                    return;
                auto expr = expression(text, path + ".json" + at);
                if (!expr) {
                    failure = expr.error().toString();
                    return;
                }
                if (expr->starts_with("\"")) {
                    value = text; // only $${: a literal
                    std::string plain;
                    for (std::size_t i = 0; i < text.size(); ++i) {
                        if (text.compare(i, 3, "$${") == 0) {
                            plain += "${";
                            i += 2;
                        } else {
                            plain += text[i];
                        }
                    }
                    value = plain;
                } else {
                    assignments.emplace_back(at, *expr);
                    value = "";
                }
            }
        };
        walk(constant, "");
        if (!failure.empty())
            return tl::make_unexpected(Error{failure, {}, 0, 0, path + ".json"});
        line(indent, "Json " + name + " = Json::parse(" + literal(constant.dump()) + ");");
        for (const auto &[pointer, expr] : assignments)
            line(indent, name + "[Json::json_pointer(" + literal(pointer) + ")] = " + expr + ";");
        options.push_back(".json = " + name);
    }
    if (!step.form.empty()) {
        auto value = pairs(step.form, "form");
        if (!value)
            return tl::make_unexpected(value.error());
        options.push_back(".form = " + *value);
    }
    if (!step.files.empty()) {
        std::string out = "{";
        for (std::size_t i = 0; i < step.files.size(); ++i) {
            const auto &file = step.files[i];
            auto filePath = expression(file.path, path + ".files");
            if (!filePath)
                return tl::make_unexpected(filePath.error());
            std::string fileName = file.fileName;
            if (fileName.empty())
                fileName = file.path.substr(file.path.find_last_of('/') + 1);
            out +=
                std::string(i ? ", " : "") + "{" + literal(file.field) + ", " + literal(fileName) +
                ", readFile(vu.resolvePath(" + *filePath + ")), " +
                literal(file.contentType.empty() ? "application/octet-stream" : file.contentType) +
                "}";
        }
        options.push_back(".files = " + out + "}");
    }
    if (!step.name.empty()) {
        auto value = expression(step.name, path + ".name");
        if (!value)
            return tl::make_unexpected(value.error());
        options.push_back(".name = " + *value);
    }
    if (step.timeoutSeconds > 0) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", step.timeoutSeconds);
        options.push_back(std::string(".timeout = ") + text);
    }
    if (step.followRedirects && !*step.followRedirects)
        options.push_back(".followRedirects = false");
    bool captureHeaders = false;
    for (const auto &extraction : step.extractions)
        captureHeaders = captureHeaders || extraction.source == Steps::Extraction::Source::Header;
    for (const auto &check : step.checks)
        captureHeaders = captureHeaders || check.subject == Steps::Check::Subject::Header;
    if (captureHeaders)
        options.push_back(".captureHeaders = true");
    if (step.expectMin > 0) {
        options.push_back(".expectedStatusMin = " + std::to_string(step.expectMin));
        options.push_back(".expectedStatusMax = " +
                          std::to_string(step.expectMax > 0 ? step.expectMax : step.expectMin));
    }
    auto url = expression(step.url, path + ".url");
    if (!url)
        return tl::make_unexpected(url.error());
    std::string call = "const auto r = co_await vu.request(" + literal(step.method) + ", " + *url;
    if (options.empty()) {
        line(indent, call + ");");
    } else {
        line(indent, call + ",");
        line(indent + 1, "{");
        for (std::size_t i = 0; i < options.size(); ++i)
            line(indent + 2, options[i] + (i + 1 < options.size() ? "," : ""));
        line(indent + 1, "});");
    }
    for (const auto &check : step.checks) {
        std::string condition;
        std::string name = check.name;
        if (check.subject == Steps::Check::Subject::Status && !check.statuses.empty()) {
            std::string list;
            for (std::size_t i = 0; i < check.statuses.size(); ++i) {
                condition += std::string(i ? " || " : "") +
                             "r.status == " + std::to_string(check.statuses[i]);
                list += std::string(i ? ", " : "") + std::to_string(check.statuses[i]);
            }
            if (check.statuses.size() > 1)
                condition = "(" + condition + ")";
            if (name.empty())
                name = "status is " + list;
        } else if (check.subject == Steps::Check::Subject::Body &&
                   (check.op == Steps::Check::Op::Contains ||
                    check.op == Steps::Check::Op::NotContains)) {
            auto value = expression(check.value, path + ".checks");
            if (!value)
                return tl::make_unexpected(value.error());
            condition = std::string(check.op == Steps::Check::Op::NotContains ? "!" : "") +
                        "r.contains(" + *value + ")";
            if (name.empty())
                name = std::string(check.op == Steps::Check::Op::NotContains ? "body does not "
                                                                             : "body ") +
                       "contains " + check.value;
        } else {
            return tl::make_unexpected(unsupported("this kind of check", path + ".checks"));
        }
        line(indent, "vu.check(" + literal(name) + ", " + condition + ");");
    }
    for (const auto &extraction : step.extractions) {
        if (!isIdentifier(extraction.variable))
            return tl::make_unexpected(
                Error{"\"" + shortened(extraction.variable) + "\" is not a variable name",
                      {},
                      0,
                      0,
                      path + ".extract"});
        m_variables.insert(extraction.variable);
        std::string value;
        switch (extraction.source) {
        case Steps::Extraction::Source::Json:
            value = "r.jsonText(" + literal(extraction.expression) + ")";
            break;
        case Steps::Extraction::Source::Between: {
            auto left = expression(extraction.expression, path + ".extract");
            auto right = expression(extraction.right, path + ".extract");
            if (!left || !right)
                return tl::make_unexpected(left ? right.error() : left.error());
            value = "r.between(" + *left + ", " + *right + ")";
            break;
        }
        case Steps::Extraction::Source::Regex:
            value = "r.match(" + literal(extraction.expression) + ", " +
                    std::to_string(extraction.group) + ")";
            break;
        case Steps::Extraction::Source::Header:
            value = "std::string(r.header(" + literal(extraction.expression) + "))";
            break;
        case Steps::Extraction::Source::Cookie:
            value = "vu.cookie(" + literal(extraction.expression) + ")";
            break;
        }
        line(indent, identifier(extraction.variable) + " = " + value + ";");
    }
    --indent;
    line(indent, "}");
    return {};
}

tl::expected<void, Error> Writer::steps(const std::vector<Steps::Step> &list,
                                        const std::string &path, int indent)
{
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Steps::Step &step = list[i];
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (step.disabled) {
            line(indent, "// " + at + " is disabled");
            continue;
        }
        switch (step.kind) {
        case Steps::Step::Kind::Request:
            if (auto ok = request(step.request, at, indent); !ok)
                return ok;
            break;
        case Steps::Step::Kind::Think: {
            char text[64];
            if (step.maxSeconds > step.seconds)
                std::snprintf(text, sizeof text, "co_await vu.think(%g, %g);", step.seconds,
                              step.maxSeconds);
            else
                std::snprintf(text, sizeof text, "co_await vu.think(%g);", step.seconds);
            line(indent, text);
            break;
        }
        case Steps::Step::Kind::Transaction: {
            auto name = expression(step.text, at + ".transaction");
            if (!name)
                return tl::make_unexpected(name.error());
            line(indent, "{");
            line(indent + 1, "auto transaction = vu.transaction(" + *name + ");");
            if (auto ok = steps(step.steps, at + ".steps", indent + 1); !ok)
                return ok;
            line(indent, "}");
            break;
        }
        case Steps::Step::Kind::Rendezvous:
            line(indent, "co_await vu.rendezvous(" + literal(step.text) + ");");
            break;
        case Steps::Step::Kind::Log: {
            auto message = expression(step.text, at + ".log");
            if (!message)
                return tl::make_unexpected(message.error());
            line(indent, "vu.log(" + *message + ");");
            break;
        }
        case Steps::Step::Kind::Set:
            for (const auto &[variable, text] : step.assignments) {
                if (!isIdentifier(variable))
                    return tl::make_unexpected(
                        Error{"\"" + shortened(variable) + "\" is not a variable name",
                              {},
                              0,
                              0,
                              at + ".set"});
                auto value = expression(text, at + ".set");
                if (!value)
                    return tl::make_unexpected(value.error());
                m_variables.insert(variable);
                line(indent, identifier(variable) + " = " + *value + ";");
            }
            break;
        default:
            return tl::make_unexpected(
                unsupported("a " +
                                std::string(step.kind == Steps::Step::Kind::Pace ? "pace"
                                            : step.kind == Steps::Step::Kind::If ? "if"
                                                                                 : "repeat") +
                                " step",
                            at));
        }
    }
    return {};
}

/// Every variable the steps set, so they can be declared at the top of the iteration.
void collectVariables(const std::vector<Steps::Step> &list, std::vector<std::string> &out)
{
    for (const auto &step : list) {
        for (const auto &extraction : step.request.extractions)
            out.push_back(extraction.variable);
        for (const auto &[variable, text] : step.assignments)
            out.push_back(variable);
        collectVariables(step.steps, out);
        collectVariables(step.elseSteps, out);
    }
}

tl::expected<std::string, Error> Writer::write(const Steps::StepScenario &scenario)
{
    if (!scenario.init.empty())
        return tl::make_unexpected(unsupported("init: steps", "init"));
    if (!scenario.parameters.empty())
        return tl::make_unexpected(unsupported("parameters:", "parameters"));
    std::vector<std::string> declared;
    for (const auto &[variable, text] : scenario.variables)
        declared.push_back(variable);
    collectVariables(scenario.steps, declared);
    std::set<std::string> once;
    std::ostringstream head;
    for (const auto &variable : declared) {
        if (!isIdentifier(variable))
            return tl::make_unexpected(Error{
                "\"" + shortened(variable) + "\" is not a variable name", {}, 0, 0, "variables"});
        if (once.insert(variable).second)
            head << "        std::string " << identifier(variable) << ";\n";
    }
    for (const auto &[variable, text] : scenario.variables) {
        auto value = expression(text, "variables." + variable);
        if (!value)
            return tl::make_unexpected(value.error());
        m_variables.insert(variable);
        line(2, identifier(variable) + " = " + *value + ";");
    }
    if (auto ok = steps(scenario.steps, "steps", 2); !ok)
        return tl::make_unexpected(ok.error());

    bool files = false;
    const std::function<void(const std::vector<Steps::Step> &)> findFiles =
        [&](const std::vector<Steps::Step> &list) {
            for (const auto &step : list) {
                files = files || !step.request.files.empty();
                findFiles(step.steps);
            }
        };
    findFiles(scenario.steps);

    std::ostringstream out;
    std::string title = scenario.description.empty() ? scenario.name : scenario.description;
    for (char &c : title) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    out << "// " << title << "\n"
        << "// Written by `loadwizard import`: edit freely. Relative URLs resolve against\n"
        << "// --base-url or the project's http.base_url.\n\n"
        << "#include <loadwizard/scenario.h>\n\n"
        << "#include <array>\n";
    if (files)
        out << "#include <fstream>\n#include <iterator>\n#include <stdexcept>\n";
    out << "#include <string>\n\nnamespace {\n\nusing Loadwizard::Json;\n\n";
    if (files)
        out << "std::string readFile(const std::string &path)\n{\n"
            << "    std::ifstream in(path, std::ios::binary);\n"
            << "    if (!in)\n"
            << "        throw std::runtime_error(\"cannot read \" + path);\n"
            << "    return {std::istreambuf_iterator<char>(in), "
               "std::istreambuf_iterator<char>()};\n"
            << "}\n\n";
    out << "class ImportedScenario : public Loadwizard::Scenario\n{\npublic:\n"
        << "    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override\n    {\n"
        << head.str() << m_body.str() << "    }\n};\n\n"
        << "constexpr std::array<lw_param, 0> parameters{};\n\n"
        << "} // namespace\n\n"
        << "LOADWIZARD_PLUGIN(ImportedScenario, " << literal(m_id) << ", "
        << literal(scenario.name.empty() ? m_id : scenario.name) << ",\n                  "
        << literal(scenario.description) << ", parameters)\n";
    return out.str();
}

} // namespace

tl::expected<std::string, Error> stepScenarioToCpp(const Steps::StepScenario &scenario,
                                                   const std::string &id)
{
    return Writer(id).write(scenario);
}

} // namespace Loadwizard::Import
