#include <loadwizard/stepsyaml.h>
#include <loadwizard/yamlreader.h>

#include "stepsyamlfixtures.h"

#include <QtTest>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <random>

using Loadwizard::Error;
using namespace Loadwizard::Steps;
using json = nlohmann::ordered_json;

namespace {

QString describe(const Error &error)
{
    return QString::fromStdString(error.toString());
}

StepScenario parsed(const std::string &yaml, std::vector<Error> *warnings = nullptr)
{
    auto scenario = parseStepScenario(yaml, "test.yaml", warnings);
    if (!scenario)
        qFatal("%s\n%s", qPrintable(describe(scenario.error())), yaml.c_str());
    return *scenario;
}

/// Writes, reads back and compares; the text written again is the same.
bool roundTrips(const StepScenario &scenario, QString *why)
{
    const std::string yaml = stepScenarioToYaml(scenario);
    const auto again = parseStepScenario(yaml, "saved.yaml");
    if (!again) {
        *why = describe(again.error()) + '\n' + QString::fromStdString(yaml);
        return false;
    }
    if (!(*again == scenario)) {
        *why = "not equal after a round trip:\n" + QString::fromStdString(yaml);
        return false;
    }
    if (stepScenarioToYaml(*again) != yaml) {
        *why = "written differently the second time:\n" + QString::fromStdString(yaml) +
               "\n----\n" + QString::fromStdString(stepScenarioToYaml(*again));
        return false;
    }
    return true;
}

Step logStep(std::string text)
{
    Step step;
    step.kind = Step::Kind::Log;
    step.text = std::move(text);
    return step;
}

// Property test material: texts a person (or a HAR import) can put anywhere.
const std::vector<std::string> awkwardTexts = {"plain",
                                               "",
                                               "true",
                                               "123",
                                               "-1.5e3",
                                               "0x1F",
                                               ".inf",
                                               "~",
                                               "null",
                                               "${x}",
                                               "$${x}",
                                               "${a}${b}",
                                               "a: b",
                                               "- item",
                                               "#hash",
                                               "a #b",
                                               " lead",
                                               "trail ",
                                               "two\nlines",
                                               "tab\there",
                                               "quote\"s",
                                               "'single'",
                                               "ünïcødé ✓",
                                               "{braces}",
                                               "[list]",
                                               "*star",
                                               "&amp",
                                               "!bang",
                                               "%pct",
                                               "@at",
                                               "`tick",
                                               "?q",
                                               "|pipe",
                                               ">gt",
                                               "x,y",
                                               "back\\slash",
                                               "${random_int(1, 100)}",
                                               "Bearer ${token}",
                                               "http://127.0.0.1:8080/a?b=c#d",
                                               "---",
                                               "...",
                                               "'",
                                               "\"",
                                               "yes",
                                               "no",
                                               "=",
                                               "<<",
                                               "a\r\nb",
                                               "é",
                                               std::string(300, 'x'),
                                               "cr\ronly",
                                               "x \r",
                                               "\r"};

class Generator
{
public:
    explicit Generator(unsigned seed)
        : m_random(seed)
    {}

