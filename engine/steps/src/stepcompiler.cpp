#include "stepcompiler.h"

#include <loadwizard/suggest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace Loadwizard::Steps {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view reservedNames[] = {
    "vuser_id", "iteration", "worker",     "uuid",          "unix",
    "unix_ms",  "iso_time",  "random_int", "random_string", "env"};

bool validVariableName(std::string_view name)
{
    if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') ||
                          (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_'))
        return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

std::string describeStatuses(const std::vector<int> &statuses)
{
    std::string text;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (i > 0)
            text += i + 1 == statuses.size() ? " or " : ", ";
        text += std::to_string(statuses[i]);
    }
    return text;
}

std::string_view opWords(Check::Op op)
{
    switch (op) {
    case Check::Op::Exists:
        return "exists";
    case Check::Op::Missing:
        return "is missing";
    case Check::Op::Equals:
        return "equals";
    case Check::Op::NotEquals:
        return "does not equal";
    case Check::Op::Contains:
        return "contains";
    case Check::Op::NotContains:
        return "does not contain";
    case Check::Op::Matches:
        return "matches";
    case Check::Op::Less:
        return "<";
    case Check::Op::LessOrEqual:
        return "<=";
    case Check::Op::Greater:
        return ">";
    case Check::Op::GreaterOrEqual:
        return ">=";
    case Check::Op::OneOf:
        return "is";
    }
    return "?";
}

/// The name a check is counted under when it has none: "status is 200", "json /id exists".
std::string defaultCheckName(const Check &check)
{
    const bool unary = check.op == Check::Op::Exists || check.op == Check::Op::Missing;
    const std::string tail = unary ? std::string(opWords(check.op))
                                   : std::string(opWords(check.op)) + " " + shortened(check.value);
    switch (check.subject) {
    case Check::Subject::Status:
        return "status is " + describeStatuses(check.statuses);
    case Check::Subject::Body:
        return "body " + tail;
    case Check::Subject::Json:
        return "json " + check.target + " " + tail;
    case Check::Subject::Header:
        return "header " + check.target + " " + tail;
    case Check::Subject::Duration:
        return "duration below " + check.value + "s";
    }
    return "check";
}

} // namespace

StepCompiler::StepCompiler(const StepContext &context, CompiledScenario &out)
    : m_context(context)
    , m_out(out)
{}

Error StepCompiler::error(const SourceSpot &at, const std::string &field, std::string message) const
{
    Error e;
    e.message = std::move(message);
    e.file = m_context.fileName;
    e.line = at.line;
    e.column = at.column;
    e.field = field;
    return e;
}

tl::expected<void, Error> StepCompiler::declare(const std::string &name, const SourceSpot &at,
                                                const std::string &field)
{
    if (!validVariableName(name)) {
        return tl::unexpected(error(at, field,
                                    "\"" + shortened(name) +
                                        "\" is not a variable name (a letter or _ first, then "
                                        "letters, digits, _ or -)"));
    }
    for (const auto reserved : reservedNames) {
        if (name == reserved)
            return tl::unexpected(
                error(at, field, "\"" + name + "\" is a built-in name: choose another"));
    }
    if (m_context.parameters.contains(name)) {
        return tl::unexpected(error(at, field,
                                    "\"" + name +
                                        "\" is a parameter of this scenario: a variable cannot "
                                        "have the same name"));
    }
    if (!m_out.scope.variables.contains(name)) {
        m_out.scope.variables.emplace(name, int(m_out.scope.variableNames.size()));
        m_out.scope.variableNames.push_back(name);
    }
    return {};
}

tl::expected<void, Error> StepCompiler::declareIn(const std::vector<Step> &steps,
                                                  const std::string &path)
{
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step &step = steps[i];
        const std::string here = path + "[" + std::to_string(i) + "]";
        for (const auto &[name, value] : step.assignments) {
            if (auto ok = declare(name, step.at, here + ".set." + name); !ok)
                return ok;
        }
        for (std::size_t e = 0; e < step.request.extractions.size(); ++e) {
            const Extraction &extraction = step.request.extractions[e];
            if (auto ok = declare(extraction.variable, extraction.at,
                                  here + ".extract[" + std::to_string(e) + "].var");
                !ok)
                return ok;
        }
        if (auto ok = declareIn(step.steps, here + ".steps"); !ok)
            return ok;
        if (auto ok = declareIn(step.elseSteps, here + ".else"); !ok)
            return ok;
    }
    return {};
}

