#pragma once

// Internal: the client side of the fire-and-forget line protocols (carbon plaintext, Logstash's
// tcp input with json_lines). Neither server ever answers, so a dead peer is only noticed by
// the FIN/RST it left behind: healthy() looks for it before each batch, which keeps a killed and
// restarted server from swallowing the first batch after the restart.

#include "backoff.h"
#include <loadwizard/error.h>
#include <loadwizard/output.h>

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard::Engine {

/// Host and port of a `tcp://host:port` target.
struct TcpEndpoint
{
    std::string host;
    int port = 0;

    /// "host:port" ("[::1]:port" for IPv6 literals).
    std::string toString() const;
};

/// Parses `tcp://host:port`, `host:port` or `[v6]:port`; `defaultPort` when the port is left out
/// (0 makes the port mandatory). Errors name the field "target".
tl::expected<TcpEndpoint, Error> parseTcpTarget(std::string_view target, int defaultPort);

/// The `timeout` option in seconds, in (0, 600]; `defaultSeconds` when absent. Errors name
/// "options.timeout".
tl::expected<double, Error> timeoutOption(const OutputConfig &config);

/// A client TCP connection that sends newline-terminated lines and never reads an answer.
class TcpLineConnection
{
public:
    explicit TcpLineConnection(TcpEndpoint endpoint, double timeoutSeconds = 5.0);
    ~TcpLineConnection();
    TcpLineConnection(const TcpLineConnection &) = delete;
    TcpLineConnection &operator=(const TcpLineConnection &) = delete;

    /// Connects (a no-op when already connected and healthy), within the timeout.
    tl::expected<void, Error> connect();
    /// Connected, and the peer has not closed or reset the connection (checked without blocking).
    bool healthy();
    /// Writes all of `data` within the timeout; closes the connection on failure.
    tl::expected<void, Error> send(std::string_view data);
    /// Half-closes first so the peer reads everything sent, then closes.
    void close();
    /// Sends `data`, reconnecting with exponential backoff until it went out or `context` says
    /// delivery must stop. Each repeated attempt is counted as a retry.
    tl::expected<void, Error> sendWithRetry(std::string_view data, DeliveryContext &context);

    const TcpEndpoint &endpoint() const { return m_endpoint; }

private:
    TcpEndpoint m_endpoint;
    double m_timeoutSeconds;
    int m_fd = -1;
    // Shorter than the HTTP outputs' backoff: a restarted carbon-cache is back within seconds
    // and these protocols have no answer that could say "later".
    Backoff m_backoff{0.25, 10.0};
};

} // namespace Loadwizard::Engine
