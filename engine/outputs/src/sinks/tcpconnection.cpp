#include "tcpconnection.h"

#include <loadwizard/outputregistry.h>
#include <loadwizard/urlparts.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

// Plain POSIX sockets on purpose: Debian 12 packages no C or C++ library that speaks carbon's
// plaintext protocol or Logstash's json_lines (both are "write lines to a TCP socket"), and
// libcurl has no raw-TCP send mode short of CURLOPT_CONNECT_ONLY, which would add a dependency's
// worth of state for the same two calls.

namespace Loadwizard::Engine {

namespace {

using Clock = std::chrono::steady_clock;

Error targetError(std::string message, std::string_view target)
{
    Error error;
    error.message = std::move(message);
    error.field = "target";
    error.token = std::string(target);
    return error;
}

int remainingMs(Clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return int(std::max<long long>(left, 0));
}

std::string errnoText(int error)
{
    return std::strerror(error);
}

} // namespace

std::string TcpEndpoint::toString() const
{
    if (host.find(':') != std::string::npos)
        return '[' + host + "]:" + std::to_string(port);
    return host + ':' + std::to_string(port);
}

tl::expected<TcpEndpoint, Error> parseTcpTarget(std::string_view target, int defaultPort)
{
    const bool hasScheme = target.find("://") != std::string_view::npos;
    const auto url = splitUrl(hasScheme ? std::string(target) : "tcp://" + std::string(target));
    if (!url && url.error().noHost)
        return tl::unexpected(targetError("missing host", target));
    if (!url)
        return tl::unexpected(
            targetError("expected tcp://host:port (" + url.error().message + ')', target));
    if (url->scheme != "tcp")
        return tl::unexpected(targetError("expected tcp://host:port", target));
    if (!url->user.empty() || !url->password.empty() || url->path != "/" || !url->query.empty() ||
        !url->fragment.empty() || target.find_first_of("?#@") != std::string_view::npos)
        return tl::unexpected(targetError("expected tcp://host:port, nothing after", target));
    TcpEndpoint endpoint;
    endpoint.host = url->host;
    if (endpoint.host.size() > 2 && endpoint.host.front() == '[')
        endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2); // for getaddrinfo()
    if (url->port.empty()) {
        if (defaultPort <= 0)
            return tl::unexpected(targetError("missing port (tcp://host:port)", target));
        endpoint.port = defaultPort;
        return endpoint;
    }
    int port = 0;
    const auto [end, ec] =
        std::from_chars(url->port.data(), url->port.data() + url->port.size(), port);
    if (ec != std::errc() || end != url->port.data() + url->port.size() || port < 1 || port > 65535)
        return tl::unexpected(targetError("port must be 1-65535", target));
    endpoint.port = port;
    return endpoint;
}

TcpLineConnection::TcpLineConnection(TcpEndpoint endpoint, double timeoutSeconds)
    : m_endpoint(std::move(endpoint))
    , m_timeoutSeconds(timeoutSeconds)
{}

TcpLineConnection::~TcpLineConnection()
{
    close();
}

tl::expected<void, Error> TcpLineConnection::connect()
{
    if (m_fd >= 0 && healthy())
        return {};
    close();
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<long long>(m_timeoutSeconds * 1000));
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *addresses = nullptr;
    const std::string port = std::to_string(m_endpoint.port);
    if (const int rc = getaddrinfo(m_endpoint.host.c_str(), port.c_str(), &hints, &addresses)) {
        return tl::unexpected(Error{"cannot resolve " + m_endpoint.host + ": " + gai_strerror(rc)});
    }
    std::string lastError = "no address";
    for (addrinfo *address = addresses; address; address = address->ai_next) {
        const int fd =
            ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                     address->ai_protocol);
        if (fd < 0) {
            lastError = errnoText(errno);
            continue;
        }
        int rc = ::connect(fd, address->ai_addr, address->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            pollfd waiter{fd, POLLOUT, 0};
            rc = ::poll(&waiter, 1, remainingMs(deadline));
            if (rc == 0) {
                ::close(fd);
                lastError = "connect timed out";
                continue;
            }
            int soError = 0;
            socklen_t length = sizeof soError;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length);
            if (soError != 0) {
                ::close(fd);
                lastError = errnoText(soError);
                continue;
            }
            rc = 0;
        }
        if (rc < 0) {
            lastError = errnoText(errno);
            ::close(fd);
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        m_fd = fd;
        break;
    }
    freeaddrinfo(addresses);
    if (m_fd < 0)
        return tl::unexpected(
            Error{"cannot connect to " + m_endpoint.toString() + ": " + lastError});
    return {};
}

bool TcpLineConnection::healthy()
{
    if (m_fd < 0)
        return false;
    pollfd probe{m_fd, short(POLLIN | POLLRDHUP), 0};
    if (::poll(&probe, 1, 0) <= 0)
        return true; // nothing to read: still open as far as we can tell
    if (probe.revents & (POLLERR | POLLHUP | POLLRDHUP)) {
        close();
        return false;
    }
    // The servers never write; drain whatever arrived and look for the end of the stream.
    char buffer[512];
    for (;;) {
        const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (got < 0 && errno == EINTR)
            continue;
        close();
        return false;
    }
}

tl::expected<void, Error> TcpLineConnection::send(std::string_view data)
{
    if (m_fd < 0)
        return tl::unexpected(Error{"not connected to " + m_endpoint.toString()});
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<long long>(m_timeoutSeconds * 1000));
    while (!data.empty()) {
        const ssize_t sent = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            data.remove_prefix(std::size_t(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd waiter{m_fd, POLLOUT, 0};
            const int left = remainingMs(deadline);
            if (left > 0 && ::poll(&waiter, 1, left) > 0 && !(waiter.revents & (POLLERR | POLLHUP)))
                continue;
            close();
            return tl::unexpected(Error{"send to " + m_endpoint.toString() + " timed out"});
        }
        const std::string reason = errnoText(errno);
        close();
        return tl::unexpected(Error{"send to " + m_endpoint.toString() + " failed: " + reason});
    }
    return {};
}

void TcpLineConnection::close()
{
    if (m_fd < 0)
        return;
    ::shutdown(m_fd, SHUT_WR);
    ::close(m_fd);
    m_fd = -1;
}

tl::expected<void, Error> TcpLineConnection::sendWithRetry(std::string_view data,
                                                           DeliveryContext &context)
{
    for (;;) {
        auto sent = connect().and_then([&] { return send(data); });
        if (sent) {
            m_backoff.reset();
            return {};
        }
        context.setError(sent.error().message);
        if (!context.backoff(m_backoff.next()))
            return tl::unexpected(sent.error());
        context.countRetry();
    }
}

tl::expected<double, Error> timeoutOption(const OutputConfig &config)
{
    const std::string text = outputOption(config, OptionName::timeout).value_or("");
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || !(seconds > 0) || seconds > 600) {
        Error error;
        error.message = "expected seconds in (0, 600]";
        error.field = "options." + std::string(OptionName::timeout);
        error.token = text;
        return tl::make_unexpected(error);
    }
    return seconds;
}

} // namespace Loadwizard::Engine
