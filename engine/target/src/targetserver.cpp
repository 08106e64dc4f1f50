#include <loadwizard/targetserver.h>

#include "targetshop.h"
#include "targetstreams.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Loadwizard {

namespace {

using namespace TargetHttp;
using Json = nlohmann::json;

// cpp-httplib keeps a pool thread per keep-alive connection, and a load test keeps hundreds alive.
constexpr std::size_t poolThreads = 256;
constexpr std::size_t keepAliveMaxCount = 100000;
constexpr time_t keepAliveTimeoutSeconds = 10;
constexpr std::size_t maxPayloadBytes = 16 * 1024 * 1024;
constexpr long long maxDelayMs = 60000;
constexpr long long maxBytes = 10LL * 1024 * 1024;

std::string hostPort(const std::string &host, int port)
{
    if (host.find(':') != std::string::npos)
        return '[' + host + "]:" + std::to_string(port);
    return host + ':' + std::to_string(port);
}

// cpp-httplib only says "false"; bind a probe socket the same way to learn why.
std::string bindFailureReason(const std::string &host, int port)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo *result = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &result); rc != 0)
        return std::string("cannot resolve host: ") + gai_strerror(rc);
    std::string reason = "no usable address";
    for (addrinfo *ai = result; ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            reason = std::generic_category().message(errno);
            continue;
        }
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1) != 0)
            reason = std::generic_category().message(errno);
        else
            reason = "the address was busy a moment ago, try again";
        ::close(fd);
        break;
    }
    freeaddrinfo(result);
    return reason;
}

// cpp-httplib gives no handle on accepted connections, and an idle keep-alive one keeps its pool
// thread, and so stop(), waiting for the whole keep-alive timeout. Shut the reading side of every
// connection to `port` so that idle ones see end-of-file and close. Only once no response is being
// written: cpp-httplib checks the reading side before each write and would drop the response.
void shutDownReading(int port)
{
#ifdef __linux__
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return;
    while (const dirent *entry = ::readdir(dir)) {
        const int fd = std::atoi(entry->d_name);
        if (fd <= 2 || fd == ::dirfd(dir))
            continue;
        sockaddr_storage local{};
        socklen_t length = sizeof local;
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &length) != 0)
            continue;
        int localPort = -1;
        if (local.ss_family == AF_INET)
            localPort = ntohs(reinterpret_cast<const sockaddr_in &>(local).sin_port);
        else if (local.ss_family == AF_INET6)
            localPort = ntohs(reinterpret_cast<const sockaddr_in6 &>(local).sin6_port);
        sockaddr_storage peer{};
        length = sizeof peer;
        // Accepted connections only: bound to our port and connected.
        if (localPort == port &&
            ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) == 0)
            ::shutdown(fd, SHUT_RD);
    }
    ::closedir(dir);
#else
    (void)port;
#endif
}

// Repeated keys become arrays, as httpbin does.
Json paramsJson(const httplib::Params &params)
{
    Json out = Json::object();
    for (const auto &[key, value] : params) {
        if (params.count(key) == 1) {
            out[key] = value;
        } else {
            if (!out.contains(key))
                out[key] = Json::array();
            out[key].push_back(value);
        }
    }
    return out;
}

Json headersJson(const httplib::Headers &headers)
{
    Json out = Json::object();
    for (const auto &[name, value] : headers) {
        // cpp-httplib files the peer's addresses among the headers; the client did not send them.
        if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
            name == "LOCAL_PORT")
            continue;
        if (out.contains(name))
            out[name] = out[name].get<std::string>() + ", " + value;
        else
            out[name] = value;
    }
    return out;
}

std::mt19937_64 &threadGenerator()
{
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return generator;
}

std::string randomBytes(std::size_t count, std::mt19937_64 &generator)
{
    std::string out(count, '\0');
    for (std::size_t i = 0; i < count; i += sizeof(std::uint64_t)) {
        const std::uint64_t word = generator();
        std::memcpy(out.data() + i, &word, std::min(sizeof word, count - i));
    }
    return out;
}

const char *indexHtml = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Loadwizard target</title></head>
<body><h1>Loadwizard target server</h1>
<p>GET /health, /delay/MS, /status/CODE, /bytes/N, /anything, /cookies, /cookies/set?k=v,
/stream-bytes/N, /drip?numbytes=N&amp;duration=S, /endless, /broken/short, /broken/chunked,
GET and POST /login, GET /products, GET /products/ID, POST /cart, POST /checkout, POST /logout,
POST /api/token, POST /api/orders, GET and DELETE /api/orders/ID (Authorization: Bearer)</p>
</body></html>
)";

// Registers a handler for every method cpp-httplib routes (HEAD goes to the GET handlers).
void onAnyMethod(httplib::Server &server, const std::string &pattern,
                 const httplib::Server::Handler &handler)
{
    server.Get(pattern, handler);
    server.Post(pattern, handler);
    server.Put(pattern, handler);
    server.Patch(pattern, handler);
    server.Delete(pattern, handler);
    server.Options(pattern, handler);
}

