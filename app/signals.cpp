#include "signals.h"

#include <csignal>
#include <ctime>

#include <pthread.h>

namespace Loadwizard::App {

namespace {

sigset_t terminationSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP); // a closed terminal ends the run like SIGTERM, with its summary
    return set;
}

} // namespace

void SignalWatcher::blockSignals()
{
    const sigset_t set = terminationSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // `loadwizard run … | head -1`: a closed pipe makes writes fail with EPIPE instead of
    // killing the run, so the run, its outputs and --summary-json go on.
    std::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::SignalWatcher(std::function<void()> first, std::function<void()> again,
                             std::function<void()> tick)
    : m_first(std::move(first))
    , m_again(std::move(again))
    , m_tick(std::move(tick))
{
    m_thread = std::thread([this] {
        const sigset_t set = terminationSignals();
        const timespec tick{0, 100'000'000};
        while (!m_quit.load()) {
            if (m_tick)
                m_tick();
            if (sigtimedwait(&set, nullptr, &tick) < 0)
                continue;
            if (m_count.fetch_add(1) == 0)
                m_first();
            else
                m_again();
        }
    });
}

SignalWatcher::~SignalWatcher()
{
    m_quit.store(true);
    m_thread.join();
}

} // namespace Loadwizard::App
