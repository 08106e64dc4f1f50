#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace Loadwizard::App {

/// Turns SIGINT/SIGTERM into calls on a thread of its own: the first one calls `first`
/// (graceful stop), any later one `again` (abort); `tick`, if given, about ten times a second.
/// Call blockSignals() in main() before any thread starts, so no other thread is picked to
/// receive them.
class SignalWatcher
{
public:
    SignalWatcher(std::function<void()> first, std::function<void()> again,
                  std::function<void()> tick = {});
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher &) = delete;
    SignalWatcher &operator=(const SignalWatcher &) = delete;

    static void blockSignals();
    bool signalled() const { return m_count.load() > 0; }

private:
    std::function<void()> m_first;
    std::function<void()> m_again;
    std::function<void()> m_tick;
    std::atomic<int> m_count{0};
    std::atomic<bool> m_quit{false};
    std::thread m_thread;
};

} // namespace Loadwizard::App
