// The declarative interpreter on hand-built StepScenarios (no YAML): each step kind against the
// built-in target, templates rendered exactly (the target echoes what it got), extraction and
// correlation, control flow, and compile errors that name the step and field.

#include <loadwizard/preparedrun.h>
#include <loadwizard/run.h>
#include <loadwizard/targetserver.h>

#include <QtTest>

#include <fstream>
#include <mutex>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

using namespace Loadwizard;
using namespace Loadwizard::Steps;

namespace {

Step request(std::string method, std::string url)
{
    Step step;
    step.kind = Step::Kind::Request;
    step.request.method = std::move(method);
    step.request.url = std::move(url);
    return step;
}

Step group(Step::Kind kind, std::string text, std::vector<Step> steps)
{
    Step step;
    step.kind = kind;
    step.text = std::move(text);
    step.steps = std::move(steps);
    return step;
}

Step simple(Step::Kind kind, std::string text, double seconds = 0)
{
    Step step;
    step.kind = kind;
    step.text = std::move(text);
    step.seconds = seconds;
    return step;
}

Check statusIs(int status)
{
    Check check;
    check.subject = Check::Subject::Status;
    check.op = Check::Op::OneOf;
    check.statuses = {status};
    return check;
}

Check jsonCheck(std::string pointer, Check::Op op, std::string value = {})
{
    Check check;
    check.subject = Check::Subject::Json;
    check.target = std::move(pointer);
    check.op = op;
    check.value = std::move(value);
    return check;
}

Extraction extract(std::string variable, Extraction::Source source, std::string expression,
                   std::string right = {})
{
    Extraction extraction;
    extraction.variable = std::move(variable);
    extraction.source = source;
    extraction.expression = std::move(expression);
    extraction.right = std::move(right);
    return extraction;
}

/// What a run left: the trace's events and the final snapshot.
struct Outcome
{
    std::vector<StepEvent> events;
    std::shared_ptr<const Snapshot> final;

    std::vector<const StepEvent *> of(StepEvent::Kind kind) const
    {
        std::vector<const StepEvent *> out;
        for (const auto &event : events) {
            if (event.kind == kind)
                out.push_back(&event);
        }
        return out;
    }
    /// The body the target echoed for the n-th request, parsed.
    nlohmann::json echo(std::size_t n) const
    {
        const auto requests = of(StepEvent::Kind::Request);
        if (n >= requests.size())
            return {};
        return nlohmann::json::parse(requests[n]->response.body, nullptr, false);
    }
};

} // namespace

class TestStepScenario : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void formLoginWithACsrfTokenAndASessionCookie();
    void restFlowWithABearerTokenAndJsonBodies();
    void templatesRenderExactly();
    void jsonBodiesEscapeWhatTheyInsert();
    void uuidsAreUniqueAcrossVusers();
    void aPlainTemplateIsANumberOnlyWhenADoubleHoldsIt();
    void checksPassAndFailAsWritten();
    void aRegexOnMoreThanOneMebibyteSaysSo();
    void aFailedExtractionIsAFailedCheckOrItsDefault();
    void anUnsetVariableFailsTheIterationNamingIt();
    void aTextGrowingPastTheLimitFailsTheIteration();
    void controlFlow();
    void transactionsAreCounted();
    void dataFeederColumnsOneRowPerIteration();
    void compileErrorsNameTheStepAndField_data();
    void compileErrorsNameTheStepAndField();
    void disabledStepsDoNotRun();
    void aLoopThatNeverWaitsStillStopsOnTime();
    void emptyPutAndPatchSendAContentLength();
    void longLogLinesAreCut();
    void onFailureEndIterationStopsAtTheFailedRequest();

private:
    Project project(StepScenario scenario) const;
    Outcome run(const Project &project, std::uint64_t iterations = 1,
                const Parameters &overrides = {});
    Outcome run(StepScenario scenario, std::uint64_t iterations = 1)
    {
        return run(project(std::move(scenario)), iterations);
    }

    TargetServer m_target;
    QTemporaryDir m_dir;
};

void TestStepScenario::initTestCase()
{
    QVERIFY(m_target.start("127.0.0.1", 0));
    QVERIFY(m_dir.isValid());
}

