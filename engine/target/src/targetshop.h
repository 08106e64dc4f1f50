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
    /// POST /login, /logout, /cart, /checkout; GET /products, /products/ID, /cart.
    void addRoutes(httplib::Server &server);

private:
    struct Session
    {
        std::string user;
        std::map<int, int> cart; // product id -> quantity
    };

    // Both need m_mutex held.
    Session *findSession(const httplib::Request &req, std::string *token = nullptr);
    std::string newToken();

    std::mutex m_mutex;
    std::unordered_map<std::string, Session> m_sessions;
    std::mt19937_64 m_tokenGenerator{std::random_device{}()};
    std::uint64_t m_nextOrder = 100001;
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
