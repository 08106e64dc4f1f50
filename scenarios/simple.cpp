// The smallest scenario: one GET per iteration. Aim it at `loadwizard target` or any server.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class SimpleScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = Loadwizard::param<std::string>(parameters, "base_url", "");
        while (!m_url.empty() && m_url.back() == '/')
            m_url.pop_back();
        if (!m_url.empty())
            m_url += '/';
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        // The parameter if given; else "/" against http.base_url or --base-url; else the
        // built-in target's usual address.
        const std::string &url = !m_url.empty() ? m_url : !vu.baseUrl().empty() ? root : fallback;
        const auto response = co_await vu.get(url, {.name = "home page"});
        vu.check("status is 200", response.status == 200);
    }

private:
    inline static const std::string root = "/";
    inline static const std::string fallback = "http://127.0.0.1:8080/";
    std::string m_url; // set once in init(), read-only while vusers run
};

constexpr std::array<lw_param, 1> parameters{{
    {"base_url", "",
     "Server to load; empty: http.base_url or --base-url, else http://127.0.0.1:8080"},
}};

} // namespace

LOADWIZARD_PLUGIN(SimpleScenario, "simple", "Simple GET",
                  "GET base_url/ in a loop and check for status 200.", parameters)
