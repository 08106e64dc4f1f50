#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
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

/// A histogram's non-empty buckets and exact figures: what a results folder stores per name and
/// interval (docs/results-format.md), small where the dense Histogram is not.
struct HistogramBuckets
{
    std::uint64_t count = 0;
    std::uint64_t min = 0; ///< 0 when empty
    std::uint64_t max = 0;
    std::uint64_t sum = 0;
    /// (bucket index, count), indices ascending, counts not zero.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets;
};

/// An HDR-style log-linear histogram of durations in microseconds, 1 µs to 1 h (larger values
/// are clamped to 1 h), with 3 significant digits (relative error below 0.1 %). Mergeable; memory
/// grows with the largest value recorded (about 8 KB per power of two above 2 ms).
class Histogram
{
public:
    /// Largest value kept (1 h); larger ones are recorded as this. Not named maxMicros, which
    /// would clash with the maxMicros() accessor below.
    static constexpr std::uint64_t maxTrackableMicros = 3'600'000'000ULL;

    /// Records one value; no allocation unless a new power-of-two range is reached.
    void record(std::uint64_t micros) { recordCount(micros, 1); }
    /// Records count occurrences of one value.
    void recordCount(std::uint64_t micros, std::uint64_t count);
    /// Adds other's counts into this histogram, growing it if other saw larger values.
    void merge(const Histogram &other);
    /// Adds sparse buckets (from buckets() or a results file), exact figures included; an index
    /// beyond the layout's last is ignored (a corrupt file), returning false.
    bool merge(const HistogramBuckets &other);
    /// The non-empty buckets and exact figures: merge() of them into an empty histogram gives
    /// this one back.
    HistogramBuckets buckets() const;
    /// Forgets every value but keeps the buckets allocated.
    void reset();

    std::uint64_t count() const { return m_count; }
    std::uint64_t minMicros() const { return m_count ? m_min : 0; }
    std::uint64_t maxMicros() const { return m_max; }
    std::uint64_t sumMicros() const { return m_sum; }
    double meanMicros() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
    /// Value at percentile p (0–100]: the smallest recorded bucket whose cumulative count reaches
    /// p % of the total, reported as the bucket's highest equivalent value clamped to [min, max].
    std::uint64_t percentileMicros(double p) const;
    /// Count, min, mean, p50/p90/p95/p99 and max in milliseconds; all zero when empty.
    LatencyStats stats() const;
    /// How many recorded values are at most `micros` (to the bucket's resolution): a
    /// distribution chart's bins are differences of these.
    std::uint64_t countAtOrBelow(std::uint64_t micros) const;

    /// The first index past the layout (values up to maxTrackableMicros).
    static std::size_t bucketLimit();

private:
    static constexpr unsigned subBucketBits = 10;                       // 1024 per power of two
    static constexpr std::uint64_t linearLimit = 2ULL << subBucketBits; // 1 µs buckets below it

    /// 0 for values below 2048 µs, then r for values in [2^(r+10), 2^(r+11)).
    static unsigned rangeOf(std::uint64_t micros)
    {
        return unsigned(std::bit_width(micros | (linearLimit - 1))) - (subBucketBits + 1);
    }
    /// Values below 2048 map to themselves; range r >= 1 maps to [(r+1)*1024, (r+2)*1024).
    static std::size_t bucketIndex(std::uint64_t micros)
    {
        const unsigned range = rangeOf(micros);
        return (std::size_t(range) << subBucketBits) + std::size_t(micros >> range);
    }
    /// Largest value that lands in the bucket at index.
    static std::uint64_t highestEquivalent(std::size_t index);
    void growFor(std::uint64_t micros);

    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    std::uint64_t m_sum = 0;
    std::uint64_t m_min = UINT64_MAX;
    std::uint64_t m_max = 0;
};

// Inline: this is the load generator's hot path (one call per response).
inline void Histogram::recordCount(std::uint64_t micros, std::uint64_t count)
{
    if (count == 0)
        return;
    micros = micros < maxTrackableMicros ? micros : maxTrackableMicros;
    const std::size_t index = bucketIndex(micros);
    if (index >= m_counts.size()) [[unlikely]]
        growFor(micros);
    m_counts[index] += count;
    m_count += count;
    m_sum += micros * count;
    m_min = micros < m_min ? micros : m_min;
    m_max = micros > m_max ? micros : m_max;
}

} // namespace Loadwizard
