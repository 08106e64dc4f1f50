#pragma once

// The scenario SDK: everything a scenario plugin includes. Standard library only, so a plugin
// builds with nothing but a C++20 compiler and these headers.

#include <loadwizard/task.h>

#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Bumped whenever anything in this header changes layout or virtual tables.
#define LOADWIZARD_API_VERSION 2u
/// The one symbol a plugin exports; its name carries the ABI generation too.
#define LOADWIZARD_PLUGIN_SYMBOL "loadwizard_plugin_v1"

#if defined(_WIN32)
#define LW_EXPORT __declspec(dllexport)
#else
#define LW_EXPORT __attribute__((visibility("default")))
#endif

namespace Loadwizard {

class Scenario;

/// Scenario parameters after defaults, project file and --param were applied.
using Parameters = std::map<std::string, std::string, std::less<>>;

struct Header
{
    std::string name;
    std::string value;
};

/// One HTTP request. Only `url` is required.
struct Request
{
    std::string method = "GET";
    std::string url;
    std::vector<Header> headers;
    std::string body;
    std::string name;               ///< metrics name; default: method and URL path without query
    double timeoutSeconds = 0;      ///< 0: the project's http.timeout (default 60 s)
    bool followRedirects = true;    ///< up to 10 redirects, as browsers and k6 do
    bool captureHeaders = false;    ///< fill Response::headers (costs a callback per header)
    bool discardBody = false;       ///< do not keep the response body (saves copying)
    std::uint64_t maxBodyBytes = 0; ///< body bytes kept; 0: the project's http.max_body (8 MiB)
    int expectedStatusMin = 200;    ///< statuses outside [min, max] count as errors
    int expectedStatusMax = 399;
};

/// What came back. `status` is 0 whenever the transfer failed (see `error`), even when a status
/// line had arrived before the connection broke, so `status == 200` never passes a broken body.
struct Response
{
    long status = 0;
    std::string body;            ///< the body only, as received (never the headers)
    bool truncated = false;      ///< the body was longer than maxBodyBytes: the rest was dropped
    std::vector<Header> headers; ///< only with Request::captureHeaders
    std::string error;           ///< transport error (connect, receive, DNS, timeout, TLS)
    std::string url;             ///< where redirects led (empty when none were followed)
    double seconds = 0;          ///< total time
    double ttfbSeconds = 0;      ///< time to first byte
    int expectedStatusMin = 200; ///< the request's expectations, copied by the engine
    int expectedStatusMax = 399;

    /// No transport error and a status the request expected: exactly what the metrics count as
    /// a success.
    bool ok() const
    {
        return error.empty() && status >= expectedStatusMin && status <= expectedStatusMax;
    }
    /// First header with this name (case-insensitive), empty when absent or not captured.
    std::string_view header(std::string_view name) const;
};

enum class TransactionStatus
{
    Auto,
    Pass,
    Fail
};

/// How a vuser left a rendezvous point.
enum class RendezvousOutcome
{
    Released,
    TimedOut,
    Cancelled
};

class Vuser;

namespace Detail {

struct [[nodiscard]] RequestAwaitable
{
    Vuser *vuser;
    Request request;
    Response response;

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    Response await_resume() { return std::move(response); }
};

struct [[nodiscard]] SleepAwaitable
{
    Vuser *vuser;
    double seconds;
    bool thinkTime; ///< think time is left out of transaction durations

    bool await_ready() const noexcept { return seconds <= 0; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() const noexcept {}
};

struct [[nodiscard]] RendezvousAwaitable
{
    Vuser *vuser;
    std::string name;
    RendezvousOutcome outcome = RendezvousOutcome::Released;

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    RendezvousOutcome await_resume() const noexcept { return outcome; }
};

} // namespace Detail

/// A transaction that ends when it goes out of scope (passed, unless an error, a failed check or
/// fail() happened inside it).
class [[nodiscard]] Transaction
{
public:
    Transaction(Vuser &vuser, std::string name);
    Transaction(Transaction &&other) noexcept;
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    Transaction &operator=(Transaction &&) = delete;
    ~Transaction();

