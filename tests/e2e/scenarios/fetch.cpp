// One request to a URL given as a parameter, with an optional request timeout: the error tests
// aim it at /status/500, a closed port and /delay/2000.

#include <loadwizard/scenario.h>

#include <array>
#include <stdexcept>
#include <string>

namespace {

class FetchScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("url");
        if (m_url.empty())
            throw std::invalid_argument("url must not be empty");
        m_timeout = std::stod(parameters.at("timeout"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        Loadwizard::Request request;
        request.url = m_url;
        request.name = "fetch";
        request.timeoutSeconds = m_timeout;
        co_await vu.request(request);
        co_await vu.sleep(0.05); // a few dozen errors are enough, not a flood
    }

private:
    std::string m_url;
    double m_timeout = 0;
};

constexpr std::array<lw_param, 2> parameters{{
    {"url", "", "What to GET"},
    {"timeout", "0", "Request timeout in seconds; 0 for the project's"},
}};

} // namespace

LOADWIZARD_PLUGIN(FetchScenario, "fetch", "Fetch", "GET one URL in a loop.", parameters)