// Only to reach the listening socket, which cpp-httplib keeps protected.
class HttpServer : public httplib::Server
{
public:
    // cpp-httplib 0.11 listens with a backlog of 5: a ramp-up of hundreds of connections would
    // overflow it and wait for SYN retransmits. listen() again only resizes the queue.
    void widenBacklog() { ::listen(svr_sock_, SOMAXCONN); }
};

} // namespace

struct TargetServer::Private
{
    std::mutex controlMutex; // serialises start() and stop()
    std::unique_ptr<HttpServer> server;
    std::thread listener;

    mutable std::mutex stateMutex;
    std::condition_variable stateChanged;
    bool running = false;
    bool stopping = false;
    bool poolReady = false; // the listen loop's threads exist: requests are answered
    // Requests between routing and the end of their response (see countRequests()).
    std::atomic<int> requestsInFlight = 0;
    std::string host;
    int port = 0;

    TargetShop shop;

    void configure(httplib::Server &server);
    void countRequests(httplib::Server &server);
    void drainRequests(std::chrono::milliseconds limit);
    void addHttpbinRoutes(httplib::Server &server);

    // False when stop() cut the sleep short.
    bool sleepUnlessStopping(std::chrono::milliseconds duration)
    {
        std::unique_lock lock(stateMutex);
        return !stateChanged.wait_for(lock, duration, [this] { return stopping; });
    }
};

void TargetServer::Private::configure(httplib::Server &server)
{
    server.new_task_queue = [this] {
        auto *pool = new httplib::ThreadPool(poolThreads);
        {
            std::lock_guard lock(stateMutex);
            poolReady = true;
        }
        stateChanged.notify_all();
        return pool;
    };
    server.set_keep_alive_max_count(keepAliveMaxCount);
    server.set_keep_alive_timeout(keepAliveTimeoutSeconds);
    server.set_payload_max_length(maxPayloadBytes);
    server.set_tcp_nodelay(true);
    // The default adds SO_REUSEPORT, which would let a second server share a busy port.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_exception_handler(
        [](const httplib::Request &, httplib::Response &res, std::exception_ptr exception) {
            std::string message = "unknown error";
            try {
                std::rethrow_exception(exception);
            } catch (const std::exception &e) {
                message = e.what();
            } catch (...) {
            }
            sendError(res, 500, message);
        });
    countRequests(server);
    addHttpbinRoutes(server);
    shop.addRoutes(server);
    addStreamRoutes(server,
                    [this](std::chrono::milliseconds pause) { return sleepUnlessStopping(pause); });
}

