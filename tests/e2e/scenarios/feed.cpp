// Draws one row of a data feeder per iteration and sends its value to the target in the URL
// path (/anything/<value>); the request is named after the value, so the summary counts how
// often each row was used. Per-vuser runs add the vuser number to the name.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class FeedScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_baseUrl = parameters.at("base_url");
        m_feeder = parameters.at("feeder");
        m_column = parameters.at("column");
        m_pause = std::stod(parameters.at("pause"));
        m_perVuser = parameters.at("per_vuser") == "1";
        m_expectPath = parameters.at("expect_path");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        if (!m_expectPath.empty())
            vu.check("resolved path", vu.resolvePath("data/rows.csv") == m_expectPath);
        const Loadwizard::DataRow row = vu.data(m_feeder);
        const std::string value(row[m_column]);
        std::string name = "row " + value;
        if (m_perVuser)
            name = "vuser " + std::to_string(vu.id()) + " row " + std::to_string(row.index()) +
                   ' ' + value;
        Loadwizard::Request request;
        request.url = m_baseUrl + "/anything/" + value;
        request.name = name;
        const Loadwizard::Response response = co_await vu.request(request);
        // The target saw the value: its echo holds the path it was asked for.
        vu.check("target saw the row",
                 response.body.find("\"/anything/" + value + '"') != std::string::npos);
        co_await vu.sleep(m_pause);
    }

private:
    std::string m_baseUrl, m_feeder, m_column, m_expectPath;
    double m_pause = 0;
    bool m_perVuser = false;
};

constexpr std::array<lw_param, 6> parameters{{
    {"base_url", "", "The target"},
    {"feeder", "rows", "The data feeder to draw from"},
    {"column", "id", "The column whose value is sent"},
    {"pause", "0.01", "Seconds between iterations"},
    {"per_vuser", "0", "1: name requests after the vuser and the row"},
    {"expect_path", "", "When set: check that resolvePath(\"data/rows.csv\") gives this"},
}};

} // namespace

LOADWIZARD_PLUGIN(FeedScenario, "feed", "Feed", "Sends one data row per iteration.", parameters)
