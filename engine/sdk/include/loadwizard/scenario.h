#pragma once

// The scenario SDK: everything a scenario plugin includes. The C++ standard library and
// nlohmann-json only, so a plugin builds with nothing but a C++20 compiler and these headers.

#include <loadwizard/data.h>
#include <loadwizard/helpers.h>
#include <loadwizard/http.h>
#include <loadwizard/task.h>

#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/// Bumped whenever anything in this header changes layout or virtual tables.
#define LOADWIZARD_API_VERSION 3u
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

// GCC 11 and 12 miscompile an aggregate temporary inside a co_await expression (it is destroyed
// twice: `free(): invalid pointer`), which is how request options are written. Refuse to compile
// that rather than crash at run time; clang++ (which `loadwizard run` prefers when it is
// installed) and GCC 13 compile it right.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define LOADWIZARD_GCC_AGGREGATE_BUG 1
#else
#define LOADWIZARD_GCC_AGGREGATE_BUG 0
#endif
#define LOADWIZARD_GCC_OPTIONS_MESSAGE                                                             \
    "GCC before 13 miscompiles request options inside co_await (a double free): compile "          \
    "scenarios with clang++ (apt-get install clang; `loadwizard run` then uses it), or call "      \
    "vu.get(url) / vu.request(Request) without options"

