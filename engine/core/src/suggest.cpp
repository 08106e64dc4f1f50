// Written by hand: an edit distance is a dozen lines, and no Debian-packaged C++ library offers
// one without pulling in far more than it.

#include <loadwizard/suggest.h>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace Loadwizard {

namespace {

char folded(char c)
{
    return char(std::tolower(static_cast<unsigned char>(c)));
}

/// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
std::size_t distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    std::iota(previous.begin(), previous.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) &&
                folded(a[i - 2]) == folded(b[j - 1]))
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        before.swap(previous);
        previous.swap(current);
    }
    return previous[b.size()];
}

} // namespace

std::string closestMatch(std::string_view name, const std::vector<std::string_view> &candidates)
{
    // Long mistyped names (a pasted paragraph) are no typo of a key; don't spend time on them.
    if (name.empty() || name.size() > 64)
        return {};
    std::string_view best;
    std::size_t bestDistance = 0;
    for (std::string_view candidate : candidates) {
        const std::size_t d = distance(name, candidate);
        if (best.empty() || d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    // A third of the name, at least one and at most three edits, still reads as a typo.
    const std::size_t allowed = std::clamp<std::size_t>(name.size() / 3, 1, 3);
    return !best.empty() && bestDistance <= allowed ? std::string(best) : std::string();
}

std::string suggestionFor(std::string_view name, const std::vector<std::string_view> &candidates)
{
    if (const std::string best = closestMatch(name, candidates); !best.empty())
        return " (did you mean \"" + best + "\"?)";
    std::string known;
    for (std::string_view candidate : candidates)
        known += (known.empty() ? "" : ", ") + std::string(candidate);
    return known.empty() ? std::string() : " (known: " + known + ")";
}

} // namespace Loadwizard
