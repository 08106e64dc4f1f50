// Fatal signals and exit() from scenario code, turned into an orderly end of the process.
// Everything a handler runs is async-signal-safe: no allocation, no stdio, no locks. Text is
// built by hand into a fixed buffer for that reason ({fmt} and snprintf may allocate).

#include <loadwizard/crashguard.h>

#include "worker.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <pthread.h>
#include <unistd.h>

namespace Loadwizard::CrashGuard {

namespace {

constexpr int fatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

thread_local const char *t_scenarioCall = nullptr;
thread_local const char *t_scenarioCallWhen = nullptr;

std::atomic<bool> g_installed{false};
std::atomic<double> g_graceSeconds{5};
std::atomic<bool> g_scenarioCallsWait{false};
std::atomic<int> g_state{0}; // 0: nothing, 1: a crash is being handled, 2: its text is ready
pthread_t g_crashThread;
std::atomic<int> g_crashedWorker{-1};
char g_description[512];
std::size_t g_descriptionLength = 0;

/// A fixed buffer appended to without allocating.
class SafeText
{
public:
    SafeText(char *buffer, std::size_t capacity)
        : m_buffer(buffer)
        , m_capacity(capacity)
    {}
    SafeText &operator<<(const char *text)
    {
        while (text && *text && m_length + 1 < m_capacity)
            m_buffer[m_length++] = *text++;
        m_buffer[m_length] = '\0';
        return *this;
    }
    SafeText &operator<<(std::uint64_t number)
    {
        char digits[24];
        int n = 0;
        do {
            digits[n++] = char('0' + number % 10);
            number /= 10;
        } while (number);
        char reversed[24];
        for (int i = 0; i < n; ++i)
            reversed[i] = digits[n - 1 - i];
        reversed[n] = '\0';
        return *this << reversed;
    }
    std::size_t length() const { return m_length; }

private:
    char *m_buffer;
    std::size_t m_capacity;
    std::size_t m_length = 0;
};

const char *signalText(int signal)
{
    switch (signal) {
    case SIGSEGV:
        return "SIGSEGV (invalid memory access)";
    case SIGBUS:
        return "SIGBUS (bus error)";
    case SIGFPE:
        return "SIGFPE (arithmetic error, e.g. integer division by zero)";
    case SIGILL:
        return "SIGILL (illegal instruction)";
    case SIGABRT:
        return "SIGABRT (abort(), e.g. a failed assert or std::terminate)";
    default:
        return "a fatal signal";
    }
}

void writeAll(const char *text, std::size_t length)
{
    while (length > 0) {
        const ssize_t written = write(STDERR_FILENO, text, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        text += written;
        length -= std::size_t(written);
    }
}

void sleepSeconds(double seconds)
{
    timespec left{time_t(seconds), long((seconds - double(time_t(seconds))) * 1e9)};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

/// Makes this thread the one that handles the crash. Another crash is being handled already:
/// on this same thread (the handler itself broke, or the summary's writing crashed) the process
/// ends now; on another, this thread waits for the first one to end the process.
void claimCrash()
{
    int expected = 0;
    if (g_state.compare_exchange_strong(expected, 1)) {
        g_crashThread = pthread_self();
        return;
    }
    if (pthread_equal(g_crashThread, pthread_self()))
        _exit(crashStatus);
    for (;;)
        pause();
}

/// Publishes the description (crashed() turns true) and prints it with `ending` after it.
void announce(const SafeText &description, const char *ending)
{
    g_descriptionLength = description.length();
    g_state.store(2);
    char line[640];
    SafeText out(line, sizeof line);
    out << "\nloadwizard: " << g_description << ending << "\n";
    writeAll(line, out.length());
}

/// On a worker: records and prints what happened, then keeps this thread here while the run
/// ends around it; the grace period bounds that. Never returns.
[[noreturn]] void handleOnWorker(const Engine::Worker &worker, const char *what)
{
    claimCrash();
    g_crashedWorker.store(worker.index());
    SafeText text(g_description, sizeof g_description);
    if (const std::uint64_t vuser = worker.vuserInScenario()) {
        text << "scenario \"" << worker.scenarioInScenario().c_str() << "\" " << what
             << " in vuser " << vuser << " (worker " << std::uint64_t(worker.index()) << ")";
    } else {
        text << "worker " << std::uint64_t(worker.index()) << " " << what
             << " outside scenario code (a Loadwizard bug: please report it)";
    }
    announce(text, "; ending the run");
    sleepSeconds(g_graceSeconds.load());
    const char late[] = "loadwizard: the summary could not be written in time\n";
    writeAll(late, sizeof late - 1);
    _exit(crashStatus);
}

/// Scenario code on a thread that is not a worker (create(), init()): nothing ran yet. Ends
/// the process at once, or (the workbench) parks like a worker so that the user can be told.
[[noreturn]] void handleInScenarioCall(const char *scenario, const char *what)
{
    claimCrash();
    SafeText text(g_description, sizeof g_description);
    text << "scenario \"" << scenario << "\" " << what << " "
         << (t_scenarioCallWhen ? t_scenarioCallWhen : "before the run started");
    announce(text, "");
    if (g_scenarioCallsWait.load())
        sleepSeconds(g_graceSeconds.load());
    _exit(crashStatus);
}

void onFatalSignal(int signal, siginfo_t *, void *)
{
    char what[128];
    SafeText text(what, sizeof what);
    text << "crashed: " << signalText(signal);
    if (const Engine::Worker *worker = Engine::Worker::current())
        handleOnWorker(*worker, what);
    if (t_scenarioCall)
        handleInScenarioCall(t_scenarioCall, what);
    // Not scenario code: the default action, so a core dump shows where.
    struct sigaction fallback
    {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    raise(signal); // delivered when this handler returns (a fault recurs the same way)
}

void onExit(int status, void *)
{
    char what[64];
    SafeText text(what, sizeof what);
    text << "called exit(" << std::uint64_t(unsigned(status)) << ")";
    if (const Engine::Worker *worker = Engine::Worker::current();
        worker && worker->vuserInScenario())
        handleOnWorker(*worker, what);
    if (t_scenarioCall)
        handleInScenarioCall(t_scenarioCall, what);
    // Anyone else's exit(): the process's own ending.
}

} // namespace

void install(double graceSeconds, bool scenarioCallsWait)
{
    g_graceSeconds.store(graceSeconds);
    g_scenarioCallsWait.store(scenarioCallsWait);
    on_exit(&onExit, nullptr);
    if (g_installed.exchange(true))
        return;
    struct sigaction action
    {};
    action.sa_sigaction = &onFatalSignal;
    // SA_ONSTACK: workers have an alternate signal stack, so a stack overflow is caught too.
    // SA_NODEFER: a second fault on the same thread reaches the handler, which ends the process.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (int signal : fatalSignals)
        sigaction(signal, &action, nullptr);
}

bool crashed()
{
    return g_state.load() == 2;
}

std::string description()
{
    return crashed() ? std::string(g_description, g_descriptionLength) : std::string();
}

int crashedWorker()
{
    return crashed() ? g_crashedWorker.load() : -1;
}

void endProcess()
{
    _exit(crashStatus);
}

ScenarioCall::ScenarioCall(const std::string &scenarioId, const char *when)
    : m_previous(t_scenarioCall)
    , m_previousWhen(t_scenarioCallWhen)
{
    t_scenarioCall = scenarioId.c_str();
    t_scenarioCallWhen = when;
}

ScenarioCall::~ScenarioCall()
{
    t_scenarioCall = m_previous;
    t_scenarioCallWhen = m_previousWhen;
}

} // namespace Loadwizard::CrashGuard
