// The libcurl floor of starting vusers, for bench_startrate.py: creating N share handles the way
// a worker gives each new vuser its own (cookie jar and connection cache), then N easy handles
// with the options of Loadwizard's transfer pool, all kept alive as vusers keep theirs.
//
// Then it cleans them up, timed too: the floor of a run's end, when every vuser goes at once.
//
// Usage: lw_curl_handles N
// Prints one line per step, "share|easy|share-cleanup|easy-cleanup N WALL_SECONDS CPU_SECONDS
// RSS_KIB" (the resident size after the step), then "maxrss_kib K".

#include <curl/curl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace {

double cpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

long rssKib()
{
    long kib = 0;
    if (std::FILE *status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, status)) {
            if (std::sscanf(line, "VmRSS: %ld", &kib) == 1)
                break;
        }
        std::fclose(status);
    }
    return kib;
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::size_t discard(char *, std::size_t size, std::size_t count, void *)
{
    return size * count;
}

template <typename Step>
void timed(const char *kind, long count, Step step)
{
    const double wall = wallSeconds(), cpu = cpuSeconds();
    for (long i = 0; i < count; ++i) {
        if (!step(i)) {
            std::fprintf(stderr, "cannot create %s handle %ld\n", kind, i);
            std::exit(1);
        }
    }
    const double wallTaken = wallSeconds() - wall, cpuTaken = cpuSeconds() - cpu;
    std::printf("%s %ld %.6f %.6f %ld\n", kind, count, wallTaken, cpuTaken, rssKib());
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    const long count = std::atol(argv[1]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::vector<CURLSH *> shares;
    std::vector<CURL *> easies;
    shares.reserve(std::size_t(count));
    easies.reserve(std::size_t(count));

    // As TransferPool::newIdentity().
    timed("share", count, [&](long) {
        CURLSH *share = curl_share_init();
        if (!share || curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) ||
            curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT))
            return false;
        shares.push_back(share);
        return true;
    });
    // As TransferPool::newEasyHandle().
    timed("easy", count, [&](long) {
        CURL *easy = curl_easy_init();
        if (!easy)
            return false;
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &discard);
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "lw_curl_handles");
        curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 16384L);
        curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
        easies.push_back(easy);
        return true;
    });
    // Shares first, as a worker's teardown; libcurl 7.88 closes each share's connection cache
    // with a closure handle of its own, two sigaction() calls included.
    timed("share-cleanup", count, [&](long i) {
        curl_share_cleanup(shares[std::size_t(i)]);
        return true;
    });
    timed("easy-cleanup", count, [&](long i) {
        curl_easy_cleanup(easies[std::size_t(i)]);
        return true;
    });
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("maxrss_kib %ld\n", usage.ru_maxrss);
    curl_global_cleanup();
    return 0;
}
