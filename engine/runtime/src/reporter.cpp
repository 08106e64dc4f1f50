#include "reporter.h"

#include "rendezvoushub.h"
#include "worker.h"

#include <loadwizard/secrets.h>

#include <algorithm>
#include <utility>

namespace Loadwizard::Engine {

namespace {

NameStats statsOf(const NameRecord &record)
{
    return {record.count, record.errors, record.histogram.stats(), record.intended.stats()};
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

Reporter::Collected Reporter::collect(bool final, bool hurry)
{
    Collected collected;
    collected.atNs = m_clock();
    const std::uint64_t round = ++m_round;
    for (const auto &worker : m_workers)
        worker->requestReport(round);
    const auto until = std::chrono::steady_clock::now() +
                       (hurry ? std::chrono::milliseconds(250) : deadline(final));
    for (const auto &worker : m_workers)
        worker->takeReports(round, until, collected.intervals);
    return collected;
}

const std::string &Reporter::shown(const std::string &name)
{
    if (!haveSecrets())
        return name;
    auto it = m_shown.find(name);
    if (it == m_shown.end())
        it = m_shown.emplace(name, redactSecrets(name)).first;
    return it->second;
}

void Reporter::setGroups(std::vector<std::string> names)
{
    m_groupNames = std::move(names);
    m_groups.resize(m_groupNames.size());
}

void Reporter::Totals::add(const GroupRecord &record, Reporter &reporter)
{
    // Names are keyed by what they show: two that redact alike are one row, as users see them.
    for (const auto &[name, named] : record.requests) {
        if (named.count)
            requestsInterval[reporter.shown(name)].merge(named);
    }
    for (const auto &[name, named] : record.transactions) {
        if (named.count)
            transactionsInterval[reporter.shown(name)].merge(named);
    }
    for (const auto &[name, check] : record.checks) {
        if (check.passes + check.fails == 0)
            continue;
        auto &sum = checksTotal[reporter.shown(name)];
        sum.passes += check.passes;
        sum.fails += check.fails;
    }
    allInterval.merge(record.allRequests);
    intendedInterval.merge(record.allIntended);
    interval.add(record.counters);
}

void Reporter::add(IntervalData &data, Snapshot &snapshot)
{
    for (std::size_t g = 0; g < data.groups.size(); ++g) {
        m_run.add(data.groups[g], *this);
        if (g < m_groups.size())
            m_groups[g].add(data.groups[g], *this);
    }
    for (auto &event : data.events) {
        if (snapshot.events.size() < IntervalData::maxEvents) {
            if (haveSecrets())
                event.message = redactSecrets(event.message);
            snapshot.events.push_back(std::move(event));
        } else
            ++snapshot.eventsDropped;
    }
    snapshot.eventsDropped += data.eventsDropped;
    for (auto &[message, tally] : data.errorMessages) {
        // Keyed by what users see (redacted), capped like names: distinct URLs in messages
        // must not grow this without bound.
        const std::string text = haveSecrets() ? redactSecrets(message) : message;
        auto it = m_errorMessages.find(text);
        if (it == m_errorMessages.end()) {
            static const std::string other = "(other messages)";
            it = m_errorMessages
                     .try_emplace(m_errorMessages.size() < maxErrorMessages ? text : other,
                                  ErrorTally{tally.errorClass, 0, {}})
                     .first;
        }
        it->second.count += tally.count;
        // The first sample seen is kept: later ones say the same.
        if (it->second.sample.empty() && !tally.sample.empty())
            it->second.sample =
                haveSecrets() ? redactSecrets(tally.sample) : std::move(tally.sample);
    }
    for (auto &line : data.trace) {
        if (haveSecrets())
            line.text = redactSecrets(line.text);
        snapshot.trace.push_back(std::move(line));
    }
    snapshot.traceDropped += data.traceDropped;
}

void Reporter::foldNames(Totals &totals, bool intended,
                         std::map<std::string, NameStats, std::less<>> &requestsInterval,
                         std::map<std::string, NameStats, std::less<>> &requestsTotal,
                         std::map<std::string, NameStats, std::less<>> &transactionsInterval,
                         std::map<std::string, NameStats, std::less<>> &transactionsTotal)
{
    const auto stats = [intended](const NameRecord &record) {
        NameStats out = statsOf(record);
        if (!intended)
            out.intendedLatency = {};
        return out;
    };
    auto fold = [&](auto &intervalMap, auto &totalMap, auto &intervalOut, auto &totalOut) {
        for (auto &[name, record] : intervalMap) {
            if (record.count == 0)
                continue;
            auto entry = intervalOut.emplace(name, stats(record)).first;
            if (m_keepIntervalHistograms) {
                entry->second.buckets =
                    std::make_shared<const HistogramBuckets>(record.histogram.buckets());
                if (intended && record.intended.count())
                    entry->second.intendedBuckets =
                        std::make_shared<const HistogramBuckets>(record.intended.buckets());
            }
            totalMap[name].merge(record);
            record.reset();
        }
        for (const auto &[name, record] : totalMap) {
            auto entry = totalOut.emplace(name, stats(record)).first;
            if (m_keepHistograms)
                entry->second.histogram = std::make_shared<const Histogram>(record.histogram);
        }
    };
    fold(totals.requestsInterval, totals.requestsTotal, requestsInterval, requestsTotal);
    fold(totals.transactionsInterval, totals.transactionsTotal, transactionsInterval,
         transactionsTotal);
}

void Reporter::foldLatency(Totals &totals, LatencyStats &interval, LatencyStats &total,
                           LatencyStats &intendedInterval, LatencyStats &intendedTotal,
                           std::shared_ptr<const Histogram> &totalHistogram,
                           std::shared_ptr<const HistogramBuckets> &intervalBuckets,
                           std::shared_ptr<const HistogramBuckets> &intervalIntendedBuckets)
{
    if (m_keepIntervalHistograms) {
        intervalBuckets = std::make_shared<const HistogramBuckets>(totals.allInterval.buckets());
        if (totals.intendedInterval.count())
            intervalIntendedBuckets =
                std::make_shared<const HistogramBuckets>(totals.intendedInterval.buckets());
    }
    totals.total.add(totals.interval);
    totals.allTotal.merge(totals.allInterval);
    totals.intendedTotal.merge(totals.intendedInterval);
    interval = totals.allInterval.stats();
    total = totals.allTotal.stats();
    if (m_keepHistograms)
        totalHistogram = std::make_shared<const Histogram>(totals.allTotal);
    totals.allInterval.reset();
    intendedInterval = totals.intendedInterval.stats();
    intendedTotal = totals.intendedTotal.stats();
    totals.intendedInterval.reset();
}

std::vector<ErrorMessageCount> Reporter::topErrors() const
{
    std::vector<ErrorMessageCount> all;
    all.reserve(m_errorMessages.size());
    for (const auto &[message, tally] : m_errorMessages)
        all.push_back({message, tally.errorClass, tally.count, tally.sample});
    const std::size_t keep = std::min<std::size_t>(all.size(), 20);
    std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(keep), all.end(),
                      [](const ErrorMessageCount &a, const ErrorMessageCount &b) {
                          return a.count != b.count ? a.count > b.count : a.message < b.message;
                      });
    all.resize(keep);
    return all;
}

void Reporter::addEvent(LogEvent event)
{
    m_ownEvents.push_back(std::move(event));
}

void Reporter::setIncomplete(std::string reason)
{
    m_incomplete = std::move(reason);
}

std::shared_ptr<const Snapshot> Reporter::merge(Collected collected, bool final,
                                                const ScheduleState &schedule)
{
    auto snapshot = std::make_shared<Snapshot>();
    // The run's own events first: they are few, and explain what follows.
    snapshot->events = std::move(m_ownEvents);
    m_ownEvents.clear();
    snapshot->incomplete = m_incomplete;
    for (auto &data : collected.intervals) {
        add(*data, *snapshot);
        const int owner = data->worker;
        data->reset();
        if (owner >= 0 && std::size_t(owner) < m_workers.size())
            m_workers[std::size_t(owner)]->recycle(std::move(data));
    }
    // After this interval's messages were added: a run shorter than one interval has all of its
    // errors in the final one.
    snapshot->topErrors = topErrors();
    // Each worker's lines are in order; across workers, by time.
    if (collected.intervals.size() > 1)
        std::stable_sort(snapshot->trace.begin(), snapshot->trace.end(),
                         [](const TraceLine &a, const TraceLine &b) {
                             return a.elapsedSeconds < b.elapsedSeconds;
                         });

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
    snapshot->data = schedule.data;
    snapshot->stoppedByData = schedule.stoppedByData;
    snapshot->interval = m_run.interval;
    foldLatency(m_run, snapshot->intervalLatency, snapshot->totalLatency,
                snapshot->intervalIntendedLatency, snapshot->totalIntendedLatency,
                snapshot->totalHistogram, snapshot->intervalBuckets,
                snapshot->intervalIntendedBuckets);
    if (!m_runIntended) {
        snapshot->intervalIntendedLatency = snapshot->totalIntendedLatency = {};
        snapshot->intervalIntendedBuckets = nullptr;
    }
    snapshot->total = m_run.total;
    const auto achieved = [&](const Counters &interval) {
        return snapshot->intervalSeconds > 0
                   ? double(interval.iterationsStarted) / snapshot->intervalSeconds
                   : 0.0;
    };
    snapshot->arrivals = schedule.arrivals;
    if (schedule.arrivals.open)
        snapshot->arrivals.achievedRate = achieved(m_run.interval);
    const auto breakdown = [](const NameRecord &record) {
        const double n = double(record.count) * 1000.0;
        return TimingBreakdown{double(record.dnsMicros) / n, double(record.connectMicros) / n,
                               double(record.tlsMicros) / n, double(record.ttfbMicros) / n,
                               double(record.totalMicros) / n};
    };
    for (const auto &[name, record] : m_run.requestsInterval) {
        if (record.count)
            snapshot->timingsInterval.emplace(name, breakdown(record));
    }
    foldNames(m_run, m_runIntended, snapshot->requestsInterval, snapshot->requestsTotal,
              snapshot->transactionsInterval, snapshot->transactionsTotal);
    for (const auto &[name, record] : m_run.requestsTotal) {
        if (record.count)
            snapshot->timings.emplace(name, breakdown(record));
    }
    snapshot->checks = m_run.checksTotal;
    m_run.interval = {};
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        Totals &totals = m_groups[g];
        GroupSnapshot &group = snapshot->groups.emplace_back();
        group.name = m_groupNames[g];
        if (g < schedule.groups.size()) {
            group.activeVusers = schedule.groups[g].activeVusers;
            group.plannedVusers = schedule.groups[g].plannedVusers;
            group.maxVusers = schedule.groups[g].maxVusers;
            group.maxPlannedVusers = schedule.groups[g].maxPlannedVusers;
            group.arrivals = schedule.groups[g].arrivals;
        }
        if (group.arrivals.open)
            group.arrivals.achievedRate = achieved(totals.interval);
        group.interval = totals.interval;
        foldLatency(totals, group.intervalLatency, group.totalLatency,
                    group.intervalIntendedLatency, group.totalIntendedLatency, group.totalHistogram,
                    group.intervalBuckets, group.intervalIntendedBuckets);
        if (!group.arrivals.open)
            group.intervalIntendedBuckets = nullptr;
        group.total = totals.total;
        foldNames(totals, group.arrivals.open, group.requestsInterval, group.requestsTotal,
                  group.transactionsInterval, group.transactionsTotal);
        group.checks = totals.checksTotal;
        totals.interval = {};
    }
    for (auto &[name, stats] : m_hub.stats())
        snapshot->rendezvous.emplace(shown(name), stats);
    m_lastReportNs = now;
    return snapshot;
}

} // namespace Loadwizard::Engine
