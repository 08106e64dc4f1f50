#include "targetshop.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <system_error>
#include <utility>

namespace Loadwizard {

namespace TargetHttp {

using Json = nlohmann::json;

void sendJson(httplib::Response &res, const Json &json, int status)
{
    res.status = status;
    res.set_content(json.dump(2, ' ', false, Json::error_handler_t::replace) + '\n',
                    "application/json");
}

void sendError(httplib::Response &res, int status, const std::string &message)
{
    sendJson(res, {{"error", message}}, status);
}

std::map<std::string, std::string> requestCookies(const httplib::Request &req)
{
    std::map<std::string, std::string> cookies;
    const std::size_t count = req.get_header_value_count("Cookie");
    for (std::size_t i = 0; i < count; ++i) {
        const std::string header = req.get_header_value("Cookie", i);
        httplib::detail::split(header.data(), header.data() + header.size(), ';',
                               [&](const char *begin, const char *end) {
                                   const std::string pair =
                                       httplib::detail::trim_copy(std::string(begin, end));
                                   const auto equals = pair.find('=');
                                   if (equals == std::string::npos || equals == 0)
                                       return;
                                   cookies[pair.substr(0, equals)] = pair.substr(equals + 1);
                               });
    }
    return cookies;
}

long long parseCount(std::string_view text, long long max)
{
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range || value > max)
        return max;
    return error == std::errc() && end == text.data() + text.size() ? value : -1;
}

} // namespace TargetHttp

namespace {

using namespace TargetHttp;

// Vusers that stop mid-iteration never log out; bound what they leave behind.
constexpr std::size_t maxSessions = 100000;
constexpr int maxQuantity = 1000;

struct Product
{
    int id;
    const char *name;
    int priceCents;
};

constexpr std::array<Product, 20> products = {{
    {1, "Espresso cup", 799},        {2, "Ceramic mug", 1250},
    {3, "French press", 3490},       {4, "Pour-over kettle", 5900},
    {5, "Burr grinder", 12900},      {6, "Coffee scale", 2999},
    {7, "Paper filters (100)", 499}, {8, "Milk frother", 1999},
    {9, "Travel tumbler", 2450},     {10, "Cold brew jar", 1899},
    {11, "House blend 250 g", 899},  {12, "Single origin 250 g", 1399},
    {13, "Decaf 250 g", 949},        {14, "Tea sampler", 1590},
    {15, "Stoneware teapot", 3900},  {16, "Bamboo tray", 2200},
    {17, "Barista apron", 2750},     {18, "Tamper", 1850},
    {19, "Knock box", 2100},         {20, "Gift card", 2500},
}};

const Product *findProduct(long long id)
{
    for (const auto &product : products) {
        if (product.id == id)
            return &product;
    }
    return nullptr;
}

Json productJson(const Product &product)
{
    return {{"id", product.id}, {"name", product.name}, {"price", product.priceCents / 100.0}};
}

Json cartJson(const std::map<int, int> &cart)
{
    Json items = Json::array();
    long long cents = 0;
    int count = 0;
    for (const auto &[id, quantity] : cart) {
        const Product *product = findProduct(id);
        Json item = productJson(*product);
        item["quantity"] = quantity;
        items.push_back(std::move(item));
        cents += (long long)product->priceCents * quantity;
        count += quantity;
    }
    return {{"items", items}, {"count", count}, {"total", cents / 100.0}};
}

} // namespace

TargetShop::Session *TargetShop::findSession(const httplib::Request &req, std::string *token)
{
    const auto cookies = requestCookies(req);
    const auto cookie = cookies.find("session");
    if (cookie == cookies.end())
        return nullptr;
    const auto session = m_sessions.find(cookie->second);
    if (session == m_sessions.end())
        return nullptr;
    if (token)
        *token = cookie->second;
    return &session->second;
}

std::string TargetShop::newToken()
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string token;
    for (int word = 0; word < 2; ++word) {
        std::uint64_t bits = m_tokenGenerator();
        for (int i = 0; i < 16; ++i, bits >>= 4)
            token += digits[bits & 0xf];
    }
    return token;
}

