// Puts a secret everywhere a scenario can: the URL's userinfo (base_url), a path segment, a query
// string, headers, a form body, a transaction and a check name, log lines (with the target's echo
// of the request, Basic authorization included) and an exception. The redaction test runs it
// with the secret in ${ENV} and looks for it in every output. With `raw`, it only requests
// base_url/anything/RAW, unnamed, RAW as given (a secret with "#" or "?" in it, a short one).

#include <loadwizard/scenario.h>

#include <array>
#include <stdexcept>
#include <string>

namespace {

class SecretsScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_base = parameters.at("base_url");
        m_token = parameters.at("token");
        m_raw = parameters.at("raw");
        if (parameters.at("refuse") == "1")
            throw std::invalid_argument("refusing base_url " + m_base);
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        if (!m_raw.empty()) {
            co_await vu.get(m_base + "/anything/" + m_raw);
            co_await vu.sleep(0.2);
            co_return;
        }
        auto session = vu.transaction("session " + m_token);

        // Basic authorization from the userinfo: the target echoes it back.
        auto echo = co_await vu.get(m_base + "/anything/basic");
        vu.log("basic echo: " + echo.body);

        Loadwizard::Request lookup;
        lookup.url = m_base + "/anything/" + m_token + "?token=" + m_token;
        lookup.headers = {{"Authorization", "Bearer " + m_token}, {"X-Api-Key", m_token}};
        auto found = co_await vu.request(lookup);
        vu.log("lookup echo: " + found.body);

        auto posted =
            co_await vu.post(m_base + "/anything/form",
                             {.headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                              .body = "token=" + m_token + "&n=1"});
        vu.log("form echo: " + posted.body);
        vu.check("echoed " + m_token, posted.body.find(m_token) == std::string::npos); // fails

        // An error line carries the URL: userinfo and query.
        co_await vu.get(m_base + "/status/500?token=" + m_token);
        co_await vu.sleep(0.2);
        if (vu.iteration() == 0)
            throw std::runtime_error("gave up on token " + m_token);
    }

private:
    std::string m_base;
    std::string m_token;
    std::string m_raw;
};

constexpr std::array<lw_param, 4> parameters{{
    {"base_url", "", "The target, with userinfo"},
    {"token", "", "The secret"},
    {"refuse", "0", "1: init() refuses, quoting base_url"},
    {"raw", "", "Only request base_url/anything/RAW, unnamed"},
}};

} // namespace

LOADWIZARD_PLUGIN(SecretsScenario, "secrets", "Secrets", "A secret in every place.", parameters)