Project TestStepScenario::project(StepScenario scenario) const
{
    Project project;
    project.name = "steps";
    project.inlineScenario = std::move(scenario);
    project.http.baseUrl = m_target.baseUrl();
    project.profile = *RampProfile::parse("1,1,0,60");
    project.workers = 1;
    project.gracefulStopSeconds = 5;
    project.path = m_dir.filePath("project.yaml").toStdString();
    return project;
}

Outcome TestStepScenario::run(const Project &project, std::uint64_t iterations,
                              const Parameters &overrides)
{
    Outcome outcome;
    std::mutex mutex;
    auto prepared = prepareRun(project, overrides, {}, [&](const StepEvent &event) {
        std::lock_guard lock(mutex);
        outcome.events.push_back(event);
    });
    if (!prepared) {
        qWarning("%s", prepared.error().toString().c_str());
        return outcome;
    }
    prepared->config.iterationsPerVuser = iterations;
    prepared->config.reportIntervalSeconds = 0.2;
    Run run(std::move(prepared->config));
    if (!run.start())
        return outcome;
    outcome.final = run.wait();
    return outcome;
}

void TestStepScenario::formLoginWithACsrfTokenAndASessionCookie()
{
    StepScenario scenario;
    Step login = request("GET", "/login");
    login.request.checks = {statusIs(200)};
    login.request.extractions = {
        extract("csrf", Extraction::Source::Between, "name=\"csrf\" value=\"", "\"")};
    Step post = request("POST", "/login");
    post.request.form = {{"csrf", "${csrf}"}, {"user", "ann"}, {"password", "secret"}};
    post.request.checks = {statusIs(200), jsonCheck("/message", Check::Op::Equals, "welcome")};
    Step products = request("GET", "/products");
    products.request.checks = {jsonCheck("/count", Check::Op::Greater, "0")};
    products.request.extractions = {extract("product", Extraction::Source::Json, "/products/1/id"),
                                    extract("session", Extraction::Source::Cookie, "session")};
    Step cart = request("POST", "/cart");
    cart.request.form = {{"product", "${product}"}, {"quantity", "2"}};
    cart.request.checks = {statusIs(200)};
    Step checkout = request("POST", "/checkout");
    checkout.request.checks = {jsonCheck("/order_id", Check::Op::Matches, "^ORD-[0-9]+$"),
                               jsonCheck("/user", Check::Op::Equals, "ann")};
    scenario.init = {login, post};
    scenario.steps = {products, cart, checkout};

    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    const Counters &total = outcome.final->total;
    QCOMPARE(total.requests, 2u + 3u * 2u);
    QCOMPARE(total.requestErrors, 0u);
    QCOMPARE(total.checksFailed, 0u);
    // 4 in init + (1 + 2 + 1 + 2) checks and extractions per iteration, twice.
    QCOMPARE(total.checksPassed, 4u + 6u * 2u);
    QCOMPARE(total.iterations, 2u);
    QCOMPARE(total.iterationsFailed, 0u);

    const auto extractions = outcome.of(StepEvent::Kind::Extraction);
    QCOMPARE(extractions.size(), std::size_t(1 + 2 * 2));
    QCOMPARE(extractions[0]->name, std::string("csrf"));
    QCOMPARE(extractions[0]->message.size(), std::size_t(32)); // the target's token
    QCOMPARE(extractions[1]->message, std::string("2"));       // the second product's id
    QVERIFY(!extractions[2]->message.empty());                 // the session cookie
    // The request carried exactly the token the form held.
    const auto requests = outcome.of(StepEvent::Kind::Request);
    QCOMPARE(requests[1]->request.body,
             "csrf=" + extractions[0]->message + "&user=ann&password=secret");
}

