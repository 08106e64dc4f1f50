#include <loadwizard/weights.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace Loadwizard {

namespace {

// By hand: the apportionment is a dozen lines, and no Debian library offers one.

/// Seat k (1-based) of a group of weight w has the priority w / (2k - 1) (Sainte-Laguë): the
/// split of n is the n seats of highest priority, ties to the earlier group, which is what
/// giving seats one at a time reaches.
double priority(double weight, long long seat)
{
    return weight / double(2 * seat - 1);
}

/// Which part takes the next seat: the highest priority, ties to the earlier.
std::size_t nextSeat(const std::vector<long long> &parts, const std::vector<double> &weights)
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (priority(weights[i], parts[i] + 1) > priority(weights[best], parts[best] + 1))
            best = i;
    }
    return best;
}

/// Seats added one at a time from `parts` until they sum to `total`.
void fill(std::vector<long long> &parts, long long total, const std::vector<double> &weights)
{
    for (long long given = std::accumulate(parts.begin(), parts.end(), 0LL); given < total; ++given)
        ++parts[nextSeat(parts, weights)];
}

/// Whether every seat given comes before every seat not given.
bool consistent(const std::vector<long long> &parts, const std::vector<double> &weights)
{
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] == 0)
            continue;
        const double last = priority(weights[i], parts[i]);
        for (std::size_t j = 0; j < parts.size(); ++j) {
            const double next = priority(weights[j], parts[j] + 1);
            if (next > last || (next == last && j < i))
                return false;
        }
    }
    return true;
}

} // namespace

std::vector<long long> splitByWeights(long long total, const std::vector<double> &weights)
{
    std::vector<long long> parts(weights.size(), 0);
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (weights.empty() || !(sum > 0))
        return parts;
    if (total < 0) {
        parts = splitByWeights(-total, weights);
        for (long long &part : parts)
            part = -part;
        return parts;
    }
    // Start one below each exact share (Sainte-Laguë's split is almost always within one of
    // it), then add the missing seats by priority: a few steps instead of `total`.
    for (std::size_t i = 0; i < weights.size(); ++i)
        parts[i] = std::max(0LL, (long long)std::floor(double(total) * weights[i] / sum) - 1);
    fill(parts, total, weights);
    if (!consistent(parts, weights)) { // the rare split further from the shares: seat by seat
        std::fill(parts.begin(), parts.end(), 0);
        fill(parts, total, weights);
    }
    return parts;
}

SeatDealer::SeatDealer(std::vector<double> weights)
    : m_weights(std::move(weights))
    , m_parts(m_weights.size(), 0)
{}

std::size_t SeatDealer::next()
{
    const std::size_t to = nextSeat(m_parts, m_weights);
    ++m_parts[to];
    ++m_dealt;
    return to;
}

long long poolShare(long long vusers, double weight, double weights)
{
    if (!(weights > 0) || vusers <= 0)
        return 0;
    // Less a hair: 10 × 70/100 is 7.000000000000001 in doubles, and must stay 7.
    return (long long)std::ceil(double(vusers) * (weight / weights) - 1e-9);
}

} // namespace Loadwizard
