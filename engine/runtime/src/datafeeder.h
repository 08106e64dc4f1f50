#pragma once

#include <loadwizard/run.h>
#include <loadwizard/snapshot.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace Loadwizard::Engine {

/// Hands out a feeder's rows to vusers on every worker. Lock-free: a sequential or unique draw is
/// one relaxed fetch_add on a counter of its own cache line; random and per-vuser draws touch
/// only a statistics counter.
class DataFeeder
{
public:
    explicit DataFeeder(const DataFeed &feed);

    struct Draw
    {
        std::size_t row = 0;
        bool exhausted = false;       ///< no row: the caller stops the vuser (or the run)
        bool firstExhaustion = false; ///< the first draw that found it so: warn once
    };
    /// A row for vuser `vuserId` (1-based); `unit` in [0, 1) is only used by random.
    Draw draw(std::uint64_t vuserId, double unit);

    const DataFeed &feed() const { return m_feed; }
    /// Ran out (stop-vuser or stop-run): at least one draw found no row.
    bool exhausted() const { return m_exhausted.load(std::memory_order_relaxed); }
    DataFeedStats stats() const;

private:
    const DataFeed &m_feed;
    const std::uint64_t m_rows;
    alignas(64) std::atomic<std::uint64_t> m_next{0}; ///< draws so far, every strategy
    alignas(64) std::atomic<bool> m_exhausted{false};
};

} // namespace Loadwizard::Engine
