#include <loadwizard/stepscenario.h>

#include "compiledsteps.h"
#include "stepcompiler.h"

#include <loadwizard/helpers.h>
#include <loadwizard/vuserstate.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace Loadwizard::Steps {

namespace {

std::optional<double> asNumber(std::string_view text)
{
    if (text.empty() || text.size() > 64)
        return std::nullopt;
    const std::string copy(text);
    char *end = nullptr;
    errno = 0;
    const double value = std::strtod(copy.c_str(), &end);
    if (*end != '\0' || errno == ERANGE || !std::isfinite(value))
        return std::nullopt;
    return value;
}

/// `actual OP expected` for the comparing operators; numbers compare as numbers when both
/// sides are numbers, else as text.
bool compare(std::string_view actual, std::string_view expected, bool equal, bool less,
             bool greater)
{
    const auto a = asNumber(actual), b = asNumber(expected);
    if (a && b)
        return (equal && *a == *b) || (less && *a < *b) || (greater && *a > *b);
    const int order = actual.compare(expected);
    return (equal && order == 0) || (less && order < 0) || (greater && order > 0);
}

/// Throws std::length_error for a text std::regex cannot search (see Detail::maxRegexBytes).
bool searchRegex(const std::string &subject, const std::regex &pattern)
{
    if (subject.size() > Detail::maxRegexBytes) {
        throw std::length_error("a regular expression searches at most 1 MiB; the text has " +
                                std::to_string(subject.size()) + " bytes");
    }
    bool found = false;
    auto search = [&] { found = std::regex_search(subject, pattern); };
    Detail::onLargeStack(subject.size(), search);
    return found;
}

/// Steps a vuser may run without waiting before it yields to the others. Also bounds the stack:
/// a nested list that completes without suspending resumes its parent by symmetric transfer,
/// which unoptimized (sanitizer) builds do not turn into a tail call.
constexpr std::uint32_t maxBusySteps = 1'000;

bool truthy(std::string_view text)
{
    return !text.empty() && text != "0" && text != "false";
}

/// The interpreter's Scenario: one object shared by every vuser; per-vuser values live in
/// engineState().
class StepScenarioRunner final : public Scenario
{
public:
    StepScenarioRunner(std::shared_ptr<const CompiledScenario> compiled, StepTrace trace)
        : m_compiled(std::move(compiled))
        , m_trace(std::move(trace))
    {}

    Task<> vuserInit(Vuser &vuser) override
    {
        auto values = std::make_shared<VuserValues>();
        const std::size_t variables = m_compiled->scope.variableNames.size();
        values->variables.resize(variables);
        values->assigned.assign(variables, 0);
        values->rows.resize(m_compiled->scope.feeders.size());
        values->drawn.assign(m_compiled->scope.feeders.size(), 0);
        Engine::engineState(vuser) = values;
        for (const auto &[slot, value] : m_compiled->variables)
            assign(*values, slot, value.render(vuser, *values));
        if (!m_compiled->init.empty()) {
            values->iterationStart = vuser.elapsed();
            co_await traced(vuser, *values, m_compiled->init, "init");
        }
    }

    Task<> iteration(Vuser &vuser) override
    {
        auto &values = *static_cast<VuserValues *>(Engine::engineState(vuser).get());
        std::fill(values.drawn.begin(), values.drawn.end(), 0);
        values.iterationStart = vuser.elapsed();
        co_await traced(vuser, values, m_compiled->steps, "steps");
    }

private:
    static void assign(VuserValues &values, int slot, std::string value)
    {
        values.variables[std::size_t(slot)] = std::move(value);
        values.assigned[std::size_t(slot)] = 1;
    }

    void emit(StepEvent event) const
    {
        if (m_trace)
            m_trace(event);
    }

    /// Runs a template, turning an unset variable into an iteration failure naming the step.
    static std::string render(const Template &text, const CompiledStep &step, Vuser &vuser,
                              VuserValues &values)
    {
        try {
            return text.render(vuser, values);
        } catch (const RenderError &e) {
            throw std::runtime_error(step.path + ": " + e.what());
        }
    }

