#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace Loadwizard {

/// A request's default metrics name: "METHOD /path", never the host or the query, with the
/// path's variable segments collapsed (numbers → {id}, UUIDs → {uuid}, long hex → {hex}), so
/// 20 000 distinct URLs make a handful of names, not 20 000 histograms.
std::string defaultRequestName(std::string_view method, std::string_view url);

/// The run's request names, capped: beyond `limit` distinct names, requests are counted under
/// overflowName. Shared by the workers; each asks once per name it has not seen yet.
class NameRegistry
{
public:
    static constexpr std::string_view overflowName = "(other names)";

    explicit NameRegistry(std::size_t limit = 1000)
        : m_limit(limit)
    {}
    /// Before the run starts.
    void setLimit(std::size_t limit) { m_limit = limit; }

    /// True when `name` may be used (already known, or under the cap); false sends it to the
    /// overflow name. `first` is set when this call is the one that hit the cap.
    bool admit(const std::string &name, bool *first = nullptr);
    std::size_t limit() const { return m_limit; }

private:
    std::size_t m_limit;
    std::mutex m_mutex;
    std::unordered_set<std::string> m_names;
    bool m_overflowed = false;
};

} // namespace Loadwizard
