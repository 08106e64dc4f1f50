#include "worker.h"

#include "clock.h"
#include "rendezvoushub.h"
#include <loadwizard/error.h>
#include <loadwizard/secrets.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string_view>
#include <utility>

#include <csignal>

#include <pthread.h>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Loadwizard::Engine {

namespace {

// Set once when a worker's thread starts: the crash handler reads it (a plain thread_local
// pointer, async-signal-safe to read).
thread_local const Worker *t_worker = nullptr;

/// A signal stack for the worker's thread, so a scenario that overflows its stack (runaway
/// recursion) still reaches the crash handler instead of dying silently.
class AlternateSignalStack
{
public:
    AlternateSignalStack()
        : m_memory(std::make_unique<char[]>(size))
    {
        stack_t stack{};
        stack.ss_sp = m_memory.get();
        stack.ss_size = size;
        m_installed = sigaltstack(&stack, nullptr) == 0;
    }
    ~AlternateSignalStack()
    {
        if (!m_installed)
            return;
        stack_t disable{};
        disable.ss_flags = SS_DISABLE;
        sigaltstack(&disable, nullptr);
    }
    AlternateSignalStack(const AlternateSignalStack &) = delete;
    AlternateSignalStack &operator=(const AlternateSignalStack &) = delete;

private:
    static constexpr std::size_t size = 64 * 1024;
    std::unique_ptr<char[]> m_memory;
    bool m_installed = false;
};

std::string failedCall(int index, const char *call, int error)
{
    return "worker " + std::to_string(index) + ": " + call + " failed: " + std::strerror(error);
}

tl::unexpected<Error> systemError(int index, const char *call, int error)
{
    return tl::make_unexpected(Error{failedCall(index, call, error)});
}

} // namespace

Worker::Worker(int index, RunShared &shared)
    : m_index(index)
    , m_shared(shared)
    , m_endedByData(shared.groups.size(), 0)
    , m_arrivals(std::make_unique<GroupArrivals[]>(shared.groups.size()))
    , m_interval(std::make_unique<IntervalData>(shared.groups.size()))
{}

Worker::~Worker()
{
    join();
}

tl::expected<void, Error> Worker::start()
{
    if (auto ready = setUp(); !ready) {
        tearDown();
        return ready;
    }
    m_turnNs.store(nowNs(), std::memory_order_relaxed); // not stalled before its first turn
    m_thread = std::thread([this] {
        run();
        m_exited.store(true, std::memory_order_release);
    });
    return {};
}

void Worker::join()
{
    if (m_thread.joinable())
        m_thread.join();
    tearDown();
}

const Worker *Worker::current()
{
    return t_worker;
}

std::unique_ptr<IntervalData> Worker::salvageAfterCrash(const std::string &description)
{
    std::unique_ptr<IntervalData> data = std::move(m_interval);
    data->worker = -1; // not handed back: this worker takes nothing more
    const std::uint64_t crashed = vuserInScenario();
    for (const auto &[id, vuser] : m_vusers) {
        if (!vuser->initDone || vuser->task.done())
            continue;
        Counters &counters = data->groups[vuser->group].counters;
        if (id == crashed) {
            ++counters.iterations;
            ++counters.iterationsFailed;
            ++counters.errors[std::size_t(ErrorClass::Exception)];
        } else {
            ++counters.iterationsInterrupted;
        }
    }
    if (crashed && find(crashed) && !find(crashed)->initDone)
        ++data->groups[find(crashed)->group].counters.vuserInitFailures;
    data->addEvent({elapsedSeconds(), "error", description, ErrorClass::Exception, crashed});
    return data;
}

void Worker::abandon()
{
    if (m_thread.joinable())
        m_thread.detach();
}

tl::expected<void, Error> Worker::setUp()
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0)
        return systemError(m_index, "epoll_create1", errno);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd < 0)
        return systemError(m_index, "eventfd", errno);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        return systemError(m_index, "epoll_ctl", errno);

    m_multi = curl_multi_init();
    if (!m_multi) // libcurl's only reason
        return systemError(m_index, "curl_multi_init", ENOMEM);
    // The options below only store values: they fail on an unknown option, never at run time.
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &Worker::onSocket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &Worker::onTimer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    // Each vuser's transfers stay on connections of their own: no HTTP/2 multiplexing of
    // several vusers' requests onto one connection.
    curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long(CURLPIPE_NOTHING));
    m_pool = std::make_unique<TransferPool>(m_shared.config.http, m_shared.userAgent,
                                            m_shared.config.trace.http);
    return setUpArrivals();
}

