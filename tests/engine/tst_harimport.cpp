// The HAR importer (harimport.h) and correlation (correlation.h) on the three recorded fixtures
// (tests/fixtures/har, written by record.py from the built-in target) and on crafted bad input.

#include <loadwizard/cppwriter.h>
#include <loadwizard/harimport.h>
#include <loadwizard/stepsyaml.h>

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace Loadwizard;
using namespace Loadwizard::Import;
using Steps::Step;

namespace {

std::string fixture(const std::string &name)
{
    return std::string(LW_HAR_FIXTURES) + "/" + name;
}

void collect(const std::vector<Step> &steps, std::vector<const Steps::RequestStep *> &out)
{
    for (const auto &step : steps) {
        if (step.kind == Step::Kind::Request)
            out.push_back(&step.request);
        collect(step.steps, out);
    }
}

std::vector<const Steps::RequestStep *> requests(const ImportResult &result)
{
    std::vector<const Steps::RequestStep *> out;
    collect(result.scenario.steps, out);
    return out;
}

/// "transaction NAME", "think 4.4", "GET /login": the outline of a scenario.
QStringList outline(const std::vector<Step> &steps)
{
    QStringList out;
    for (const auto &step : steps) {
        if (step.kind == Step::Kind::Transaction) {
            out << QString::fromStdString("transaction " + step.text);
            for (const auto &line : outline(step.steps))
                out << "  " + line;
        } else if (step.kind == Step::Kind::Think) {
            out << QString("think %1").arg(step.seconds);
        } else if (step.kind == Step::Kind::Request) {
            out << QString::fromStdString(step.request.method + " " + step.request.url);
        }
    }
    return out;
}

Steps::Pairs pairs(std::initializer_list<std::pair<std::string, std::string>> list)
{
    return Steps::Pairs(list);
}

/// A HAR 1.2 document around `entries` (JSON text of the array).
std::string har(const std::string &entries, const std::string &pages = "[]")
{
    return R"({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "pages": )" +
           pages + R"(, "entries": )" + entries + "}}";
}

std::string entry(const std::string &method, const std::string &url, int status,
                  const std::string &responseMime, const std::string &responseText,
                  const std::string &extraRequest = "", const std::string &page = "",
                  const std::string &started = "2026-11-30T09:00:00.000Z")
{
    nlohmann::json e = {
        {"startedDateTime", started},
        {"time", 10},
        {"request",
         {{"method", method}, {"url", url}, {"httpVersion", "HTTP/1.1"}, {"headers", {}}}},
        {"response",
         {{"status", status},
          {"headers", nlohmann::json::array()},
          {"content",
           {{"size", responseText.size()}, {"mimeType", responseMime}, {"text", responseText}}}}}};
    if (!page.empty())
        e["pageref"] = page;
    if (!extraRequest.empty())
        e["request"].update(nlohmann::json::parse(extraRequest));
    return e.dump();
}

} // namespace