void TestStepScenario::restFlowWithABearerTokenAndJsonBodies()
{
    StepScenario scenario;
    Step token = request("POST", "/api/token");
    token.request.json = nlohmann::ordered_json{{"user", "${user}"}, {"password", "secret"}};
    token.request.extractions = {extract("token", Extraction::Source::Json, "/access_token")};
    Step order = request("POST", "/api/orders");
    order.request.headers = {{"Authorization", "Bearer ${token}"}};
    order.request.json = nlohmann::ordered_json{{"product", 3}, {"quantity", 2}};
    order.request.expectMin = order.request.expectMax = 201;
    order.request.checks = {statusIs(201)};
    order.request.extractions = {extract("order", Extraction::Source::Json, "/id")};
    Step fetch = request("GET", "/api/orders/${order}");
    fetch.request.headers = {{"Authorization", "Bearer ${token}"}};
    fetch.request.checks = {jsonCheck("/quantity", Check::Op::Equals, "2.0"),
                            jsonCheck("/id", Check::Op::Equals, "${order}")};
    Step cancel = request("DELETE", "/api/orders/${order}");
    cancel.request.headers = {{"Authorization", "Bearer ${token}"}};
    cancel.request.checks = {jsonCheck("/status", Check::Op::Equals, "cancelled")};
    scenario.parameters = {{"user", "bob"}};
    scenario.init = {token};
    scenario.steps = {order, fetch, cancel};

    const Outcome outcome = run(scenario, 3);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.requests, 1u + 3u * 3u);
    QCOMPARE(outcome.final->total.requestErrors, 0u);
    QCOMPARE(outcome.final->total.checksFailed, 0u);
    const auto requests = outcome.of(StepEvent::Kind::Request);
    QCOMPARE(requests[0]->request.body, std::string(R"({"user":"bob","password":"secret"})"));
    QCOMPARE(requests[1]->request.body, std::string(R"({"product":3,"quantity":2})"));
    QCOMPARE(requests[1]->response.status, 201L);
}

void TestStepScenario::templatesRenderExactly()
{
    qputenv("LW_STEPS_TEST_ENV", "from env");
    StepScenario scenario;
    scenario.parameters = {{"greeting", "hello world"}};
    scenario.variables = {{"plain", "a&b=c d/é"}};
    Step echo = request("GET", "/anything");
    echo.request.query = {{"vuser", "${vuser_id}"},
                          {"iteration", "${ iteration }"},
                          {"dice", "${random_int(3,5)}"},
                          {"uuid", "${uuid}"},
                          {"word", "${random_string(12)}"},
                          {"literal", "$${not a template}"},
                          {"param", "${greeting}"},
                          {"env", "${env.LW_STEPS_TEST_ENV}"},
                          {"b64", "${plain|base64}"},
                          {"unix", "${unix}"},
                          {"iso", "${iso_time}"}};
    echo.request.method = "POST";
    echo.request.body = "${plain|url} [${plain}]";
    scenario.steps = {echo};

    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.requestErrors, 0u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto body = outcome.echo(i);
        const auto &args = body["args"];
        QCOMPARE(args["vuser"], "1");
        QCOMPARE(args["iteration"], std::to_string(i));
        const int dice = std::stoi(args["dice"].get<std::string>());
        QVERIFY(dice >= 3 && dice <= 5);
        QVERIFY(
            std::regex_match(args["uuid"].get<std::string>(),
                             std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                        "[0-9a-f]{12}")));
        QVERIFY(std::regex_match(args["word"].get<std::string>(), std::regex("[A-Za-z0-9]{12}")));
        QCOMPARE(args["literal"], "${not a template}");
        QCOMPARE(args["param"], "hello world");
        QCOMPARE(args["env"], "from env");
        QCOMPARE(args["b64"], "YSZiPWMgZC/DqQ==");
        QVERIFY(std::regex_match(args["unix"].get<std::string>(), std::regex("1[0-9]{9}")));
        QVERIFY(std::regex_match(args["iso"].get<std::string>(),
                                 std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T.*Z")));
        QCOMPARE(body["body"], "a%26b%3Dc%20d%2F%C3%A9 [a&b=c d/é]");
    }
}

void TestStepScenario::uuidsAreUniqueAcrossVusers()
{
    // Vusers' random streams used to be each other's shifted copies: vuser 1's second uuid was
    // vuser 2's first.
    StepScenario scenario;
    Step echo = request("GET", "/anything");
    echo.request.query = {{"uuid", "${uuid}"}, {"n", "${random_int(1,1000000000)}"}};
    scenario.steps = {echo};
    Project p = project(std::move(scenario));
    p.profile = *RampProfile::parse("20,1,0,60");
    const Outcome outcome = run(p, 5);
    QVERIFY(outcome.final);
    const auto requests = outcome.of(StepEvent::Kind::Request);
    QCOMPARE(requests.size(), std::size_t(100));
    std::set<std::string> uuids, numbers;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto args = outcome.echo(i)["args"];
        uuids.insert(args["uuid"].get<std::string>());
        numbers.insert(args["n"].get<std::string>());
    }
    QCOMPARE(uuids.size(), std::size_t(100));
    QVERIFY(numbers.size() >= 99); // a billion values: a repeat is a one-in-200 000 chance
}