namespace Detail {

template <class Options>
inline constexpr bool requestOptionsCompile = !LOADWIZARD_GCC_AGGREGATE_BUG || sizeof(Options) == 0;

inline Request plainRequest(const char *method, std::string url)
{
    Request r;
    r.method = method;
    r.url = std::move(url);
    return r;
}

} // namespace Detail

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
    /// Any method: `co_await vu.request("PUT", "/items/3", {.json = item})`.
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable request(std::string method, std::string url,
                                                   Options options = {})
    {
        static_assert(Detail::requestOptionsCompile<Options>, LOADWIZARD_GCC_OPTIONS_MESSAGE);
        return request(Detail::buildRequest(std::move(method), std::move(url), std::move(options)));
    }
    // Each method twice: without options (no aggregate temporary, so any compiler), and with.
    [[nodiscard]] Detail::RequestAwaitable get(std::string url)
    {
        return request(Detail::plainRequest("GET", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable get(std::string url, Options options)
    {
        return request<Options>("GET", std::move(url), std::move(options));
    }
    /// `co_await vu.post("/login", {.form = {{"user", u}, {"password", p}}})`.
    [[nodiscard]] Detail::RequestAwaitable post(std::string url)
    {
        return request(Detail::plainRequest("POST", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable post(std::string url, Options options)
    {
        return request<Options>("POST", std::move(url), std::move(options));
    }
    [[nodiscard]] Detail::RequestAwaitable put(std::string url)
    {
        return request(Detail::plainRequest("PUT", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable put(std::string url, Options options)
    {
        return request<Options>("PUT", std::move(url), std::move(options));
    }
    [[nodiscard]] Detail::RequestAwaitable patch(std::string url)
    {
        return request(Detail::plainRequest("PATCH", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable patch(std::string url, Options options)
    {
        return request<Options>("PATCH", std::move(url), std::move(options));
    }
    /// DELETE (`delete` is a C++ keyword; k6 says `del` too).
    [[nodiscard]] Detail::RequestAwaitable del(std::string url)
    {
        return request(Detail::plainRequest("DELETE", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable del(std::string url, Options options)
    {
        return request<Options>("DELETE", std::move(url), std::move(options));
    }
    [[nodiscard]] Detail::RequestAwaitable head(std::string url)
    {
        return request(Detail::plainRequest("HEAD", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable head(std::string url, Options options)
    {
        return request<Options>("HEAD", std::move(url), std::move(options));
    }
    [[nodiscard]] Detail::RequestAwaitable options(std::string url)
    {
        return request(Detail::plainRequest("OPTIONS", std::move(url)));
    }
    template <class Options = RequestOptions>
    requires std::same_as<Options, RequestOptions>
    [[nodiscard]] Detail::RequestAwaitable options(std::string url, Options options)
    {
        return request<Options>("OPTIONS", std::move(url), std::move(options));
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
    /// A scenario parameter as text. Throws std::out_of_range naming it when the plugin does not
    /// declare it (a typo must not read as "").
    virtual const std::string &param(std::string_view name) const = 0;
    /// A parameter converted to T (integers, floating point, bool, std::string); `fallback` when
    /// its value is empty. Throws std::invalid_argument naming the parameter and its value when
    /// the conversion fails, std::out_of_range when the plugin does not declare it.
    template <class T>
    T param(std::string_view name, T fallback) const;
    /// Uniform random number in [min, max) from this vuser's own generator.
    virtual double uniform(double min, double max) = 0;
    /// A log line for the run's log (terminal with -v, exporters later).
    virtual void log(std::string_view message) = 0;
    /// A row from the project's data feeder `feeder` (`data:` in the project; see data.h).
    /// Throws std::out_of_range for an unknown feeder, StopVuser when it ran out of rows and its
    /// on_exhausted says stop-vuser or stop-run.
    virtual DataRow data(std::string_view feeder) = 0;
    /// The project file's folder (absolute), empty when run without a project file.
    virtual const std::string &projectDir() const = 0;
    /// `path` resolved against projectDir(); absolute paths (and runs without a project file)
    /// as they are.
    virtual std::string resolvePath(std::string_view path) const = 0;

    /// 0-based number of the worker thread running this vuser.
    virtual int workerIndex() const = 0;
    /// Seconds since the run started.
    virtual double elapsed() const = 0;
    /// 64 random bits from this vuser's own generator (reproducible per vuser number).
    virtual std::uint64_t random64() = 0;
    /// Uniform integer in [min, max], both included.
    std::int64_t randomInt(std::int64_t min, std::int64_t max)
    {
        if (max <= min)
            return min;
        const std::uint64_t span = std::uint64_t(max) - std::uint64_t(min) + 1;
        return span == 0 ? std::int64_t(random64()) : min + std::int64_t(random64() % span);
    }
    /// `length` characters drawn from `alphabet` (letters and digits by default).
    std::string randomString(std::size_t length,
                             std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "abcdefghijklmnopqrstuvwxyz0123456789")
    {
        std::string out(length, ' ');
        for (char &c : out)
            c = alphabet.empty() ? ' ' : alphabet[random64() % alphabet.size()];
        return out;
    }
    /// A random (version 4) UUID, lower-case: 0b9c3f4e-5a1d-4c7e-9f20-3d1e2a4b5c6d.
    std::string uuid()
    {
        std::uint64_t high = random64(), low = random64();
        high = (high & ~std::uint64_t(0xf000)) | 0x4000;                      // version 4
        low = (low & ~(std::uint64_t(0xc) << 60)) | std::uint64_t(0x8) << 60; // RFC 4122 variant
        static constexpr char hex[] = "0123456789abcdef";
        std::string out;
        out.reserve(36);
        for (int i = 15; i >= 0; --i) {
            out += hex[(high >> (i * 4)) & 0xf];
            if (i == 8 || i == 4)
                out += '-';
        }
        out += '-';
        for (int i = 15; i >= 0; --i) {
            out += hex[(low >> (i * 4)) & 0xf];
            if (i == 12)
                out += '-';
        }
        return out;
    }

    /// Relative request URLs resolve against this (RFC 3986); empty: the project's
    /// http.base_url. For this vuser only.
    virtual void setBaseUrl(std::string url) = 0;
    /// This vuser's base URL, or the project's.
    virtual const std::string &baseUrl() const = 0;
    /// A header sent with each of this vuser's requests unless the request has its own; on top
    /// of the project's http.headers. An empty value removes it.
    virtual void setDefaultHeader(std::string name, std::string value) = 0;

    /// The cookies in this vuser's jar (each vuser has its own).
    virtual std::vector<Cookie> cookies() const = 0;
    /// The value of the first cookie with this name, empty when none.
    std::string cookie(std::string_view name) const
    {
        for (auto &c : cookies()) {
            if (c.name == name)
                return c.value;
        }
        return {};
    }
    /// Adds or replaces a cookie (same name, domain and path).
    virtual void setCookie(const Cookie &cookie) = 0;
    /// Empties this vuser's jar.
    virtual void clearCookies() = 0;

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

namespace Detail {

template <class T>
T convertParameter(std::string_view name, const std::string &text, T fallback)
{
    if (text.empty())
        return fallback;
    auto refuse = [&](const char *what) {
        return std::invalid_argument("parameter " + std::string(name) + ": \"" + text +
                                     "\" is not " + what);
    };
    if constexpr (std::is_same_v<T, bool>) {
        if (text == "true" || text == "1" || text == "yes" || text == "on")
            return true;
        if (text == "false" || text == "0" || text == "no" || text == "off")
            return false;
        throw refuse("true or false");
    } else if constexpr (std::is_integral_v<T>) {
        T value{};
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc::result_out_of_range)
            throw refuse("in range");
        if (error != std::errc() || end != text.data() + text.size())
            throw refuse("an integer");
        return value;
    } else if constexpr (std::is_floating_point_v<T>) {
        T value{};
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
            throw refuse("a finite number");
        return value;
    } else {
        static_assert(std::is_constructible_v<T, const std::string &>,
                      "param<T>: T must be an integer, floating point, bool or a string type");
        return T(text);
    }
}

} // namespace Detail

template <class T>
T Vuser::param(std::string_view name, T fallback) const
{
    return Detail::convertParameter<T>(name, param(name), std::move(fallback));
}

/// For init(): a parameter converted like Vuser::param<T>(), `fallback` when empty. Throws
/// std::out_of_range naming it when it is not in `parameters` (not declared by the plugin).
template <class T>
T param(const Parameters &parameters, std::string_view name, T fallback)
{
    const auto it = parameters.find(name);
    if (it == parameters.end()) {
        throw std::out_of_range("scenario parameter \"" + std::string(name) +
                                "\" is not declared by the plugin");
    }
    return Detail::convertParameter<T>(name, it->second, std::move(fallback));
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
