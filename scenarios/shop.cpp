// A shopper: log in, browse, look at one product, add it to the cart, meet the others at the
// "checkout" rendezvous, check out, log out. Written against `loadwizard target`'s shop; the
// session cookie travels in the vuser's own cookie jar.

#include <loadwizard/scenario.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

class ShopScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_baseUrl = parameters.at("base_url");
        while (!m_baseUrl.empty() && m_baseUrl.back() == '/')
            m_baseUrl.pop_back();
        if (m_baseUrl.empty())
            throw std::invalid_argument("base_url must not be empty");
        m_user = parameters.at("user");
        m_password = parameters.at("password");
        m_thinkScale = Loadwizard::param<double>(parameters, "think", 1.0);
        if (m_thinkScale < 0)
            throw std::invalid_argument("think must be a number >= 0");
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        {
            auto transaction = vu.transaction("login");
            const auto response = co_await vu.post(
                m_baseUrl + "/login", {.form = {{"user", m_user}, {"password", m_password}}});
            if (!vu.check("login ok", response.status == 200))
                co_return; // no session, nothing else can work
        }
        co_await pause(vu);

        std::vector<std::int64_t> ids;
        {
            auto transaction = vu.transaction("browse");
            const auto response = co_await vu.get(m_baseUrl + "/products");
            vu.check("products status is 200", response.status == 200);
            if (response.ok()) {
                // Throws (failing the iteration, with the body in the message) when the shop
                // answers something else than {"products": [{"id": …}, …]}.
                for (const auto &product : response.json("/products"))
                    ids.push_back(product.at("id").get<std::int64_t>());
            }
            vu.check("products listed", !ids.empty());
        }
        if (ids.empty()) {
            co_await logout(vu);
            co_return;
        }
        co_await pause(vu);

        const std::string id =
            std::to_string(ids[std::size_t(vu.randomInt(0, std::int64_t(ids.size()) - 1))]);
        {
            auto transaction = vu.transaction("product");
            // One metrics name for all products, not twenty.
            // The default name collapses the id too ("GET /products/{id}"); a name reads better.
            const auto response =
                co_await vu.get(m_baseUrl + "/products/" + id, {.name = "GET /products/{id}"});
            vu.check("product status is 200", response.status == 200);
            vu.check("product has a name",
                     response.ok() && response.json().value("name", std::string()) != "");
        }
        co_await pause(vu);

        bool added = false;
        {
            auto transaction = vu.transaction("add_to_cart");
            const auto quantity = vu.randomInt(1, 3);
            const auto response = co_await vu.post(
                m_baseUrl + "/cart",
                {.form = {{"product", id}, {"quantity", std::to_string(quantity)}}});
            added = vu.check("added to cart", response.ok() && response.json().contains("items"));
        }
        if (!added) {
            co_await logout(vu);
            co_return;
        }
        co_await pause(vu);

        // Outside any transaction: waiting for the others is not checkout time.
        co_await vu.rendezvous("checkout");
        {
            auto transaction = vu.transaction("checkout");
            const auto response = co_await vu.post(m_baseUrl + "/checkout");
            vu.check("checkout ok", response.status == 200);
            vu.check("checkout has order id",
                     response.ok() && response.jsonText("/order_id").starts_with("ORD-"));
        }
        co_await pause(vu);
        co_await logout(vu);
    }

private:
    Loadwizard::Task<> pause(Loadwizard::Vuser &vu)
    {
        co_await vu.think(1 * m_thinkScale, 3 * m_thinkScale);
    }

    Loadwizard::Task<> logout(Loadwizard::Vuser &vu)
    {
        const auto response = co_await vu.post(m_baseUrl + "/logout");
        vu.check("logout ok", response.status == 200);
    }

    // Set once in init(), before any vuser runs; read-only afterwards.
    std::string m_baseUrl;
    std::string m_user;
    std::string m_password;
    double m_thinkScale = 1;
};

constexpr std::array<lw_param, 4> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The shop, e.g. `loadwizard target`'s address"},
    {"user", "demo", "Login name (any non-empty name works on the built-in target)"},
    {"password", "secret", "Password (\"secret\" on the built-in target)"},
    {"think", "1", "Scales this scenario's think times (1-3 s between steps); 0 for none"},
}};

} // namespace

LOADWIZARD_PLUGIN(ShopScenario, "shop", "Shop",
                  "Log in, browse, view a product, add it to the cart, rendezvous, check out and "
                  "log out, each step a transaction.",
                  parameters)
