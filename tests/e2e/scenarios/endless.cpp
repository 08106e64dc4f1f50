// A body that never ends (/endless), cut by the request timeout: what the scenario keeps is
// capped, the response says so, and the timeout fires on time.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class EndlessScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/endless";
        m_cap = std::stoull(parameters.at("cap"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        Loadwizard::Request request;
        request.url = m_url;
        request.name = "endless";
        request.timeoutSeconds = 2;
        request.maxBodyBytes = m_cap; // 0: the project's http.max_body
        const auto response = co_await vu.request(request);
        vu.check("cut by the timeout", response.status == 0 && !response.error.empty());
        vu.check("truncated", response.truncated);
        vu.check("kept no more than the cap",
                 response.body.size() == (m_cap ? m_cap : std::size_t(8) << 20));
        vu.check("timeout on time", response.seconds >= 1.9 && response.seconds < 3.5);
    }

private:
    std::string m_url;
    std::uint64_t m_cap = 0;
};

constexpr std::array<lw_param, 2> parameters{{
    {"base_url", "", "The built-in target"},
    {"cap", "0", "Request::maxBodyBytes"},
}};

} // namespace

LOADWIZARD_PLUGIN(EndlessScenario, "endless", "Endless", "A body that never ends.", parameters)
