// Exercises the SDK's request options, response helpers, cookies, parameters and vuser facts
// against the built-in target's /anything echo. Every expectation is a named check, compared
// exactly; the test asserts that each check passed and none failed.

#include <loadwizard/scenario.h>

#include <array>
#include <exception>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

using Loadwizard::Json;

bool mentions(const std::exception &e, const std::string &text)
{
    return std::string(e.what()).find(text) != std::string::npos;
}

class SdkScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_mode = parameters.at("mode");
        m_count = Loadwizard::param<int>(parameters, "count", 0);
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        if (m_mode == "throw") // before any co_await: the engine must not spin on it
            throw std::runtime_error("no such feeder, say");
        if (vu.iteration() > 0) {
            co_await vu.sleep(3600); // one iteration per vuser; the run's end interrupts this
            co_return;
        }
        if (m_mode == "nobase") {
            try {
                co_await vu.get("/health");
                vu.check("relative URL without a base fails", false);
            } catch (const std::invalid_argument &e) {
                vu.check("relative URL without a base fails", mentions(e, "needs a base URL"));
            }
            co_return;
        }

        // JSON body; relative URL against http.base_url; header lookup.
        auto r = co_await vu.post("/anything/json",
                                  {.json = {{"item", 3}, {"note", "a \"quoted\" text"}},
                                   .name = "json post",
                                   .captureHeaders = true});
        vu.check("json status", r.status == 200 && r.ok());
        vu.check("json body arrived",
                 r.json("/json") == Json{{"item", 3}, {"note", "a \"quoted\" text"}});
        vu.check("json content type", r.jsonText("/headers/Content-Type") == "application/json");
        vu.check("relative URL resolved", r.jsonText("/path") == "/anything/json");
        vu.check("header lookup ignores case", r.header("content-TYPE") == "application/json");
        vu.check("response names its request", r.name == "json post");
        vu.check("between", r.between("\"method\": \"", "\"") == "POST");
        vu.check("match", r.match(R"x("path": "([^"]+)")x") == "/anything/json");
        vu.check("betweenAll", r.betweenAll("\"item\": ", "\n").size() == 1);

        // Form, URL-encoded for the scenario.
        r = co_await vu.post("/anything/form", {.form = {{"user", "a b&c=d"}, {"pw", "ü+%"}}});
        vu.check("form fields arrived",
                 r.jsonText("/form/user") == "a b&c=d" && r.jsonText("/form/pw") == "ü+%");
        vu.check("form content type",
                 r.jsonText("/headers/Content-Type") == "application/x-www-form-urlencoded");

        // Query parameters appended to a URL that has some already.
        r = co_await vu.get("/anything/q?x=1", {.query = {{"q", "x y"}, {"n", "ä"}}});
        vu.check("query arrived", r.jsonText("/args/q") == "x y" && r.jsonText("/args/n") == "ä" &&
                                      r.jsonText("/args/x") == "1");

        // Multipart upload with a field next to the file.
        const std::string content("line one\r\n--not-a-boundary\r\n\0binary", 35);
        r = co_await vu.post("/anything/upload",
                             {.form = {{"field", "v"}},
                              .files = {{.field = "upload",
                                         .fileName = "data.bin",
                                         .content = content,
                                         .contentType = "application/x-test"}}});
        vu.check("file content arrived", r.jsonText("/files/upload/content") == content);
        vu.check("file name arrived", r.jsonText("/files/upload/filename") == "data.bin");
        vu.check("file type arrived",
                 r.jsonText("/files/upload/content_type") == "application/x-test");
        vu.check("field next to file arrived", r.jsonText("/form/field") == "v");

        // Other methods.
        r = co_await vu.put("/anything/m", {.body = "raw"});
        vu.check("put", r.jsonText("/method") == "PUT" && r.jsonText("/body") == "raw");
        r = co_await vu.patch("/anything/m", {.json = nullptr});
        vu.check("patch with json null",
                 r.jsonText("/method") == "PATCH" && r.jsonText("/body") == "null");
        r = co_await vu.del("/anything/m");
        vu.check("delete", r.jsonText("/method") == "DELETE");
        r = co_await vu.head("/health");
        vu.check("head", r.status == 200 && r.body.empty());

        // Default headers: the project's, the vuser's, and a request's own winning over both.
        vu.setDefaultHeader("X-Vuser", "v" + std::to_string(vu.id()));
        r = co_await vu.get("/anything/h");
        vu.check("project header sent", r.jsonText("/headers/X-Project") == "p");
        vu.check("vuser header sent",
                 r.jsonText("/headers/X-Vuser") == "v" + std::to_string(vu.id()));
        r = co_await vu.get("/anything/h",
                            {.headers = {{"X-Project", "mine"}, {"x-vuser", "own"}}});
        // The echo keeps each name as sent: the default was left out, not merged in.
        vu.check("request header wins", r.jsonText("/headers/X-Project") == "mine" &&
                                            r.jsonText("/headers/x-vuser") == "own" &&
                                            !r.json("/headers").contains("X-Vuser"));
        vu.setDefaultHeader("X-Vuser", "");
        r = co_await vu.get("/anything/h");
        vu.check("vuser header removed", !r.json("/headers").contains("X-Vuser"));

        // A vuser's own base URL, then back to the project's.
        const std::string projectBase = vu.baseUrl();
        vu.setBaseUrl(projectBase + "/anything/base/");
        r = co_await vu.get("sub?a=1");
        vu.check("vuser base URL", r.jsonText("/path") == "/anything/base/sub");
        vu.setBaseUrl("");
        vu.check("base URL reset", vu.baseUrl() == projectBase);

        // Extraction errors name what is missing.
        r = co_await vu.get("/anything/e");
        try {
            (void)r.json("/no/such/thing");
            vu.check("missing pointer throws", false);
        } catch (const Loadwizard::ExtractionError &e) {
            vu.check("missing pointer throws", mentions(e, "\"/no/such/thing\""));
        }
        try {
            (void)r.between("<<nowhere", ">>");
            vu.check("missing boundary throws", false);
        } catch (const Loadwizard::ExtractionError &e) {
            vu.check("missing boundary throws", mentions(e, "<<nowhere"));
        }
        r = co_await vu.get("/health");
        try {
            (void)r.json();
            vu.check("not JSON throws", false);
        } catch (const Loadwizard::ExtractionError &e) {
            vu.check("not JSON throws", mentions(e, "not JSON") && mentions(e, "ok"));
        }
        r = co_await vu.get("/bytes/64?seed=5");
        try {
            (void)r.json();
            vu.check("binary body is not JSON", false);
        } catch (const Loadwizard::ExtractionError &e) {
            vu.check("binary body is not JSON", mentions(e, "not JSON"));
        }

        // What would write headers (or a request) of its own is refused before anything is sent.
        int refused = 0;
        for (const auto &[name, value] :
             {std::pair<std::string, std::string>{"X-B", "b\r\nX-Injected: 1"},
              {"X-C: evil\r\nX-D", "c"},
              {"X-E", std::string("a\0b", 3)}}) {
            try {
                (void)co_await vu.get("/anything/h", {.headers = {{name, value}}});
            } catch (const std::invalid_argument &e) {
                refused += mentions(e, "header") ? 1 : 0;
            }
        }
        vu.check("header injection refused", refused == 3);
        try {
            (void)co_await vu.request("GET /x HTTP/1.1\r\nX:", "/anything/m");
            vu.check("method injection refused", false);
        } catch (const std::invalid_argument &e) {
            vu.check("method injection refused", mentions(e, "not an HTTP method"));
        }
        // Only HTTP: never a local file, whatever the URL says.
        r = co_await vu.get("file:///etc/hostname");
        vu.check("file URLs refused", r.status == 0 && !r.error.empty() && r.body.empty());

        // Cookies: set by the server, read, set by the scenario, cleared.
        r = co_await vu.get("/cookies/set?a=1");
        vu.check("server cookie readable", vu.cookie("a") == "1");
        vu.setCookie({.name = "b", .value = "2"});
        r = co_await vu.get("/cookies");
        vu.check("scenario cookie sent",
                 r.jsonText("/cookies/b") == "2" && r.jsonText("/cookies/a") == "1");
        vu.clearCookies();
        vu.check("jar cleared", vu.cookies().empty());
        r = co_await vu.get("/cookies");
        vu.check("no cookie after clear", r.json("/cookies").empty());

        // Parameters: typed, and an undeclared name is an error.
        vu.check("typed parameter", vu.param<int>("count", 0) == 42 && m_count == 42);
        vu.check("bool parameter", vu.param<bool>("flag", false));
        vu.check("empty parameter falls back", vu.param<double>("empty", 2.5) == 2.5);
        try {
            (void)vu.param("cuont");
            vu.check("undeclared parameter throws", false);
        } catch (const std::out_of_range &e) {
            vu.check("undeclared parameter throws", mentions(e, "\"cuont\""));
        }
        try {
            (void)vu.param<int>("mode", 0);
            vu.check("bad number throws", false);
        } catch (const std::invalid_argument &e) {
            vu.check("bad number throws", mentions(e, "mode"));
        }

        // Random helpers and vuser facts.
        const auto n = vu.randomInt(1, 3);
        vu.check("randomInt in range", n >= 1 && n <= 3);
        static const std::regex uuidShape(
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        vu.check("uuid v4", std::regex_match(vu.uuid(), uuidShape));
        vu.check("randomString", vu.randomString(16).size() == 16);
        vu.check("worker index", vu.workerIndex() >= 0 && vu.workerIndex() < 2);
        vu.check("elapsed", vu.elapsed() > 0 && vu.elapsed() < 60);
        vu.check("helpers",
                 Loadwizard::base64Decode(Loadwizard::base64Encode("ab\xff")) == "ab\xff" &&
                     Loadwizard::urlDecode(Loadwizard::urlEncode("a b/ü")) == "a b/ü");
    }

private:
    std::string m_mode;
    int m_count = 0;
};

constexpr std::array<lw_param, 4> parameters{{
    {"mode", "full",
     "full, nobase (no base URL: relative URLs must fail), throw (every iteration throws at once)"},
    {"count", "", "an integer"},
    {"flag", "", "a boolean"},
    {"empty", "", "left empty"},
}};

} // namespace

LOADWIZARD_PLUGIN(SdkScenario, "sdk", "SDK", "Tries every SDK helper once per vuser.", parameters)
