#pragma once

#include <loadwizard/error.h>

#include <memory>
#include <string>

#include <tl/expected.hpp>

namespace Loadwizard {

/// The built-in target: an httpbin-style HTTP server plus a small shop (login, products, cart,
/// checkout) for the demo scenarios and the end-to-end tests. Serves from background threads.
class TargetServer
{
public:
    TargetServer();
    TargetServer(const TargetServer &) = delete;
    TargetServer &operator=(const TargetServer &) = delete;
    /// Stops the server (see stop()).
    ~TargetServer();

    /// Binds and starts serving. Port 0 lets the OS choose a free port (see port()). A port that
    /// is taken, an unknown host or a second start() give an Error naming host:port.
    tl::expected<void, Error> start(const std::string &host = "127.0.0.1", int port = 8080);
    /// The bound port, 0 when not running.
    int port() const;
    /// "http://127.0.0.1:PORT" (a wildcard host is reached through loopback).
    std::string baseUrl() const;
    /// Whether start() succeeded and stop() has not been called yet.
    bool isRunning() const;
    /// Stops accepting, wakes pending /delay requests, closes idle keep-alive connections and
    /// waits for the handler threads. Safe to call twice.
    void stop();
    /// Blocks until the server is stopped (by stop() from another thread). Returns at once when
    /// not running.
    void wait();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Loadwizard