std::string TargetShop::bearerUser(const httplib::Request &req) const
{
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), header.begin()))
        return {};
    const auto it = m_apiTokens.find(header.substr(scheme.size()));
    return it == m_apiTokens.end() ? std::string() : it->second;
}

void TargetShop::addApiRoutes(httplib::Server &server)
{
    server.Post("/api/token", [this](const httplib::Request &req, httplib::Response &res) {
        const Json body = Json::parse(req.body, nullptr, false);
        if (!body.is_object())
            return sendError(res, 400, "send JSON: {\"user\": ..., \"password\": ...}");
        const std::string user = body.value("user", std::string());
        if (user.empty() || body.value("password", std::string()) != "secret")
            return sendError(res, 401, "invalid user or password");
        std::string token;
        {
            std::lock_guard lock(m_mutex);
            if (m_apiTokens.size() >= maxSessions)
                m_apiTokens.erase(m_apiTokens.begin());
            token = newToken();
            m_apiTokens[token] = user;
        }
        sendJson(res, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", 3600}});
    });
    server.Post("/api/orders", [this](const httplib::Request &req, httplib::Response &res) {
        const Json body = Json::parse(req.body, nullptr, false);
        std::lock_guard lock(m_mutex);
        const std::string user = bearerUser(req);
        if (user.empty())
            return sendError(res, 401, "send Authorization: Bearer <access_token>");
        if (!body.is_object() || !body.contains("product") || !body["product"].is_number_integer())
            return sendError(res, 400, "send JSON: {\"product\": id, \"quantity\": n}");
        const Product *product = findProduct(body["product"].get<long long>());
        if (!product)
            return sendError(res, 404, "no such product");
        const Json quantity = body.value("quantity", Json(1));
        if (!quantity.is_number_integer() || quantity.get<long long>() < 1 ||
            quantity.get<long long>() > maxQuantity) {
            return sendError(res, 400, "quantity must be 1-" + std::to_string(maxQuantity));
        }
        if (m_orders.size() >= maxSessions)
            m_orders.erase(m_orders.begin());
        const std::string id = "ORD-" + std::to_string(m_nextOrder++);
        m_orders[id] = Order{user, product->id, quantity.get<int>()};
        sendJson(res,
                 {{"id", id}, {"product", product->id}, {"quantity", quantity}, {"status", "open"}},
                 201);
    });
    auto findOrder = [this](const httplib::Request &req, httplib::Response &res) -> Order * {
        const std::string user = bearerUser(req);
        if (user.empty()) {
            sendError(res, 401, "send Authorization: Bearer <access_token>");
            return nullptr;
        }
        const auto it = m_orders.find(req.matches[1].str());
        if (it == m_orders.end() || it->second.user != user) {
            sendError(res, 404, "no such order");
            return nullptr;
        }
        return &it->second;
    };
    auto orderJson = [](const std::string &id, const Order &order) {
        return Json{{"id", id},
                    {"product", order.product},
                    {"quantity", order.quantity},
                    {"status", order.cancelled ? "cancelled" : "open"}};
    };
    server.Get(R"(/api/orders/(ORD-\d+))",
               [this, findOrder, orderJson](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard lock(m_mutex);
                   if (const Order *order = findOrder(req, res))
                       sendJson(res, orderJson(req.matches[1].str(), *order));
               });
    server.Delete(
        R"(/api/orders/(ORD-\d+))",
        [this, findOrder, orderJson](const httplib::Request &req, httplib::Response &res) {
            std::lock_guard lock(m_mutex);
            if (Order *order = findOrder(req, res)) {
                order->cancelled = true;
                sendJson(res, orderJson(req.matches[1].str(), *order));
            }
        });
}

void TargetShop::addRoutes(httplib::Server &server)
{
    addApiRoutes(server);
    // A login form as web applications serve it: a hidden CSRF token to send back once.
    server.Get("/login", [this](const httplib::Request &, httplib::Response &res) {
        std::string token;
        {
            std::lock_guard lock(m_mutex);
            if (m_csrfTokens.size() >= maxSessions)
                m_csrfTokens.erase(m_csrfTokens.begin());
            token = newToken();
            m_csrfTokens[token] = true;
        }
        res.set_content("<!DOCTYPE html>\n<html><body><form method=\"post\" action=\"/login\">\n"
                        "<input type=\"hidden\" name=\"csrf\" value=\"" +
                            token +
                            "\">\n<input name=\"user\"> <input name=\"password\" "
                            "type=\"password\">\n</form></body></html>\n",
                        "text/html");
    });
    server.Post("/login", [this](const httplib::Request &req, httplib::Response &res) {
        const std::string user = req.get_param_value("user");
        if (user.empty() || req.get_param_value("password") != "secret")
            return sendError(res, 401, "invalid user or password");
        std::string token;
        {
            std::lock_guard lock(m_mutex);
            // A form login sends the token GET /login issued, once; API-style logins send none.
            if (req.has_param("csrf") && m_csrfTokens.erase(req.get_param_value("csrf")) == 0)
                return sendError(res, 403, "bad or reused CSRF token");
            std::string previous;
            if (findSession(req, &previous))
                m_sessions.erase(previous);
            if (m_sessions.size() >= maxSessions)
                m_sessions.erase(m_sessions.begin());
            token = newToken();
            m_sessions[token] = Session{user, {}};
        }
        res.set_header("Set-Cookie", "session=" + token + "; Path=/; HttpOnly");
        sendJson(res, {{"user", user}, {"message", "welcome"}});
    });
    server.Post("/logout", [this](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m_mutex);
            std::string token;
            if (findSession(req, &token))
                m_sessions.erase(token);
        }
        res.set_header("Set-Cookie", "session=; Path=/; Max-Age=0; HttpOnly");
        sendJson(res, {{"message", "logged out"}});
    });
    server.Get("/products", [this](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m_mutex);
            if (!findSession(req))
                return sendError(res, 401, "log in first");
        }
        Json list = Json::array();
        for (const auto &product : products)
            list.push_back(productJson(product));
        sendJson(res, {{"products", list}, {"count", list.size()}});
    });
    server.Get(R"(/products/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m_mutex);
            if (!findSession(req))
                return sendError(res, 401, "log in first");
        }
        const Product *product = findProduct(parseCount(req.matches[1].str(), 1'000'000));
        if (!product)
            return sendError(res, 404, "no such product");
        sendJson(res, productJson(*product));
    });
    server.Get("/cart", [this](const httplib::Request &req, httplib::Response &res) {
        std::map<int, int> cart;
        {
            std::lock_guard lock(m_mutex);
            const Session *session = findSession(req);
            if (!session)
                return sendError(res, 401, "log in first");
            cart = session->cart;
        }
        sendJson(res, cartJson(cart));
    });
    server.Post("/cart", [this](const httplib::Request &req, httplib::Response &res) {
        const Product *product = findProduct(parseCount(req.get_param_value("product"), 1000));
        long long quantity = 1;
        if (req.has_param("quantity"))
            quantity = parseCount(req.get_param_value("quantity"), maxQuantity + 1);
        std::map<int, int> cart;
        {
            std::lock_guard lock(m_mutex);
            Session *session = findSession(req);
            if (!session)
                return sendError(res, 401, "log in first");
            if (!product)
                return sendError(res, 404, "no such product");
            if (quantity < 1 || quantity > maxQuantity)
                return sendError(res, 400, "quantity must be 1-" + std::to_string(maxQuantity));
            int &inCart = session->cart[product->id];
            inCart = std::min(maxQuantity, inCart + int(quantity));
            cart = session->cart;
        }
        sendJson(res, cartJson(cart));
    });
    server.Post("/checkout", [this](const httplib::Request &req, httplib::Response &res) {
        std::map<int, int> cart;
        std::string user;
        std::uint64_t number = 0;
        {
            std::lock_guard lock(m_mutex);
            Session *session = findSession(req);
            if (!session)
                return sendError(res, 401, "log in first");
            if (session->cart.empty())
                return sendError(res, 409, "cart is empty");
            cart = std::exchange(session->cart, {});
            user = session->user;
            number = m_nextOrder++;
        }
        Json order = cartJson(cart);
        order["order_id"] = "ORD-" + std::to_string(number);
        order["user"] = user;
        sendJson(res, order);
    });
}

} // namespace Loadwizard