    Request buildRequest(const CompiledStep &step, Vuser &vuser, VuserValues &values) const
    {
        const CompiledRequest &spec = *step.request;
        RequestOptions options;
        for (const auto &[name, value] : spec.headers)
            options.headers.push_back(
                {render(name, step, vuser, values), render(value, step, vuser, values)});
        for (const auto &[name, value] : spec.query)
            options.query.push_back(
                {render(name, step, vuser, values), render(value, step, vuser, values)});
        for (const auto &[name, value] : spec.form)
            options.form.push_back(
                {render(name, step, vuser, values), render(value, step, vuser, values)});
        for (const CompiledFile &file : spec.files)
            options.files.push_back({file.field, file.fileName, file.content, file.contentType});
        if (spec.body)
            options.body = render(*spec.body, step, vuser, values);
        options.name = render(spec.name, step, vuser, values);
        options.timeout = spec.timeoutSeconds;
        if (spec.followRedirects)
            options.followRedirects = *spec.followRedirects;
        options.captureHeaders = spec.needsHeaders || m_trace;
        options.discardBody = !spec.needsBody && !m_trace;
        if (spec.expectMin > 0) {
            options.expectedStatusMin = spec.expectMin;
            options.expectedStatusMax = spec.expectMax;
        }
        Request request = Detail::buildRequest(spec.method, render(spec.url, step, vuser, values),
                                               std::move(options));
        if (!spec.json.empty()) {
            // Rendered here rather than through RequestOptions::json: the text is built in one
            // pass from pre-serialized pieces, never parsed into a JSON tree per request.
            for (const Template &part : spec.json) {
                try {
                    part.renderTo(vuser, values, request.body);
                } catch (const RenderError &e) {
                    throw std::runtime_error(step.path + ": " + e.what());
                }
            }
            bool typed = false;
            for (const Header &header : request.headers)
                typed = typed || Detail::sameLetters(header.name, "Content-Type");
            if (!typed)
                request.headers.push_back({"Content-Type", "application/json"});
        }
        return request;
    }

    /// The text a check or extraction reads at a JSON pointer; nullopt when nothing is there.
    static std::optional<std::string> jsonAt(const nlohmann::json *document,
                                             const nlohmann::json::json_pointer &pointer)
    {
        if (!document || !document->contains(pointer))
            return std::nullopt;
        const auto &value = document->at(pointer);
        return value.is_string() ? value.get<std::string>() : value.dump();
    }

    bool evaluate(const CompiledCheck &check, const Response &response,
                  const nlohmann::json *document, const CompiledStep &step, Vuser &vuser,
                  VuserValues &values, std::string &seen) const
    {
        using Op = Check::Op;
        std::optional<std::string> actual;
        switch (check.subject) {
        case Check::Subject::Status:
            seen = std::to_string(response.status);
            for (const int status : check.statuses) {
                if (response.status == status)
                    return true;
            }
            return false;
        case Check::Subject::Duration:
            seen = std::to_string(response.seconds) + "s";
            return response.seconds < check.seconds;
        case Check::Subject::Body:
            actual = response.body;
            break;
        case Check::Subject::Json:
            actual = jsonAt(document, check.pointer);
            if (!document)
                seen = "the body is not JSON";
            break;
        case Check::Subject::Header: {
            const std::string_view header = response.header(check.target);
            if (!header.empty())
                actual = std::string(header);
            break;
        }
        }
        if (actual && check.subject != Check::Subject::Body)
            seen = shortened(*actual);
        else if (!actual && seen.empty())
            seen = "nothing there";
        if (check.op == Op::Exists)
            return actual.has_value();
        if (check.op == Op::Missing)
            return !actual.has_value();
        if (!actual)
            return false;
        const std::string expected = render(check.value, step, vuser, values);
        switch (check.op) {
        case Op::Equals:
            return compare(*actual, expected, true, false, false);
        case Op::NotEquals:
            return !compare(*actual, expected, true, false, false);
        case Op::Contains:
            return actual->find(expected) != std::string::npos;
        case Op::NotContains:
            return actual->find(expected) == std::string::npos;
        case Op::Matches:
            try {
                if (check.regex)
                    return searchRegex(*actual, *check.regex);
                return searchRegex(*actual, std::regex(expected));
            } catch (const std::regex_error &e) {
                seen = "bad regular expression \"" + shortened(expected) + "\": " + e.what();
                return false;
            } catch (const std::length_error &e) {
                seen = e.what();
                return false;
            }
        case Op::Less:
            return compare(*actual, expected, false, true, false);
        case Op::LessOrEqual:
            return compare(*actual, expected, true, true, false);
        case Op::Greater:
            return compare(*actual, expected, false, false, true);
        case Op::GreaterOrEqual:
            return compare(*actual, expected, true, false, true);
        default:
            return false;
        }
    }

