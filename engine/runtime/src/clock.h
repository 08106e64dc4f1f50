#pragma once

#include <chrono>
#include <cstdint>

namespace Loadwizard::Engine {

/// Monotonic nanoseconds: the engine's one clock for schedules, timers and durations.
inline std::uint64_t nowNs()
{
    return std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count());
}

} // namespace Loadwizard::Engine