void TestStepScenario::jsonBodiesEscapeWhatTheyInsert()
{
    StepScenario scenario;
    scenario.variables = {{"tricky", "quote \" backslash \\ newline \n tab \t $${x}"}};
    Step post = request("POST", "/anything");
    post.request.json = nlohmann::ordered_json{{"text", "<${tricky}>"},
                                               {"${tricky}", {1, "two", nullptr, true}},
                                               {"nested", {{"deep", "${vuser_id}"}}}};
    scenario.steps = {post};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    const auto body = outcome.echo(0);
    const std::string tricky = "quote \" backslash \\ newline \n tab \t ${x}";
    QCOMPARE(body["json"]["text"], "<" + tricky + ">");
    QCOMPARE(body["json"][tricky], nlohmann::json({1, "two", nullptr, true}));
    QCOMPARE(body["json"]["nested"]["deep"], "1");
    QCOMPARE(body["headers"]["Content-Type"], "application/json");
}

void TestStepScenario::aPlainTemplateIsANumberOnlyWhenADoubleHoldsIt()
{
    // `big: ${big}` with big = 1e999 was sent as the number 1e999, which JSON parsers (the
    // target's too) refuse: the whole body became unreadable. Beyond a double it is a string.
    StepScenario scenario;
    scenario.variables = {{"big", "1e999"}, {"tiny", "-1e-999"}, {"ok", "-12.5e3"}};
    Step post = request("POST", "/anything");
    post.request.json =
        nlohmann::ordered_json{{"big", Loadwizard::Steps::plainTemplate("${big}")},
                               {"ok", Loadwizard::Steps::plainTemplate("${ok}")},
                               {"tiny", Loadwizard::Steps::plainTemplate("${tiny}")}};
    scenario.steps = {post};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    const auto body = outcome.echo(0);
    QCOMPARE(body["json"], nlohmann::json({{"big", "1e999"}, {"ok", -12500.0}, {"tiny", -0.0}}));
}

void TestStepScenario::checksPassAndFailAsWritten()
{
    StepScenario scenario;
    Step get = request("GET", "/anything?x=5");
    Check header;
    header.subject = Check::Subject::Header;
    header.target = "content-type";
    header.op = Check::Op::Contains;
    header.value = "json";
    Check missingHeader = header;
    missingHeader.target = "X-Nothing";
    missingHeader.op = Check::Op::Missing;
    Check body;
    body.subject = Check::Subject::Body;
    body.op = Check::Op::Contains;
    body.value = "\"x\": \"5\"";
    Check wrong = statusIs(404);
    wrong.name = "deliberately wrong";
    Check duration;
    duration.subject = Check::Subject::Duration;
    duration.value = "30";
    Check many = statusIs(201);
    many.statuses = {201, 200};
    get.request.checks = {statusIs(200),
                          many,
                          header,
                          missingHeader,
                          body,
                          jsonCheck("/args/x", Check::Op::Equals, "5"),
                          jsonCheck("/args/x", Check::Op::GreaterOrEqual, "5"),
                          jsonCheck("/args/x", Check::Op::Less, "10"),
                          jsonCheck("/args/y", Check::Op::Missing),
                          jsonCheck("/args", Check::Op::Exists),
                          duration,
                          wrong,
                          jsonCheck("/args/x", Check::Op::Greater, "5")};
    scenario.steps = {get};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.checksPassed, 11u);
    QCOMPARE(outcome.final->total.checksFailed, 2u);
    const auto &checks = outcome.final->checks;
    QCOMPARE(checks.at("deliberately wrong").fails, 1u);
    QCOMPARE(checks.at("json /args/x > 5").fails, 1u);
    QCOMPARE(checks.at("status is 201 or 200").passes, 1u);
    QCOMPARE(checks.at("header content-type contains json").passes, 1u);
    const auto events = outcome.of(StepEvent::Kind::Check);
    QCOMPARE(events.size(), std::size_t(13));
    QCOMPARE(events[11]->message, std::string("200")); // what was seen
}

