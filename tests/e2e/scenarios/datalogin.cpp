// The data-driven login of docs/scenario-sdk.md ("Test data"), against the built-in target's
// POST /login (any user, password "secret").

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class DataLoginScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_baseUrl = parameters.at("base_url");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const Loadwizard::DataRow user = vu.data("users"); // throws StopVuser once all are used
        Loadwizard::Request login;
        login.method = "POST";
        login.url = m_baseUrl + "/login";
        login.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        login.body =
            "user=" + std::string(user["username"]) + "&password=" + std::string(user["password"]);
        login.name = "login";
        const auto response = co_await vu.request(login);
        vu.check("logged in", response.ok());
        // The target greets the user it was sent.
        vu.check("greeted by name",
                 response.body.find("\"user\": \"" + std::string(user["username"]) + '"') !=
                     std::string::npos);
        co_await vu.think(0.01, 0.02);
    }

private:
    std::string m_baseUrl;
};

constexpr std::array<lw_param, 1> parameters{{{"base_url", "", "The target"}}};

} // namespace

LOADWIZARD_PLUGIN(DataLoginScenario, "datalogin", "Data-driven login",
                  "Logs in once per user of the users feeder.", parameters)