void Worker::tearDown()
{
    // Shares (and their connections) go before the easy handles that may still point at them.
    if (m_pool) {
        for (auto &[id, vuser] : m_vusers)
            m_pool->forget(*vuser);
    }
    m_vusers.clear();
    m_pool.reset();
    if (m_cookieEasy)
        curl_easy_cleanup(std::exchange(m_cookieEasy, nullptr));
    if (m_baseUrl)
        curl_url_cleanup(std::exchange(m_baseUrl, nullptr));
    if (m_multi)
        curl_multi_cleanup(m_multi);
    m_multi = nullptr;
    if (m_wakeFd >= 0)
        close(m_wakeFd);
    if (m_timerFd >= 0)
        close(m_timerFd);
    m_timerFd = -1;
    if (m_epoll >= 0)
        close(m_epoll);
    m_wakeFd = m_epoll = -1;
}

void Worker::post(const WorkerCommand &command)
{
    bool wake;
    {
        std::lock_guard lock(m_inboxMutex);
        wake = m_inbox.empty();
        m_inbox.push_back(command);
    }
    if (wake) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto written = write(m_wakeFd, &one, sizeof one);
    }
}

void Worker::requestReport(std::uint64_t round)
{
    post({WorkerCommand::Type::Flush, round});
}

bool Worker::takeReports(std::uint64_t round, std::chrono::steady_clock::time_point deadline,
                         std::vector<std::unique_ptr<IntervalData>> &out)
{
    std::unique_lock lock(m_reportMutex);
    const bool answered =
        m_reportReady.wait_until(lock, deadline, [&] { return m_answeredRound >= round; });
    for (auto &report : m_reports)
        out.push_back(std::move(report));
    m_reports.clear();
    return answered;
}

void Worker::recycle(std::unique_ptr<IntervalData> data)
{
    std::lock_guard lock(m_reportMutex);
    if (!m_spare)
        m_spare = std::move(data);
}

double Worker::elapsedSeconds() const
{
    return double(m_shared.config.clock() - m_shared.startNs) / 1e9;
}

void Worker::logEvent(VuserImpl &vuser, const char *level, std::string message, ErrorClass cls,
                      std::string sample)
{
    if (vuser.interrupting)
        return;
    // Events are bounded in number per interval; each one in size too, so that a scenario
    // logging whole 8 MiB bodies cannot hold hundreds of megabytes between two reports.
    if (message.size() > maxEventBytes) {
        const std::size_t total = message.size();
        message.resize(maxEventBytes);
        message += "… (" + std::to_string(total) + " bytes, cut)";
    }
    // vu.log() is the one "info" event: with -v its lines go with the requests', in order.
    if (m_shared.config.trace.any() && std::string_view(level) == "info")
        m_interval->addTrace({elapsedSeconds(), vuser.id(), "log: " + message});
    if (std::string_view(level) == "error")
        m_interval->countError(message, cls, std::move(sample));
    m_interval->addEvent({elapsedSeconds(), level, std::move(message), cls, vuser.id()});
}

DataFeeder *Worker::feeder(std::string_view name, int group) const
{
    for (const auto &feeder : m_shared.groups[std::size_t(group)]->feeders) {
        if (feeder->feed().name == name)
            return feeder.get();
    }
    for (const auto &feeder : m_shared.feeders) {
        if (feeder->feed().name == name)
            return feeder.get();
    }
    return nullptr;
}

void Worker::traceRequest(const VuserImpl &vuser, const Request &request, const Response &response,
                          std::uint64_t bytesIn, std::string httpText)
{
    if (vuser.interrupting)
        return;
    char figures[96];
    const double kilobytes = double(bytesIn) / 1000.0;
    if (bytesIn < 1000)
        std::snprintf(figures, sizeof figures, "%.1f ms %llu B", response.seconds * 1000,
                      (unsigned long long)bytesIn);
    else if (kilobytes < 1000)
        std::snprintf(figures, sizeof figures, "%.1f ms %.1f kB", response.seconds * 1000,
                      kilobytes);
    else
        std::snprintf(figures, sizeof figures, "%.1f ms %.1f MB", response.seconds * 1000,
                      kilobytes / 1000);
    std::string text = request.method + " " + request.url + " ";
    text += response.error.empty() ? std::to_string(response.status) : "error: " + response.error;
    text.append(" ").append(figures);
    if (!response.url.empty())
        text += " (redirected to " + response.url + ")";
    if (!httpText.empty()) {
        text += '\n';
        text += httpText;
        if (text.back() == '\n')
            text.pop_back();
    }
    m_interval->addTrace({elapsedSeconds(), vuser.id(), std::move(text)});
}