    StepScenario scenario()
    {
        StepScenario scenario;
        if (chance(2))
            scenario.name = text();
        if (chance(2))
            scenario.description = text();
        for (int i = count(3); i > 0; --i)
            scenario.parameters.emplace_back(variable(), text());
        for (int i = count(3); i > 0; --i)
            scenario.variables.emplace_back(variable(), text());
        for (int i = count(2); i > 0; --i)
            scenario.init.push_back(step(0));
        for (int i = count(6); i > 0; --i)
            scenario.steps.push_back(step(0));
        if (chance(5))
            scenario.extraKeys.emplace_back("x-extra", YAML::Dump(YAML::Load("{a: [1, b]}")));
        return scenario;
    }

private:
    bool chance(int oneIn) { return std::uniform_int_distribution<int>(1, oneIn)(m_random) == 1; }
    int count(int max) { return std::uniform_int_distribution<int>(0, max)(m_random); }
    template <typename T>
    const T &pick(const std::vector<T> &from)
    {
        return from[std::size_t(count(int(from.size()) - 1))];
    }
    std::string text() { return pick(awkwardTexts); }
    std::string nonEmpty()
    {
        std::string value = text();
        return value.empty() ? "x" : value;
    }
    std::string variable()
    {
        static const std::vector<std::string> names = {"a", "token", "_x", "Var_2", "id"};
        return pick(names) + std::to_string(m_serial++);
    }
    double seconds()
    {
        static const std::vector<double> values = {0,  0.001, 0.25, 0.5, 1,    1.5,      2,
                                                   60, 90,    3600, 0.1, 1e-6, 12345.678};
        return pick(values);
    }
    Loadwizard::Steps::Pairs pairs(bool repeat)
    {
        Loadwizard::Steps::Pairs result;
        for (int i = count(3); i > 0; --i)
            result.emplace_back(repeat && chance(3) ? std::string("same") : variable(), text());
        return result;
    }
    json jsonValue(int depth)
    {
        switch (count(depth > 2 ? 6 : 8)) {
        case 0:
            return nullptr;
        case 1:
            return chance(2);
        case 2:
            return std::int64_t(count(2000)) - 1000;
        case 3:
            return pick(std::vector<double>{0.5, -2.25, 1e300, 5.0, -0.0});
        case 4:
            return text();
        case 5:
            return plainTemplate(
                pick(std::vector<std::string>{"${qty}", "${a|url}", "${random_int(1,9)}"}));
        case 6:
            return std::uint64_t(18446744073709551615ull);
        case 7: {
            json array = json::array();
            for (int i = count(4); i > 0; --i)
                array.push_back(jsonValue(depth + 1));
            return array;
        }
        default: {
            json object = json::object();
            for (int i = count(4); i > 0; --i)
                object[text()] = jsonValue(depth + 1);
            return object;
        }
        }
    }
    Check check()
    {
        Check check;
        switch (count(4)) {
        case 0:
            check.subject = Check::Subject::Status;
            check.op = Check::Op::OneOf;
            for (int i = count(2) + 1; i > 0; --i)
                check.statuses.push_back(100 + count(499));
            break;
        case 1:
            check.subject = Check::Subject::Body;
            check.op =
                pick(std::vector{Check::Op::Contains, Check::Op::NotContains, Check::Op::Matches});
            check.value = text();
            break;
        case 2:
            check.subject = Check::Subject::Duration;
            check.op = Check::Op::Less;
            check.value = Loadwizard::Yaml::formatNumber(seconds());
            break;
        default:
            check.subject = chance(2) ? Check::Subject::Json : Check::Subject::Header;
            check.target = check.subject == Check::Subject::Json
                               ? pick(std::vector<std::string>{"/a", "", "/items/0/id", "/${x}"})
                               : nonEmpty();
            check.op = pick(std::vector{
                Check::Op::Exists, Check::Op::Missing, Check::Op::Equals, Check::Op::NotEquals,
                Check::Op::Contains, Check::Op::NotContains, Check::Op::Matches, Check::Op::Less,
                Check::Op::LessOrEqual, Check::Op::Greater, Check::Op::GreaterOrEqual});
            if (check.op != Check::Op::Exists && check.op != Check::Op::Missing)
                check.value = text();
            break;
        }
        if (chance(3))
            check.name = nonEmpty();
        return check;
    }
    Extraction extraction()
    {
        Extraction extraction;
        extraction.variable = variable();
        extraction.source = pick(std::vector{
            Extraction::Source::Json, Extraction::Source::Regex, Extraction::Source::Between,
            Extraction::Source::Header, Extraction::Source::Cookie});
        switch (extraction.source) {
        case Extraction::Source::Json:
            extraction.expression = "/a/" + std::to_string(count(9));
            break;
        case Extraction::Source::Regex:
            extraction.expression = nonEmpty();
            extraction.group = count(3);
            break;
        case Extraction::Source::Between:
            extraction.expression = text();
            extraction.right = text();
            break;
        default:
            extraction.expression = nonEmpty();
            break;
        }
        if (chance(3))
            extraction.defaultValue = text();
        return extraction;
    }
    RequestStep request()
    {
        RequestStep request;
        request.method = pick(std::vector<std::string>{"GET", "POST", "PUT", "DELETE", "PATCH"});
        request.url = pick(std::vector<std::string>{"/", "/a b", "http://127.0.0.1:8080/x?y=1",
                                                    "${base}/items/${id}", "relative"});
        if (chance(2))
            request.name = text();
        request.headers = pairs(true);
        for (auto &[name, value] : request.headers) {
            name = "X-" + name;
            if (value.find_first_of("\r\n") != std::string::npos)
                value = "v";
        }
        request.query = pairs(true);
        switch (count(4)) {
        case 0:
            request.body = text();
            break;
        case 1:
            request.json = jsonValue(0);
            break;
        case 2:
            request.form = pairs(true);
            if (chance(2))
                request.files.push_back({"upload", "data/a b.pdf", chance(2) ? "" : "r.pdf",
                                         chance(2) ? "" : "application/pdf"});
            break;
        default:
            break;
        }
        if (chance(3))
            request.timeoutSeconds = seconds();
        if (chance(3))
            request.followRedirects = chance(2);
        request.endIterationOnFailure = chance(4);
        if (chance(3)) {
            request.expectMin = 200 + count(99);
            request.expectMax = chance(2) ? request.expectMin : 399;
        }
        for (int i = count(4); i > 0; --i)
            request.checks.push_back(check());
        for (int i = count(3); i > 0; --i)
            request.extractions.push_back(extraction());
        return request;
    }
    Step step(int depth)
    {
        Step step;
        step.kind = Step::Kind(count(depth > 2 ? 1 : 8));
        if (step.kind == Step::Kind::Think)
            step.kind = pick(std::vector{Step::Kind::Think, Step::Kind::Log, Step::Kind::Set,
                                         Step::Kind::Pace, Step::Kind::Rendezvous});
        step.disabled = chance(5);
        switch (step.kind) {
        case Step::Kind::Request:
            step.request = request();
            break;
        case Step::Kind::Think:
            step.seconds = seconds();
            if (chance(2))
                step.maxSeconds = step.seconds + 1;
            break;
        case Step::Kind::Pace:
            step.seconds = seconds();
            break;
        case Step::Kind::Transaction:
        case Step::Kind::Rendezvous:
            step.text = nonEmpty();
            break;
        case Step::Kind::Repeat:
            step.text = chance(2) ? std::to_string(count(10)) : "${count}";
            break;
        case Step::Kind::If:
            step.text = nonEmpty();
            step.condition = Step::Condition(count(10));
            if (step.condition != Step::Condition::None &&
                step.condition != Step::Condition::Empty &&
                step.condition != Step::Condition::NotEmpty)
                step.value = text();
            for (int i = count(2); i > 0; --i)
                step.elseSteps.push_back(this->step(depth + 1));
            break;
        case Step::Kind::Log:
            step.text = text();
            break;
        case Step::Kind::Set:
            step.assignments = pairs(false);
            break;
        }
        if (step.kind == Step::Kind::Transaction || step.kind == Step::Kind::Repeat ||
            step.kind == Step::Kind::If) {
            for (int i = count(3); i > 0; --i)
                step.steps.push_back(this->step(depth + 1));
        }
        return step;
    }

    std::mt19937 m_random;
    int m_serial = 0;
};

} // namespace

class TestStepsYaml : public QObject
{
    Q_OBJECT

private slots:
    void readsTheSpecExample();
    void readsEveryRequestField();
    void readsEveryStepKind();
    void convertsJsonBodiesByQuoting();
    void writesPlainTemplatesUnquoted();
    void roundTripsTheSpecExamples();
    void roundTripsGeneratedScenarios();
    void roundTripsRepeatedNames();
    void roundTripsThroughANode();
    void writesABlockShape();
    void reportsWhereAnErrorIs_data();
    void reportsWhereAnErrorIs();
    void warnsAboutUnknownTopLevelKeysAndKeepsThem();
    void setsSourceSpots();
    void loadsFiftyThousandSteps();
    void refusesAliasBombs();
    void refusesAFileLargerThanTheCap();
    void loadsAFile();
    void readsANodeWithAFieldPrefix();
};

