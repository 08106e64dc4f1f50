// OutputRunner: one thread per output behind a bounded queue. The engine's reporter only ever
// takes the queue's mutex for a push_back, so a slow or dead backend can never stall the load.

#include "backoff.h"
#include <loadwizard/output.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace Loadwizard {

namespace {

using Clock = std::chrono::steady_clock;

void logToStderr(const std::string &name, const std::string &message)
{
    std::fprintf(stderr, "loadwizard: output %s: %s\n", name.c_str(), message.c_str());
}

} // namespace

class OutputRunner::Private final : public DeliveryContext
{
public:
    Private(std::unique_ptr<OutputSink> sink, RunInfo info, std::size_t capacity)
        : m_sink(std::move(sink))
        , m_info(std::move(info))
        , m_capacity(std::max<std::size_t>(capacity, 1))
    {
        m_stats.name = m_sink->name();
    }

    // DeliveryContext, called by the sink on the runner's thread.
    bool backoff(double seconds) override
    {
        std::unique_lock lock(m_mutex);
        const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(seconds));
        // finish() wakes us so that a wait past the flush deadline is cut short.
        while (true) {
            if (m_finishing && Clock::now() >= m_deadline)
                return false;
            const auto wake = m_finishing ? std::min(until, m_deadline) : until;
            if (Clock::now() >= until)
                return true;
            m_wakeBackoff.wait_until(lock, wake);
            if (!m_finishing && Clock::now() >= until)
                return true;
        }
    }

    bool stopping() const override
    {
        std::lock_guard lock(m_mutex);
        return m_finishing && Clock::now() >= m_deadline;
    }

    void countRetry() override
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.retried;
    }

    void countRejected(std::uint64_t points, const std::string &message) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_stats.pointsRejected += points;
            m_stats.lastError = message;
        }
        log(message);
    }

    void setError(const std::string &message) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_stats.lastError = message;
        }
        log(message);
    }

    void log(const std::string &message)
    {
        // Each distinct message a few times, at most 20 lines per output: a dead server must not
        // flood the terminal.
        if (m_logged >= 20)
            return;
        if (++m_seen[message] > 3)
            return;
        if (++m_logged == 20) {
            m_logger(m_stats.name, message + " (further messages of this output are not shown)");
            return;
        }
        m_logger(m_stats.name, message);
    }

    void run()
    {
        bool started = false;
        Engine::Backoff startBackoff;
        std::shared_ptr<const Snapshot> last;
        while (true) {
            std::shared_ptr<const Snapshot> next;
            {
                std::unique_lock lock(m_mutex);
                m_wakeRunner.wait(lock, [&] { return m_finishing || !m_queue.empty(); });
                if (m_finishing && (m_queue.empty() || Clock::now() >= m_deadline)) {
                    m_stats.dropped += m_queue.size();
                    m_queue.clear();
                    last = m_last;
                    break;
                }
                if (started) {
                    next = std::move(m_queue.front());
                    m_queue.pop_front();
                }
            }
            if (!started) {
                // Retried until it works: a backend down at the start of the run is fine, the
                // queue keeps the newest snapshots meanwhile.
                auto ok = m_sink->start(m_info, *this);
                if (ok) {
                    started = true;
                } else {
                    setError(ok.error().toString());
                    if (!backoff(startBackoff.next()))
                        continue; // past the flush deadline: the loop drops what is queued
                }
                continue;
            }
            auto delivered = m_sink->deliver(*next, *this);
            std::lock_guard lock(m_mutex);
            if (delivered) {
                ++m_stats.sent;
                m_stats.pointsSent += *delivered;
            } else {
                ++m_stats.dropped;
                m_stats.lastError = delivered.error().toString();
            }
        }
        if (started)
            m_sink->finish(last.get(), *this);
    }

    std::unique_ptr<OutputSink> m_sink;
    RunInfo m_info;
    std::size_t m_capacity;
    std::function<void(const std::string &, const std::string &)> m_logger = logToStderr;

    mutable std::mutex m_mutex;
    std::condition_variable m_wakeRunner;
    std::condition_variable m_wakeBackoff;
    std::deque<std::shared_ptr<const Snapshot>> m_queue;
    std::shared_ptr<const Snapshot> m_last;
    bool m_finishing = false;
    Clock::time_point m_deadline;
    OutputStats m_stats;
    std::thread m_thread;

    // Touched only on the runner's thread.
    std::map<std::string, int> m_seen;
    int m_logged = 0;
};

OutputRunner::OutputRunner(std::unique_ptr<OutputSink> sink, RunInfo info, std::size_t capacity)
    : d(std::make_unique<Private>(std::move(sink), std::move(info), capacity))
{
    d->m_thread = std::thread([this] { d->run(); });
}

OutputRunner::~OutputRunner()
{
    finish(0);
}

void OutputRunner::push(std::shared_ptr<const Snapshot> snapshot)
{
    if (!snapshot)
        return;
    {
        std::lock_guard lock(d->m_mutex);
        if (d->m_finishing)
            return;
        d->m_last = snapshot;
        if (d->m_queue.size() >= d->m_capacity) {
            d->m_queue.pop_front();
            ++d->m_stats.dropped;
        }
        d->m_queue.push_back(std::move(snapshot));
    }
    d->m_wakeRunner.notify_one();
}

void OutputRunner::finish(double timeoutSeconds)
{
    {
        std::lock_guard lock(d->m_mutex);
        if (!d->m_finishing) {
            d->m_finishing = true;
            d->m_deadline =
                Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::max(timeoutSeconds, 0.0)));
        }
    }
    d->m_wakeRunner.notify_one();
    d->m_wakeBackoff.notify_all();
    if (d->m_thread.joinable())
        d->m_thread.join();
}

void OutputRunner::cutFlush()
{
    {
        std::lock_guard lock(d->m_mutex);
        d->m_finishing = true;
        d->m_deadline = Clock::now();
    }
    d->m_wakeRunner.notify_one();
    d->m_wakeBackoff.notify_all();
}

OutputStats OutputRunner::stats() const
{
    std::lock_guard lock(d->m_mutex);
    return d->m_stats;
}

} // namespace Loadwizard