tl::expected<Template, Error> StepCompiler::compileText(const std::string &text,
                                                        const SourceSpot &at,
                                                        const std::string &field, Escape escape)
{
    auto compiled = Template::compile(text, m_out.scope, escape);
    if (!compiled)
        return tl::unexpected(error(at, field, compiled.error()));
    return std::move(*compiled);
}

tl::expected<TemplatePairs, Error>
StepCompiler::compilePairs(const Pairs &pairs, const SourceSpot &at, const std::string &field)
{
    TemplatePairs out;
    for (const auto &[name, value] : pairs) {
        auto first = compileText(name, at, field + "." + name);
        if (!first)
            return tl::unexpected(first.error());
        auto second = compileText(value, at, field + "." + name);
        if (!second)
            return tl::unexpected(second.error());
        out.emplace_back(std::move(*first), std::move(*second));
    }
    return out;
}

tl::expected<void, Error> StepCompiler::compileJson(const nlohmann::ordered_json &value,
                                                    const SourceSpot &at, const std::string &field,
                                                    std::vector<Template> &out)
{
    // Constant JSON syntax is gathered as text and flushed next to each templated string.
    auto literal = [&out](std::string text) {
        if (!out.empty() && out.back().isConstant())
            out.back() = Template::literal(out.back().constant() + text);
        else
            out.push_back(Template::literal(std::move(text)));
    };
    auto string = [&](const std::string &text, Escape escape) -> tl::expected<void, Error> {
        auto compiled = compileText(text, at, field, escape);
        if (!compiled)
            return tl::unexpected(compiled.error());
        const bool quoted = escape == Escape::JsonString;
        if (compiled->isConstant()) {
            literal((quoted ? "\"" : "") + compiled->constant() + (quoted ? "\"" : ""));
        } else {
            if (quoted)
                literal("\"");
            out.push_back(std::move(*compiled));
            if (quoted)
                literal("\"");
        }
        return {};
    };
    if (value.is_object()) {
        literal("{");
        bool first = true;
        for (const auto &[key, member] : value.items()) {
            if (!first)
                literal(",");
            first = false;
            if (auto ok = string(key, Escape::JsonString); !ok)
                return ok;
            literal(":");
            if (auto ok = compileJson(member, at, field + "." + key, out); !ok)
                return ok;
        }
        literal("}");
    } else if (value.is_array()) {
        literal("[");
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0)
                literal(",");
            if (auto ok = compileJson(value[i], at, field + "[" + std::to_string(i) + "]", out);
                !ok)
                return ok;
        }
        literal("]");
    } else if (value.is_string()) {
        return string(value.get_ref<const std::string &>(), Escape::JsonString);
    } else if (const auto plain = plainTemplateText(value)) {
        // `qty: ${qty}` unquoted: a number, true, false or null when its value is one.
        return string(*plain, Escape::JsonValue);
    } else {
        literal(value.dump());
    }
    return {};
}

