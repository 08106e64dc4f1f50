#include "reporter.h"

#include "rendezvoushub.h"
#include "worker.h"

#include <algorithm>
#include <utility>

namespace Loadwizard::Engine {

namespace {

NameStats statsOf(const NameRecord &record)
{
    return {record.count, record.errors, record.histogram.stats()};
}

} // namespace

Reporter::Reporter(const std::vector<std::unique_ptr<Worker>> &workers, const RendezvousHub &hub,
                   Clock clock, std::uint64_t startNs, double intervalSeconds,
                   double plannedSeconds)
    : m_workers(workers)
    , m_hub(hub)
    , m_clock(std::move(clock))
    , m_startNs(startNs)
    , m_intervalSeconds(intervalSeconds)
    , m_plannedSeconds(plannedSeconds)
    , m_lastReportNs(startNs)
{}

std::chrono::nanoseconds Reporter::deadline(bool final) const
{
    using namespace std::chrono;
    const auto interval = duration_cast<nanoseconds>(duration<double>(m_intervalSeconds));
    // Half an interval leaves the other half for merging and the observers before the next
    // round; the last round has no next one to leave room for.
    return final ? std::max<nanoseconds>(seconds(5), interval) : interval / 2;
}

Reporter::Collected Reporter::collect(bool final)
{
    Collected collected;
    collected.atNs = m_clock();
    const std::uint64_t round = ++m_round;
    for (const auto &worker : m_workers)
        worker->requestReport(round);
    const auto until = std::chrono::steady_clock::now() + deadline(final);
    for (const auto &worker : m_workers)
        worker->takeReports(round, until, collected.intervals);
    return collected;
}

void Reporter::add(IntervalData &data, Counters &interval, Snapshot &snapshot)
{
    for (auto &[name, record] : data.requests) {
        if (record.count)
            m_requestsInterval[name].merge(record);
    }
    for (auto &[name, record] : data.transactions) {
        if (record.count)
            m_transactionsInterval[name].merge(record);
    }
    for (auto &[name, check] : data.checks) {
        if (check.passes + check.fails == 0)
            continue;
        auto &total = m_checksTotal[name];
        total.passes += check.passes;
        total.fails += check.fails;
    }
    m_allInterval.merge(data.allRequests);
    interval.add(data.counters);
    for (auto &event : data.events) {
        if (snapshot.events.size() < IntervalData::maxEvents)
            snapshot.events.push_back(std::move(event));
        else
            ++snapshot.eventsDropped;
    }
    snapshot.eventsDropped += data.eventsDropped;
}

void Reporter::foldNames(Snapshot &snapshot)
{
    auto fold = [](auto &intervalMap, auto &totalMap, auto &intervalOut, auto &totalOut) {
        for (auto &[name, record] : intervalMap) {
            if (record.count == 0)
                continue;
            intervalOut.emplace(name, statsOf(record));
            totalMap[name].merge(record);
            record.reset();
        }
        for (const auto &[name, record] : totalMap)
            totalOut.emplace(name, statsOf(record));
    };
    fold(m_requestsInterval, m_requestsTotal, snapshot.requestsInterval, snapshot.requestsTotal);
    fold(m_transactionsInterval, m_transactionsTotal, snapshot.transactionsInterval,
         snapshot.transactionsTotal);
    for (const auto &[name, record] : m_requestsTotal) {
        if (record.count == 0)
            continue;
        const double n = double(record.count) * 1000.0;
        snapshot.timings.emplace(
            name, TimingBreakdown{double(record.dnsMicros) / n, double(record.connectMicros) / n,
                                  double(record.tlsMicros) / n, double(record.ttfbMicros) / n,
                                  double(record.totalMicros) / n});
    }
}

std::shared_ptr<const Snapshot> Reporter::merge(Collected collected, bool final,
                                                const ScheduleState &schedule)
{
    auto snapshot = std::make_shared<Snapshot>();
    Counters interval;
    for (auto &data : collected.intervals) {
        add(*data, interval, *snapshot);
        const int owner = data->worker;
        data->reset();
        if (owner >= 0 && std::size_t(owner) < m_workers.size())
            m_workers[std::size_t(owner)]->recycle(std::move(data));
    }
    m_totals.add(interval);
    m_allTotal.merge(m_allInterval);

    const std::uint64_t now = collected.atNs;
    snapshot->sequence = ++m_sequence;
    snapshot->final = final;
    snapshot->state = schedule.state;
    snapshot->elapsedSeconds = double(now - m_startNs) / 1e9;
    snapshot->intervalSeconds = double(now - m_lastReportNs) / 1e9;
    snapshot->plannedSeconds = m_plannedSeconds;
    snapshot->activeVusers = schedule.activeVusers;
    snapshot->plannedVusers = schedule.plannedVusers;
    snapshot->maxVusers = schedule.maxVusers;
    snapshot->maxPlannedVusers = schedule.maxPlannedVusers;
    snapshot->interval = interval;
    snapshot->total = m_totals;
    snapshot->intervalLatency = m_allInterval.stats();
    snapshot->totalLatency = m_allTotal.stats();
    m_allInterval.reset();
    foldNames(*snapshot);
    snapshot->checks = m_checksTotal;
    snapshot->rendezvous = m_hub.stats();
    m_lastReportNs = now;
    return snapshot;
}

} // namespace Loadwizard::Engine
