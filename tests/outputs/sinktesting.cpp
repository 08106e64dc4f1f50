#include "sinktesting.h"

#include <algorithm>
#include <cstdio>
#include <thread>

using namespace Loadwizard;

RecordingContext::RecordingContext(double maxSleepSeconds)
    : m_maxSleepSeconds(maxSleepSeconds)
{}

bool RecordingContext::backoff(double seconds)
{
    {
        std::lock_guard lock(m_mutex);
        m_backoffs.push_back(seconds);
    }
    if (m_stop)
        return false;
    std::this_thread::sleep_for(
        std::chrono::duration<double>(std::min(std::max(seconds, 0.0), m_maxSleepSeconds)));
    return !m_stop;
}

bool RecordingContext::stopping() const
{
    return m_stop;
}

void RecordingContext::countRetry()
{
    ++m_retries;
}

void RecordingContext::countRejected(std::uint64_t points, const std::string &message)
{
    m_rejected += points;
    std::lock_guard lock(m_mutex);
    m_messages.push_back("rejected " + std::to_string(points) + ": " + message);
}

void RecordingContext::setError(const std::string &message)
{
    std::lock_guard lock(m_mutex);
    m_messages.push_back(message);
}

std::vector<double> RecordingContext::backoffs() const
{
    std::lock_guard lock(m_mutex);
    return m_backoffs;
}

std::vector<std::string> RecordingContext::messages() const
{
    std::lock_guard lock(m_mutex);
    return m_messages;
}

SnapshotSeries::SnapshotSeries(double secondsAgo)
    : m_started(std::chrono::system_clock::now() -
                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                    std::chrono::duration<double>(secondsAgo)))
{}

RunInfo SnapshotSeries::runInfo(const std::string &project) const
{
    RunInfo info;
    info.project = project;
    info.scenario = "shop";
    info.instance = "generator-1";
    info.runId = "run-" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                             m_started.time_since_epoch())
                                             .count());
    info.started = m_started;
    return info;
}

namespace {

LatencyStats latency(std::uint64_t count, double base)
{
    LatencyStats stats;
    stats.count = count;
    if (count == 0)
        return stats;
    stats.minMs = base * 0.5;
    stats.meanMs = base;
    stats.p50Ms = base * 0.9;
    stats.p90Ms = base * 1.5;
    stats.p95Ms = base * 1.8;
    stats.p99Ms = base * 2.5;
    stats.maxMs = base * 4;
    return stats;
}

} // namespace

Snapshot SnapshotSeries::next(std::uint64_t requests, std::uint64_t errors, bool final,
                              double intervalSeconds)
{
    Snapshot snapshot;
    snapshot.sequence = ++m_sequence;
    snapshot.final = final;
    snapshot.state = final ? RunState::Finished : RunState::Running;
    m_elapsed += intervalSeconds;
    snapshot.elapsedSeconds = m_elapsed;
    snapshot.intervalSeconds = intervalSeconds;
    snapshot.plannedSeconds = 60;
    snapshot.activeVusers = 10;
    snapshot.plannedVusers = 12;
    snapshot.maxVusers = 10;

    Counters &c = snapshot.interval;
    c.requests = requests;
    c.requestErrors = errors;
    c.errors[std::size_t(ErrorClass::Http5xx)] = errors;
    c.errors[std::size_t(ErrorClass::Check)] = 1;
    c.errors[std::size_t(ErrorClass::Exception)] = 1;
    c.bytesIn = requests * 1000;
    c.bytesOut = requests * 100;
    c.iterations = requests / 2;
    c.iterationsFailed = 1;
    c.checksPassed = requests - errors;
    c.checksFailed = 1;
    m_total.add(c);
    snapshot.total = m_total;
    snapshot.intervalLatency = latency(requests, 2.0);
    snapshot.totalLatency = latency(m_total.requests, 2.0);

    const std::uint64_t login = requests / 2;
    const std::uint64_t product = requests - login;
    snapshot.requestsInterval[loginName] = {login, 0, latency(login, 1.0)};
    snapshot.requestsInterval[productName] = {product, errors, latency(product, 3.0)};
    snapshot.transactionsInterval["checkout flow"] = {login, 0, latency(login, 10.0)};
    for (std::uint64_t i = 0; i < errors; ++i) {
        snapshot.events.push_back({m_elapsed - 0.5, "error",
                                   std::string("GET ") + productName + ": HTTP 503",
                                   ErrorClass::Http5xx, i + 1});
    }
    snapshot.events.push_back(
        {m_elapsed - 0.4, "warning", "check failed: status is 200", ErrorClass::Check, 3});
    snapshot.events.push_back(
        {m_elapsed - 0.3, "error", "iteration failed: cart is empty", ErrorClass::Exception, 4});
    return snapshot;
}

Snapshot withTwoGroups(Snapshot snapshot)
{
    const NameStats login = snapshot.requestsInterval[SnapshotSeries::loginName];
    const NameStats product = snapshot.requestsInterval[SnapshotSeries::productName];
    GroupSnapshot browse;
    browse.name = "browse";
    browse.activeVusers = 6;
    browse.plannedVusers = 7;
    browse.interval.requests = login.count;
    browse.interval.iterations = login.count / 2;
    browse.intervalLatency = login.latency;
    browse.requestsInterval[SnapshotSeries::loginName] = login;
    browse.transactionsInterval["checkout flow"] = snapshot.transactionsInterval["checkout flow"];
    GroupSnapshot buy;
    buy.name = "buy.eu";
    buy.activeVusers = 4;
    buy.plannedVusers = 5;
    buy.interval.requests = product.count;
    buy.interval.requestErrors = product.errors;
    buy.interval.errors[std::size_t(ErrorClass::Http5xx)] = product.errors;
    buy.interval.iterations = snapshot.interval.iterations - browse.interval.iterations;
    buy.intervalLatency = product.latency;
    buy.requestsInterval[SnapshotSeries::productName] = product;
    buy.transactionsInterval["checkout flow"] = {product.count, product.errors,
                                                 latency(product.count, 20.0)};
    NameStats &merged = snapshot.transactionsInterval["checkout flow"];
    merged.count += product.count;
    merged.errors += product.errors;
    snapshot.groups = {browse, buy};
    return snapshot;
}

std::unique_ptr<Loadwizard::OutputSink>
makeTestSink(SinkFactory factory, const std::string &kind, const std::string &target,
             std::map<std::string, std::string, std::less<>> options)
{
    Loadwizard::OutputConfig config;
    config.kind = kind;
    config.target = target;
    config.options = std::move(options);
    auto sink = factory(config);
    if (!sink)
        std::fprintf(stderr, "%s sink refused: %s\n", kind.c_str(),
                     sink.error().toString().c_str());
    return sink ? std::move(*sink) : nullptr;
}