const std::string &Worker::cappedName(NameKind kind, const std::string &name, VuserImpl &vuser)
{
    auto &admitted = m_admittedNames[std::size_t(kind)];
    if (admitted.contains(name))
        return name;
    NameRegistry &registry = kind == NameKind::Request       ? m_shared.names
                             : kind == NameKind::Transaction ? m_shared.transactionNames
                                                             : m_shared.checkNames;
    bool firstOverflow = false;
    if (registry.admit(name, &firstOverflow)) {
        admitted.insert(name);
        return name;
    }
    if (firstOverflow) {
        const char *what = kind == NameKind::Request       ? "request names"
                           : kind == NameKind::Transaction ? "transaction names"
                                                           : "check names";
        const char *advice = kind == NameKind::Request ? "name requests" : "use fewer names";
        // Redacted before it is cut: the reporter would not know half a secret.
        logEvent(vuser, "warning",
                 "more than " + std::to_string(registry.limit()) + " " + what + ": \"" +
                     shortened(redactSecrets(name)) + "\" and later new names are counted as \"" +
                     std::string(NameRegistry::overflowName) + "\" (" + advice +
                     ", or raise http.max_names)",
                 ErrorClass::Other);
    }
    static const std::string overflow(NameRegistry::overflowName);
    return overflow;
}

