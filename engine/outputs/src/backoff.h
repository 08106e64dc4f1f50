#pragma once

// Internal: the one retry delay policy of the outputs (HTTP sinks, TCP reconnects, the runner's
// start retries), so that every backend backs off the same way and honours Retry-After alike.

#include <random>

namespace Loadwizard::Engine {

/// Exponential backoff with jitter: `initialSeconds` doubling up to `maxSeconds`, ±20 %.
class Backoff
{
public:
    explicit Backoff(double initialSeconds = 0.5, double maxSeconds = 30.0);
    /// The next delay (and doubles the following one). A server's Retry-After (seconds, 0 when it
    /// sent none) lengthens it, up to 60 s; it never shortens our own backoff.
    double next(double retryAfterSeconds = 0);
    /// Back to the initial delay (after a success).
    void reset() { m_next = m_initial; }

    /// The longest Retry-After honoured: a confused server must not stall an output for hours.
    static constexpr double maxRetryAfterSeconds = 60.0;

private:
    double m_initial;
    double m_next;
    double m_max;
    std::minstd_rand m_random;
};

} // namespace Loadwizard::Engine