    void fail() { m_status = TransactionStatus::Fail; }
    void pass() { m_status = TransactionStatus::Pass; }
    /// End now instead of at the end of the scope.
    void end();

private:
    Vuser *m_vuser;
    std::string m_name;
    TransactionStatus m_status = TransactionStatus::Auto;
    int m_uncaught = std::uncaught_exceptions(); ///< to fail when unwound by an exception
};

/// A virtual user, as scenario code sees it. Implemented by the engine; one vuser is only ever
/// touched by one worker thread, so nothing here needs locking.
class Vuser
{
public:
    /// `co_await vu.request(r)`: send, suspend this vuser (never the thread), get the response.
    [[nodiscard]] Detail::RequestAwaitable request(Request request)
    {
        return {this, std::move(request), {}};
    }
    [[nodiscard]] Detail::RequestAwaitable get(std::string url, std::string name = {})
    {
        Request r;
        r.url = std::move(url);
        r.name = std::move(name);
        return request(std::move(r));
    }
    [[nodiscard]] Detail::RequestAwaitable
    post(std::string url, std::string body,
         std::string contentType = "application/x-www-form-urlencoded", std::string name = {})
    {
        Request r;
        r.method = "POST";
        r.url = std::move(url);
        r.body = std::move(body);
        r.headers.push_back({"Content-Type", std::move(contentType)});
        r.name = std::move(name);
        return request(std::move(r));
    }

    /// Think time: `co_await vu.think(2.5)`, scaled by the project's think-time multiplier.
    [[nodiscard]] Detail::SleepAwaitable think(double seconds)
    {
        return {this, scaledThinkTime(seconds), true};
    }
    /// Think time drawn uniformly from [minSeconds, maxSeconds], then scaled.
    [[nodiscard]] Detail::SleepAwaitable think(double minSeconds, double maxSeconds)
    {
        return {this, scaledThinkTime(uniform(minSeconds, maxSeconds)), true};
    }
    /// Pause that is not think time (never scaled, never subtracted from transactions).
    [[nodiscard]] Detail::SleepAwaitable sleep(double seconds) { return {this, seconds, false}; }

    /// Wait at a named rendezvous point until its policy releases the waiting vusers.
    [[nodiscard]] Detail::RendezvousAwaitable rendezvous(std::string name)
    {
        return {this, std::move(name)};
    }

    /// A named assertion: counted as pass or fail, never stops the vuser. Returns `ok`.
    virtual bool check(std::string_view name, bool ok) = 0;
    virtual void beginTransaction(std::string_view name) = 0;
    virtual void endTransaction(std::string_view name,
                                TransactionStatus status = TransactionStatus::Auto) = 0;
    [[nodiscard]] Transaction transaction(std::string name)
    {
        return Transaction(*this, std::move(name));
    }

    /// 1-based vuser number, unique in the run.
    virtual std::uint64_t id() const = 0;
    /// 0-based number of the current iteration of this vuser.
    virtual std::uint64_t iteration() const = 0;
    /// A scenario parameter (empty string when unknown).
    virtual const std::string &param(std::string_view name) const = 0;
    /// Uniform random number in [min, max) from this vuser's own generator.
    virtual double uniform(double min, double max) = 0;
    /// A log line for the run's log (terminal with -v, exporters later).
    virtual void log(std::string_view message) = 0;

protected:
    Vuser() = default;
    Vuser(const Vuser &) = delete;
    Vuser &operator=(const Vuser &) = delete;
    virtual ~Vuser() = default;

    friend struct Detail::RequestAwaitable;
    friend struct Detail::SleepAwaitable;
    friend struct Detail::RendezvousAwaitable;