int Worker::onSocket(CURL *, curl_socket_t socket, int what, void *self, void *socketData)
{
    auto *worker = static_cast<Worker *>(self);
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(worker->m_epoll, EPOLL_CTL_DEL, socket, nullptr);
        return 0;
    }
    epoll_event event{};
    event.data.fd = socket;
    if (what & CURL_POLL_IN)
        event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
        event.events |= EPOLLOUT;
    if (!socketData) {
        if (epoll_ctl(worker->m_epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST)
            epoll_ctl(worker->m_epoll, EPOLL_CTL_MOD, socket, &event);
        curl_multi_assign(worker->m_multi, socket, worker);
    } else if (epoll_ctl(worker->m_epoll, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
        epoll_ctl(worker->m_epoll, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
}

int Worker::onTimer(CURLM *, long timeoutMs, void *self)
{
    auto *worker = static_cast<Worker *>(self);
    if (timeoutMs < 0) {
        worker->m_curlTimerSet = false;
    } else {
        worker->m_curlTimerSet = true;
        worker->m_curlDeadlineNs = nowNs() + std::uint64_t(timeoutMs) * 1'000'000ULL;
    }
    return 0;
}

void Worker::forwardThreadSignals()
{
    // raise(SIGINT) in scenario code pends on this thread, where the CLI blocks it and nobody
    // waits for it: handed to the process, it reaches the SignalWatcher like a Ctrl-C.
    sigset_t pending, blocked;
    if (sigpending(&pending) != 0 || pthread_sigmask(SIG_BLOCK, nullptr, &blocked) != 0)
        return;
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        if (!sigismember(&pending, signal) || !sigismember(&blocked, signal))
            continue;
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, signal);
        const timespec now{0, 0};
        // May take a process-wide one instead: sent again, it still reaches the watcher.
        if (sigtimedwait(&one, nullptr, &now) == signal)
            ::kill(getpid(), signal);
    }
}

int Worker::waitTimeoutMs(std::uint64_t now) const
{
    if (!m_ready.empty() || !m_done.empty())
        return 0;
    std::uint64_t deadline = now + 1'000'000'000ULL; // wake at least once a second
    if (m_curlTimerSet)
        deadline = std::min(deadline, m_curlDeadlineNs);
    if (!m_timers.empty())
        deadline = std::min(deadline, m_timers.front().deadlineNs);
    if (m_arrivalWakeNs) // the timerfd wakes the loop sooner than a millisecond timeout
        deadline = std::min(deadline, m_arrivalWakeNs);
    if (deadline <= now || !m_pendingStarts.empty())
        return 0;
    return int((deadline - now + 999'999) / 1'000'000); // round up: never spin before it
}

void Worker::run()
{
    t_worker = this;
    AlternateSignalStack signalStack;
    constexpr int maxEvents = 256;
    epoll_event events[maxEvents];
    int running = 0;
    std::uint64_t nextSignalCheckNs = 0;
    while (!m_quit) {
        const std::uint64_t turn = nowNs();
        m_turnNs.store(turn, std::memory_order_relaxed);
        if (turn >= nextSignalCheckNs) {
            nextSignalCheckNs = turn + 100'000'000ULL; // a syscall, not on every turn
            forwardThreadSignals();
        }
        const int ready = epoll_wait(m_epoll, events, maxEvents, waitTimeoutMs(turn));
        if (ready < 0 && errno != EINTR) {
            runWithoutEpoll(errno);
            return;
        }
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_wakeFd) {
                std::uint64_t value;
                [[maybe_unused]] auto got = read(m_wakeFd, &value, sizeof value);
                processInbox();
                continue;
            }
            if (fd == m_timerFd) {
                std::uint64_t expirations;
                [[maybe_unused]] auto got = read(m_timerFd, &expirations, sizeof expirations);
                continue;
            }
            int flags = 0;
            if (events[i].events & EPOLLIN)
                flags |= CURL_CSELECT_IN;
            if (events[i].events & EPOLLOUT)
                flags |= CURL_CSELECT_OUT;
            if (events[i].events & (EPOLLERR | EPOLLHUP))
                flags |= CURL_CSELECT_ERR;
            curl_multi_socket_action(m_multi, fd, flags, &running);
        }
        const std::uint64_t now = nowNs();
        if (m_curlTimerSet && now >= m_curlDeadlineNs) {
            m_curlTimerSet = false;
            curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        processCompletions();
        fireTimers(now);
        startArrivals(false);
        startPending(now);
        runReady();
        if (m_shared.openModel) {
            for (std::size_t g = 0; g < m_shared.groups.size(); ++g)
                m_arrivals[g].poolSize.store(m_arrivals[g].members, std::memory_order_relaxed);
        }
    }
}

void Worker::runWithoutEpoll(int error)
{
    m_interval->addEvent({elapsedSeconds(), "error", failedCall(m_index, "epoll_wait", error),
                          ErrorClass::Other, 0});
    m_shared.workerFailed.store(true, std::memory_order_relaxed);
    m_stopping = true;
    interruptAll();
    // Reports and the final Quit still arrive through the eventfd.
    while (!m_quit) {
        pollfd wake{m_wakeFd, POLLIN, 0};
        if (poll(&wake, 1, 1000) > 0) {
            std::uint64_t value;
            [[maybe_unused]] auto got = read(m_wakeFd, &value, sizeof value);
        }
        processInbox();
    }
}

void Worker::processInbox()
{
    {
        std::lock_guard lock(m_inboxMutex);
        m_inboxWork.swap(m_inbox);
    }
    for (const auto &command : m_inboxWork) {
        switch (command.type) {
        case WorkerCommand::Type::AddVusers:
            addVusers(command.first, command.count, command.group);
            break;
        case WorkerCommand::Type::RemoveVusers:
            removeVusers(command.count, command.group);
            break;
        case WorkerCommand::Type::ResumeRendezvous: {
            VuserImpl *vuser = find(command.first);
            if (auto *rendezvous = vuser ? vuser->rendezvousWait(command.count) : nullptr) {
                rendezvous->op->outcome = command.outcome;
                wake(*vuser);
            }
            break;
        }
        case WorkerCommand::Type::Flush:
            flush(command.first);
            break;
        case WorkerCommand::Type::Stop:
            // Arrivals due by now still start (the profile's last ones, on a late worker).
            startArrivals(true);
            stopArrivals();
            m_stopping = true;
            dropPendingStarts(); // vusers never start after the profile or a stop
            removeVusers(std::uint64_t(m_vusers.size()), -1);
            break;
        case WorkerCommand::Type::Interrupt:
            stopArrivals();
            dropPendingStarts();
            interruptAll();
            break;
        case WorkerCommand::Type::Quit:
            m_quit = true;
            break;
        }
    }
    m_inboxWork.clear();
}

void Worker::addVusers(std::uint64_t first, std::uint64_t count, int group)
{
    if (m_stopping || count == 0) {
        m_shared.vusersGone.fetch_add((long long)count, std::memory_order_relaxed);
        return;
    }
    m_pendingStarts.push_back({first, count, group});
    m_pendingCount += count;
    if (m_shared.groups[std::size_t(group)]->openModel) {
        m_arrivals[group].initialising += count;
        m_arrivals[group].members += (long long)count;
    }
}

void Worker::dropPendingStarts()
{
    for (const PendingStart &pending : m_pendingStarts) {
        if (m_shared.groups[std::size_t(pending.group)]->openModel)
            m_arrivals[pending.group].members -= (long long)pending.count;
    }
    m_pendingStarts.clear();
    m_pendingCount = 0;
}

void Worker::startPending(std::uint64_t now)
{
    if (m_pendingStarts.empty()) {
        m_lagSinceNs = 0;
        return;
    }
    // A batch per loop turn: sockets, timers and commands (Stop) are served in between.
    constexpr std::uint64_t batch = 256;
    PendingStart &range = m_pendingStarts.front();
    const std::uint64_t count = std::min(batch, range.count);
    const std::uint64_t first = range.first;
    const int group = range.group;
    range.first += count;
    range.count -= count;
    m_pendingCount -= count;
    if (range.count == 0)
        m_pendingStarts.pop_front();
    if (m_lagSinceNs == 0) {
        m_lagSinceNs = now;
        m_startedDuringLag = 0;
    }
    m_startedDuringLag += count;
    const double lagSeconds = double(now - m_lagSinceNs) / 1e9;
    if (!m_lagWarned && !m_pendingStarts.empty() && lagSeconds >= 2) {
        m_lagWarned = true;
        m_interval->addEvent(
            {elapsedSeconds(), "warning",
             "worker " + std::to_string(m_index) +
                 " starts vusers slower than the profile plans: " + std::to_string(m_pendingCount) +
                 " waiting (about " +
                 std::to_string(std::uint64_t(double(m_startedDuringLag) / lagSeconds)) +
                 " started per second here)",
             ErrorClass::Other, 0});
    }
    long long added = 0;
    bool outOfMemory = false;
    for (std::uint64_t id = first; id < first + count && !outOfMemory; ++id) {
        try {
            auto vuser = std::make_unique<VuserImpl>(*this, id, id ^ m_shared.randomSalt, group);
            vuser->share = TransferPool::newIdentity();
            outOfMemory = !vuser->share; // libcurl's only reason to fail it
            if (outOfMemory)
                break;
            m_ready.reserve(m_ready.size() + 1);
            m_vusers.emplace(id, std::move(vuser));
            m_ready.push_back(id);
            ++added;
        } catch (const std::bad_alloc &) {
            outOfMemory = true;
        }
    }
    GroupShared &groupShared = *m_shared.groups[std::size_t(group)];
    const long long groupActive =
        groupShared.activeVusers.fetch_add(added, std::memory_order_relaxed) + added;
    long long groupPeak = groupShared.peakVusers.load(std::memory_order_relaxed);
    while (groupActive > groupPeak && !groupShared.peakVusers.compare_exchange_weak(
                                          groupPeak, groupActive, std::memory_order_relaxed)) {
    }
    const long long active =
        m_shared.activeVusers.fetch_add(added, std::memory_order_relaxed) + added;
    long long peak = m_shared.peakVusers.load(std::memory_order_relaxed);
    while (active > peak &&
           !m_shared.peakVusers.compare_exchange_weak(peak, active, std::memory_order_relaxed)) {
    }
    if (outOfMemory) {
        // More vusers than memory (a step of a million under a memory limit): the ones running
        // go on, the rest of the plan is dropped with one warning rather than a crash.
        const std::uint64_t dropped = m_pendingCount + (count - std::uint64_t(added));
        m_shared.vusersGone.fetch_add((long long)dropped, std::memory_order_relaxed);
        if (m_shared.groups[std::size_t(group)]->openModel)
            m_arrivals[group].members -= (long long)(count - std::uint64_t(added));
        dropPendingStarts();
        if (!std::exchange(m_outOfMemoryWarned, true))
            m_interval->addEvent(
                {elapsedSeconds(), "warning",
                 "worker " + std::to_string(m_index) + " ran out of memory after " +
                     std::to_string(m_vusers.size()) + " vusers: " + std::to_string(dropped) +
                     " more planned here are not started (and later steps only as memory allows)",
                 ErrorClass::Other, 0});
    }
    // libcurl applies this limit to each vuser's own connection cache; its default (4 per
    // transfer in progress) could close a thinking vuser's connection.
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, 64L);
}

void Worker::removeVusers(std::uint64_t count, int group)
{
    const auto ours = [group](int other) { return group < 0 || other == group; };
    for (std::size_t g = 0; g < m_endedByData.size(); ++g) {
        if (!ours(int(g)))
            continue;
        const std::uint64_t gone = std::min(count, m_endedByData[g]);
        m_endedByData[g] -= gone;
        count -= gone;
    }
    // Those still waiting to start go first: the newest are the ones the plan dropped.
    for (auto range = m_pendingStarts.end(); count > 0 && range != m_pendingStarts.begin();) {
        --range;
        if (!ours(range->group))
            continue;
        const std::uint64_t dropped = std::min(count, range->count);
        range->count -= dropped;
        m_pendingCount -= dropped;
        count -= dropped;
        m_shared.vusersGone.fetch_add((long long)dropped, std::memory_order_relaxed);
        if (m_shared.groups[std::size_t(range->group)]->openModel)
            m_arrivals[range->group].members -= (long long)dropped;
    }
    std::erase_if(m_pendingStarts, [](const PendingStart &range) { return range.count == 0; });
    for (auto &[id, vuser] : m_vusers) {
        if (count == 0)
            break;
        if (!vuser->stopAfterIteration && ours(vuser->group)) {
            vuser->stopAfterIteration = true;
            --count;
        }
    }
    // Vusers between iterations (not started yet, or waiting for their pacing) go at once: a
    // pacing wait must not hold the end of the profile or a stop.
    std::vector<VuserImpl *> idle;
    for (auto &[id, vuser] : m_vusers) {
        if (vuser->stopAfterIteration && vuser->betweenIterations() && !vuser->arrivalPending)
            idle.push_back(vuser.get());
    }
    for (auto *vuser : idle) {
        vuser->endWait(); // its timer then finds no wait and is ignored
        retire(*vuser);
    }
}

VuserImpl *Worker::find(std::uint64_t id)
{
    auto it = m_vusers.find(id);
    return it == m_vusers.end() ? nullptr : it->second.get();
}

void Worker::runReady()
{
    // Tasks started now may finish at once and queue again: those wait for the next loop turn,
    // so a scenario that never suspends cannot starve the sockets.
    m_readyNext.swap(m_ready);
    for (std::uint64_t id : m_readyNext) {
        VuserImpl *vuser = find(id);
        if (!vuser)
            continue;
        if (vuser->stopAfterIteration && vuser->initDone && !vuser->arrivalPending) {
            retire(*vuser);
            continue;
        }
        vuser->arrivalPending = false;
        const GroupShared &group = *m_shared.groups[std::size_t(vuser->group)];
        auto &scenario = *group.config.scenario;
        auto &counters = m_interval->groups[vuser->group].counters;
        if (vuser->initDone) {
            ++counters.iterationsStarted;
            if (group.config.pacing.enabled())
                vuser->iterationStartNs = nowNs();
        } else if (group.openModel) {
            vuser->stepEndNs = nowNs();
        }
        vuser->suspended = false;
        try {
            vuser->task = vuser->initDone ? scenario.iteration(*vuser) : scenario.vuserInit(*vuser);
        } catch (const std::exception &e) {
            // Only allocation can throw before the coroutine body runs: a failed iteration (or
            // init), so the counts still add up.
            ++counters.errors[std::size_t(ErrorClass::Exception)];
            if (vuser->initDone) {
                ++counters.iterations;
                ++counters.iterationsFailed;
            } else {
                ++counters.vuserInitFailures;
            }
            logEvent(*vuser, "error", e.what(), ErrorClass::Exception);
            retire(*vuser);
            continue;
        }
        resume(*vuser, vuser->task.handle());
    }
    m_readyNext.clear();
}

void Worker::resume(VuserImpl &vuser, std::coroutine_handle<> handle)
{
    m_groupInScenario.store(vuser.group, std::memory_order_relaxed);
    m_vuserInScenario.store(vuser.id(), std::memory_order_relaxed);
    handle.resume();
    m_vuserInScenario.store(0, std::memory_order_relaxed);
    // The task either suspended on a new wait or ran to its end.
    if (vuser.task.done() && !vuser.isWaiting())
        finishTask(vuser);
}

void Worker::wake(VuserImpl &vuser)
{
    if (group(vuser).openModel) // the next step's latency from the intended start counts from here
        vuser.stepEndNs = nowNs();
    const std::coroutine_handle<> handle = vuser.endWait();
    if (!handle) { // the pause after iterations that fail at once (finishTask)
        m_ready.push_back(vuser.id());
        return;
    }
    resume(vuser, handle);
}

void Worker::finishTask(VuserImpl &vuser)
{
    const bool wasInit = !vuser.initDone;
    const bool open = group(vuser).openModel;
    GroupArrivals &arrivals = m_arrivals[vuser.group];
    if (wasInit && open && arrivals.initialising > 0)
        --arrivals.initialising;
    std::exception_ptr failure = vuser.task.exception();
    vuser.task.reset();
    vuser.closeOpenTransactions(true);
    auto &counters = m_interval->groups[vuser.group].counters;
    std::string message;
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const StopVuser &) {
            // A data feeder ran out (its warning is logged once by the feeder): the vuser ends,
            // and the iteration it was in is interrupted, neither completed nor failed.
            if (wasInit)
                vuser.initDone = true;
            else
                ++counters.iterationsInterrupted;
            ++m_endedByData[std::size_t(vuser.group)];
            retire(vuser);
            return;
        } catch (const std::exception &e) {
            message = e.what();
        } catch (...) {
            message = "unknown exception";
        }
        ++counters.errors[std::size_t(ErrorClass::Exception)];
        logEvent(vuser, "error",
                 std::string(wasInit ? "vuserInit" : "iteration") + " failed: " + message,
                 ErrorClass::Exception);
    }
    if (wasInit) {
        vuser.initDone = true;
        if (failure) { // a vuser that could not initialise does not run (LoadRunner's rule)
            ++counters.vuserInitFailures;
            if (open && !arrivals.waiting.empty()) {
                // The arrival this vuser was added for finds no vuser: dropped.
                arrivals.waiting.pop_front();
                ++counters.iterationsDropped;
            }
            retire(vuser);
            return;
        }
    } else {
        ++counters.iterations;
        if (failure)
            ++counters.iterationsFailed;
        vuser.nextIteration();
        // An iteration that throws before its first co_await (a missing feeder, a parameter
        // that does not convert) would otherwise loop at 100 000 failures a second, burning a
        // core and flooding the log: after 10 in a row, pause 10 ms, doubling up to 1 s.
        vuser.quickFailures = failure && !vuser.suspended ? vuser.quickFailures + 1 : 0;
    }
    // The open model's iterations follow arrivals: no per-vuser limit.
    const std::uint64_t limit = open ? 0 : m_shared.config.iterationsPerVuser;
    if (vuser.stopAfterIteration || m_stopping || (limit > 0 && vuser.iteration() >= limit)) {
        retire(vuser);
        return;
    }
    if (open) { // arrivals, not the vuser's end, start its next iteration
        toPool(vuser);
        return;
    }
    constexpr std::uint32_t quickFailuresBeforePause = 10;
    if (vuser.quickFailures >= quickFailuresBeforePause) {
        if (!m_shared.warnedQuickFailures.exchange(true, std::memory_order_relaxed)) {
            logEvent(vuser, "warning",
                     "iterations fail before their first co_await (\"" + shortened(message) +
                         "\"): such vusers now pause between iterations, up to 1 s",
                     ErrorClass::Other);
        }
        const std::uint32_t doublings =
            std::min<std::uint32_t>(vuser.quickFailures - quickFailuresBeforePause, 7);
        const double seconds = std::min(1.0, 0.01 * double(1u << doublings));
        const std::uint64_t now = nowNs();
        const std::uint64_t token = m_nextToken++;
        vuser.beginWait(VuserImpl::SleepWait{{}, token, now, false});
        m_timers.push_back({now + std::uint64_t(seconds * 1e9), vuser.id(), token});
        std::push_heap(m_timers.begin(), m_timers.end(), std::greater<>());
        return;
    }
    const std::uint64_t now = nowNs();
    if (const std::uint64_t delay = pacingDelayNs(vuser, now)) {
        // Pacing: the next iteration starts no sooner than the pacing after this one started.
        const std::uint64_t token = m_nextToken++;
        vuser.beginWait(VuserImpl::SleepWait{{}, token, now, false});
        m_timers.push_back({now + delay, vuser.id(), token});
        std::push_heap(m_timers.begin(), m_timers.end(), std::greater<>());
        return;
    }
    m_ready.push_back(vuser.id());
}

