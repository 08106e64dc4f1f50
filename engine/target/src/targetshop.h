#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace Loadwizard {

/// The shop half of the built-in target server: login sessions, products, carts and orders, in
/// memory behind one mutex (plenty for a test target).
class TargetShop
{
public:
    /// GET /login (a form with a CSRF token); POST /login, /logout, /cart, /checkout; GET
    /// /products, /products/ID, /cart. The REST half with bearer tokens: POST /api/token,
    /// POST /api/orders, GET and DELETE /api/orders/ID.
    void addRoutes(httplib::Server &server);

private:
    struct Session
    {
        std::string user;
        std::map<int, int> cart; // product id -> quantity
    };

    struct Order
    {
        std::string user;
        int product;
        int quantity;
        bool cancelled = false;
    };

    // All need m_mutex held.
    Session *findSession(const httplib::Request &req, std::string *token = nullptr);
    std::string newToken();
    /// The user of the request's "Authorization: Bearer" token, empty when none is valid.
    std::string bearerUser(const httplib::Request &req) const;
    void addApiRoutes(httplib::Server &server);

    std::mutex m_mutex;
    std::unordered_map<std::string, Session> m_sessions;
    std::mt19937_64 m_tokenGenerator{std::random_device{}()};
    std::uint64_t m_nextOrder = 100001;
    std::unordered_map<std::string, std::string> m_apiTokens; // token -> user
    std::map<std::string, Order> m_orders;                    // "ORD-N" -> order
    std::unordered_map<std::string, bool> m_csrfTokens;       // issued by GET /login, not used
};

/// Helpers the shop shares with the httpbin half in targetserver.cpp.
namespace TargetHttp {

/// A JSON reply that never throws on invalid UTF-8 (echoed bodies may hold anything).
void sendJson(httplib::Response &res, const nlohmann::json &json, int status = 200);
/// {"error": message}.
void sendError(httplib::Response &res, int status, const std::string &message);
/// The request's cookies from all its Cookie headers.
std::map<std::string, std::string> requestCookies(const httplib::Request &req);
/// A decimal count that saturates at `max` instead of overflowing; -1 when not all digits.
long long parseCount(std::string_view text, long long max);

} // namespace TargetHttp

} // namespace Loadwizard