tl::expected<CompiledCheck, Error> StepCompiler::compileCheck(const Check &check,
                                                              const std::string &field)
{
    CompiledCheck out;
    out.subject = check.subject;
    out.op = check.op;
    out.target = check.target;
    out.statuses = check.statuses;
    out.name = check.name.empty() ? defaultCheckName(check) : check.name;
    if (check.subject == Check::Subject::Status && check.statuses.empty())
        return tl::unexpected(error(check.at, field + ".status", "no status given"));
    if (check.subject == Check::Subject::Json) {
        try {
            out.pointer = nlohmann::json::json_pointer(check.target);
        } catch (const nlohmann::json::exception &e) {
            return tl::unexpected(error(check.at, field + ".json",
                                        "\"" + shortened(check.target) +
                                            "\" is not a JSON pointer (RFC 6901: \"\" or "
                                            "\"/a/0/b\"): " +
                                            e.what()));
        }
    }
    if (check.subject == Check::Subject::Duration) {
        char *end = nullptr;
        out.seconds = std::strtod(check.value.c_str(), &end);
        if (check.value.empty() || *end != '\0' || !std::isfinite(out.seconds) || out.seconds <= 0)
            return tl::unexpected(
                error(check.at, field + ".duration_below",
                      "\"" + shortened(check.value) + "\" is not a positive duration"));
    }
    auto value = compileText(check.value, check.at, field);
    if (!value)
        return tl::unexpected(value.error());
    out.value = std::move(*value);
    if (check.op == Check::Op::Matches && out.value.isConstant()) {
        try {
            out.regex.emplace(out.value.constant());
        } catch (const std::regex_error &e) {
            return tl::unexpected(error(check.at, field,
                                        "bad regular expression \"" +
                                            shortened(out.value.constant()) + "\": " + e.what()));
        }
    }
    return out;
}

tl::expected<CompiledExtraction, Error>
StepCompiler::compileExtraction(const Extraction &extraction, const std::string &field)
{
    CompiledExtraction out;
    out.slot = m_out.scope.variables.at(extraction.variable);
    out.source = extraction.source;
    out.expression = extraction.expression;
    out.right = extraction.right;
    out.group = extraction.group;
    out.name = "extract " + extraction.variable;
    if (extraction.expression.empty() && extraction.source != Extraction::Source::Json)
        return tl::unexpected(error(extraction.at, field, "nothing to extract with"));
    if (extraction.source == Extraction::Source::Json) {
        try {
            out.pointer = nlohmann::json::json_pointer(extraction.expression);
        } catch (const nlohmann::json::exception &e) {
            return tl::unexpected(error(extraction.at, field + ".json",
                                        "\"" + shortened(extraction.expression) +
                                            "\" is not a JSON pointer (RFC 6901: \"\" or "
                                            "\"/a/0/b\"): " +
                                            e.what()));
        }
    } else if (extraction.source == Extraction::Source::Regex) {
        try {
            out.regex.emplace(extraction.expression);
        } catch (const std::regex_error &e) {
            return tl::unexpected(error(extraction.at, field + ".regex",
                                        "bad regular expression \"" +
                                            shortened(extraction.expression) + "\": " + e.what()));
        }
        if (extraction.group < 0 || std::size_t(extraction.group) > out.regex->mark_count()) {
            return tl::unexpected(error(extraction.at, field + ".group",
                                        "the regular expression has " +
                                            std::to_string(out.regex->mark_count()) +
                                            " groups, not " + std::to_string(extraction.group)));
        }
    }
    if (extraction.defaultValue) {
        auto fallback = compileText(*extraction.defaultValue, extraction.at, field + ".default");
        if (!fallback)
            return tl::unexpected(fallback.error());
        out.fallback = std::move(*fallback);
    }
    return out;
}