void Worker::interrupt(VuserImpl &vuser)
{
    // A sleep needs no undoing: its timer finds no matching wait and is ignored.
    if (auto *http = vuser.httpWait()) {
        std::erase_if(m_done, [&](const Done &d) { return d.vuser == &vuser; });
        if (http->slot) {
            curl_multi_remove_handle(m_multi, http->slot->easy);
            m_pool->release(http->slot);
        }
    } else if (const auto *rendezvous = std::get_if<VuserImpl::RendezvousWait>(&vuser.wait())) {
        m_shared.hub->cancel(rendezvous->op->name, vuser.id());
    }
    Counters &counters = m_interval->groups[vuser.group].counters;
    if (!vuser.task.done() && vuser.initDone)
        ++counters.iterationsInterrupted;
    if (vuser.arrivalPending) // due, never started: dropped, so planned = started + dropped
        ++counters.iterationsDropped;
    vuser.interrupting = true;
    vuser.endWait();    // before the frames holding the awaitables go
    vuser.task.reset(); // destroys the coroutine frames; their scope guards record nothing
    vuser.closeOpenTransactions(false);
    retire(vuser);
}

void Worker::interruptAll()
{
    std::vector<VuserImpl *> all;
    for (auto &[id, vuser] : m_vusers)
        all.push_back(vuser.get());
    for (auto *vuser : all)
        interrupt(*vuser);
}

