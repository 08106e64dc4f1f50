// Each vuser sets a cookie naming itself, then keeps reading the cookies back: with a cookie jar
// per vuser it only ever sees its own value.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class CookiesScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const std::string base = vu.param("base_url");
        const std::string me = std::to_string(vu.id());
        if (vu.iteration() == 0) {
            // /cookies/set answers with a redirect to /cookies, which is followed.
            auto set = co_await vu.get(base + "/cookies/set?vuser=" + me, {.name = "set"});
            vu.check("cookie set", set.status == 200);
        }
        auto read = co_await vu.get(base + "/cookies", {.name = "read"});
        vu.check("sees its own cookie",
                 read.body.find("\"vuser\": \"" + me + "\"") != std::string::npos);
        co_await vu.sleep(0.05);
    }
};

constexpr std::array<lw_param, 1> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
}};

} // namespace

LOADWIZARD_PLUGIN(CookiesScenario, "cookies", "Cookie jars",
                  "Checks that every vuser keeps cookies of its own", parameters)
