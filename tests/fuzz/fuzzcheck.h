#pragma once

// What every fuzz target shares: an invariant check that aborts (libFuzzer then keeps the input
// as a crash), and a way to see the fuzz input as text.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace LoadwizardFuzz {

/// Prints what failed and what it was about, then aborts: a broken invariant is a finding.
[[noreturn]] inline void fail(const char *condition, const char *file, int line,
                              std::string_view detail)
{
    constexpr std::size_t shown = 400; // a 100 000-character input would bury the message
    std::fprintf(stderr, "\n%s:%d: invariant failed: %s\n", file, line, condition);
    if (!detail.empty()) {
        std::fprintf(stderr, "  detail (%zu bytes): %.*s%s\n", detail.size(),
                     int(std::min(detail.size(), shown)), detail.data(),
                     detail.size() > shown ? "…" : "");
    }
    std::abort();
}

inline std::string_view asText(const std::uint8_t *data, std::size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

} // namespace LoadwizardFuzz

/// FUZZ_CHECK(condition) or FUZZ_CHECK(condition, detail): abort when the condition is false.
#define FUZZ_CHECK(condition, ...)                                                                 \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::LoadwizardFuzz::fail(#condition, __FILE__, __LINE__,                                 \
                                   ::std::string_view(__VA_ARGS__));                               \
    } while (false)