void TestStepsYaml::readsTheSpecExample()
{
    std::vector<Error> warnings;
    const StepScenario scenario = parsed(StepsYamlFixtures::specFile, &warnings);
    QVERIFY(warnings.empty());
    QCOMPARE(scenario.name, std::string("Shop"));
    QCOMPARE(scenario.description, std::string("browse, add to cart, check out"));
    QCOMPARE(scenario.parameters, (Pairs{{"product_count", "3"}}));
    QCOMPARE(scenario.variables, (Pairs{{"cart", ""}}));

    QCOMPARE(scenario.init.size(), std::size_t(1));
    const RequestStep &token = scenario.init[0].request;
    QCOMPARE(scenario.init[0].kind, Step::Kind::Request);
    QCOMPARE(token.method, std::string("POST"));
    QCOMPARE(token.url, std::string("/api/token"));
    QCOMPARE(*token.json, json({{"user", "${users.username}"}, {"password", "${users.password}"}}));
    QCOMPARE(token.extractions.size(), std::size_t(1));
    QCOMPARE(token.extractions[0].variable, std::string("token"));
    QCOMPARE(token.extractions[0].source, Extraction::Source::Json);
    QCOMPARE(token.extractions[0].expression, std::string("/token"));

    QCOMPARE(scenario.steps.size(), std::size_t(3));
    const Step &browse = scenario.steps[0];
    QCOMPARE(browse.kind, Step::Kind::Transaction);
    QCOMPARE(browse.text, std::string("browse"));
    QCOMPARE(browse.steps.size(), std::size_t(2));
    const RequestStep &products = browse.steps[0].request;
    QCOMPARE(products.method, std::string("GET"));
    QCOMPARE(products.url, std::string("/products"));
    QCOMPARE(products.checks.size(), std::size_t(2));
    QCOMPARE(products.checks[0].subject, Check::Subject::Status);
    QCOMPARE(products.checks[0].op, Check::Op::OneOf);
    QCOMPARE(products.checks[0].statuses, std::vector<int>{200});
    QCOMPARE(products.checks[1].subject, Check::Subject::Json);
    QCOMPARE(products.checks[1].op, Check::Op::Exists);
    QCOMPARE(products.checks[1].target, std::string("/0/id"));
    QCOMPARE(browse.steps[1].kind, Step::Kind::Think);
    QCOMPARE(browse.steps[1].seconds, 1.0);
    QCOMPARE(browse.steps[1].maxSeconds, 3.0);

    const RequestStep &cart = scenario.steps[1].request;
    QCOMPARE(cart.name, std::string("add to cart"));
    QCOMPARE(cart.headers, (Pairs{{"Authorization", "Bearer ${token}"}}));
    QCOMPARE(cart.form, (Pairs{{"id", "${product_id}"}, {"qty", "1"}}));
    QCOMPARE(cart.checks.size(), std::size_t(1));
    QCOMPARE(cart.checks[0].subject, Check::Subject::Body);
    QCOMPARE(cart.checks[0].op, Check::Op::Contains);
    QCOMPARE(cart.checks[0].value, std::string("added"));
    QCOMPARE(scenario.steps[2].kind, Step::Kind::Pace);
    QCOMPARE(scenario.steps[2].seconds, 10.0);
}

