#pragma once

// URLs of output targets (`http://user:pass@host:8086/db`, `tcp://[::1]:2003`) and the values of
// `--out KIND=TARGET?key=value&…`, split and decoded by libcurl's URL API rather than by hand.

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard::Engine {

/// A URL split by libcurl (RFC 3986); any scheme is accepted, the caller checks it.
struct UrlParts
{
    std::string scheme;   ///< lower case
    std::string user;     ///< percent-decoded; empty when there is no userinfo
    std::string password; ///< percent-decoded
    std::string host;     ///< as written; IPv6 literals keep their brackets ("[::1]")
    std::string port;     ///< digits as written; empty when absent
    std::string path;     ///< still percent-encoded; "/" when absent
    std::string query;    ///< without '?', still percent-encoded; empty when absent
    std::string fragment; ///< without '#'; empty when absent

    /// `scheme://host[:port]`: what requests go to, without the userinfo.
    std::string origin() const;
};

/// Why splitUrl() refused a URL.
struct UrlError
{
    bool noHost = false; ///< nothing between "://" and the path
    std::string message; ///< libcurl's description
};

/// Splits `url` with libcurl's URL parser.
tl::expected<UrlParts, UrlError> splitUrl(std::string_view url);

/// Percent-decoded by libcurl; a '%' not followed by two hex digits stays as written.
std::string percentDecoded(std::string_view text);

/// A key or value of a `key=value&…` query: '+' is a space, %XX a byte; nullopt when a '%' is
/// not followed by two hex digits.
std::optional<std::string> queryComponentDecoded(std::string_view text);

} // namespace Loadwizard::Engine