tl::expected<std::unique_ptr<CompiledRequest>, Error>
StepCompiler::compileRequest(const Step &step, const std::string &path)
{
    const RequestStep &request = step.request;
    auto out = std::make_unique<CompiledRequest>();
    out->method = request.method;
    if (auto url = compileText(request.url, step.at, path + ".request"); url)
        out->url = std::move(*url);
    else
        return tl::unexpected(url.error());
    if (auto name = compileText(request.name, step.at, path + ".name"); name)
        out->name = std::move(*name);
    else
        return tl::unexpected(name.error());
    for (auto [pairs, target, key] : {std::tuple(&request.headers, &out->headers, "headers"),
                                      std::tuple(&request.query, &out->query, "query"),
                                      std::tuple(&request.form, &out->form, "form")}) {
        auto compiled = compilePairs(*pairs, step.at, path + "." + key);
        if (!compiled)
            return tl::unexpected(compiled.error());
        *target = std::move(*compiled);
    }
    const int bodies = int(request.body.has_value()) + int(request.json.has_value()) +
                       int(!request.form.empty() || !request.files.empty());
    if (bodies > 1)
        return tl::unexpected(
            error(step.at, path, "give one body: body, json, or form (with files)"));
    if (request.body) {
        auto body = compileText(*request.body, step.at, path + ".body");
        if (!body)
            return tl::unexpected(body.error());
        out->body = std::move(*body);
    }
    if (request.json) {
        if (auto ok = compileJson(*request.json, step.at, path + ".json", out->json); !ok)
            return tl::unexpected(ok.error());
        if (out->json.empty())
            out->json.push_back(Template::literal("null"));
    }
    for (std::size_t i = 0; i < request.files.size(); ++i) {
        const FileField &file = request.files[i];
        const std::string field = path + ".files[" + std::to_string(i) + "]";
        if (file.path.find("${") != std::string::npos)
            return tl::unexpected(error(step.at, field + ".path",
                                        "a file path cannot hold a template (files are read "
                                        "once, when the run starts)"));
        fs::path where(file.path);
        if (where.is_relative() && !m_context.folder.empty())
            where = fs::path(m_context.folder) / where;
        std::ifstream stream(where, std::ios::binary);
        std::ostringstream content;
        if (!stream || !(content << stream.rdbuf()))
            return tl::unexpected(error(step.at, field + ".path", "cannot read " + where.string()));
        CompiledFile compiled;
        compiled.field = file.field;
        compiled.fileName = file.fileName.empty() ? where.filename().string() : file.fileName;
        compiled.contentType =
            file.contentType.empty() ? "application/octet-stream" : file.contentType;
        compiled.content = std::move(content).str();
        out->files.push_back(std::move(compiled));
    }
    out->timeoutSeconds = request.timeoutSeconds;
    out->followRedirects = request.followRedirects;
    out->expectMin = request.expectMin;
    out->expectMax = request.expectMax;
    out->endIterationOnFailure = request.endIterationOnFailure;
    for (std::size_t i = 0; i < request.checks.size(); ++i) {
        auto check = compileCheck(request.checks[i], path + ".checks[" + std::to_string(i) + "]");
        if (!check)
            return tl::unexpected(check.error());
        const auto subject = check->subject;
        out->needsBody |= subject == Check::Subject::Body || subject == Check::Subject::Json;
        out->needsJson |= subject == Check::Subject::Json;
        out->needsHeaders |= subject == Check::Subject::Header;
        out->checks.push_back(std::move(*check));
    }
    for (std::size_t i = 0; i < request.extractions.size(); ++i) {
        auto extraction =
            compileExtraction(request.extractions[i], path + ".extract[" + std::to_string(i) + "]");
        if (!extraction)
            return tl::unexpected(extraction.error());
        const auto source = extraction->source;
        out->needsBody |= source == Extraction::Source::Json ||
                          source == Extraction::Source::Regex ||
                          source == Extraction::Source::Between;
        out->needsJson |= source == Extraction::Source::Json;
        out->needsHeaders |= source == Extraction::Source::Header;
        out->extractions.push_back(std::move(*extraction));
    }
    return out;
}