void TestStepScenario::aRegexOnMoreThanOneMebibyteSaysSo()
{
    // std::regex searches at most 1 MiB (Detail::maxRegexBytes). A bigger body failed
    // `body_matches: x` with no reason, and `if: ... matches:` silently took its else branch.
    StepScenario scenario;
    Step get = request("GET", "/bytes/1100000");
    Check matches;
    matches.subject = Check::Subject::Body;
    matches.op = Check::Op::Matches;
    matches.value = "x";
    get.request.checks = {matches};
    Step branch = group(Step::Kind::If, "${random_string(1000000)}${random_string(100000)}",
                        {simple(Step::Kind::Log, "then")});
    branch.condition = Step::Condition::Matches;
    branch.value = "a";
    branch.elseSteps = {simple(Step::Kind::Log, "else")};
    scenario.steps = {get, branch};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.checksFailed, 1u);
    QCOMPARE(outcome.final->total.iterationsFailed, 1u);
    QVERIFY(outcome.of(StepEvent::Kind::Log).empty());
    const auto checks = outcome.of(StepEvent::Kind::Check);
    QCOMPARE(checks.size(), std::size_t(1));
    QVERIFY2(checks[0]->message.find("at most 1 MiB") != std::string::npos,
             checks[0]->message.c_str());
    const auto failures = outcome.of(StepEvent::Kind::Failure);
    QCOMPARE(failures.size(), std::size_t(1));
    QVERIFY2(failures[0]->message.find("steps[1]: ") == 0 &&
                 failures[0]->message.find("at most 1 MiB") != std::string::npos,
             failures[0]->message.c_str());
}

void TestStepScenario::aFailedExtractionIsAFailedCheckOrItsDefault()
{
    StepScenario scenario;
    Step get = request("GET", "/anything");
    Extraction withDefault = extract("coupon", Extraction::Source::Json, "/nothing");
    withDefault.defaultValue = "none";
    get.request.extractions = {
        extract("missing", Extraction::Source::Regex, "id=(\\d+)"), withDefault,
        extract("method", Extraction::Source::Regex, "\"method\":\\s*\"([A-Z]+)\"")};
    Step log = simple(Step::Kind::Log, "coupon=${coupon} method=${method}");
    scenario.steps = {get, log};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->checks.at("extract missing").fails, 1u);
    QCOMPARE(outcome.final->checks.at("extract method").passes, 1u);
    QVERIFY(!outcome.final->checks.contains("extract coupon"));
    const auto logs = outcome.of(StepEvent::Kind::Log);
    QCOMPARE(logs.size(), std::size_t(1));
    QCOMPARE(logs[0]->message, std::string("coupon=none method=GET"));
}

void TestStepScenario::anUnsetVariableFailsTheIterationNamingIt()
{
    StepScenario scenario;
    Step get = request("GET", "/anything");
    get.request.extractions = {extract("token", Extraction::Source::Json, "/no/such")};
    Step use = request("GET", "/anything/${token}");
    scenario.steps = {get, use};
    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.iterations, 2u);
    QCOMPARE(outcome.final->total.iterationsFailed, 2u);
    QCOMPARE(outcome.final->total.requests, 2u); // the second request is never sent
    const auto failures = outcome.of(StepEvent::Kind::Failure);
    QCOMPARE(failures.size(), std::size_t(2));
    // The summary's most frequent messages have it, even from a run shorter than one report.
    QCOMPARE(outcome.final->topErrors.size(), std::size_t(1));
    QCOMPARE(outcome.final->topErrors[0].count, 2u);
    QVERIFY(outcome.final->topErrors[0].message.find("\"token\"") != std::string::npos);
    QVERIFY2(failures[0]->message.find("steps[1]") != std::string::npos &&
                 failures[0]->message.find("\"token\" has no value") != std::string::npos,
             failures[0]->message.c_str());
}

void TestStepScenario::aTextGrowingPastTheLimitFailsTheIteration()
{
    // `set: {v: "${v}${v}"}` 40 times would need a terabyte: it stops at 16 MiB.
    StepScenario scenario;
    scenario.variables = {{"v", "x"}};
    Step twice;
    twice.kind = Step::Kind::Set;
    twice.assignments = {{"v", "${v}${v}"}};
    scenario.steps = {group(Step::Kind::Repeat, "40", {twice}), simple(Step::Kind::Log, "never")};
    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.iterations, 2u);
    QCOMPARE(outcome.final->total.iterationsFailed, 2u);
    QVERIFY(outcome.of(StepEvent::Kind::Log).empty());
    const auto failures = outcome.of(StepEvent::Kind::Failure);
    QCOMPARE(failures.size(), std::size_t(2));
    QVERIFY2(failures[0]->message.find("steps[0].steps[0]") != std::string::npos &&
                 failures[0]->message.find("past 16 MiB") != std::string::npos,
             failures[0]->message.c_str());
}

