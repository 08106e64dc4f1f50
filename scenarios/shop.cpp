// A shopper: log in, browse, look at one product, add it to the cart, meet the others at the
// "checkout" rendezvous, check out, log out. Written against `loadwizard target`'s shop; the
// session cookie travels in the vuser's own cookie jar.

#include <loadwizard/scenario.h>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string parameter(const Loadwizard::Parameters &parameters, std::string_view name)
{
    const auto it = parameters.find(name);
    return it == parameters.end() ? std::string() : it->second;
}

std::string urlEncode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

// The numbers after every "id" key; enough JSON for this shop without a JSON library.
std::vector<int> productIds(std::string_view body)
{
    std::vector<int> ids;
    for (auto at = body.find("\"id\""); at != std::string_view::npos;
         at = body.find("\"id\"", at + 1)) {
        std::size_t i = at + 4;
        while (i < body.size() && (body[i] == ' ' || body[i] == ':'))
            ++i;
        int id = 0;
        bool digits = false;
        for (; i < body.size() && body[i] >= '0' && body[i] <= '9' && id < 100'000'000; ++i) {
            id = id * 10 + (body[i] - '0');
            digits = true;
        }
        if (digits)
            ids.push_back(id);
    }
    return ids;
}

bool contains(std::string_view body, std::string_view text)
{
    return body.find(text) != std::string_view::npos;
}

class ShopScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_baseUrl = parameter(parameters, "base_url");
        while (!m_baseUrl.empty() && m_baseUrl.back() == '/')
            m_baseUrl.pop_back();
        if (m_baseUrl.empty())
            throw std::invalid_argument("base_url must not be empty");
        m_loginBody = "user=" + urlEncode(parameter(parameters, "user")) +
                      "&password=" + urlEncode(parameter(parameters, "password"));
        const std::string think = parameter(parameters, "think");
        if (!think.empty()) {
            std::size_t used = 0;
            try {
                m_thinkScale = std::stod(think, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used != think.size() || !(m_thinkScale >= 0))
                throw std::invalid_argument("think must be a number >= 0, not \"" + think + '"');
        }
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        {
            auto transaction = vu.transaction("login");
            const auto response = co_await vu.post(m_baseUrl + "/login", m_loginBody);
            if (!vu.check("login ok", response.status == 200))
                co_return; // no session, nothing else can work
        }
        co_await pause(vu);

        std::vector<int> ids;
        {
            auto transaction = vu.transaction("browse");
            const auto response = co_await vu.get(m_baseUrl + "/products");
            vu.check("products status is 200", response.status == 200);
            ids = productIds(response.body);
            vu.check("products listed", !ids.empty());
        }
        if (ids.empty()) {
            co_await logout(vu);
            co_return;
        }
        co_await pause(vu);

        auto index = std::size_t(vu.uniform(0, double(ids.size())));
        const std::string id = std::to_string(ids[index < ids.size() ? index : ids.size() - 1]);
        {
            auto transaction = vu.transaction("product");
            // One metrics name for all products, not twenty.
            const auto response =
                co_await vu.get(m_baseUrl + "/products/" + id, "GET /products/{id}");
            vu.check("product status is 200", response.status == 200);
            vu.check("product has a name", contains(response.body, "\"name\""));
        }
        co_await pause(vu);

        bool added = false;
        {
            auto transaction = vu.transaction("add_to_cart");
            const int quantity = 1 + int(vu.uniform(0, 3));
            const auto response = co_await vu.post(
                m_baseUrl + "/cart", "product=" + id + "&quantity=" + std::to_string(quantity));
            added = vu.check("added to cart",
                             response.status == 200 && contains(response.body, "\"items\""));
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
            const auto response = co_await vu.post(m_baseUrl + "/checkout", {});
            vu.check("checkout ok", response.status == 200);
            vu.check("checkout has order id", contains(response.body, "\"order_id\""));
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
        const auto response = co_await vu.post(m_baseUrl + "/logout", {});
        vu.check("logout ok", response.status == 200);
    }

    // Set once in init(), before any vuser runs; read-only afterwards.
    std::string m_baseUrl;
    std::string m_loginBody;
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