void TestStepsYaml::readsEveryRequestField()
{
    const StepScenario scenario = parsed(StepsYamlFixtures::specRequest);
    QCOMPARE(scenario.steps.size(), std::size_t(1));
    const RequestStep &request = scenario.steps[0].request;
    QCOMPARE(request.method, std::string("POST"));
    QCOMPARE(request.url, std::string("/api/orders"));
    QCOMPARE(request.name, std::string("create order"));
    QCOMPARE(request.headers, (Pairs{{"Authorization", "Bearer ${token}"}}));
    QCOMPARE(request.query, (Pairs{{"page", "1"}, {"q", "${term}"}}));
    QCOMPARE(*request.json, json({{"product", "${product_id}"}, {"qty", plainTemplate("${qty}")}}));
    QVERIFY(!request.body);
    QCOMPARE(request.timeoutSeconds, 10.0);
    QCOMPARE(request.followRedirects, std::optional<bool>(false));
    QCOMPARE(request.expectMin, 201);
    QCOMPARE(request.expectMax, 201);

    QCOMPARE(request.checks.size(), std::size_t(7));
    const auto &checks = request.checks;
    QCOMPARE(checks[1].value, std::string("Welcome"));
    QCOMPARE(checks[2].op, Check::Op::Exists);
    QCOMPARE(checks[3].target, std::string("/total"));
    QCOMPARE(checks[3].op, Check::Op::Greater);
    QCOMPARE(checks[3].value, std::string("0"));
    QCOMPARE(checks[4].subject, Check::Subject::Header);
    QCOMPARE(checks[4].target, std::string("Content-Type"));
    QCOMPARE(checks[4].op, Check::Op::Contains);
    QCOMPARE(checks[4].value, std::string("json"));
    QCOMPARE(checks[5].subject, Check::Subject::Duration);
    QCOMPARE(checks[5].op, Check::Op::Less);
    QCOMPARE(checks[5].value, std::string("0.5"));
    QCOMPARE(checks[6].statuses, std::vector<int>{201});
    QCOMPARE(checks[6].name, std::string("order created"));

    const auto &extract = request.extractions;
    QCOMPARE(extract.size(), std::size_t(6));
    QCOMPARE(extract[1].source, Extraction::Source::Regex);
    QCOMPARE(extract[1].expression, std::string("order-(\\d+)"));
    QCOMPARE(extract[1].group, 1);
    QCOMPARE(extract[2].source, Extraction::Source::Between);
    QCOMPARE(extract[2].expression, std::string("name=\"csrf\" value=\""));
    QCOMPARE(extract[2].right, std::string("\""));
    QCOMPARE(extract[3].source, Extraction::Source::Header);
    QCOMPARE(extract[3].expression, std::string("Location"));
    QCOMPARE(extract[4].source, Extraction::Source::Cookie);
    QCOMPARE(extract[4].expression, std::string("session"));
    QCOMPARE(extract[5].defaultValue, std::optional<std::string>("none"));
    QVERIFY(!extract[4].defaultValue);

    // The other bodies, status lists, ranges and the rest of the operators.
    const StepScenario more = parsed("steps:\n"
                                     "  - request: PUT /a\n"
                                     "    body: \"raw ${x}\"\n"
                                     "    expect_status: 200-299\n"
                                     "    follow_redirects: true\n"
                                     "    checks:\n"
                                     "      - status: [200, 201]\n"
                                     "      - body_not_contains: error\n"
                                     "      - body_matches: \"id=\\\\d+\"\n"
                                     "      - {json: /a, exists: false}\n"
                                     "      - {header: ETag, exists: true}\n"
                                     "      - {json: /n, less_or_equal: \"5\"}\n"
                                     "    extract:\n"
                                     "      - {var: whole, regex: \"a+\", group: 0}\n"
                                     "  - request: POST /upload\n"
                                     "    query: [{tag: a}, {tag: b}]\n"
                                     "    form: {title: report}\n"
                                     "    files:\n"
                                     "      - {field: upload, path: data/r.pdf, "
                                     "content_type: application/pdf, file_name: r.pdf}\n");
    const RequestStep &put = more.steps[0].request;
    QCOMPARE(put.body, std::optional<std::string>("raw ${x}"));
    QCOMPARE(put.expectMin, 200);
    QCOMPARE(put.expectMax, 299);
    QCOMPARE(put.followRedirects, std::optional<bool>(true));
    QCOMPARE(put.checks[0].statuses, (std::vector<int>{200, 201}));
    QCOMPARE(put.checks[1].op, Check::Op::NotContains);
    QCOMPARE(put.checks[2].op, Check::Op::Matches);
    QCOMPARE(put.checks[2].value, std::string("id=\\d+"));
    QCOMPARE(put.checks[3].op, Check::Op::Missing);
    QCOMPARE(put.checks[4].op, Check::Op::Exists);
    QCOMPARE(put.checks[5].op, Check::Op::LessOrEqual);
    QCOMPARE(put.extractions[0].group, 0);
    const RequestStep &upload = more.steps[1].request;
    QCOMPARE(upload.method, std::string("POST"));
    QCOMPARE(upload.query, (Pairs{{"tag", "a"}, {"tag", "b"}}));
    QCOMPARE(upload.form, (Pairs{{"title", "report"}}));
    QCOMPARE(upload.files.size(), std::size_t(1));
    QCOMPARE(upload.files[0], (FileField{"upload", "data/r.pdf", "r.pdf", "application/pdf"}));
}

void TestStepsYaml::readsEveryStepKind()
{
    const StepScenario scenario = parsed(StepsYamlFixtures::everyKind);
    const auto &steps = scenario.steps;
    QCOMPARE(steps.size(), std::size_t(10));
    QCOMPARE(steps[0].kind, Step::Kind::Request);
    QCOMPARE(steps[0].request.method, std::string("GET"));
    QCOMPARE(steps[0].request.url, std::string("/health"));
    QCOMPARE(steps[1].kind, Step::Kind::Think);
    QCOMPARE(steps[1].seconds, 2.0);
    QCOMPARE(steps[1].maxSeconds, 0.0);
    QCOMPARE(steps[2].seconds, 0.5);
    QCOMPARE(steps[2].maxSeconds, 1.5);
    QCOMPARE(steps[3].kind, Step::Kind::Pace);
    QCOMPARE(steps[3].seconds, 60.0);
    QCOMPARE(steps[4].kind, Step::Kind::Transaction);
    QCOMPARE(steps[4].text, std::string("checkout"));
    QCOMPARE(steps[4].steps, std::vector<Step>{logStep("in the transaction")});
    QCOMPARE(steps[5].kind, Step::Kind::Rendezvous);
    QCOMPARE(steps[5].text, std::string("pay"));
    QCOMPARE(steps[6].kind, Step::Kind::Repeat);
    QCOMPARE(steps[6].text, std::string("${count}"));
    QCOMPARE(steps[6].steps.size(), std::size_t(1));
    QCOMPARE(steps[6].steps[0].kind, Step::Kind::Set);
    QCOMPARE(steps[6].steps[0].assignments, (Pairs{{"a", "1"}, {"b", "${a}x"}}));
    QCOMPARE(steps[7].kind, Step::Kind::If);
    QCOMPARE(steps[7].text, std::string("${status}"));
    QCOMPARE(steps[7].condition, Step::Condition::Equals);
    QCOMPARE(steps[7].value, std::string("200"));
    QCOMPARE(steps[7].steps, std::vector<Step>{logStep("yes")});
    Step no = logStep("no");
    no.disabled = true;
    QCOMPARE(steps[7].elseSteps, std::vector<Step>{no});
    QCOMPARE(steps[8].condition, Step::Condition::Empty);
    QVERIFY(steps[8].steps.empty());
    QCOMPARE(steps[9].kind, Step::Kind::Log);
    QCOMPARE(steps[9].text, std::string("done"));
    QVERIFY(steps[9].disabled);

    // The other comparisons of if:.
    const std::pair<const char *, Step::Condition> conditions[] = {
        {"not_equals: a", Step::Condition::NotEquals},
        {"contains: a", Step::Condition::Contains},
        {"matches: a", Step::Condition::Matches},
        {"less: 1", Step::Condition::Less},
        {"less_or_equal: 1", Step::Condition::LessOrEqual},
        {"greater: 1", Step::Condition::Greater},
        {"greater_or_equal: 1", Step::Condition::GreaterOrEqual},
        {"not_empty: true", Step::Condition::NotEmpty},
        {"empty: false", Step::Condition::NotEmpty},
        {"not_empty: false", Step::Condition::Empty}};
    for (const auto &[text, condition] : conditions) {
        const auto one =
            parsed(std::string("steps:\n  - if: x\n    ") + text + "\n    steps: []\n");
        QCOMPARE(one.steps[0].condition, condition);
    }
    const auto bare = parsed("steps:\n  - if: ${x}\n    steps: [{log: a}]\n");
    QCOMPARE(bare.steps[0].condition, Step::Condition::None);
}

