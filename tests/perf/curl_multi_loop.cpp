// The floor of Loadwizard's transport for bench_vs_wrk.py: a bare libcurl multi loop driven the
// way a worker drives it (epoll and the multi socket API, an easy handle removed and added again
// for each request, the same per-handle options), without vusers, coroutines or metrics.
//
// Usage: lw_curl_multi_loop URL CONNECTIONS SECONDS
// Prints "requests N errors E" when the time is up; the caller measures the process's CPU.

#include <curl/curl.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Loop
{
    int epoll = -1;
    CURLM *multi = nullptr;
    bool timerSet = false;
    std::chrono::steady_clock::time_point deadline; // libcurl's timer, when timerSet
};

int onSocket(CURL *, curl_socket_t socket, int what, void *user, void *socketData)
{
    auto *loop = static_cast<Loop *>(user);
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(loop->epoll, EPOLL_CTL_DEL, socket, nullptr);
        return 0;
    }
    epoll_event event{};
    event.data.fd = socket;
    if (what & CURL_POLL_IN)
        event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
        event.events |= EPOLLOUT;
    if (!socketData) {
        if (epoll_ctl(loop->epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST)
            epoll_ctl(loop->epoll, EPOLL_CTL_MOD, socket, &event);
        curl_multi_assign(loop->multi, socket, loop);
    } else if (epoll_ctl(loop->epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
        epoll_ctl(loop->epoll, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
}

int onTimer(CURLM *, long timeoutMs, void *user)
{
    auto *loop = static_cast<Loop *>(user);
    loop->timerSet = timeoutMs >= 0;
    loop->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    return 0;
}

std::size_t discard(char *, std::size_t size, std::size_t count, void *)
{
    return size * count;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s URL CONNECTIONS SECONDS\n", argv[0]);
        return 2;
    }
    const std::string url = argv[1];
    const int connections = std::atoi(argv[2]);
    const double seconds = std::atof(argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    Loop loop;
    loop.epoll = epoll_create1(EPOLL_CLOEXEC);
    loop.multi = curl_multi_init();
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETFUNCTION, &onSocket);
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETDATA, &loop);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERFUNCTION, &onTimer);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERDATA, &loop);
    curl_multi_setopt(loop.multi, CURLMOPT_PIPELINING, long(CURLPIPE_NOTHING));

    std::vector<CURL *> handles;
    for (int i = 0; i < connections; ++i) {
        CURL *easy = curl_easy_init();
        // The options Loadwizard's transfer pool sets on every easy handle.
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &discard);
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "lw_curl_multi_loop");
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 60000L);
        handles.push_back(easy);
        curl_multi_add_handle(loop.multi, easy);
    }

    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    long long requests = 0, errors = 0;
    int running = 0;
    curl_multi_socket_action(loop.multi, CURL_SOCKET_TIMEOUT, 0, &running);
    epoll_event events[256];
    while (Clock::now() < end) {
        using std::chrono::duration_cast, std::chrono::milliseconds;
        int wait = 100;
        if (loop.timerSet) {
            const auto left = duration_cast<milliseconds>(loop.deadline - Clock::now()).count();
            wait = int(std::clamp<long long>(left, 0, wait));
        }
        const int ready = epoll_wait(loop.epoll, events, 256, wait);
        for (int i = 0; i < ready; ++i) {
            int flags = 0;
            if (events[i].events & EPOLLIN)
                flags |= CURL_CSELECT_IN;
            if (events[i].events & EPOLLOUT)
                flags |= CURL_CSELECT_OUT;
            if (events[i].events & (EPOLLERR | EPOLLHUP))
                flags |= CURL_CSELECT_ERR;
            curl_multi_socket_action(loop.multi, events[i].data.fd, flags, &running);
        }
        if (loop.timerSet && Clock::now() >= loop.deadline) {
            loop.timerSet = false;
            curl_multi_socket_action(loop.multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        int left = 0;
        while (CURLMsg *message = curl_multi_info_read(loop.multi, &left)) {
            if (message->msg != CURLMSG_DONE)
                continue;
            CURL *easy = message->easy_handle;
            const CURLcode result = message->data.result;
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            ++requests;
            if (result != CURLE_OK || status != 200)
                ++errors;
            // What a worker does for the vuser's next request on the same handle.
            curl_multi_remove_handle(loop.multi, easy);
            curl_multi_add_handle(loop.multi, easy);
        }
    }
    std::printf("requests %lld errors %lld\n", requests, errors);
    for (CURL *easy : handles) {
        curl_multi_remove_handle(loop.multi, easy);
        curl_easy_cleanup(easy);
    }
    curl_multi_cleanup(loop.multi);
    curl_global_cleanup();
    return 0;
}
