#pragma once

// Settings the runtime takes from a project, as plain values: the runtime knows no YAML.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace Loadwizard {

/// Worker threads a run may have (project file, --workers, the GUI): far above any core count.
inline constexpr int maxWorkers = 4096;

/// When the vusers waiting at a rendezvous point are released.
struct RendezvousPolicy
{
    enum class Kind
    {
        AllRunning,
        Count,
        Percent
    };

    std::string name;
    Kind kind = Kind::AllRunning; ///< LoadRunner's default: all running vusers
    double value = 100;           ///< vusers for Count, percent of running vusers for Percent
    double timeoutSeconds = 30;   ///< since the last arrival, as LoadRunner; releases whoever waits

    bool operator==(const RendezvousPolicy &) const = default;
};

struct ThinkTimeSettings
{
    double multiplier = 1.0; ///< 0 ignores think time, 2 doubles it
    double maxSeconds = 0;   ///< cap after scaling, 0 = none

    bool operator==(const ThinkTimeSettings &) const = default;
};

/// LoadRunner's pacing: the least time between two iteration starts of one vuser, fixed
/// (min == max) or drawn uniformly from [min, max] for each iteration. An iteration that takes
/// longer starts the next at once. Separate from think time; closed model only.
struct PacingSettings
{
    double minSeconds = 0;
    double maxSeconds = 0;

    bool enabled() const { return maxSeconds > 0; }
    bool operator==(const PacingSettings &) const = default;
};

struct HttpSettings
{
    double timeoutSeconds = 60;
    bool verifyTls = true;
    bool http2 = true; ///< offered over TLS (ALPN) where libcurl has nghttp2
    int maxRedirects = 10;
    int bufferSize = 16384; ///< libcurl receive buffer per vuser (1024–524288)
    /// Bytes of a response body kept for the scenario; the rest is counted, not kept.
    std::uint64_t maxBodyBytes = 8u << 20;
    /// Distinct request names a run records; beyond, requests share one overflow name.
    int maxNames = 1000;
    std::string userAgent; ///< empty: "Loadwizard/<version>"
    /// Relative request URLs ("/login") resolve against this (RFC 3986); empty: none allowed.
    std::string baseUrl;
    /// Sent with every request that does not set the same header itself, in this order.
    std::vector<std::pair<std::string, std::string>> headers;

    bool operator==(const HttpSettings &) const = default;
};

} // namespace Loadwizard