void TestStepScenario::controlFlow()
{
    StepScenario scenario;
    scenario.variables = {{"count", "0"}, {"mode", "fast"}};
    Step bump;
    bump.kind = Step::Kind::Set;
    bump.assignments = {{"seen", "${mode}-${iteration}"}};
    Step counted = request("GET", "/anything/repeat");
    Step repeat = group(Step::Kind::Repeat, "3", {counted, bump});
    Step branch = group(Step::Kind::If, "${mode}", {simple(Step::Kind::Log, "then ${seen}")});
    branch.condition = Step::Condition::Equals;
    branch.value = "fast";
    branch.elseSteps = {simple(Step::Kind::Log, "else")};
    Step other = branch;
    other.condition = Step::Condition::Matches;
    other.value = "^slow";
    other.steps = {simple(Step::Kind::Log, "never")};
    other.elseSteps = {simple(Step::Kind::Log, "else ${count}")};
    Step truthy = group(Step::Kind::If, "${count}", {simple(Step::Kind::Log, "zero is true?")});
    Step think = simple(Step::Kind::Think, {}, 0.01);
    think.maxSeconds = 0.02;
    Step pace = simple(Step::Kind::Pace, {}, 0.05);
    scenario.steps = {repeat, branch, other, truthy, think, pace};

    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.requests, 6u);
    QCOMPARE(outcome.final->total.iterationsFailed, 0u);
    std::vector<std::string> lines;
    for (const auto *event : outcome.of(StepEvent::Kind::Log))
        lines.push_back(event->message);
    QCOMPARE(lines, (std::vector<std::string>{"then fast-0", "else 0", "then fast-1", "else 0"}));
    const auto waits = outcome.of(StepEvent::Kind::Think);
    QCOMPARE(waits.size(), std::size_t(4));
    QVERIFY(waits[0]->seconds >= 0.01 && waits[0]->seconds <= 0.02);
    QCOMPARE(waits[1]->name, std::string("pace"));
    // Nothing left to wait when a loaded machine took 50 ms for the steps before the pace.
    QVERIFY(waits[1]->seconds >= 0 && waits[1]->seconds <= 0.05);
}

void TestStepScenario::transactionsAreCounted()
{
    StepScenario scenario;
    Step ok = request("GET", "/health");
    ok.request.checks = {statusIs(200)};
    Step bad = request("GET", "/status/500");
    scenario.steps = {group(Step::Kind::Transaction, "browse", {ok, ok}),
                      group(Step::Kind::Transaction, "broken", {ok, bad})};
    const Outcome outcome = run(scenario, 3);
    QVERIFY(outcome.final);
    const auto &transactions = outcome.final->transactionsTotal;
    QCOMPARE(transactions.at("browse").count, 3u);
    QCOMPARE(transactions.at("browse").errors, 0u);
    QCOMPARE(transactions.at("broken").count, 3u);
    QCOMPARE(transactions.at("broken").errors, 3u);
    QCOMPARE(outcome.of(StepEvent::Kind::TransactionBegin).size(), std::size_t(6));
}

void TestStepScenario::dataFeederColumnsOneRowPerIteration()
{
    const QString csv = m_dir.filePath("users.csv");
    {
        std::ofstream out(csv.toStdString());
        out << "name,password\nann,a1\nbob,b2\ncid,c3\n";
    }
    StepScenario scenario;
    Step post = request("POST", "/anything");
    post.request.form = {{"user", "${users.name}"}, {"again", "${users.name}:${users.password}"}};
    scenario.steps = {post};
    Project p = project(scenario);
    DataSourceSettings users;
    users.name = "users";
    users.file = csv.toStdString();
    p.data = {users};
    const Outcome outcome = run(p, 4);
    QVERIFY(outcome.final);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"ann", "ann:a1"}, {"bob", "bob:b2"}, {"cid", "cid:c3"}, {"ann", "ann:a1"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto form = outcome.echo(i)["form"];
        QCOMPARE(form["user"], expected[i].first);
        QCOMPARE(form["again"], expected[i].second);
    }
}

