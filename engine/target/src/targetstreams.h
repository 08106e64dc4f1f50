#pragma once

#include <chrono>
#include <functional>

#include <httplib.h>

namespace Loadwizard {

/// Bodies that arrive over time or not at all, for tests of what a load tester hands its
/// scenarios: GET /stream-bytes/N (chunked), /drip (slow), /endless (never ends), /broken/short
/// (shorter than its Content-Length) and /broken/chunked (cut mid-stream).
/// `sleep` waits and returns false when the server is stopping, so no stream outlives stop().
void addStreamRoutes(httplib::Server &server, std::function<bool(std::chrono::milliseconds)> sleep);

} // namespace Loadwizard
