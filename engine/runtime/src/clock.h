#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace Loadwizard::Engine {

/// Monotonic nanoseconds: the engine's real clock (sleeps, transactions, libcurl's timers).
inline std::uint64_t nowNs()
{
    return std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count());
}

/// A run's schedule clock (RunConfig::clock): nowNs() unless a test drives it by hand.
using Clock = std::function<std::uint64_t()>;

} // namespace Loadwizard::Engine
