#pragma once

// Small helpers every load-test tool ships: URL and form encoding, Base64, time stamps.
//
// Written out here rather than taken from a library: the SDK is header-only and a plugin links
// nothing but the C++ standard library (libcurl's curl_easy_escape needs a handle and a link, and
// Debian packages no header-only Base64). Each is a few lines of a published algorithm (RFC 3986
// percent-encoding, RFC 4648 Base64), tested in tests/engine/tst_sdkhelpers.cpp.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Loadwizard {

/// A name and a value: a query parameter, a form field.
struct Field
{
    Field() = default;
    /// From anything a std::string is made of: literals, strings, string_views (a data row's).
    // By value: string literals decay to pointers here (GCC 12 fails on references to arrays
    // in braced lists inside coroutines).
    template <class Name, class Value>
    Field(Name n, Value v)
        : name(std::move(n))
        , value(std::move(v))
    {}

    std::string name;
    std::string value;
};

/// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~).
inline std::string urlEncode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    for (const unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

/// Decodes %XX escapes; with `plusIsSpace` (form bodies, query strings) also '+' as a space.
/// A '%' not followed by two hex digits is kept as it is, as browsers do.
inline std::string urlDecode(std::string_view text, bool plusIsSpace = true)
{
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int high = digit(text[i + 1]);
            const int low = digit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += char(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += (plusIsSpace && c == '+') ? ' ' : c;
    }
    return out;
}

/// `a=1&b=x%20y`: names and values percent-encoded, in the given order.
inline std::string formEncode(const std::vector<Field> &fields)
{
    std::string out;
    for (const auto &field : fields) {
        if (!out.empty())
            out += '&';
        out += urlEncode(field.name);
        out += '=';
        out += urlEncode(field.value);
    }
    return out;
}

/// RFC 4648 Base64; `urlSafe` uses '-' and '_' and leaves out the '=' padding (JWT style).
inline std::string base64Encode(std::string_view data, bool urlSafe = false)
{
    const char *alphabet = urlSafe
                               ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                               : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16 |
                                std::uint32_t(std::uint8_t(data[i + 1])) << 8 |
                                std::uint8_t(data[i + 2]);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    if (const std::size_t rest = data.size() - i; rest > 0) {
        std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16;
        if (rest == 2)
            n |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        if (rest == 2)
            out += alphabet[n >> 6 & 63];
        if (!urlSafe)
            out.append(rest == 2 ? 1 : 2, '=');
    }
    return out;
}

/// Decodes both alphabets, with or without padding, ignoring whitespace. Throws
/// std::invalid_argument naming the offset of the first character that is not Base64.
inline std::string base64Decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t buffer = 0;
    int bits = 0;
    bool padding = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        int value = -1;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            value = c - '0' + 52;
        else if (c == '+' || c == '-')
            value = 62;
        else if (c == '/' || c == '_')
            value = 63;
        else if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        else if (c == '=') {
            padding = true;
            continue;
        }
        if (value < 0 || padding) {
            throw std::invalid_argument("not Base64: '" + std::string(1, c) + "' at offset " +
                                        std::to_string(i));
        }
        buffer = buffer << 6 | std::uint32_t(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char(buffer >> bits & 0xff);
        }
    }
    if (bits >= 6)
        throw std::invalid_argument("not Base64: the input ends in the middle of a byte");
    return out;
}

/// Seconds since 1970-01-01 UTC.
inline std::int64_t unixSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Milliseconds since 1970-01-01 UTC (JavaScript's Date.now()).
inline std::int64_t unixMillis()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The current time through strftime(3); UTC unless `utc` is false.
inline std::string formatTime(const char *format, bool utc = true)
{
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    if (utc)
        gmtime_r(&now, &parts);
    else
        localtime_r(&now, &parts);
    char text[256];
    const std::size_t size = std::strftime(text, sizeof text, format, &parts);
    return std::string(text, size);
}

/// ISO 8601 / RFC 3339 in UTC with milliseconds: 2026-12-02T14:05:09.042Z.
inline std::string isoTime()
{
    const std::int64_t millis = unixMillis();
    const std::time_t seconds = std::time_t(millis / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[40];
    const std::size_t size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::string out(text, size);
    const int fraction = int(millis % 1000);
    out += '.';
    out += char('0' + fraction / 100);
    out += char('0' + fraction / 10 % 10);
    out += char('0' + fraction % 10);
    out += 'Z';
    return out;
}

/// RFC 9110's HTTP date: Wed, 02 Dec 2026 14:05:09 GMT.
inline std::string httpDate()
{
    // strftime's %a and %b follow the C locale, which a plugin does not change.
    return formatTime("%a, %d %b %Y %H:%M:%S GMT");
}

} // namespace Loadwizard