    std::optional<std::string> extract(const CompiledExtraction &extraction,
                                       const Response &response, const nlohmann::json *document,
                                       Vuser &vuser, std::string &why) const
    {
        try {
            switch (extraction.source) {
            case Extraction::Source::Json:
                if (!document) {
                    why = "the body is not JSON";
                    return std::nullopt;
                }
                if (auto found = jsonAt(document, extraction.pointer))
                    return found;
                why = "nothing at " + extraction.expression;
                return std::nullopt;
            case Extraction::Source::Regex:
                return response.match(*extraction.regex, std::size_t(extraction.group));
            case Extraction::Source::Between:
                return response.between(extraction.expression, extraction.right);
            case Extraction::Source::Header:
                if (auto header = response.header(extraction.expression); !header.empty())
                    return std::string(header);
                why = "no header " + extraction.expression;
                return std::nullopt;
            case Extraction::Source::Cookie:
                if (auto cookie = vuser.cookie(extraction.expression); !cookie.empty())
                    return cookie;
                why = "no cookie " + extraction.expression;
                return std::nullopt;
            }
        } catch (const ExtractionError &e) {
            why = e.what();
        }
        return std::nullopt;
    }

    /// Runs the request's checks and extractions; returns what failed first (the request, a
    /// check or an extraction), empty when nothing did.
    std::string afterResponse(const CompiledStep &step, Request &sent, Response &response,
                              Vuser &vuser, VuserValues &values) const
    {
        const CompiledRequest &spec = *step.request;
        std::string failed;
        if (!response.ok()) {
            failed = response.error.empty() ? "status " + std::to_string(response.status)
                                            : response.error;
        }
        nlohmann::json document;
        bool parsed = false;
        if (spec.needsJson && !response.body.empty()) {
            document = nlohmann::json::parse(response.body, nullptr, false);
            parsed = !document.is_discarded();
        }
        const nlohmann::json *json = parsed ? &document : nullptr;
        if (m_trace) {
            StepEvent event;
            event.kind = StepEvent::Kind::Request;
            event.path = step.path;
            event.name = response.name;
            event.passed = response.ok();
            event.seconds = response.seconds;
            event.message = response.error;
            event.request = std::move(sent);
            event.response = response;
            emit(std::move(event));
        }
        for (const CompiledCheck &check : spec.checks) {
            std::string seen;
            const bool ok = evaluate(check, response, json, step, vuser, values, seen);
            vuser.check(check.name, ok);
            if (!ok && failed.empty())
                failed = "check \"" + check.name + "\" failed";
            if (m_trace)
                emit({StepEvent::Kind::Check, step.path, check.name, ok, seen});
        }
        for (const CompiledExtraction &extraction : spec.extractions) {
            std::string why;
            auto value = extract(extraction, response, json, vuser, why);
            bool ok = value.has_value();
            if (!value && extraction.fallback) {
                value = render(*extraction.fallback, step, vuser, values);
                why += " (default used)";
            }
            if (value)
                assign(values, extraction.slot, *value);
            // Counted only when it has no default: a default is the user saying "may be absent".
            if (!extraction.fallback)
                vuser.check(extraction.name, ok);
            if (!ok && !extraction.fallback && failed.empty())
                failed = "\"" + extraction.name + "\" found nothing";
            if (m_trace) {
                emit({StepEvent::Kind::Extraction, step.path,
                      m_compiled->scope.variableNames[std::size_t(extraction.slot)],
                      ok || extraction.fallback.has_value(), value ? *value : why});
            }
        }
        return failed;
    }

    bool condition(const CompiledStep &step, Vuser &vuser, VuserValues &values) const
    {
        using Condition = Step::Condition;
        const std::string subject = render(step.text, step, vuser, values);
        if (step.condition == Condition::None)
            return truthy(subject);
        if (step.condition == Condition::Empty)
            return subject.empty();
        if (step.condition == Condition::NotEmpty)
            return !subject.empty();
        const std::string value = render(step.value, step, vuser, values);
        switch (step.condition) {
        case Condition::Equals:
            return compare(subject, value, true, false, false);
        case Condition::NotEquals:
            return !compare(subject, value, true, false, false);
        case Condition::Contains:
            return subject.find(value) != std::string::npos;
        case Condition::Matches:
            try {
                if (step.regex)
                    return searchRegex(subject, *step.regex);
                return searchRegex(subject, std::regex(value));
            } catch (const std::regex_error &e) {
                throw std::runtime_error(step.path + ": bad regular expression \"" +
                                         shortened(value) + "\": " + e.what());
            } catch (const std::length_error &e) {
                throw std::runtime_error(step.path + ": " + e.what());
            }
        case Condition::Less:
            return compare(subject, value, false, true, false);
        case Condition::LessOrEqual:
            return compare(subject, value, true, true, false);
        case Condition::Greater:
            return compare(subject, value, false, false, true);
        case Condition::GreaterOrEqual:
            return compare(subject, value, true, false, true);
        default:
            return false;
        }
    }

    /// runList(), reporting why the list ended early to the trace (the engine counts it).
    Task<> traced(Vuser &vuser, VuserValues &values, const std::vector<CompiledStep> &steps,
                  const char *path) const
    {
        if (!m_trace) {
            co_await runList(vuser, values, steps);
            co_return;
        }
        std::string failure;
        try {
            co_await runList(vuser, values, steps);
        } catch (const std::exception &e) {
            failure = e.what();
        }
        if (failure.empty())
            co_return;
        emit({StepEvent::Kind::Failure, path, {}, false, failure});
        throw std::runtime_error(failure);
    }