class TestHarImport : public QObject
{
    Q_OBJECT

private slots:
    void importsTheLoginFlowWithItsCsrfToken()
    {
        auto result = importHarFile(fixture("login.har"), {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->baseUrl, std::string("http://127.0.0.1:18471"));
        QCOMPARE(result->requests, 7);
        QCOMPARE(result->droppedStatic, 5); // 2 from the CDN, the logo, the favicon, a font
        QCOMPARE(outline(result->scenario.steps),
                 QStringList({"transaction Sign in - Loadwizard shop", "  GET /login", "think 4.4",
                              "transaction Products - Loadwizard shop", "  POST /login",
                              "  GET /products", "think 2.7",
                              "transaction French press - Loadwizard shop", "  GET /products/3",
                              "  POST /cart", "think 8", "transaction Checkout - Loadwizard shop",
                              "  POST /checkout", "  POST /logout"}));
        const auto steps = requests(*result);
        // Only what the browser would not add by itself: Host, Connection, Cookie,
        // Accept-Encoding, User-Agent, Cache-Control, Pragma, Upgrade-Insecure-Requests and the
        // sec-* headers are gone.
        QCOMPARE(
            steps[0]->headers,
            pairs({{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
                   {"Accept-Language", "en-GB,en;q=0.9"},
                   {"Referer", "http://127.0.0.1:18471/login"}}));
        // The token: between boundaries in the HTML, used in the form of the next POST.
        QCOMPARE(result->correlation.made.size(), std::size_t(1));
        const auto &csrf = result->correlation.made[0];
        QCOMPARE(csrf.variable, std::string("csrf"));
        QCOMPARE(csrf.sourceEntry, 1);
        QCOMPARE(csrf.uses, std::vector<std::string>{"entry 6 form csrf"});
        QCOMPARE(steps[0]->extractions.size(), std::size_t(1));
        const auto &extraction = steps[0]->extractions[0];
        QCOMPARE(extraction.variable, std::string("csrf"));
        QCOMPARE(extraction.source, Steps::Extraction::Source::Between);
        QCOMPARE(extraction.expression, std::string("name=\"csrf\" value=\""));
        QCOMPARE(extraction.right, std::string("\""));
        QCOMPARE(steps[1]->method, std::string("POST"));
        QCOMPARE(steps[1]->form,
                 pairs({{"csrf", "${csrf}"}, {"user", "demo"}, {"password", "secret"}}));
        // The form's own Content-Type is left to form:; the session cookie to the jar.
        for (const auto &[name, value] : steps[1]->headers) {
            QVERIFY(name != "Content-Type");
            QVERIFY(name != "Cookie");
        }
        QCOMPARE(result->correlation.skipped.size(), std::size_t(0));
        // Each request checks the status the browser saw.
        for (const auto *step : steps) {
            QCOMPARE(step->checks.size(), std::size_t(1));
            QCOMPARE(step->checks[0].statuses, std::vector<int>{200});
        }
        QCOMPARE(result->warnings,
                 std::vector<std::string>{"5 static resources left out (images, CSS, fonts, "
                                          "scripts, media; --include-static keeps them)"});
    }

    void importsTheRestFlowWithItsBearerTokenAndOrderId()
    {
        auto result = importHarFile(fixture("api.har"), {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->requests, 5);
        QCOMPARE(outline(result->scenario.steps),
                 QStringList({"transaction Loadwizard API console", "  POST /api/token",
                              "think 3.2", "transaction Orders - Loadwizard API console",
                              "  POST /api/orders", "  GET /api/orders/${order_id}", "think 5",
                              "transaction Cancel order - Loadwizard API console",
                              "  DELETE /api/orders/${order_id}", "  GET /health"}));
        const auto steps = requests(*result);
        QVERIFY(*steps[0]->json ==
                nlohmann::ordered_json({{"user", "demo"}, {"password", "secret"}}));
        QCOMPARE(steps[0]->extractions.size(), std::size_t(1));
        QCOMPARE(steps[0]->extractions[0].variable, std::string("access_token"));
        QCOMPARE(steps[0]->extractions[0].source, Steps::Extraction::Source::Json);
        QCOMPARE(steps[0]->extractions[0].expression, std::string("/access_token"));
        QCOMPARE(steps[1]->extractions.size(), std::size_t(1));
        QCOMPARE(steps[1]->extractions[0].variable, std::string("order_id"));
        QCOMPARE(steps[1]->extractions[0].expression, std::string("/id"));
        QVERIFY(*steps[1]->json == nlohmann::ordered_json({{"product", 3}, {"quantity", 2}}));
        QCOMPARE(steps[1]->checks[0].statuses, std::vector<int>{201});
        QCOMPARE(steps[1]->headers, pairs({{"Accept", "application/json"},
                                           {"Accept-Language", "en-US,en;q=0.5"},
                                           {"Authorization", "Bearer ${access_token}"},
                                           {"Origin", "http://127.0.0.1:18471"}}));
        QCOMPARE(steps[2]->headers, pairs({{"Accept", "application/json"},
                                           {"Accept-Language", "en-US,en;q=0.5"},
                                           {"Authorization", "Bearer ${access_token}"}}));
        // One metrics name for all orders, not one per order id.
        QCOMPARE(steps[2]->name, std::string("GET /api/orders/{order_id}"));
        QCOMPARE(steps[3]->name, std::string("DELETE /api/orders/{order_id}"));
        QCOMPARE(steps[1]->name, std::string());
        QCOMPARE(steps[4]->headers,
                 pairs({{"Accept", "text/plain"}, {"Accept-Language", "en-US,en;q=0.5"}}));
        QCOMPARE(result->correlation.made.size(), std::size_t(2));
        QCOMPARE(result->correlation.made[0].uses,
                 std::vector<std::string>({"entry 2 header Authorization",
                                           "entry 3 header Authorization",
                                           "entry 4 header Authorization"}));
        QCOMPARE(result->correlation.made[1].value, std::string("ORD-100002"));
        QCOMPARE(result->correlation.made[1].uses,
                 std::vector<std::string>({"entry 3 URL", "entry 4 URL"}));
        QVERIFY(result->warnings.empty());
    }

    void importsStaticAssetsFormsUploadsAndRedirects()
    {
        auto result = importHarFile(fixture("upload.har"), {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->droppedStatic, 6);
        QCOMPARE(outline(result->scenario.steps),
                 QStringList({"transaction Loadwizard target", "  GET /", "think 3.5",
                              "transaction Search - Loadwizard target", "  GET /anything/search",
                              "  GET /cookies/set", "  GET /cookies", "think 6.1",
                              "transaction Contact - Loadwizard target", "  POST /anything/contact",
                              "think 4.4", "transaction Upload - Loadwizard target",
                              "  POST /anything/upload", "  POST /anything/blob"}));
        const auto steps = requests(*result);
        QCOMPARE(steps[1]->query, pairs({{"q", "coffee mug"}, {"page", "2"}}));
        // A recorded redirect is its own step: not followed, its status checked.
        QCOMPARE(steps[2]->followRedirects, std::optional<bool>(false));
        QCOMPARE(steps[2]->checks[0].statuses, std::vector<int>{302});
        QCOMPARE(steps[3]->followRedirects, std::optional<bool>());
        QCOMPARE(steps[4]->form, pairs({{"name", "Ada Lovelace"},
                                        {"email", "ada@example.com"},
                                        {"message", "Hello! 100% interested."}}));
        QCOMPARE(steps[5]->form, pairs({{"title", "Q4 order list"}}));
        QCOMPARE(steps[5]->files, std::vector<Steps::FileField>(
                                      {{"report", "report.csv", "report.csv", "text/csv"}}));
        for (const auto &[name, value] : steps[5]->headers)
            QVERIFY2(name != "Content-Type", "the boundary is the new body's");
        QCOMPARE(steps[6]->body, std::optional<std::string>());
        QCOMPARE(result->warnings,
                 std::vector<std::string>(
                     {"entry 12: multipart file \"report.csv\" (field \"report\") is not in the "
                      "recording: put a file at \"report.csv\" next to the scenario (26 bytes "
                      "recorded)",
                      "entry 13: POST http://127.0.0.1:18471/anything/blob: binary request body "
                      "(application/octet-stream) left out",
                      "6 static resources left out (images, CSS, fonts, scripts, media; "
                      "--include-static keeps them)"}));
        QVERIFY(result->correlation.made.empty());
    }

    void writesYamlThatReadsBackEqual_data()
    {
        QTest::addColumn<QString>("har");
        QTest::newRow("login") << "login.har";
        QTest::newRow("api") << "api.har";
        QTest::newRow("upload") << "upload.har";
    }

    void writesYamlThatReadsBackEqual()
    {
        QFETCH(QString, har);
        ImportOptions options;
        options.includeStatic = true;
        auto result = importHarFile(fixture(har.toStdString()), options);
        QVERIFY(result);
        const std::string yaml = Steps::stepScenarioToYaml(result->scenario);
        std::vector<Error> warnings;
        auto read = Steps::parseStepScenario(yaml, "imported.yaml", &warnings);
        QVERIFY2(read, read ? "" : read.error().toString().c_str());
        QVERIFY(warnings.empty());
        QVERIFY2(*read == result->scenario, yaml.c_str());
    }

    void keepsStaticAssetsWhenAsked()
    {
        ImportOptions options;
        options.includeStatic = true;
        auto result = importHarFile(fixture("upload.har"), options);
        QVERIFY(result);
        QCOMPARE(result->droppedStatic, 0);
        QCOMPARE(result->requests, 13);
        const auto steps = requests(*result);
        QCOMPARE(steps[1]->url, std::string("/static/site.css"));
        QCOMPARE(steps[2]->url, std::string("/static/app.js"));
        QCOMPARE(steps[2]->query, pairs({{"v", "7"}}));
        // Another origin stays absolute.
        QCOMPARE(steps[3]->url, std::string("https://fonts.example.net/s/inter/v13/inter.woff2"));
    }

    void excludesByRegexAndMakesTheGivenOriginRelative()
    {
        ImportOptions options;
        options.exclude = "/(products|cart)";
        auto result = importHarFile(fixture("login.har"), options);
        QVERIFY(result);
        QCOMPARE(result->droppedExcluded, 3);
        QCOMPARE(result->requests, 4);

        options = {};
        options.baseUrl = "http://other.example:8080/";
        options.includeStatic = true;
        result = importHarFile(fixture("login.har"), options);
        QVERIFY(result);
        QCOMPARE(result->baseUrl, std::string("http://other.example:8080"));
        const auto steps = requests(*result);
        QCOMPARE(steps[0]->url, std::string("http://127.0.0.1:18471/login"));

        options.baseUrl = "https://CDN.example.com:443";
        result = importHarFile(fixture("login.har"), options);
        QVERIFY(result);
        QCOMPARE(requests(*result)[1]->url, std::string("/shop/1.4.2/shop.min.css"));
    }

    void rejectsBadOptions_data()
    {
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QString>("exclude");
        QTest::addColumn<QString>("message");
        QTest::newRow("base URL without scheme")
            << "127.0.0.1:8080"
            << ""
            << "--base-url: expected an http:// or https:// URL, got \"127.0.0.1:8080\"";
        QTest::newRow("ftp base URL") << "ftp://x"
                                      << ""
                                      << "--base-url: expected an http:// or https:// URL, got "
                                         "\"ftp://x\"";
        QTest::newRow("bad regex") << ""
                                   << "(unclosed"
                                   << "--exclude: not a regular expression";
    }

    void rejectsBadOptions()
    {
        QFETCH(QString, baseUrl);
        QFETCH(QString, exclude);
        QFETCH(QString, message);
        ImportOptions options;
        options.baseUrl = baseUrl.toStdString();
        options.exclude = exclude.toStdString();
        auto result = importHarFile(fixture("api.har"), options);
        QVERIFY(!result);
        QVERIFY2(QString::fromStdString(result.error().toString()).startsWith(message),
                 result.error().toString().c_str());
    }

    void rejectsFilesThatAreNoHar_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << "x.har: not a HAR file: the file is empty";
        QTest::newRow("text") << QByteArray("GET / HTTP/1.1\n")
                              << "x.har:1:1: not a HAR file: not valid JSON";
        QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11)
                                << "x.har: not a HAR file: binary data (NUL bytes)";
        QTest::newRow("not an object") << QByteArray("[1, 2]")
                                       << "x.har: log: not a HAR file: no \"log\" object at the "
                                          "top";
        QTest::newRow("no version") << QByteArray(R"({"log": {"entries": []}})")
                                    << "x.har: log.version: not a HAR file: log.version is "
                                       "missing (expected \"1.2\")";
        QTest::newRow("wrong version")
            << QByteArray(R"({"log": {"version": "2.0", "entries": []}})")
            << "x.har: log.version: HAR version \"2.0\" is not supported (1.1 or 1.2)";
        QTest::newRow("numeric version")
            << QByteArray(R"({"log": {"version": 1.2, "entries": []}})")
            << "x.har: log.version: log.version must be a text such as \"1.2\", not 1.2";
        QTest::newRow("entries not a list")
            << QByteArray(R"({"log": {"version": "1.2", "entries": {}}})")
            << "x.har: log.entries: not a HAR file: log.entries is missing or not a list";
        QTest::newRow("truncated on line 3")
            << QByteArray("{\"log\": {\"version\": \"1.2\",\n \"entries\": [\n {\"request\": "
                          "{\"method\": \"GET\", \"url\": \"http://x/")
            << "x.har:3:49: not a HAR file: not valid JSON";
    }

    void rejectsFilesThatAreNoHar()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        auto result =
            importHar(std::string_view(text.constData(), std::size_t(text.size())), "x.har", {});
        QVERIFY(!result);
        QVERIFY2(QString::fromStdString(result.error().toString()).startsWith(message),
                 result.error().toString().c_str());
    }

    void skipsEntriesItCannotUseWithAWarningEach()
    {
        const std::string text =
            har("[1, {\"time\": 3}, {\"request\": {\"url\": \"http://h/\"}}, "
                "{\"request\": {\"method\": \"GET\"}}, {\"request\": {\"method\": \"GET\", "
                "\"url\": \"ftp://h/file\"}}, " +
                entry("GET", "http://h/ok", 200, "text/plain", "fine") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->requests, 1);
        QCOMPARE(result->warnings,
                 std::vector<std::string>(
                     {"entry 1: not an object: skipped", "entry 2: no request: skipped",
                      "entry 3: no request.method: skipped", "entry 4: no request.url: skipped",
                      "entry 5: \"ftp://h/file\" is not an http(s) URL: "
                      "skipped"}));
    }

    void skipsWhatCannotBeSentAndWritesYamlThatReadsBack()
    {
        // A method that is no token, a URL with a line break, header names with a space or a
        // colon: written as they were, the YAML would not read back (or read as another request).
        const std::string text =
            har("[" + entry("GET\r\nX: y", "http://h/a", 200, "text/plain", "a") + "," +
                entry("G T", "http://h/b", 200, "text/plain", "b") + "," +
                entry("GET", "http://h/c\nd", 200, "text/plain", "c") + "," +
                entry("GET", "http://h/ok", 200, "text/plain", "ok",
                      R"({"headers": [{"name": "Bad Name", "value": "v"}, {"name": "Col:on",
                          "value": "v"}, {"name": "X-Crlf", "value": "a\r\nInjected: 1"},
                          {"name": "X-Good", "value": "fine"}]})") +
                "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->requests, 1);
        QCOMPARE(result->warnings,
                 std::vector<std::string>(
                     {"entry 1: method \"GET\\r\\nX: y\" is not an HTTP token: skipped",
                      "entry 2: method \"G T\" is not an HTTP token: skipped",
                      "entry 3: the URL holds a space or a control character: skipped",
                      "entry 4: header name \"Bad Name\" has a character HTTP does not allow: "
                      "left out",
                      "entry 4: header name \"Col:on\" has a character HTTP does not allow: "
                      "left out",
                      "entry 4: header \"X-Crlf\" has a line break or NUL in its value: left "
                      "out"}));
        const auto steps = requests(*result);
        QCOMPARE(steps.size(), std::size_t(1));
        QCOMPARE(steps[0]->headers, pairs({{"X-Good", "fine"}}));
        const std::string yaml = Steps::stepScenarioToYaml(result->scenario);
        std::vector<Error> warnings;
        auto read = Steps::parseStepScenario(yaml, "imported.yaml", &warnings);
        QVERIFY2(read, read ? "" : read.error().toString().c_str());
    }

    void warnsAboutRequestsToOtherOrigins()
    {
        // Absolute URLs of other origins are sent there whatever --base-url says: say so.
        const std::string text =
            har("[" + entry("GET", "http://127.0.0.1:9/a", 200, "text/plain", "a") + "," +
                entry("GET", "https://idp.example.com/auth", 200, "text/plain", "b") + "," +
                entry("POST", "https://api.other.example/t", 204, "text/plain", "") + "," +
                entry("GET", "https://idp.example.com/x", 200, "text/plain", "c") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        QCOMPARE(result->requests, 4);
        QCOMPARE(result->warnings,
                 std::vector<std::string>({"3 requests stay absolute: they go to "
                                           "https://idp.example.com (2), "
                                           "https://api.other.example (1) whatever the base URL "
                                           "(--exclude leaves them out)"}));
        ImportOptions options;
        options.exclude = "example";
        result = importHar(text, "x.har", options);
        QVERIFY(result);
        QCOMPARE(result->warnings, std::vector<std::string>({"3 requests left out by --exclude"}));
    }

    void refusesFilesOverTheLimitAndFoldersAndMissingFiles()
    {
        QTemporaryDir dir;
        const std::string big = dir.filePath("big.har").toStdString();
        {
            std::ofstream out(big);
        }
        std::filesystem::resize_file(big, maxHarBytes + 1); // sparse: nothing is written
        auto result = importHarFile(big, {});
        QVERIFY(!result);
        QCOMPARE(QString::fromStdString(result.error().toString()),
                 QString::fromStdString(big + ": larger than the 200 MiB a HAR file may have "
                                              "(200 MiB)"));
        result = importHarFile(dir.path().toStdString(), {});
        QVERIFY(!result);
        QCOMPARE(result.error().message, std::string("is a folder, not a HAR file"));
        result = importHarFile(dir.filePath("missing.har").toStdString(), {});
        QVERIFY(!result);
        QCOMPARE(result.error().message, std::string("cannot open: No such file or directory"));
    }

    void readsA50MegabyteRecording()
    {
        // 25 entries with 2 MB HTML bodies each: a long session saved with its content.
        std::string entries = "[";
        const std::string page = "<html>" + std::string(2'000'000, 'x') + "</html>";
        for (int i = 0; i < 25; ++i)
            entries += (i ? "," : "") +
                       entry("GET", "http://h/page/" + std::to_string(i), 200, "text/html", page);
        const std::string text = har(entries + "]");
        QVERIFY(text.size() > 50'000'000);
        auto result = importHar(text, "big.har", {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->requests, 25);
    }

    void keepsBodiesAsJsonFormOrText()
    {
        const std::string text = har(
            "[" +
            entry("POST", "http://h/json", 200, "text/plain", "",
                  "{\"postData\": {\"mimeType\": \"application/json; charset=utf-8\", \"text\": "
                  "\"{\\\"a\\\": [1, \\\"${x}\\\"]}\"}, \"headers\": [{\"name\": \"Content-Type\", "
                  "\"value\": \"application/json; charset=utf-8\"}]}") +
            "," +
            entry(
                "POST", "http://h/form", 200, "text/plain", "",
                R"({"postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a b", "value": "c&d"}]}})") +
            "," +
            entry("POST", "http://h/text", 200, "text/plain", "",
                  R"({"postData": {"mimeType": "text/xml", "text": "<a>${b}</a>"}})") +
            "," +
            entry(
                "POST", "http://h/b64", 200, "text/plain", "",
                R"({"postData": {"mimeType": "application/octet-stream", "text": "AAEC/w==", "encoding": "base64"}})") +
            "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        const auto steps = requests(*result);
        // A recorded ${ is text, not a template: written $${.
        QVERIFY(*steps[0]->json == nlohmann::ordered_json::parse(R"({"a": [1, "$${x}"]})"));
        QVERIFY(steps[0]->headers.empty());
        QCOMPARE(steps[1]->form, pairs({{"a b", "c&d"}}));
        QCOMPARE(steps[2]->body, std::optional<std::string>("<a>$${b}</a>"));
        QCOMPARE(steps[2]->headers, pairs({{"Content-Type", "text/xml"}}));
        QCOMPARE(steps[3]->body, std::optional<std::string>());
        QCOMPARE(result->warnings,
                 std::vector<std::string>({"entry 4: POST http://h/b64: binary request body "
                                           "(application/octet-stream) left out"}));
    }

    void keepsDeeplyNestedJsonAsText()
    {
        // The YAML writer and the interpreter walk JSON recursively: a hostile body stays text.
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        nlohmann::json e =
            nlohmann::json::parse(entry("POST", "http://h/deep", 200, "application/json", deep));
        e["request"]["postData"] = {{"mimeType", "application/json"}, {"text", deep}};
        const std::string text =
            har("[" + e.dump() + "," + entry("GET", "http://h/next", 200, "text/plain", "") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        const auto steps = requests(*result);
        QVERIFY(!steps[0]->json);
        QCOMPARE(steps[0]->body, std::optional<std::string>(deep));
    }

    void capsThinkTimesAndRoundsThem()
    {
        const std::string pages =
            R"([{"id": "a", "title": "A", "startedDateTime": "2026-11-30T09:00:00.000Z"},
                {"id": "b", "title": "", "startedDateTime": "2026-11-30T09:10:00.000Z"},
                {"id": "c", "title": "C", "startedDateTime": "2026-11-30T10:10:01.000+01:00"}])";
        const std::string text = har("[" +
                                         entry("GET", "http://h/1", 200, "text/plain", "", "", "a",
                                               "2026-11-30T09:00:00.000Z") +
                                         "," +
                                         entry("GET", "http://h/2", 200, "text/plain", "", "", "b",
                                               "2026-11-30T09:10:00.000Z") +
                                         "," +
                                         entry("GET", "http://h/3", 200, "text/plain", "", "", "c",
                                               "2026-11-30T10:10:01.26+01:00") +
                                         "]",
                                     pages);
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        // 10 min → 30 s (the cap); 1.26 s - 10 ms of the request → 1.3 s (in another zone).
        // A page without a title is named by its id.
        QCOMPARE(outline(result->scenario.steps),
                 QStringList({"transaction A", "  GET /1", "think 30", "transaction b", "  GET /2",
                              "think 1.3", "transaction C", "  GET /3"}));
    }

    void droppedHeaders_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("dropped");
        for (const char *name : {"Host",
                                 "connection",
                                 "Content-Length",
                                 "Accept-Encoding",
                                 "User-Agent",
                                 "Cookie",
                                 "sec-ch-ua",
                                 "Sec-Fetch-Mode",
                                 ":authority",
                                 ":path",
                                 "Upgrade-Insecure-Requests",
                                 "Cache-Control",
                                 "Pragma",
                                 "If-None-Match",
                                 "If-Modified-Since",
                                 "Priority",
                                 "DNT",
                                 "Keep-Alive",
                                 "TE",
                                 "Transfer-Encoding"})
            QTest::newRow(name) << name << true;
        for (const char *name : {"Accept", "Accept-Language", "Authorization", "Content-Type",
                                 "Referer", "Origin", "X-CSRF-Token", "X-Requested-With"})
            QTest::newRow(name) << name << false;
    }

    void droppedHeaders()
    {
        QFETCH(QString, name);
        QFETCH(bool, dropped);
        QCOMPARE(isDroppedHeader(name.toStdString()), dropped);
    }

    void staticResources_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("mime");
        QTest::addColumn<bool>("isStatic");
        QTest::newRow("png by type") << "http://h/img"
                                     << "image/png" << true;
        QTest::newRow("css by type") << "http://h/s"
                                     << "text/css; charset=utf-8" << true;
        QTest::newRow("js by type") << "http://h/s"
                                    << "application/javascript" << true;
        QTest::newRow("font by type") << "http://h/f"
                                      << "font/woff2" << true;
        QTest::newRow("video by type") << "http://h/v"
                                       << "video/mp4" << true;
        QTest::newRow("favicon by name") << "http://h/favicon.ico"
                                         << "text/html" << true;
        QTest::newRow("js by extension") << "http://h/app.js?v=1"
                                         << "" << true;
        QTest::newRow("woff2 by extension") << "http://h/x.WOFF2#a"
                                            << "" << true;
        QTest::newRow("html") << "http://h/index.html"
                              << "text/html" << false;
        QTest::newRow("json") << "http://h/api/x.json"
                              << "application/json" << false;
        QTest::newRow("dot in a folder") << "http://h/v1.css/items"
                                         << "application/json" << false;
    }

    void staticResources()
    {
        QFETCH(QString, url);
        QFETCH(QString, mime);
        QFETCH(bool, isStatic);
        RecordedExchange exchange;
        exchange.url = url.toStdString();
        exchange.responseMimeType = mime.toStdString();
        QCOMPARE(isStaticResource(exchange), isStatic);
    }

    void correlatesUrlEncodedValuesAndReportsWhatItLeavesOut()
    {
        const std::string token = "ab+c/1234567890=="; // Base64: encoded differently in a URL
        const std::string text = har(
            "[" +
            entry("GET", "http://h/start", 200, "application/json",
                  nlohmann::json({{"next", token},
                                  {"code", "X1"},
                                  {"copy", "k1"},
                                  {"a", "DUP12345678"},
                                  {"b", "DUP12345678"}})
                      .dump()) +
            "," +
            entry("GET",
                  "http://h/use/" + std::string("ab%2Bc%2F1234567890%3D%3D") +
                      "?code=X1&dup=DUP12345678",
                  200, "text/plain", "") +
            "," +
            entry("GET", "http://h/echo?mine=typed12345", 200, "text/html", "<p>typed12345</p>") +
            "," + entry("GET", "http://h/again?mine=typed12345", 200, "text/plain", "") + "," +
            entry("GET", "http://h/cookie", 200, "text/plain", "", R"({"headers": []})") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        const auto steps = requests(*result);
        QCOMPARE(steps[1]->url, std::string("/use/${next|url}"));
        QCOMPARE(steps[1]->query, pairs({{"code", "X1"}, {"dup", "${dup}"}}));
        // Twice in one response: the pointer is ambiguous, the boundaries are not.
        QCOMPARE(steps[0]->extractions.size(), std::size_t(2));
        QCOMPARE(steps[0]->extractions[0].expression, std::string("/next"));
        QCOMPARE(steps[0]->extractions[1].source, Steps::Extraction::Source::Between);
        QCOMPARE(steps[0]->extractions[1].expression, std::string("{\"a\":\""));
        QCOMPARE(steps[0]->extractions[1].right, std::string("\""));
        QCOMPARE(steps[3]->query, pairs({{"mine", "typed12345"}}));
        QCOMPARE(result->correlation.skipped.size(), std::size_t(1));
        QCOMPARE(result->correlation.skipped[0].reason,
                 std::string("sent in entry 3 before a response had it: an input, not a "
                             "server's value"));
        QCOMPARE(result->correlation.toText(),
                 std::string("correlated ${next} = \"ab+c/1234567…\" (17 characters): extract "
                             "json /next from entry 1; used in entry 2 URL\n"
                             "correlated ${dup} = \"DUP12345678\": extract between ['{\"a\":\"', "
                             "'\"'] from entry 1; used in entry 2 query dup\n"
                             "not correlated \"typed12345\" (entry 4 query mine): sent in entry 3 "
                             "before a response had it: an input, not a server's value\n"));
    }

    void reportsAValueThatTwoResponsesHold()
    {
        // The same token in the responses of entries 1 and 2: which one the server means is a
        // guess, so the report names both.
        const std::string text =
            har("[" +
                entry("GET", "http://h/a", 200, "text/html", R"(<a href="/x?t=abcdef123456789">)") +
                "," +
                entry("GET", "http://h/b", 200, "text/html", R"(<input value="abcdef123456789">)") +
                "," + entry("GET", "http://h/c?t=abcdef123456789", 200, "text/plain", "") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        QCOMPARE(result->correlation.made.size(), std::size_t(1));
        QCOMPARE(result->correlation.made[0].alsoIn, std::vector<int>({2}));
        QCOMPARE(result->correlation.toText(),
                 std::string("correlated ${t} = \"abcdef123456789\": extract between ['a "
                             "href=\"/x?t=', '\"'] from entry 1; used in entry 3 query t; also in "
                             "the response of entry 2 (ambiguous: the first is extracted, check "
                             "it is the one)\n"));
    }

    void leavesCookiesToTheJar()
    {
        nlohmann::json first =
            nlohmann::json::parse(entry("POST", "http://h/login", 200, "text/plain", "welcome"));
        first["response"]["headers"] = {
            {{"name", "Set-Cookie"}, {"value", "sid=S3ss10nT0ken99; Path=/; HttpOnly"}}};
        const std::string text =
            har("[" + first.dump() + "," +
                entry("GET", "http://h/a", 200, "text/plain", "",
                      R"({"headers": [{"name": "Cookie", "value": "sid=S3ss10nT0ken99"},
                                      {"name": "X-Session", "value": "S3ss10nT0ken99"}]})") +
                "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        QCOMPARE(requests(*result)[1]->headers, pairs({{"X-Session", "S3ss10nT0ken99"}}));
        QCOMPARE(result->correlation.toText(),
                 std::string("not correlated \"S3ss10nT0ken99\" (entry 2 header X-Session): only "
                             "in a Set-Cookie header: the vuser's cookie jar sends it\n"));
    }

    void correlatesShortIdsOnlyFromIdKeys()
    {
        const std::string text =
            har("[" +
                entry("POST", "http://h/api/items", 201, "application/json",
                      R"({"itemId": "A-77", "code": "B-88"})") +
                "," + entry("GET", "http://h/api/items/A-77", 200, "text/plain", "") + "," +
                entry("GET", "http://h/api/codes/B-88", 200, "text/plain", "") + "]");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        const auto steps = requests(*result);
        QCOMPARE(steps[1]->url, std::string("/api/items/${itemid}"));
        QCOMPARE(steps[2]->url, std::string("/api/codes/B-88"));
        QCOMPARE(result->correlation.skipped.size(), std::size_t(1));
        QCOMPARE(result->correlation.skipped[0].reason,
                 std::string("too short (4 characters) and not under a JSON key named like an "
                             "id"));
    }

    void writesCppForTheRestFlow()
    {
        auto result = importHarFile(fixture("api.har"), {});
        QVERIFY(result);
        auto cpp = stepScenarioToCpp(result->scenario, "api");
        QVERIFY2(cpp, cpp ? "" : cpp.error().toString().c_str());
        for (const char *line :
             {"        std::string access_token;\n", "        std::string order_id;\n",
              "                access_token = r.jsonText(\"/access_token\");\n",
              "                order_id = r.jsonText(\"/id\");\n",
              "                const auto r = co_await vu.request(\"GET\", "
              "std::string(\"/api/orders/\") + order_id,\n",
              "            auto transaction = vu.transaction(\"Orders - Loadwizard API "
              "console\");\n",
              "        co_await vu.think(3.2);\n",
              "                vu.check(\"status is 201\", r.status == 201);\n",
              "LOADWIZARD_PLUGIN(ImportedScenario, \"api\", \"api\",\n"})
            QVERIFY2(cpp->find(line) != std::string::npos, line);
    }

    void writesCppLiteralsWithoutTrigraphs()
    {
        // "??=" in a recorded text: the literal says "?\?=", so the compiler has no trigraph to
        // warn about (7 warnings for one recording before) and the bytes stay the same.
        const std::string text = har(
            "[" +
                entry("POST", "http://h/a", 200, "text/plain", "ok",
                      R"({"postData": {"mimeType": "text/plain", "text": "a??=b???/c"}})", "p1") +
                "]",
            R"([{"id": "p1", "title": "T??! */"}])");
        auto result = importHar(text, "x.har", {});
        QVERIFY(result);
        auto cpp = stepScenarioToCpp(result->scenario, "x");
        QVERIFY2(cpp, cpp ? "" : cpp.error().toString().c_str());
        QVERIFY2(cpp->find("??") == std::string::npos, cpp->c_str());
        QVERIFY(cpp->find(R"(.body = "a?\?=b?\?\?/c")") != std::string::npos);
        QVERIFY(cpp->find(R"(vu.transaction("T?\?! */"))") != std::string::npos);
    }

    void refusesCppForWhatItCannotWrite()
    {
        Steps::StepScenario scenario;
        Step repeat;
        repeat.kind = Step::Kind::Repeat;
        scenario.steps.push_back(repeat);
        auto cpp = stepScenarioToCpp(scenario, "x");
        QVERIFY(!cpp);
        QCOMPARE(QString::fromStdString(cpp.error().toString()),
                 QString("steps[0]: a repeat step cannot be written as C++ by the importer"));
        Step request;
        request.kind = Step::Kind::Request;
        request.request.url = "/x/${nobody}";
        scenario.steps = {request};
        cpp = stepScenarioToCpp(scenario, "x");
        QVERIFY(!cpp);
        QCOMPARE(QString::fromStdString(cpp.error().toString()),
                 QString("steps[0].url: ${nobody} is not a variable the scenario sets"));
    }
};

QTEST_GUILESS_MAIN(TestHarImport)
#include "tst_harimport.moc"
