#pragma once

#include <loadwizard/scenario.h>

#include <coroutine>
#include <cstdint>
#include <string>
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
    enum class Wait : std::uint8_t
    {
        None,
        Http,
        Sleep,
        Rendezvous
    };

    VuserImpl(Worker &worker, std::uint64_t id, std::uint64_t seed);
    ~VuserImpl() override;

    bool check(std::string_view name, bool ok) override;
    void beginTransaction(std::string_view name) override;
    void endTransaction(std::string_view name, TransactionStatus status) override;
    std::uint64_t id() const override { return m_id; }
    std::uint64_t iteration() const override { return m_iteration; }
    const std::string &param(std::string_view name) const override;
    double uniform(double min, double max) override;
    void log(std::string_view message) override;

    /// Ends transactions left open (failed, or dropped when interrupted).
    void closeOpenTransactions(bool record);

    // Engine state, public to the worker (one thread, no invariants beyond these comments).
    Worker &worker;
    CURLSH *share = nullptr;      ///< own cookie jar and kept-alive connections
    TransferSlot *slot = nullptr; ///< the easy handle of the request in flight
    TransferSlot *preferredSlot = nullptr;
    int attachedSlots = 0; ///< easy handles still attached to `share`
    Task<> task;           ///< vuserInit() or the current iteration
    bool initDone = false;
    bool stopAfterIteration = false;
    bool interrupting = false; ///< being torn down: record nothing more
    Wait wait = Wait::None;
    std::uint64_t waitToken = 0; ///< matches timer and rendezvous wake-ups
    std::uint64_t sleepStartNs = 0;
    bool sleepIsThinkTime = false;
    std::coroutine_handle<> waiting; ///< what to resume when the wait ends
    Detail::RequestAwaitable *request = nullptr;
    Detail::RendezvousAwaitable *rendezvousOp = nullptr;
    std::uint64_t errorCount = 0;  ///< request errors and failed checks, for Auto status
    std::uint64_t thinkMicros = 0; ///< think time so far, left out of transactions
    std::uint64_t iterationCount() const { return m_iteration; }
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

    std::uint64_t m_id;
    std::uint64_t m_iteration = 0;
    // splitmix64 state: std::mt19937_64 would add 5 KB to every vuser.
    std::uint64_t m_random;
    std::vector<OpenTransaction> m_transactions;
};

} // namespace Loadwizard::Engine