// stop() may only cut idle connections, so it needs to know when no response is being written.
// The pre-routing handler runs once a request is read, the logger once its response is written,
// both on the connection's pool thread; the flag keeps a request that never reaches the logger
// (a failed header write) from counting twice.
void TargetServer::Private::countRequests(httplib::Server &server)
{
    static thread_local bool counted = false;
    server.set_pre_routing_handler([this](const httplib::Request &, httplib::Response &) {
        if (!std::exchange(counted, true))
            ++requestsInFlight;
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([this](const httplib::Request &, const httplib::Response &) {
        if (std::exchange(counted, false))
            --requestsInFlight;
    });
}

void TargetServer::Private::drainRequests(std::chrono::milliseconds limit)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (requestsInFlight > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void TargetServer::Private::addHttpbinRoutes(httplib::Server &server)
{
    server.Get("/", [](const httplib::Request &, httplib::Response &res) {
        res.set_content(indexHtml, "text/html; charset=utf-8");
    });
    server.Get("/health", [](const httplib::Request &, httplib::Response &res) {
        res.set_content("ok", "text/plain");
    });
    onAnyMethod(server, R"(/delay/(\d+))",
                [this](const httplib::Request &req, httplib::Response &res) {
                    const long long ms = parseCount(req.matches[1].str(), maxDelayMs);
                    const bool completed = sleepUnlessStopping(std::chrono::milliseconds(ms));
                    sendJson(res, {{"delay_ms", ms},
                                   {"completed", completed},
                                   {"method", req.method},
                                   {"args", paramsJson(req.params)}});
                });
    onAnyMethod(server, R"(/status/(\d+))",
                [](const httplib::Request &req, httplib::Response &res) {
                    const long long code = parseCount(req.matches[1].str(), 1000);
                    if (code < 100 || code > 599)
                        return sendError(res, 400, "status must be 100-599");
                    res.status = int(code);
                });
    server.Get(R"(/bytes/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
        const auto count = std::size_t(parseCount(req.matches[1].str(), maxBytes));
        if (req.has_param("seed")) {
            std::mt19937_64 seeded(std::hash<std::string>{}(req.get_param_value("seed")));
            res.set_content(randomBytes(count, seeded), "application/octet-stream");
        } else {
            res.set_content(randomBytes(count, threadGenerator()), "application/octet-stream");
        }
    });
    onAnyMethod(server, R"(/anything(/.*)?)",
                [](const httplib::Request &req, httplib::Response &res) {
                    httplib::Params query;
                    if (const auto mark = req.target.find('?'); mark != std::string::npos)
                        httplib::detail::parse_query_text(req.target.substr(mark + 1), query);
                    httplib::Params form;
                    const std::string type = req.get_header_value("Content-Type");
                    if (type.starts_with("application/x-www-form-urlencoded"))
                        httplib::detail::parse_query_text(req.body, form);
                    // As httpbin: multipart fields under "form", files (name, type, content)
                    // under "files".
                    Json files = Json::object();
                    for (const auto &[name, part] : req.files) {
                        if (part.filename.empty()) {
                            form.emplace(name, part.content);
                        } else {
                            files[name] = {{"filename", part.filename},
                                           {"content_type", part.content_type},
                                           {"content", part.content}};
                        }
                    }
                    Json json = nullptr;
                    if (type.starts_with("application/json")) {
                        json = Json::parse(req.body, nullptr, false);
                        if (json.is_discarded())
                            json = nullptr;
                    }
                    sendJson(res, {{"method", req.method},
                                   {"path", req.path},
                                   {"url", req.target},
                                   {"args", paramsJson(query)},
                                   {"headers", headersJson(req.headers)},
                                   {"body", req.body},
                                   {"form", paramsJson(form)},
                                   {"files", files},
                                   {"json", json},
                                   {"origin", req.remote_addr}});
                });
    server.Get("/cookies/set", [](const httplib::Request &req, httplib::Response &res) {
        for (const auto &[name, value] : req.params)
            res.set_header("Set-Cookie", name + '=' + value + "; Path=/");
        res.set_redirect("/cookies");
    });
    server.Get("/cookies", [](const httplib::Request &req, httplib::Response &res) {
        Json cookies = Json::object();
        for (const auto &[name, value] : requestCookies(req))
            cookies[name] = value;
        sendJson(res, {{"cookies", cookies}});
    });
    // Which connection a request came on: lets tests see keep-alive and per-vuser connections.
    server.Get("/connection", [](const httplib::Request &req, httplib::Response &res) {
        sendJson(res, {{"remote_addr", req.remote_addr}, {"remote_port", req.remote_port}});
    });
}

TargetServer::TargetServer()
    : d(std::make_unique<Private>())
{}

TargetServer::~TargetServer()
{
    stop();
}

tl::expected<void, Error> TargetServer::start(const std::string &host, int port)
{
    std::lock_guard control(d->controlMutex);
    const auto failure = [&](std::string message) {
        Error error;
        error.message = std::move(message);
        error.token = hostPort(host, port);
        return tl::unexpected(std::move(error));
    };
    if (d->server)
        return failure("cannot listen on " + hostPort(host, port) +
                       ": the target server is already running on " + hostPort(d->host, d->port));
    if (port < 0 || port > 65535)
        return failure("cannot listen on " + hostPort(host, port) + ": port must be 0-65535");

    auto server = std::make_unique<HttpServer>();
    d->configure(*server);
    const int bound =
        port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
    if (bound <= 0)
        return failure("cannot listen on " + hostPort(host, port) + ": " +
                       bindFailureReason(host, port));
    server->widenBacklog();

    {
        std::lock_guard lock(d->stateMutex);
        d->running = true;
        d->stopping = false;
        d->poolReady = false;
        d->host = host;
        d->port = bound;
    }
    d->server = std::move(server);
    d->listener = std::thread([self = d.get()] {
        self->server->listen_after_bind();
        std::lock_guard lock(self->stateMutex);
        self->running = false;
        self->stateChanged.notify_all();
    });
    // Return once requests are answered: the listen loop creates its pool threads first (a few
    // milliseconds, seconds under ThreadSanitizer), and until the loop has begun httplib's
    // stop() is a no-op, so stop() right after start() is safe too.
    std::unique_lock lock(d->stateMutex);
    d->stateChanged.wait(lock, [this] { return d->poolReady || !d->running; });
    return {};
}

int TargetServer::port() const
{
    std::lock_guard lock(d->stateMutex);
    return d->running ? d->port : 0;
}

std::string TargetServer::baseUrl() const
{
    std::lock_guard lock(d->stateMutex);
    std::string host = d->host;
    if (host.empty() || host == "0.0.0.0")
        host = "127.0.0.1";
    else if (host == "::")
        host = "::1";
    return "http://" + hostPort(host, d->port);
}

bool TargetServer::isRunning() const
{
    std::lock_guard lock(d->stateMutex);
    return d->running && !d->stopping;
}

void TargetServer::stop()
{
    std::lock_guard control(d->controlMutex);
    if (!d->server)
        return;
    {
        std::lock_guard lock(d->stateMutex);
        d->stopping = true;
    }
    d->stateChanged.notify_all(); // wakes /delay handlers
    d->server->stop();
    d->drainRequests(std::chrono::seconds(5));
    shutDownReading(d->port);
    if (d->listener.joinable())
        d->listener.join();
    d->server.reset();
    std::lock_guard lock(d->stateMutex);
    d->running = false;
    d->stateChanged.notify_all();
}

void TargetServer::wait()
{
    std::unique_lock lock(d->stateMutex);
    d->stateChanged.wait(lock, [this] { return !d->running; });
}

} // namespace Loadwizard