void TestStepsYaml::convertsJsonBodiesByQuoting()
{
    const StepScenario scenario = parsed(StepsYamlFixtures::jsonBody);
    const json &body = *scenario.steps[0].request.json;
    QCOMPARE(body.at("int"), json(12));
    QVERIFY(body.at("int").is_number_integer());
    QCOMPARE(body.at("quoted_int"), json("12"));
    QCOMPARE(body.at("negative"), json(-7));
    QCOMPARE(body.at("float"), json(1.5));
    QVERIFY(body.at("float").is_number_float());
    QCOMPARE(body.at("exponent"), json(2000.0));
    QCOMPARE(body.at("hex"), json(31));
    QCOMPARE(body.at("octal"), json(15));
    QCOMPARE(body.at("yes"), json(true));
    QCOMPARE(body.at("quoted_yes"), json("true"));
    QCOMPARE(body.at("capital"), json(false));
    QCOMPARE(body.at("none"), json(nullptr));
    QCOMPARE(body.at("tilde"), json(nullptr));
    QCOMPARE(body.at("empty"), json(nullptr));
    QCOMPARE(body.at("quoted_null"), json("null"));
    QCOMPARE(body.at("text"), json("hello"));
    QCOMPARE(body.at("template"), plainTemplate("${qty}"));
    QCOMPARE(plainTemplateText(body.at("template")), std::optional<std::string>("${qty}"));
    QCOMPARE(body.at("quoted_template"), json("${qty}"));
    QVERIFY(!plainTemplateText(body.at("quoted_template")));
    QCOMPARE(body.at("mixed"), json("a ${qty}"));
    QCOMPARE(body.at("two"), json("${a}${b}"));
    QCOMPARE(body.at("list"), json::parse(R"([1, "2", "three"])"));
    QCOMPARE(body.at("nested"), json::parse(R"({"deep": [{"x": 1}]})"));
    QCOMPARE(body.at("big"), json(18446744073709551615ull));
    QVERIFY(body.at("huge").is_number_float());
    QCOMPARE(body.size(), std::size_t(23));

    QString why;
    QVERIFY2(roundTrips(scenario, &why), qPrintable(why));
    // The whole body as one value, and a body that is one template.
    for (const char *value : {"42", "\"42\"", "[]", "{}", "null", "${body}", "'x'", "-0.0"}) {
        const auto one =
            parsed(std::string("steps:\n  - request: POST /\n    json: ") + value + '\n');
        QVERIFY2(roundTrips(one, &why), qPrintable(why));
    }
    QCOMPARE(*parsed("steps:\n  - request: POST /\n    json: ${body}\n").steps[0].request.json,
             plainTemplate("${body}"));
}

void TestStepsYaml::writesPlainTemplatesUnquoted()
{
    StepScenario scenario;
    Step step;
    step.kind = Step::Kind::Request;
    step.request.method = "POST";
    step.request.url = "/orders";
    step.request.json = json{{"qty", plainTemplate("${qty}")}, {"id", "${id}"}, {"n", "12"}};
    scenario.steps.push_back(step);
    const std::string yaml = stepScenarioToYaml(scenario);
    QVERIFY2(yaml.find("qty: ${qty}\n") != std::string::npos, yaml.c_str());
    QVERIFY2(yaml.find("id: \"${id}\"\n") != std::string::npos, yaml.c_str());
    QVERIFY2(yaml.find("n: \"12\"\n") != std::string::npos, yaml.c_str());
    QString why;
    QVERIFY2(roundTrips(scenario, &why), qPrintable(why));
}

void TestStepsYaml::roundTripsTheSpecExamples()
{
    for (const char *text : {StepsYamlFixtures::specFile, StepsYamlFixtures::specRequest,
                             StepsYamlFixtures::everyKind, StepsYamlFixtures::jsonBody}) {
        const StepScenario scenario = parsed(text);
        QString why;
        QVERIFY2(roundTrips(scenario, &why), qPrintable(why));
    }
}

void TestStepsYaml::roundTripsGeneratedScenarios()
{
    int steps = 0;
    for (unsigned seed = 1; seed <= 400; ++seed) {
        Generator generator(seed);
        const StepScenario scenario = generator.scenario();
        steps += int(scenario.steps.size() + scenario.init.size());
        QString why;
        QVERIFY2(roundTrips(scenario, &why),
                 qPrintable(QStringLiteral("seed %1: ").arg(seed) + why));
    }
    QVERIFY(steps > 1000); // the generator really made scenarios
}

void TestStepsYaml::roundTripsRepeatedNames()
{
    StepScenario scenario;
    Step step;
    step.kind = Step::Kind::Request;
    step.request.url = "/search";
    step.request.query = {{"tag", "a"}, {"page", "1"}, {"tag", "b"}};
    step.request.headers = {{"Accept", "a"}, {"Accept", "b"}};
    scenario.steps.push_back(step);
    const std::string yaml = stepScenarioToYaml(scenario);
    QVERIFY2(yaml.find("- tag: a") != std::string::npos, yaml.c_str());
    QString why;
    QVERIFY2(roundTrips(scenario, &why), qPrintable(why));
}

void TestStepsYaml::roundTripsThroughANode()
{
    StepScenario scenario = parsed(StepsYamlFixtures::jsonBody);
    scenario.steps.push_back(parsed(StepsYamlFixtures::specRequest).steps[0]);
    const YAML::Node node = stepScenarioToNode(scenario);
    QVERIFY(node.IsMap());
    QCOMPARE(node["steps"].size(), std::size_t(2));
    // Emitted from the node (quotes lost), a JSON "12" still reads back as a string.
    const std::string dumped = YAML::Dump(node);
    const auto again = parseStepScenario(dumped, "node.yaml");
    QVERIFY2(again, again ? "" : qPrintable(describe(again.error()) + '\n' + dumped.c_str()));
    QVERIFY2(*again == scenario, dumped.c_str());
    const auto read = readStepScenario(node, "node.yaml", {});
    QVERIFY2(read, read ? "" : qPrintable(describe(read.error())));
    QVERIFY(*read == scenario);
}