    virtual double scaledThinkTime(double seconds) const = 0;
    virtual void startRequest(Detail::RequestAwaitable &op, std::coroutine_handle<> handle) = 0;
    virtual void startSleep(const Detail::SleepAwaitable &op, std::coroutine_handle<> handle) = 0;
    virtual void startRendezvous(Detail::RendezvousAwaitable &op,
                                 std::coroutine_handle<> handle) = 0;
};

/// A scenario: one object per run, shared by every vuser (so iteration() must not keep
/// per-vuser state in members; keep it in the coroutine's locals).
class Scenario
{
public:
    virtual ~Scenario() = default;
    /// Once, before any vuser starts. Throw to refuse the parameters.
    virtual void init(const Parameters &parameters) { (void)parameters; }
    /// Once per vuser before its first iteration (log in, for example).
    virtual Task<> vuserInit(Vuser &vuser)
    {
        (void)vuser;
        co_return;
    }
    /// One iteration; each vuser runs it in a loop until it is removed or the run ends.
    virtual Task<> iteration(Vuser &vuser) = 0;
};

inline void Detail::RequestAwaitable::await_suspend(std::coroutine_handle<> handle)
{
    vuser->startRequest(*this, handle);
}

inline void Detail::SleepAwaitable::await_suspend(std::coroutine_handle<> handle)
{
    vuser->startSleep(*this, handle);
}

inline void Detail::RendezvousAwaitable::await_suspend(std::coroutine_handle<> handle)
{
    vuser->startRendezvous(*this, handle);
}

inline Transaction::Transaction(Vuser &vuser, std::string name)
    : m_vuser(&vuser)
    , m_name(std::move(name))
{
    m_vuser->beginTransaction(m_name);
}

inline Transaction::Transaction(Transaction &&other) noexcept
    : m_vuser(std::exchange(other.m_vuser, nullptr))
    , m_name(std::move(other.m_name))
    , m_status(other.m_status)
    , m_uncaught(other.m_uncaught)
{}

inline Transaction::~Transaction()
{
    end();
}

inline void Transaction::end()
{
    if (m_status == TransactionStatus::Auto && std::uncaught_exceptions() > m_uncaught)
        m_status = TransactionStatus::Fail;
    if (m_vuser)
        std::exchange(m_vuser, nullptr)->endTransaction(m_name, m_status);
}

inline std::string_view Response::header(std::string_view name) const
{
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    for (const auto &h : headers) {
        if (h.name.size() != name.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i)
            same = lower(h.name[i]) == lower(name[i]);
        if (same)
            return h.value;
    }
    return {};
}

} // namespace Loadwizard

extern "C" {

/// One scenario parameter with its default and help text.
struct lw_param
{
    const char *name;
    const char *default_value;
    const char *help;
};

/// What a plugin's entry point returns. Read before anything runs (the GUI lists it).
struct lw_plugin_info
{
    std::uint32_t api_version; ///< must equal LOADWIZARD_API_VERSION
    std::uint32_t flags;       ///< reserved, 0
    const char *id;            ///< stable identifier, [a-z0-9_-]
    const char *name;
    const char *description;
    const lw_param *params;
    std::size_t param_count;
    Loadwizard::Scenario *(*create)();
    void (*destroy)(Loadwizard::Scenario *);
};

typedef const lw_plugin_info *(*lw_plugin_entry)();
}

/// Defines the plugin entry point for a Scenario subclass. Params: a std::array<lw_param, N>
/// (Loadwizard::noParameters when there are none).
#define LOADWIZARD_PLUGIN(ScenarioClass, Id, Name, Description, Params)                            \
    extern "C" LW_EXPORT const lw_plugin_info *loadwizard_plugin_v1()                              \
    {                                                                                              \
        static const lw_plugin_info info = {                                                       \
            LOADWIZARD_API_VERSION,                                                                \
            0,                                                                                     \
            Id,                                                                                    \
            Name,                                                                                  \
            Description,                                                                           \
            (Params).data(),                                                                       \
            (Params).size(),                                                                       \
            []() -> Loadwizard::Scenario * { return new ScenarioClass(); },                        \
            [](Loadwizard::Scenario *s) { delete s; }};                                            \
        return &info;                                                                              \
    }

namespace Loadwizard {
inline constexpr std::array<lw_param, 0> noParameters{};
}
