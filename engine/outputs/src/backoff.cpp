#include "backoff.h"

#include <algorithm>

namespace Loadwizard::Engine {

Backoff::Backoff(double initialSeconds, double maxSeconds)
    : m_initial(initialSeconds)
    , m_next(initialSeconds)
    , m_max(maxSeconds)
    , m_random(std::random_device{}())
{}

double Backoff::next(double retryAfterSeconds)
{
    // Jitter so that several load generators restarting together do not retry in lockstep.
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    const double delay = std::min(m_next, m_max) * jitter(m_random);
    m_next = std::min(m_next * 2, m_max);
    return std::max(delay, std::min(retryAfterSeconds, maxRetryAfterSeconds));
}

} // namespace Loadwizard::Engine