void TestStepScenario::compileErrorsNameTheStepAndField_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown variable") << 0 << "steps[1].request"
                                      << "no variable, parameter or built-in \"tokn\" (did you "
                                         "mean \"token\"?)";
    QTest::newRow("unknown feeder") << 1 << "steps[0].query.u"
                                    << "no data feeder \"users\"";
    QTest::newRow("bad regex") << 2 << "steps[0].extract[0].regex"
                               << "bad regular expression";
    QTest::newRow("parameter clash") << 3 << "steps[0].extract[0].var"
                                     << "is a parameter of this scenario";
    QTest::newRow("bad pointer") << 4 << "steps[0].checks[0].json"
                                 << "is not a JSON pointer";
    QTest::newRow("unclosed template") << 5 << "steps[0].request"
                                       << "is not closed by \"}\"";
    QTest::newRow("unknown filter") << 6 << "steps[0].request"
                                    << "unknown filter \"lower\"";
    QTest::newRow("missing env") << 7 << "steps[0].request"
                                 << "environment variable LW_SURELY_NOT_SET";
    QTest::newRow("templated transaction") << 8 << "steps[0].transaction"
                                           << "cannot hold a template";
    QTest::newRow("two bodies") << 9 << "steps[0]"
                                << "give one body";
    QTest::newRow("bad repeat") << 10 << "steps[0].repeat"
                                << "is not a count";
    QTest::newRow("built-in name") << 11 << "steps[0].set.uuid"
                                   << "is a built-in name";
    QTest::newRow("regex group") << 12 << "steps[0].extract[0].group"
                                 << "has 1 groups, not 2";
    QTest::newRow("missing file") << 13 << "steps[0].files[0].path"
                                  << "cannot read";
    QTest::newRow("nothing to run") << 14 << "steps"
                                    << "no steps to run";
}

void TestStepScenario::compileErrorsNameTheStepAndField()
{
    QFETCH(int, which);
    QFETCH(QString, field);
    QFETCH(QString, message);
    StepScenario scenario;
    scenario.parameters = {{"user", "x"}};
    Step first = request("GET", "/a");
    first.at = {7, 5};
    switch (which) {
    case 0:
        first.request.extractions = {extract("token", Extraction::Source::Json, "/t")};
        scenario.steps = {first, request("GET", "/b/${tokn}")};
        scenario.steps[1].at = {7, 5};
        break;
    case 1:
        first.request.query = {{"u", "${users.name}"}};
        break;
    case 2:
        first.request.extractions = {extract("x", Extraction::Source::Regex, "(unclosed")};
        first.request.extractions[0].at = {7, 5};
        break;
    case 3:
        first.request.extractions = {extract("user", Extraction::Source::Json, "/u")};
        first.request.extractions[0].at = {7, 5};
        break;
    case 4:
        first.request.checks = {jsonCheck("no-slash", Check::Op::Exists)};
        first.request.checks[0].at = {7, 5};
        break;
    case 5:
        first.request.url = "/a/${open";
        break;
    case 6:
        first.request.url = "/a/${user|lower}";
        break;
    case 7:
        first.request.url = "/a/${env.LW_SURELY_NOT_SET}";
        break;
    case 8:
        first = group(Step::Kind::Transaction, "t-${vuser_id}", {request("GET", "/")});
        first.at = {7, 5};
        break;
    case 9:
        first.request.body = "x";
        first.request.form = {{"a", "b"}};
        break;
    case 10:
        first = group(Step::Kind::Repeat, "three", {request("GET", "/")});
        first.at = {7, 5};
        break;
    case 11:
        first = Step{};
        first.kind = Step::Kind::Set;
        first.assignments = {{"uuid", "x"}};
        first.at = {7, 5};
        break;
    case 12:
        first.request.extractions = {extract("x", Extraction::Source::Regex, "(a)")};
        first.request.extractions[0].group = 2;
        first.request.extractions[0].at = {7, 5};
        break;
    case 13:
        first.request.files = {{"upload", "no/such/file.bin", {}, {}}};
        break;
    case 14:
        first.disabled = true;
        break;
    }
    if (scenario.steps.empty())
        scenario.steps = {first};
    Project p = project(scenario);
    auto prepared = prepareRun(p);
    QVERIFY(!prepared);
    const Error &error = prepared.error();
    QCOMPARE(QString::fromStdString(error.field), field);
    QVERIFY2(QString::fromStdString(error.message).contains(message), error.message.c_str());
    QCOMPARE(error.file, p.path);
    if (which != 14) {
        QCOMPARE(error.line, 7);
        QCOMPARE(error.column, 5);
    }
}

