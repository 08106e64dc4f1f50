#pragma once

#include "clock.h"
#include "intervaldata.h"

#include <loadwizard/snapshot.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace Loadwizard::Engine {

class RendezvousHub;
class Worker;

/// Turns the workers' interval data into snapshots: collect (one round trip to each worker),
/// then merge (into the run's totals and a new Snapshot). Runs on the controller thread.
class Reporter
{
public:
    /// What every worker handed over for one round.
    struct Collected
    {
        std::uint64_t atNs = 0; ///< when the round was asked for: the interval's end
        std::vector<std::unique_ptr<IntervalData>> intervals;
    };
    /// What the schedule knows and the workers do not.
    struct ScheduleState
    {
        RunState state = RunState::Running;
        long long activeVusers = 0;
        long long plannedVusers = 0;
        long long maxVusers = 0;
        long long maxPlannedVusers = 0;
        std::map<std::string, DataFeedStats, std::less<>> data;
        std::string stoppedByData;
        Snapshot::Arrivals arrivals; ///< achievedRate filled in by merge()
    };

    Reporter(const std::vector<std::unique_ptr<Worker>> &workers, const RendezvousHub &hub,
             Clock clock, std::uint64_t startNs, double intervalSeconds, double plannedSeconds);

    /// Asks every worker for its interval and waits for each one's answer until a deadline;
    /// `hurry`: a short one, since a worker is known not to answer.
    Collected collect(bool final, bool hurry = false);
    /// Folds the intervals into the totals, hands them back to their workers, and returns the
    /// snapshot.
    std::shared_ptr<const Snapshot> merge(Collected collected, bool final,
                                          const ScheduleState &schedule);
    /// Whether snapshots carry the totals' histograms (RunConfig::keepHistograms).
    void setKeepHistograms(bool keep) { m_keepHistograms = keep; }
    /// An event of the run's own (the watchdog's), published with the next snapshot.
    void addEvent(LogEvent event);
    /// Why the final numbers miss something (a worker left behind), for the summary.
    void setIncomplete(std::string reason);

private:
    /// How long a round may take: a worker stuck in scenario code must not stall the reports
    /// (its data comes with a later round), but the last round waits longer.
    std::chrono::nanoseconds deadline(bool final) const;
    /// Adds one worker's interval to this interval's maps; its events go to the snapshot.
    void add(IntervalData &data, Counters &interval, Snapshot &snapshot);
    /// This interval's per-name figures into the snapshot and the totals.
    void foldNames(Snapshot &snapshot);
    /// A scenario's name (request, transaction, check, rendezvous) with secrets redacted; each
    /// distinct name is redacted once.
    const std::string &shown(const std::string &name);

    const std::vector<std::unique_ptr<Worker>> &m_workers;
    const RendezvousHub &m_hub;
    Clock m_clock;
    std::uint64_t m_startNs;
    double m_intervalSeconds;
    double m_plannedSeconds;

    std::uint64_t m_round = 0;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_lastReportNs;
    // Interval maps are kept between rounds so names and histograms stay allocated.
    std::map<std::string, NameRecord, std::less<>> m_requestsInterval, m_requestsTotal;
    std::map<std::string, NameRecord, std::less<>> m_transactionsInterval, m_transactionsTotal;
    std::map<std::string, CheckStats, std::less<>> m_checksTotal;
    std::unordered_map<std::string, std::string> m_shown;
    /// Error messages as shown, counted over the run; at most maxErrorMessages distinct.
    static constexpr std::size_t maxErrorMessages = 1000;
    std::unordered_map<std::string, std::pair<ErrorClass, std::uint64_t>> m_errorMessages;
    std::vector<ErrorMessageCount> topErrors() const;
    Histogram m_allInterval, m_allTotal;
    Histogram m_intendedInterval, m_intendedTotal; ///< open model: from the intended start
    Counters m_totals;
    std::vector<LogEvent> m_ownEvents;
    std::string m_incomplete;
    bool m_keepHistograms = false;
};

} // namespace Loadwizard::Engine
