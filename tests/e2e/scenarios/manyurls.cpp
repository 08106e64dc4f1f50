// Requests spread over `urls` distinct URLs (/bytes/N): named by default, which collapses them
// to one name, or `named=1`, each after its URL, which runs into the run's cap on names.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class ManyUrlsScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_base = parameters.at("base_url");
        m_urls = std::stoi(parameters.at("urls"));
        m_named = parameters.at("named") == "1";
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const auto n = int(vu.uniform(0, m_urls));
        Loadwizard::Request request;
        request.url = m_base + "/bytes/" + std::to_string(n);
        if (m_named)
            request.name = request.url;
        const auto response = co_await vu.request(request);
        vu.check("body as long as asked", response.body.size() == std::size_t(n));
    }

private:
    std::string m_base;
    int m_urls = 1;
    bool m_named = false;
};

constexpr std::array<lw_param, 3> parameters{{
    {"base_url", "", "The built-in target"},
    {"urls", "20000", "Distinct URLs"},
    {"named", "0", "1: name each request after its URL"},
}};

} // namespace

LOADWIZARD_PLUGIN(ManyUrlsScenario, "manyurls", "Many URLs", "Requests over many URLs.", parameters)
