#include "targetstreams.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace Loadwizard {

namespace {

constexpr long long maxStreamBytes = 10LL * 1024 * 1024;
constexpr long long maxDripSeconds = 60;

long long number(const httplib::Request &req, const char *name, long long fallback, long long max)
{
    if (!req.has_param(name))
        return fallback;
    const std::string text = req.get_param_value(name);
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
        return fallback;
    return std::min(value, max);
}

/// The same bytes for the same seed, so a test can fetch a stream twice and compare.
std::string seededBytes(std::size_t count, const std::string &seed)
{
    std::mt19937_64 generator(std::hash<std::string>{}(seed));
    std::string out(count, '\0');
    for (std::size_t i = 0; i < count; i += sizeof(std::uint64_t)) {
        const std::uint64_t word = generator();
        std::memcpy(out.data() + i, &word, std::min(sizeof word, count - i));
    }
    return out;
}

} // namespace

void addStreamRoutes(httplib::Server &server, std::function<bool(std::chrono::milliseconds)> sleep)
{
    server.Get(R"(/stream-bytes/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
        auto body = std::make_shared<std::string>(
            seededBytes(std::size_t(std::min(std::stoll(req.matches[1].str()), maxStreamBytes)),
                        req.has_param("seed") ? req.get_param_value("seed") : "0"));
        const auto chunk = std::size_t(std::max(1LL, number(req, "chunk_size", 10240, 1 << 20)));
        res.set_chunked_content_provider(
            "application/octet-stream", [body, chunk](std::size_t offset, httplib::DataSink &sink) {
                if (offset >= body->size()) {
                    sink.done();
                    return true;
                }
                const std::size_t n = std::min(chunk, body->size() - offset);
                return sink.write(body->data() + offset, n);
            });
    });

    // httpbin's /drip: numbytes '*' over duration seconds, with a Content-Length.
    server.Get("/drip", [sleep](const httplib::Request &req, httplib::Response &res) {
        const auto bytes = std::size_t(number(req, "numbytes", 10, maxStreamBytes));
        const long long seconds = number(req, "duration", 2, maxDripSeconds);
        const auto pause =
            std::chrono::milliseconds(bytes ? seconds * 1000 / static_cast<long long>(bytes) : 0);
        res.set_content_provider(bytes, "application/octet-stream",
                                 [sleep, pause](std::size_t, std::size_t, httplib::DataSink &sink) {
                                     if (pause.count() > 0 && !sleep(pause))
                                         return false;
                                     return sink.write("*", 1);
                                 });
    });

    // Never ends: 64 KiB chunks until the client goes or the server stops.
    server.Get("/endless", [sleep](const httplib::Request &, httplib::Response &res) {
        auto chunk = std::make_shared<std::string>(64 * 1024, 'x');
        res.set_chunked_content_provider(
            "application/octet-stream",
            [sleep, chunk](std::size_t offset, httplib::DataSink &sink) {
                // Yield now and then so stop() is seen even by a client reading at full speed.
                if (offset % (16 << 20) == 0 && !sleep(std::chrono::milliseconds(0)))
                    return false;
                return sink.is_writable() && sink.write(chunk->data(), chunk->size());
            });
    });

    // 10 bytes of a promised 100, then the connection closes.
    server.Get("/broken/short", [](const httplib::Request &, httplib::Response &res) {
        res.set_content_provider(100, "text/plain",
                                 [](std::size_t offset, std::size_t, httplib::DataSink &sink) {
                                     return offset == 0 && sink.write("0123456789", 10);
                                 });
    });

    // One chunk, then the connection closes without the final chunk.
    server.Get("/broken/chunked", [](const httplib::Request &, httplib::Response &res) {
        res.set_chunked_content_provider("text/plain",
                                         [](std::size_t offset, httplib::DataSink &sink) {
                                             return offset == 0 && sink.write("0123456789", 10);
                                         });
    });
}

} // namespace Loadwizard
