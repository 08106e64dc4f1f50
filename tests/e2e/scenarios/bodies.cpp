// Fetches bodies of every shape once per vuser and writes each to `out_dir`, so the test can
// compare them byte for byte with what the server sends; checks what a scenario sees of broken
// transfers and of expected and unexpected statuses.

#include <loadwizard/scenario.h>

#include <array>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Fetch
{
    const char *file;
    const char *path;
    bool gzip;
};

constexpr std::array<Fetch, 5> fetches{{
    {"health", "/health", false},
    {"anything", "/anything?x=1", false},
    {"bytes", "/bytes/5000?seed=7", false},
    {"chunked", "/stream-bytes/70000?seed=3&chunk_size=4096", false},
    {"gzip", "/", true},
}};

class BodiesScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_base = parameters.at("base_url");
        m_outDir = parameters.at("out_dir");
        m_capture = parameters.at("capture") == "1";
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        for (const Fetch &fetch : fetches) {
            Loadwizard::Request request;
            request.url = m_base + fetch.path;
            request.name = fetch.file;
            request.captureHeaders = m_capture;
            if (fetch.gzip)
                request.headers.push_back({"Accept-Encoding", "gzip"});
            const auto response = co_await vu.request(request);
            vu.check("status 200", response.status == 200 && response.ok());
            if (vu.id() == 1 && vu.iteration() == 0)
                std::ofstream(m_outDir + "/" + fetch.file + ".body", std::ios::binary)
                    << response.body;
        }
        Loadwizard::Request probe;
        probe.url = m_base + "/health";
        probe.name = "health";
        probe.captureHeaders = m_capture;
        const auto health = co_await vu.request(probe);
        vu.check("body equals ok", health.body == "ok");
        if (m_capture)
            vu.check("headers captured", health.header("content-type") == "text/plain");
        else
            vu.check("no headers unless asked", health.headers.empty());

        for (const char *path : {"/broken/short", "/broken/chunked"}) {
            const auto broken = co_await vu.get(m_base + path, {.name = path});
            vu.check("broken transfer reads status 0", broken.status == 0);
            vu.check("broken transfer is not ok", !broken.ok() && !broken.error.empty());
        }

        Loadwizard::Request expected;
        expected.url = m_base + "/status/404";
        expected.name = "expected 404";
        expected.expectedStatusMin = 200;
        expected.expectedStatusMax = 404;
        const auto accepted = co_await vu.request(expected);
        vu.check("expected 404 is ok", accepted.status == 404 && accepted.ok());
        const auto refused = co_await vu.get(m_base + "/status/404", {.name = "unexpected 404"});
        vu.check("unexpected 404 is not ok", refused.status == 404 && !refused.ok());
        co_await vu.sleep(0.2);
    }

private:
    std::string m_base;
    std::string m_outDir;
    bool m_capture = false;
};

constexpr std::array<lw_param, 3> parameters{{
    {"base_url", "", "The built-in target"},
    {"out_dir", "", "Where vuser 1 writes its first iteration's bodies"},
    {"capture", "0", "1: capture headers"},
}};

} // namespace

LOADWIZARD_PLUGIN(BodiesScenario, "bodies", "Bodies", "Fetches bodies of every shape.", parameters)