tl::expected<std::vector<CompiledStep>, Error>
StepCompiler::compileSteps(const std::vector<Step> &steps, const std::string &path)
{
    std::vector<CompiledStep> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step &step = steps[i];
        if (step.disabled)
            continue;
        const std::string here = path + "[" + std::to_string(i) + "]";
        const std::string kind(stepKindName(step.kind));
        CompiledStep compiled;
        compiled.kind = step.kind;
        compiled.path = here;
        compiled.seconds = step.seconds;
        compiled.maxSeconds = step.maxSeconds;
        compiled.condition = step.condition;
        if (step.kind == Step::Kind::Request) {
            auto request = compileRequest(step, here);
            if (!request)
                return tl::unexpected(request.error());
            compiled.request = std::move(*request);
        }
        if (!(step.seconds >= 0 && step.maxSeconds >= 0 && std::isfinite(step.seconds) &&
              std::isfinite(step.maxSeconds)))
            return tl::unexpected(error(step.at, here + "." + kind, "not a duration"));
        auto text = compileText(step.text, step.at, here + "." + kind);
        if (!text)
            return tl::unexpected(text.error());
        compiled.text = std::move(*text);
        if ((step.kind == Step::Kind::Transaction || step.kind == Step::Kind::Rendezvous) &&
            !compiled.text.isConstant())
            return tl::unexpected(error(step.at, here + "." + kind,
                                        "a " + kind +
                                            " name cannot hold a template (names "
                                            "are counted in the metrics)"));
        if ((step.kind == Step::Kind::Transaction || step.kind == Step::Kind::Rendezvous) &&
            compiled.text.constant().empty())
            return tl::unexpected(error(step.at, here + "." + kind, "the name is empty"));
        if (step.kind == Step::Kind::Repeat && compiled.text.isConstant()) {
            const std::string &count = compiled.text.constant();
            char *end = nullptr;
            const long long n = std::strtoll(count.c_str(), &end, 10);
            if (count.empty() || *end != '\0' || n < 0)
                return tl::unexpected(error(step.at, here + ".repeat",
                                            "\"" + shortened(count) +
                                                "\" is not a count (a whole number >= 0, or a "
                                                "template)"));
        }
        if (step.kind == Step::Kind::If) {
            auto value = compileText(step.value, step.at, here + ".if");
            if (!value)
                return tl::unexpected(value.error());
            compiled.value = std::move(*value);
            if (step.condition == Step::Condition::Matches && compiled.value.isConstant()) {
                try {
                    compiled.regex.emplace(compiled.value.constant());
                } catch (const std::regex_error &e) {
                    return tl::unexpected(
                        error(step.at, here + ".matches",
                              "bad regular expression: " + std::string(e.what())));
                }
            }
        }
        for (const auto &[name, value] : step.assignments) {
            auto assigned = compileText(value, step.at, here + ".set." + name);
            if (!assigned)
                return tl::unexpected(assigned.error());
            compiled.assignments.emplace_back(m_out.scope.variables.at(name), std::move(*assigned));
        }
        auto children = compileSteps(step.steps, here + ".steps");
        if (!children)
            return tl::unexpected(children.error());
        compiled.steps = std::move(*children);
        auto elseChildren = compileSteps(step.elseSteps, here + ".else");
        if (!elseChildren)
            return tl::unexpected(elseChildren.error());
        compiled.elseSteps = std::move(*elseChildren);
        out.push_back(std::move(compiled));
    }
    return out;
}

tl::expected<void, Error> StepCompiler::compile(const StepScenario &scenario)
{
    m_out.scope.parameters = &m_context.parameters;
    m_out.scope.environment = m_context.environment;
    for (const auto &[name, columns] : m_context.feeders) {
        m_out.scope.feeders.push_back(name);
        m_out.scope.feederColumns.push_back(columns);
    }
    for (const auto &[name, value] : scenario.variables) {
        if (auto ok = declare(name, {}, "variables." + name); !ok)
            return ok;
    }
    if (auto ok = declareIn(scenario.init, "init"); !ok)
        return ok;
    if (auto ok = declareIn(scenario.steps, "steps"); !ok)
        return ok;
    for (const auto &[name, value] : scenario.variables) {
        auto compiled = compileText(value, {}, "variables." + name);
        if (!compiled)
            return tl::unexpected(compiled.error());
        m_out.variables.emplace_back(m_out.scope.variables.at(name), std::move(*compiled));
    }
    auto init = compileSteps(scenario.init, "init");
    if (!init)
        return tl::unexpected(init.error());
    m_out.init = std::move(*init);
    auto steps = compileSteps(scenario.steps, "steps");
    if (!steps)
        return tl::unexpected(steps.error());
    m_out.steps = std::move(*steps);
    if (m_out.init.empty() && m_out.steps.empty()) {
        return tl::unexpected(
            error({}, "steps", "the scenario has no steps to run (all disabled, or none)"));
    }
    return {};
}

} // namespace Loadwizard::Steps
