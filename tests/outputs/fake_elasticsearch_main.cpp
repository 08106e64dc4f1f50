// lw_fake_elasticsearch: the bulk-API test server of fake_elasticsearch.h as a process of its
// own, for benchmarks and manual runs (tests/perf/bench_outputs.py). No fault is injected.
//
//   lw_fake_elasticsearch [--port N]     (0 or none: a free port)
//
// Prints `listening 127.0.0.1:PORT` once it accepts requests; on SIGTERM or SIGINT it prints
// `documents N requests M protocol_errors K` (and the protocol errors, one per line) and exits.

#include "fake_elasticsearch.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char **argv)
{
    int port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--port" && i + 1 < argc) {
            char *end = nullptr;
            const long value = std::strtol(argv[++i], &end, 10);
            if (*end || value < 0 || value > 65535) {
                std::fprintf(stderr, "lw_fake_elasticsearch: bad port \"%s\"\n", argv[i]);
                return 2;
            }
            port = int(value);
        } else {
            std::fprintf(stderr, "usage: lw_fake_elasticsearch [--port N]\n");
            return 2;
        }
    }

    // Blocked before the server's threads exist, so they inherit the mask and sigwait() below
    // is the only place the signals arrive.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    FakeElasticsearch server(port);
    if (!server.listening()) {
        std::fprintf(stderr, "lw_fake_elasticsearch: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    std::printf("listening 127.0.0.1:%d\n", server.port());
    std::fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);

    const auto errors = server.protocolErrors();
    std::printf("documents %zu requests %zu protocol_errors %zu\n", server.documents().size(),
                server.requests().size(), errors.size());
    for (const auto &error : errors)
        std::printf("protocol error: %s\n", error.c_str());
    std::fflush(stdout);
    return 0;
}