void Worker::retire(VuserImpl &vuser)
{
    const std::uint64_t id = vuser.id();
    GroupShared &shared = group(vuser);
    if (shared.openModel)
        --m_arrivals[vuser.group].members;
    shared.activeVusers.fetch_sub(1, std::memory_order_relaxed);
    m_pool->forget(vuser);
    m_vusers.erase(id);
    m_shared.activeVusers.fetch_sub(1, std::memory_order_relaxed);
    m_shared.vusersGone.fetch_add(1, std::memory_order_relaxed);
}

void Worker::flush(std::uint64_t round)
{
    std::unique_ptr<IntervalData> next;
    {
        std::lock_guard lock(m_reportMutex);
        next = std::move(m_spare);
    }
    if (!next)
        next = std::make_unique<IntervalData>(m_shared.groups.size());
    std::swap(next, m_interval);
    next->worker = m_index;
    {
        std::lock_guard lock(m_reportMutex);
        m_reports.push_back(std::move(next));
        m_answeredRound = std::max(m_answeredRound, round);
    }
    m_reportReady.notify_all();
}

void Worker::startSleep(VuserImpl &vuser, double seconds, bool thinkTime,
                        std::coroutine_handle<> handle)
{
    const std::uint64_t now = nowNs();
    const std::uint64_t token = m_nextToken++;
    vuser.beginWait(VuserImpl::SleepWait{handle, token, now, thinkTime});
    m_timers.push_back({now + std::uint64_t(seconds * 1e9), vuser.id(), token});
    std::push_heap(m_timers.begin(), m_timers.end(), std::greater<>());
}

void Worker::fireTimers(std::uint64_t now)
{
    while (!m_timers.empty() && m_timers.front().deadlineNs <= now) {
        std::pop_heap(m_timers.begin(), m_timers.end(), std::greater<>());
        const Timer timer = m_timers.back();
        m_timers.pop_back();
        VuserImpl *vuser = find(timer.vuser);
        const auto *sleep = vuser ? vuser->sleepWait(timer.token) : nullptr;
        if (!sleep)
            continue;
        if (sleep->thinkTime)
            vuser->thinkMicros += (now - sleep->startNs) / 1000;
        wake(*vuser);
    }
}

void Worker::startRendezvous(VuserImpl &vuser, Detail::RendezvousAwaitable &op,
                             std::coroutine_handle<> handle)
{
    const std::uint64_t token = m_nextToken++;
    vuser.beginWait(VuserImpl::RendezvousWait{handle, &op, token});
    m_shared.hub->arrive(op.name, m_index, vuser.id(), token, m_shared.runningVusers(),
                         vuser.group);
}

} // namespace Loadwizard::Engine
