#pragma once

#include <cstdint>
#include <vector>

namespace Loadwizard {

/// Latency summary computed from a Histogram, in milliseconds.
struct LatencyStats
{
    std::uint64_t count = 0;
    double minMs = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};

/// An HDR-style log-linear histogram of durations in microseconds, 1 µs to 1 h (larger values
/// are clamped to 1 h), with 3 significant digits (relative error below 0.1 %). Mergeable; memory
/// grows with the largest value recorded (about 8 KB per power of two above 2 ms).
class Histogram
{
public:
    static constexpr std::uint64_t maxMicros = 3'600'000'000ULL;

    /// Records one value; no allocation unless a new power-of-two range is reached.
    void record(std::uint64_t micros) { recordCount(micros, 1); }
    void recordCount(std::uint64_t micros, std::uint64_t count);
    void merge(const Histogram &other);
    void reset();

    std::uint64_t count() const { return m_count; }
    std::uint64_t minMicros() const { return m_count ? m_min : 0; }
    std::uint64_t maxMicros() const { return m_max; }
    double meanMicros() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
    /// Value at percentile p (0–100]: the smallest recorded bucket whose cumulative count reaches
    /// p % of the total, reported as the bucket's highest equivalent value clamped to [min, max].
    std::uint64_t percentileMicros(double p) const;
    LatencyStats stats() const;

private:
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    std::uint64_t m_sum = 0;
    std::uint64_t m_min = UINT64_MAX;
    std::uint64_t m_max = 0;
};

} // namespace Loadwizard