    Task<> runTransaction(Vuser &vuser, VuserValues &values, const CompiledStep &step) const
    {
        const std::string &name = step.text.constant();
        emit({StepEvent::Kind::TransactionBegin, step.path, name});
        Transaction transaction = vuser.transaction(name);
        co_await runList(vuser, values, step.steps);
        transaction.end();
        emit({StepEvent::Kind::TransactionEnd, step.path, name});
    }

    Task<> runList(Vuser &vuser, VuserValues &values, const std::vector<CompiledStep> &steps) const
    {
        for (const CompiledStep &step : steps) {
            const auto kind = step.kind;
            // A loop of steps that never wait (`repeat: 1000000000` over `set:`) would keep the
            // worker from its other vusers, its timers and the end of the run: now and then
            // such a vuser lets the others go first.
            if (++values.busySteps >= maxBusySteps) {
                values.busySteps = 0;
                co_await vuser.sleep(1e-6); // sleep(0) would not suspend
            }
            if (kind == Step::Kind::Request) {
                Request request = buildRequest(step, vuser, values);
                Request sent;
                if (m_trace)
                    sent = request;
                values.busySteps = 0;
                Response response = co_await vuser.request(std::move(request));
                const std::string failed = afterResponse(step, sent, response, vuser, values);
                if (!failed.empty() && step.request->endIterationOnFailure) {
                    throw std::runtime_error(step.path + ": " + failed +
                                             ": the iteration ends here (on_failure: "
                                             "end_iteration)");
                }
            } else if (kind == Step::Kind::Think) {
                const double seconds = step.maxSeconds > step.seconds
                                           ? vuser.uniform(step.seconds, step.maxSeconds)
                                           : step.seconds;
                if (m_trace)
                    emit({StepEvent::Kind::Think, step.path, "think", true, {}, seconds});
                co_await vuser.think(seconds);
            } else if (kind == Step::Kind::Pace) {
                const double left = step.seconds - (vuser.elapsed() - values.iterationStart);
                if (m_trace)
                    emit(
                        {StepEvent::Kind::Think, step.path, "pace", true, {}, std::max(left, 0.0)});
                if (left > 0)
                    co_await vuser.sleep(left);
            } else if (kind == Step::Kind::Transaction) {
                co_await runTransaction(vuser, values, step);
            } else if (kind == Step::Kind::Rendezvous) {
                if (m_trace)
                    emit({StepEvent::Kind::Think, step.path, step.text.constant()});
                (void)co_await vuser.rendezvous(step.text.constant());
            } else if (kind == Step::Kind::Repeat) {
                const std::string count = render(step.text, step, vuser, values);
                char *end = nullptr;
                const long long times = std::strtoll(count.c_str(), &end, 10);
                if (count.empty() || *end != '\0' || times < 0) {
                    throw std::runtime_error(step.path + ": repeat count \"" + shortened(count) +
                                             "\" is not a whole number >= 0");
                }
                for (long long i = 0; i < times; ++i)
                    co_await runList(vuser, values, step.steps);
            } else if (kind == Step::Kind::If) {
                if (condition(step, vuser, values))
                    co_await runList(vuser, values, step.steps);
                else
                    co_await runList(vuser, values, step.elseSteps);
            } else if (kind == Step::Kind::Log) {
                const std::string line = render(step.text, step, vuser, values);
                vuser.log(line);
                if (m_trace)
                    emit({StepEvent::Kind::Log, step.path, {}, true, line});
            } else if (kind == Step::Kind::Set) {
                for (const auto &[slot, value] : step.assignments)
                    assign(values, slot, render(value, step, vuser, values));
            }
        }
    }

    std::shared_ptr<const CompiledScenario> m_compiled;
    StepTrace m_trace;
};

} // namespace

tl::expected<std::shared_ptr<Scenario>, Error> compileStepScenario(const StepScenario &scenario,
                                                                   const StepContext &context)
{
    auto compiled = std::make_shared<CompiledScenario>();
    // The scope's parameters point at the context's map: keep a copy with the compiled steps.
    auto keptContext = std::make_shared<StepContext>(context);
    StepCompiler compiler(*keptContext, *compiled);
    if (auto ok = compiler.compile(scenario); !ok)
        return tl::unexpected(ok.error());
    compiled->scope.parameters = nullptr; // folded in: nothing reads them at run time
    return std::make_shared<StepScenarioRunner>(std::move(compiled), context.trace);
}

} // namespace Loadwizard::Steps