void TestStepsYaml::writesABlockShape()
{
    const StepScenario scenario = parsed("steps:\n"
                                         "  - request: GET /a\n"
                                         "    checks:\n"
                                         "      - status: 200\n"
                                         "      - {json: /total, greater: 0}\n"
                                         "    extract:\n"
                                         "      - {var: id, json: /id}\n"
                                         "  - think: [1s, 3s]\n"
                                         "  - transaction: t\n"
                                         "    steps:\n"
                                         "      - pace: 500ms\n"
                                         "      - rendezvous: r\n"
                                         "        disabled: true\n"
                                         "name: n\n");
    QCOMPARE(stepScenarioToYaml(scenario), std::string("name: n\n"
                                                       "steps:\n"
                                                       "  - request: GET /a\n"
                                                       "    checks:\n"
                                                       "      - status: 200\n"
                                                       "      - {json: /total, greater: 0}\n"
                                                       "    extract:\n"
                                                       "      - {var: id, json: /id}\n"
                                                       "  - think: [1s, 3s]\n"
                                                       "  - transaction: t\n"
                                                       "    steps:\n"
                                                       "      - pace: 500ms\n"
                                                       "      - rendezvous: r\n"
                                                       "        disabled: true\n"));
    QCOMPARE(stepScenarioToYaml(StepScenario{}), std::string("steps: []\n"));
}