void TestStepScenario::disabledStepsDoNotRun()
{
    StepScenario scenario;
    Step off = request("GET", "/status/500");
    off.disabled = true;
    scenario.steps = {off, request("GET", "/health")};
    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.requests, 2u);
    QCOMPARE(outcome.final->total.requestErrors, 0u);
}

void TestStepScenario::aLoopThatNeverWaitsStillStopsOnTime()
{
    // Without yielding, the worker would never see the end of the profile: the vuser would be
    // abandoned (a thread left running) instead of interrupted.
    StepScenario scenario;
    Step set;
    set.kind = Step::Kind::Set;
    set.assignments = {{"x", "${iteration}"}};
    scenario.steps = {group(Step::Kind::Repeat, "1000000000000", {set})};
    Project p = project(scenario);
    p.profile = *RampProfile::parse("1,1,0,1");
    p.gracefulStopSeconds = 0.5;
    auto prepared = prepareRun(p);
    QVERIFY2(prepared, prepared ? "" : prepared.error().toString().c_str());
    Run run(std::move(prepared->config));
    QVERIFY(run.start());
    const auto final = run.wait();
    QVERIFY(final);
    QVERIFY(!run.abandonedWorkers());
    QCOMPARE(final->total.iterationsStarted, 1u);
    QCOMPARE(final->total.iterationsInterrupted, 1u);
}

void TestStepScenario::emptyPutAndPatchSendAContentLength()
{
    // Without one the target (cpp-httplib) waits for a body, then answers 400 after 5 s.
    StepScenario scenario;
    Step put = request("PUT", "/anything");
    put.request.checks = {statusIs(200)};
    Step patch = request("PATCH", "/anything");
    patch.request.checks = {statusIs(200)};
    scenario.steps = {put, patch};
    const Outcome outcome = run(scenario);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.checksPassed, 2u);
    QCOMPARE(outcome.echo(0)["headers"]["Content-Length"], "0");
    QCOMPARE(outcome.echo(1)["method"], "PATCH");
}

void TestStepScenario::longLogLinesAreCut()
{
    StepScenario scenario;
    scenario.steps = {simple(Step::Kind::Log, "${random_string(1000000)}")};
    Project p = project(scenario);
    auto prepared = prepareRun(p);
    QVERIFY(prepared);
    prepared->config.iterationsPerVuser = 1;
    Run run(std::move(prepared->config));
    std::mutex mutex;
    std::vector<std::string> lines;
    run.addObserver([&](const std::shared_ptr<const Snapshot> &snapshot) {
        std::lock_guard lock(mutex);
        for (const auto &event : snapshot->events)
            lines.push_back(event.message);
    });
    QVERIFY(run.start());
    QVERIFY(run.wait());
    QCOMPARE(lines.size(), std::size_t(1));
    QVERIFY2(lines[0].size() < 70'000 && lines[0].ends_with("(1000000 bytes, cut)"),
             lines[0].substr(lines[0].size() - 40).c_str());
}

void TestStepScenario::onFailureEndIterationStopsAtTheFailedRequest()
{
    StepScenario scenario;
    Step login = request("POST", "/login");
    login.request.form = {{"user", "ann"}, {"password", "wrong"}};
    login.request.expectMin = 200;
    login.request.expectMax = 499; // a 401 is not a request error here: the check fails
    login.request.checks = {statusIs(200)};
    login.request.endIterationOnFailure = true;
    Step next = request("GET", "/products");
    Step ok = request("GET", "/health");
    ok.request.endIterationOnFailure = true;
    scenario.steps = {ok, login, next};
    const Outcome outcome = run(scenario, 2);
    QVERIFY(outcome.final);
    QCOMPARE(outcome.final->total.requests, 4u); // /products never
    QCOMPARE(outcome.final->total.iterationsFailed, 2u);
    const auto failures = outcome.of(StepEvent::Kind::Failure);
    QCOMPARE(failures.size(), std::size_t(2));
    QCOMPARE(failures[0]->message, std::string("steps[1]: check \"status is 200\" failed: the "
                                               "iteration ends here (on_failure: end_iteration)"));
}

QTEST_GUILESS_MAIN(TestStepScenario)
#include "tst_stepscenario.moc"
