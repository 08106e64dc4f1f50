#pragma once

// Shared by the output tests: a DeliveryContext that records what a sink reports, and a series
// of synthetic snapshots whose totals are known.

#include <loadwizard/output.h>
#include <loadwizard/snapshot.h>

#include <tl/expected.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using SinkFactory = tl::expected<std::unique_ptr<Loadwizard::OutputSink>, Loadwizard::Error> (*)(
    const Loadwizard::OutputConfig &);

/// A sink of `kind` from `factory` (Engine::makeGraphiteSink, …), nullptr with a warning naming
/// the configuration error when it is refused.
std::unique_ptr<Loadwizard::OutputSink>
makeTestSink(SinkFactory factory, const std::string &kind, const std::string &target,
             std::map<std::string, std::string, std::less<>> options = {});

/// Records retries, rejections and errors; backoffs sleep at most `maxSleepSeconds` of the
/// delay asked for (tests need not wait 30 s), and return false once stop() was called.
class RecordingContext : public Loadwizard::DeliveryContext
{
public:
    explicit RecordingContext(double maxSleepSeconds = 0.02);

    bool backoff(double seconds) override;
    bool stopping() const override;
    void countRetry() override;
    void countRejected(std::uint64_t points, const std::string &message) override;
    void setError(const std::string &message) override;

    void stop() { m_stop = true; }
    int retries() const { return m_retries; }
    std::uint64_t rejected() const { return m_rejected; }
    std::vector<double> backoffs() const;
    std::vector<std::string> messages() const;

private:
    double m_maxSleepSeconds;
    std::atomic<bool> m_stop = false;
    std::atomic<int> m_retries = 0;
    std::atomic<std::uint64_t> m_rejected = 0;
    mutable std::mutex m_mutex;
    std::vector<double> m_backoffs;
    std::vector<std::string> m_messages;
};

/// Snapshots one second apart with known interval numbers; totals add up like the engine's.
class SnapshotSeries
{
public:
    /// The run "started" `secondsAgo` seconds before now (Graphite and Elasticsearch take
    /// timestamps in the past without waiting).
    explicit SnapshotSeries(double secondsAgo = 60);

    Loadwizard::RunInfo runInfo(const std::string &project = "shop demo") const;
    /// The next interval: `requests` requests of which `errors` failed with HTTP 503, spread over
    /// two request names and one transaction, plus one log event per error, one failed check and
    /// one scenario exception.
    Loadwizard::Snapshot next(std::uint64_t requests, std::uint64_t errors, bool final = false,
                              double intervalSeconds = 1.0);

    std::chrono::system_clock::time_point started() const { return m_started; }
    const Loadwizard::Counters &total() const { return m_total; }

    static constexpr const char *loginName = "POST /login";
    static constexpr const char *productName = "http://127.0.0.1:8080/product.html?id=1 2";

private:
    std::chrono::system_clock::time_point m_started;
    std::uint64_t m_sequence = 0;
    double m_elapsed = 0;
    Loadwizard::Counters m_total;
};

/// `snapshot` (one of SnapshotSeries::next()'s) as a run of two groups: "browse" sends the
/// login requests, "buy.eu" the product requests (and their errors); both have a "checkout flow"
/// transaction (browse's as the login count, buy.eu's as the product count), which the run's
/// merged entry sums. Interval numbers only.
Loadwizard::Snapshot withTwoGroups(Loadwizard::Snapshot snapshot);