void TestStepsYaml::reportsWhereAnErrorIs_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("problem");

    const QString request = QStringLiteral("steps:\n  - request: GET /\n");
    QTest::newRow("unknown step key") << request + "    chekcs: []\n"
                                      << 3 << 5 << "steps[0].chekcs"
                                      << "unknown key \"chekcs\" (did you mean \"checks\"?)";
    QTest::newRow("unknown check key")
        << request + "    checks:\n      - {status: 200}\n      - statsu: 200\n"
        << 5 << 9 << "steps[0].checks[1].statsu"
        << "(did you mean \"status\"?)";
    QTest::newRow("typo in the kind") << "steps:\n  - reqeust: GET /\n"
                                      << 2 << 5 << "steps[0].reqeust"
                                      << "(did you mean \"request\"?)";
    QTest::newRow("no kind") << "steps:\n  - name: x\n"
                             << 2 << 5 << "steps[0]"
                             << "this step has no kind";
    QTest::newRow("two kinds") << "steps:\n  - log: a\n    think: 1s\n"
                               << 3 << 5 << "steps[0].think"
                               << "a step has one kind, and this one has two: \"log\" and "
                                  "\"think\"";
    QTest::newRow("bad duration") << "steps:\n  - log: a\n  - pace: 10 sec\n"
                                  << 3 << 11 << "steps[1].pace"
                                  << "\"10 sec\" is not a duration";
    QTest::newRow("bad think range") << "steps:\n  - think: [3s, 1s]\n"
                                     << 2 << 17 << "steps[0].think[1]"
                                     << "below the shortest";
    QTest::newRow("think range of one") << "steps:\n  - think: [3s]\n"
                                        << 2 << 12 << "steps[0].think"
                                        << "two durations";
    QTest::newRow("bad status") << request + "    checks:\n      - status: 2000\n"
                                << 4 << 17 << "steps[0].checks[0].status"
                                << "out of range (100–599)";
    QTest::newRow("status not a number") << request + "    checks:\n      - status: [200, ok]\n"
                                         << 4 << 23 << "steps[0].checks[0].status[1]"
                                         << "\"ok\" is not a whole number";
    QTest::newRow("bad on_failure") << request + "    on_failure: stop\n"
                                    << 3 << 17 << "steps[0].on_failure"
                                    << "write end_iteration or continue";
    QTest::newRow("bad expect_status") << request + "    expect_status: 299-200\n"
                                       << 3 << 20 << "steps[0].expect_status"
                                       << "is not a status or a range";
    QTest::newRow("regex group of the wrong type")
        << request + "    extract:\n      - var: x\n        regex: a(b)\n        group: one\n"
        << 6 << 16 << "steps[0].extract[0].group"
        << "\"one\" is not a whole number";
    QTest::newRow("group without regex")
        << request + "    extract:\n      - {var: x, json: /a, group: 1}\n"
        << 4 << 35 << "steps[0].extract[0].group"
        << "group: is for regex";
    QTest::newRow("between with one element")
        << request + "    extract:\n      - {var: x, between: [a]}\n"
        << 4 << 27 << "steps[0].extract[0].between"
        << "between: takes two texts";
    QTest::newRow("extraction without var") << request + "    extract:\n      - {json: /a}\n"
                                            << 4 << 9 << "steps[0].extract[0].var"
                                            << "needs the variable";
    QTest::newRow("bad variable name") << request + "    extract:\n      - {var: a.b, json: /a}\n"
                                       << 4 << 15 << "steps[0].extract[0].var"
                                       << "is not a variable name";
    QTest::newRow("two bodies") << request + "    body: x\n    json: {a: 1}\n"
                                << 4 << 11 << "steps[0].json"
                                << "one body, and this one has two: \"body\" and \"json\"";
    QTest::newRow("files with a json body")
        << request + "    json: 1\n    files: [{field: f, path: p}]\n"
        << 4 << 12 << "steps[0].files"
        << "files are sent with form:";
    QTest::newRow("json number too large") << request + "    json: {a: 1e999}\n"
                                           << 3 << 15 << "steps[0].json.a"
                                           << "a number JSON cannot hold";
    QTest::newRow("json infinity") << request + "    json: [.inf]\n"
                                   << 3 << 12 << "steps[0].json[0]"
                                   << "a number JSON cannot hold";
    QTest::newRow("json duplicate key") << request + "    json: {a: 1, a: 2}\n"
                                        << 3 << 18 << "steps[0].json.a"
                                        << "duplicate key \"a\"";
    QTest::newRow("a method without a URL") << "steps:\n  - request: POST\n"
                                            << 2 << 14 << "steps[0].request"
                                            << "has no URL";
    QTest::newRow("bad header") << request + "    headers: {\"Bad Name\": x}\n"
                                << 3 << 14 << "steps[0].headers.Bad Name"
                                << "has a character HTTP does not allow";
    QTest::newRow("control character") << "steps:\n  - log: \"bell\\a here\"\n"
                                       << 2 << 10 << "steps[0].log"
                                       << "control character (U+0007)";
    QTest::newRow("raw control character")
        << QStringLiteral("steps:\n  - log: a") + QChar(0x01) + "b\n"
        << 2 << 10 << "steps[0].log"
        << "control character (U+0001)";
    QTest::newRow("malformed YAML") << "steps:\n  - log: [a, b\n  - log: c\n"
                                    << 3 << 8 << ""
                                    << "end of sequence flow not found";
    QTest::newRow("plain template in a flow map") << request + "    json: {id: 1, qty: ${qty}}\n"
                                                  << 3 << 25 << ""
                                                  << "an unquoted ${...} cannot stand inside {...}";
    QTest::newRow("not UTF-8") << QString::fromLatin1("steps:\n  - log: caf\xe9\n") << 2 << 10 << ""
                               << "not valid UTF-8 (a scenario file is UTF-8)";
    QTest::newRow("second document") << "steps: []\n---\nsteps: []\n"
                                     << 2 << 1 << ""
                                     << "a second YAML document";
    QTest::newRow("no steps") << "name: x\n"
                              << 1 << 1 << "steps"
                              << "a scenario needs steps:";
    QTest::newRow("steps typo") << "stpes: []\n"
                                << 1 << 1 << "stpes"
                                << "(did you mean \"steps\"?)";
    QTest::newRow("not a map") << "- log: a\n"
                               << 1 << 1 << ""
                               << "not a declarative scenario";
    QTest::newRow("steps not a list") << "steps: {log: a}\n"
                                      << 1 << 8 << "steps"
                                      << "expected a list of steps, not a map";
    QTest::newRow("transaction without steps") << "steps:\n  - transaction: t\n"
                                               << 2 << 5 << "steps[0].steps"
                                               << "needs steps:";
    QTest::newRow("two comparisons") << "steps:\n  - if: x\n    equals: a\n    contains: b\n"
                                        "    steps: []\n"
                                     << 4 << 15 << "steps[0].contains"
                                     << "compares one way";
    QTest::newRow("comparison on status")
        << request + "    checks:\n      - {status: 200, equals: 1}\n"
        << 4 << 31 << "steps[0].checks[0].equals"
        << "compares a json: or header: value";
    QTest::newRow("bad pointer") << request + "    checks:\n      - json: items.0\n"
                                 << 4 << 15 << "steps[0].checks[0].json"
                                 << "is not a JSON pointer";
    QTest::newRow("bad repeat") << "steps:\n  - repeat: many\n    steps: []\n"
                                << 2 << 13 << "steps[0].repeat"
                                << "is not a number of times";
    QTest::newRow("disabled not a boolean") << "steps:\n  - log: a\n    disabled: maybe\n"
                                            << 3 << 15 << "steps[0].disabled"
                                            << "expected true or false";
    QTest::newRow("nested error path")
        << "init: []\nsteps:\n  - transaction: t\n    steps:\n      - if: x\n        steps: []\n"
           "        else:\n          - request: GET /\n            timeout: soon\n"
        << 9 << 22 << "steps[0].steps[0].else[0].timeout"
        << "\"soon\" is not a duration";
    QTest::newRow("empty request") << "steps:\n  - request:\n    name: x\n    timeout: 1s\n"
                                   << 2 << 5 << "steps[0].request"
                                   << "the request is empty";
    QTest::newRow("empty think") << "steps:\n  - think:\n    disabled: true\n"
                                 << 2 << 5 << "steps[0].think"
                                 << "not an empty value";
    QTest::newRow("empty status") << request + "    checks:\n      - status:\n        name: x\n"
                                  << 4 << 9 << "steps[0].checks[0].status"
                                  << "not an empty value";
    QTest::newRow("empty regex") << request + "    extract:\n      - regex:\n        var: x\n"
                                 << 4 << 9 << "steps[0].extract[0].regex"
                                 << "the regular expression is empty";
    QTest::newRow("line break in a request line") << "steps:\n  - request: \"GET /a\\r\"\n"
                                                  << 2 << 14 << "steps[0].request"
                                                  << "holds a line break";
    QTest::newRow("check not a map") << request + "    checks: [200]\n"
                                     << 3 << 14 << "steps[0].checks[0]"
                                     << "expected a check";
}

void TestStepsYaml::reportsWhereAnErrorIs()
{
    QFETCH(QString, yaml);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, field);
    QFETCH(QString, problem);

    std::vector<Error> warnings;
    const QByteArray bytes =
        yaml.startsWith("steps:\n  - log: caf") ? yaml.toLatin1() : yaml.toUtf8();
    const auto scenario = parseStepScenario(bytes.toStdString(), "bad.yaml", &warnings);
    QVERIFY2(!scenario, "it loaded");
    const Error &error = scenario.error();
    const QString text = describe(error);
    QCOMPARE(QString::fromStdString(error.file), QStringLiteral("bad.yaml"));
    QVERIFY2(QString::fromStdString(error.message).contains(problem), qPrintable(text));
    QCOMPARE(QString::fromStdString(error.field), field);
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY(warnings.empty()); // only a scenario that loads hands out warnings
}

