#pragma once

#include <cstdint>
#include <vector>

namespace Loadwizard {

/// `total` split in proportion to `weights` (each > 0) by the Sainte-Laguë (Webster) method:
/// the parts are whole and add up to `total` exactly; ties go to the earlier weight. It is
/// house-monotone: a larger total never gives any part less, so a ramp-up never stops one
/// group's vuser while it starts another's (the largest remainder method did: 70/25/5 of 9 was
/// 6/2/1, of 10 7/3/0). The parts are within one of the exact shares, but where seats tie
/// exactly (13/7/5/3/2/1 of 14 gives the first 7 for 5.87). For a negative total, the parts are the
/// negated split of -total. Used by the schedule (a weighted mix's vusers at each moment) and the
/// workbench's chart, so both show the same numbers.
std::vector<long long> splitByWeights(long long total, const std::vector<double> &weights);

/// Seats dealt one at a time by the priority splitByWeights() uses (ties to the earlier
/// weight): after n seats, parts() is splitByWeights(n, weights). The schedule deals the shared
/// arrival rate's arrivals to the weighted open groups so, so that they add up to it exactly.
class SeatDealer
{
public:
    explicit SeatDealer(std::vector<double> weights);
    /// Deals the next seat; returns the index of the weight that takes it.
    std::size_t next();
    std::uint64_t dealt() const { return m_dealt; }
    const std::vector<long long> &parts() const { return m_parts; }

private:
    std::vector<double> m_weights;
    std::vector<long long> m_parts;
    std::uint64_t m_dealt = 0;
};

/// A weighted open group's part of the shared vuser pool: `vusers` × weight / weights, rounded
/// up (a group never gets none of a pool that has vusers). The schedule and `validate` use it.
long long poolShare(long long vusers, double weight, double weights);

} // namespace Loadwizard
