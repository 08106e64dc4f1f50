#pragma once

#include <loadwizard/scenario.h>

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <curl/curl.h>

namespace Loadwizard::Engine {

class Worker;
struct TransferSlot;

/// The engine's side of a vuser. Touched only by its worker's thread. Kept small: a run may hold
/// tens of thousands of these (its curl share handle, cookie jar and connection dominate).
class VuserImpl final : public Vuser
{
public:
    /// In an HTTP request: the awaitable lives in the suspended coroutine frame until resumed.
    struct HttpWait
    {
        std::coroutine_handle<> handle;
        Detail::RequestAwaitable *op;
        TransferSlot *slot; ///< nullptr when no easy handle could be had
    };
    /// In sleep() or think(): a timer with this token wakes it.
    struct SleepWait
    {
        std::coroutine_handle<> handle;
        std::uint64_t token;
        std::uint64_t startNs;
        bool thinkTime; ///< left out of transaction durations
    };
    /// At a rendezvous point: the hub's resume with this token wakes it.
    struct RendezvousWait
    {
        std::coroutine_handle<> handle;
        Detail::RendezvousAwaitable *op;
        std::uint64_t token;
    };
    /// Not suspended in the engine (running, or its task is done or not started).
    using NoWait = std::monostate;
    using Wait = std::variant<NoWait, HttpWait, SleepWait, RendezvousWait>;

    VuserImpl(Worker &worker, std::uint64_t id, std::uint64_t seed, int group = 0);
    ~VuserImpl() override;

    bool check(std::string_view name, bool ok) override;
    void beginTransaction(std::string_view name) override;
    void endTransaction(std::string_view name, TransactionStatus status) override;
    std::uint64_t id() const override { return m_id; }
    std::uint64_t iteration() const override { return m_iteration; }
    const std::string &param(std::string_view name) const override;
    double uniform(double min, double max) override;
    void log(std::string_view message) override;
    int workerIndex() const override;
    double elapsed() const override;
    std::uint64_t random64() override;
    void setBaseUrl(std::string url) override;
    const std::string &baseUrl() const override;
    void setDefaultHeader(std::string name, std::string value) override;
    std::vector<Cookie> cookies() const override;
    void setCookie(const Cookie &cookie) override;
    void clearCookies() override;

    /// Headers this vuser sends unless a request sets its own (nullptr: only the project's).
    const std::vector<Header> *defaultHeaders() const
    {
        return m_overrides ? &m_overrides->headers : nullptr;
    }
    DataRow data(std::string_view feeder) override;
    const std::string &projectDir() const override;
    std::string resolvePath(std::string_view path) const override;

    /// Ends transactions left open (failed, or dropped when interrupted).
    void closeOpenTransactions(bool record);

    // The wait state: one kind at a time, entered by beginWait() and left by endWait().
    bool isWaiting() const { return !std::holds_alternative<NoWait>(m_wait); }
    /// Between two iterations: its task is done and it waits, if at all, only for its pacing (or
    /// the pause after quick failures), which holds no coroutine. Such a vuser may leave at once.
    bool betweenIterations() const
    {
        if (!task.done())
            return false;
        const auto *sleep = std::get_if<SleepWait>(&m_wait);
        return !isWaiting() || (sleep && !sleep->handle);
    }
    /// Only when not waiting already: a vuser is suspended on one thing at a time.
    void beginWait(Wait wait);
    /// Leaves the wait; returns the coroutine to resume.
    std::coroutine_handle<> endWait();
    const Wait &wait() const { return m_wait; }
    HttpWait *httpWait() { return std::get_if<HttpWait>(&m_wait); }
    /// The sleep a timer with this token ends, or nullptr when that wait is over.
    SleepWait *sleepWait(std::uint64_t token);
    /// The rendezvous a resume with this token ends, or nullptr when that wait is over.
    RendezvousWait *rendezvousWait(std::uint64_t token);
    /// The request whose transfer is in flight, for libcurl's callbacks (inline: called per
    /// chunk of body).
    Detail::RequestAwaitable *requestInFlight() const
    {
        const auto *http = std::get_if<HttpWait>(&m_wait);
        return http ? http->op : nullptr;
    }

    // Engine state, public to the worker (one thread).
    Worker &worker;
    int group = 0;           ///< its index in RunShared::groups
    CURLSH *share = nullptr; ///< own cookie jar and kept-alive connections
    TransferSlot *preferredSlot = nullptr;
    int attachedSlots = 0; ///< easy handles still attached to `share`
    Task<> task;           ///< vuserInit() or the current iteration
    bool initDone = false;
    bool stopAfterIteration = false;
    bool interrupting = false;     ///< being torn down: record nothing more
    std::uint64_t errorCount = 0;  ///< request errors and failed checks, for Auto status
    std::uint64_t thinkMicros = 0; ///< think time so far, left out of transactions
    /// Open model: where the next request's latency from the intended start counts from (the
    /// arrival's intended time, then each step's end); real nanoseconds.
    std::uint64_t stepEndNs = 0;
    /// Open model: queued to run an arrival's iteration; a stop lets it start (it was due).
    bool arrivalPending = false;
    std::uint64_t iterationStartNs = 0; ///< real nanoseconds, for pacing
    bool suspended = false; ///< the current task has waited on something (set by beginWait)
    std::uint32_t quickFailures = 0; ///< iterations in a row that failed without suspending
    /// engineState(): what an engine-built scenario (YAML steps) keeps for this vuser.
    std::shared_ptr<void> engineState;
    void nextIteration() { ++m_iteration; }

protected:
    double scaledThinkTime(double seconds) const override;
    void startRequest(Detail::RequestAwaitable &op, std::coroutine_handle<> handle) override;
    void startSleep(const Detail::SleepAwaitable &op, std::coroutine_handle<> handle) override;
    void startRendezvous(Detail::RendezvousAwaitable &op, std::coroutine_handle<> handle) override;

private:
    struct OpenTransaction
    {
        std::string name;
        std::uint64_t startNs;
        std::uint64_t thinkMicrosAtStart;
        std::uint64_t errorsAtStart;
    };

    /// What setBaseUrl() and setDefaultHeader() changed; apart, since few scenarios use them.
    struct Overrides
    {
        std::string baseUrl;
        bool hasBaseUrl = false;
        std::vector<Header> headers;
    };

    Wait m_wait;
    std::unique_ptr<Overrides> m_overrides;

    std::uint64_t m_id;
    std::uint64_t m_iteration = 0;
    // splitmix64 state: std::mt19937_64 would add 5 KB to every vuser.
    std::uint64_t m_random;
    std::vector<OpenTransaction> m_transactions;
};

} // namespace Loadwizard::Engine
