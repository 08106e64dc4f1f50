#include <loadwizard/weights.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace Loadwizard {

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
    std::vector<std::pair<double, std::size_t>> remainders; // (remainder, index)
    long long given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = double(total) * weights[i] / sum;
        parts[i] = (long long)std::floor(exact);
        given += parts[i];
        remainders.emplace_back(exact - double(parts[i]), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    for (std::size_t i = 0; given < total && i < remainders.size(); ++i, ++given)
        ++parts[remainders[i].second];
    return parts;
}

} // namespace Loadwizard
