// Hand-written rather than a dependency: Debian 12 ships no C/C++ HdrHistogram library (only the
// Java and Go ports), and the engine needs just record, merge and percentile queries.
//
// Layout (HdrHistogram's with 2048 sub-buckets, unit 1 µs): values 0..2047 get one bucket each;
// every range [2^k, 2^(k+1)) with k >= 11 is split into 1024 equal sub-buckets of width
// 2^(k-10), so a bucket is never wider than 1/1024 of the values it holds.

#include <loadwizard/histogram.h>

#include <algorithm>
#include <cmath>

namespace Loadwizard {

std::uint64_t Histogram::highestEquivalent(std::size_t index)
{
    if (index < linearLimit)
        return index;
    const unsigned range = unsigned(index >> subBucketBits) - 1;
    const std::uint64_t subBucket = std::uint64_t(index) - (std::uint64_t(range) << subBucketBits);
    return ((subBucket + 1) << range) - 1;
}

void Histogram::growFor(std::uint64_t micros)
{
    // Whole ranges at a time: range r ends at bucket (r + 2) * 1024.
    const std::size_t needed = std::size_t(rangeOf(micros) + 2) << subBucketBits;
    if (needed <= m_counts.size())
        return;
    // Exact reserve: the vector's doubling would otherwise nearly double the footprint.
    m_counts.reserve(needed);
    m_counts.resize(needed, 0);
}

void Histogram::merge(const Histogram &other)
{
    if (other.m_count == 0)
        return;
    if (other.m_counts.size() > m_counts.size()) {
        m_counts.reserve(other.m_counts.size());
        m_counts.resize(other.m_counts.size(), 0);
    }
    const std::size_t size = other.m_counts.size();
    for (std::size_t i = 0; i < size; ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

std::size_t Histogram::bucketLimit()
{
    return bucketIndex(maxTrackableMicros) + 1;
}

bool Histogram::merge(const HistogramBuckets &other)
{
    if (other.count == 0)
        return true;
    const std::size_t limit = bucketLimit();
    bool valid = true;
    std::uint64_t added = 0;
    for (const auto &[index, count] : other.buckets) {
        if (index >= limit) {
            valid = false;
            continue;
        }
        if (index >= m_counts.size()) {
            // Whole ranges, as growFor() does.
            growFor(highestEquivalent(index));
        }
        m_counts[index] += count;
        added += count;
    }
    // The exact figures win over what the buckets would say (the buckets' counts are checked
    // against them: a file whose counts do not add up is refused by its reader, not here).
    m_count += added;
    m_sum += other.sum;
    m_min = std::min(m_min, other.min);
    m_max = std::max(m_max, other.max);
    return valid && added == other.count;
}

HistogramBuckets Histogram::buckets() const
{
    HistogramBuckets out;
    out.count = m_count;
    out.min = minMicros();
    out.max = m_max;
    out.sum = m_sum;
    if (m_count == 0)
        return out;
    // Only up to the largest value's bucket: the vector may be longer (kept from earlier values).
    const std::size_t end = std::min(m_counts.size(), bucketIndex(m_max) + 1);
    for (std::size_t i = bucketIndex(minMicros()); i < end; ++i) {
        if (m_counts[i])
            out.buckets.emplace_back(std::uint32_t(i), m_counts[i]);
    }
    return out;
}

void Histogram::reset()
{
    // Keep the buckets allocated: interval histograms are reset every second.
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_count = 0;
    m_sum = 0;
    m_min = UINT64_MAX;
    m_max = 0;
}

std::uint64_t Histogram::percentileMicros(double p) const
{
    if (m_count == 0)
        return 0;
    if (!(p > 0)) // also catches NaN
        return m_min;
    if (p >= 100)
        return m_max;

    // The small slack keeps floating-point noise from adding one: 99.9 % of 1000 must be 999.
    const double rank = std::ceil(p / 100.0 * double(m_count) - 1e-9);
    const std::uint64_t target = std::clamp<std::uint64_t>(std::uint64_t(rank), 1, m_count);

    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        cumulative += m_counts[i];
        if (cumulative >= target)
            return std::clamp(highestEquivalent(i), m_min, m_max);
    }
    return m_max; // unreachable while the counts add up to m_count
}

std::uint64_t Histogram::countAtOrBelow(std::uint64_t micros) const
{
    if (m_count == 0 || micros < m_min)
        return 0;
    if (micros >= m_max)
        return m_count;
    const std::size_t last = std::min(bucketIndex(micros), m_counts.size() - 1);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= last; ++i)
        cumulative += m_counts[i];
    return cumulative;
}

LatencyStats Histogram::stats() const
{
    const auto ms = [](double micros) { return micros / 1000.0; };
    LatencyStats stats;
    stats.count = m_count;
    if (m_count == 0)
        return stats;
    stats.minMs = ms(double(m_min));
    stats.meanMs = ms(meanMicros());
    stats.p50Ms = ms(double(percentileMicros(50)));
    stats.p90Ms = ms(double(percentileMicros(90)));
    stats.p95Ms = ms(double(percentileMicros(95)));
    stats.p99Ms = ms(double(percentileMicros(99)));
    stats.maxMs = ms(double(m_max));
    return stats;
}

} // namespace Loadwizard