void TestStepsYaml::warnsAboutUnknownTopLevelKeysAndKeepsThem()
{
    std::vector<Error> warnings;
    const StepScenario scenario =
        parsed("name: a\nthresholds: {p95: 500ms}\nsteps: []\nx-team: [1, 2]\n", &warnings);
    QCOMPARE(warnings.size(), std::size_t(2));
    QCOMPARE(warnings[0].line, 2);
    QCOMPARE(warnings[0].field, std::string("thresholds"));
    QVERIFY(warnings[0].message.find("ignored (kept when saved)") != std::string::npos);
    QCOMPARE(scenario.extraKeys.size(), std::size_t(2));
    QCOMPARE(scenario.extraKeys[0].first, std::string("thresholds"));
    const std::string yaml = stepScenarioToYaml(scenario);
    QVERIFY2(yaml.find("thresholds: {p95: 500ms}") != std::string::npos, yaml.c_str());
    QString why;
    QVERIFY2(roundTrips(scenario, &why), qPrintable(why));
}

void TestStepsYaml::setsSourceSpots()
{
    const StepScenario scenario = parsed("steps:\n"
                                         "  - request: GET /a\n"
                                         "    checks:\n"
                                         "      - status: 200\n"
                                         "      - {json: /a}\n"
                                         "    extract:\n"
                                         "      - var: a\n"
                                         "        json: /a\n"
                                         "  - transaction: t\n"
                                         "    steps:\n"
                                         "    - log: x\n");
    const Step &request = scenario.steps[0];
    QCOMPARE(request.at.line, 2);
    QCOMPARE(request.at.column, 5);
    QCOMPARE(request.request.checks[0].at.line, 4);
    QCOMPARE(request.request.checks[0].at.column, 9);
    QCOMPARE(request.request.checks[1].at.line, 5);
    QCOMPARE(request.request.checks[1].at.column, 9);
    QCOMPARE(request.request.extractions[0].at.line, 7);
    QCOMPARE(request.request.extractions[0].at.column, 9);
    QCOMPARE(scenario.steps[1].steps[0].at.line, 11);
    QCOMPARE(scenario.steps[1].steps[0].at.column, 7);
}

void TestStepsYaml::loadsFiftyThousandSteps()
{
    std::string yaml = "steps:\n";
    for (int i = 0; i < 25000; ++i)
        yaml += "  - request: GET /items/" + std::to_string(i) +
                "\n    checks: [{status: 200}]\n  - think: 1s\n";
    const StepScenario scenario = parsed(yaml);
    QCOMPARE(scenario.steps.size(), std::size_t(50000));
    QCOMPARE(scenario.steps[49998].request.url, std::string("/items/24999"));
    QCOMPARE(scenario.steps[49998].at.line, 2 + 3 * 24999);
    QCOMPARE(scenario.steps[49999].seconds, 1.0);
    const std::string written = stepScenarioToYaml(scenario);
    QVERIFY(parseStepScenario(written, "big.yaml").value() == scenario);
}

void TestStepsYaml::refusesAliasBombs()
{
    // Each level doubles: 2^25 steps from a few lines.
    std::string yaml = "a0: &a0 {log: x}\n";
    for (int i = 1; i <= 25; ++i)
        yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " {repeat: 2, steps: [*a" +
                std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]}\n";
    yaml += "steps: [*a25]\n";
    const auto scenario = parseStepScenario(yaml, "bomb.yaml");
    QVERIFY(!scenario);
    QVERIFY2(scenario.error().message.find("aliases repeat more than 50000 steps") !=
                 std::string::npos,
             qPrintable(describe(scenario.error())));

    // An alias used the ordinary way is read like the steps it stands for.
    const StepScenario reused = parsed("init: [&login {request: POST /login, checks: [{status: "
                                       "200}]}]\nsteps: [*login, {log: a}, *login]\n");
    QCOMPARE(reused.steps.size(), std::size_t(3));
    QVERIFY(reused.steps[0] == reused.init[0]);
    QVERIFY(reused.steps[2] == reused.init[0]);
    QCOMPARE(reused.steps[2].request.checks[0].statuses, std::vector<int>{200});

    std::string json = "j0: &j0 [1, 2, 3, 4]\n";
    for (int i = 1; i <= 20; ++i)
        json += "j" + std::to_string(i) + ": &j" + std::to_string(i) + " [*j" +
                std::to_string(i - 1) + ", *j" + std::to_string(i - 1) + "]\n";
    json += "steps:\n  - request: POST /\n    json: *j20\n";
    const auto body = parseStepScenario(json, "bomb.yaml");
    QVERIFY(!body);
    QVERIFY2(body.error().message.find("aliases repeat more than 50000 values") !=
                 std::string::npos,
             qPrintable(describe(body.error())));
    QVERIFY2(body.error().field.starts_with("steps[0].json"), body.error().field.c_str());
}

void TestStepsYaml::refusesAFileLargerThanTheCap()
{
    std::string yaml = "steps: []\n# ";
    yaml.append(maxScenarioBytes, 'x');
    const auto scenario = parseStepScenario(yaml, "huge.yaml");
    QVERIFY(!scenario);
    QVERIFY(scenario.error().message.find("larger than 16 MiB") != std::string::npos);
}

void TestStepsYaml::loadsAFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("shop.yaml").toStdString();
    std::ofstream(path) << StepsYamlFixtures::specFile;
    const auto scenario = loadStepScenario(path);
    QVERIFY2(scenario, scenario ? "" : qPrintable(describe(scenario.error())));
    QVERIFY(*scenario == parsed(StepsYamlFixtures::specFile));

    const auto missing = loadStepScenario(dir.filePath("missing.yaml").toStdString());
    QVERIFY(!missing);
    QVERIFY(missing.error().message.find("cannot open") != std::string::npos);
}

void TestStepsYaml::readsANodeWithAFieldPrefix()
{
    const YAML::Node root = YAML::Load("scenario:\n  steps:\n    - log: a\n    - pace: x\n");
    const auto scenario = readStepScenario(root["scenario"], "project.yaml", "scenario");
    QVERIFY(!scenario);
    QCOMPARE(scenario.error().file, std::string("project.yaml"));
    QCOMPARE(scenario.error().field, std::string("scenario.steps[1].pace"));
    QCOMPARE(scenario.error().line, 4);
    QCOMPARE(scenario.error().column, 13);
}

QTEST_GUILESS_MAIN(TestStepsYaml)
#include "tst_stepsyaml.moc"
