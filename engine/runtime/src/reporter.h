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
        /// Each group's, in the run's order.
        struct Group
        {
            long long activeVusers = 0;
            long long plannedVusers = 0;
            long long maxVusers = 0;
            long long maxPlannedVusers = 0;
            ArrivalStats arrivals;
        };
        std::vector<Group> groups;
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
    /// Whether snapshots carry each interval's histograms (RunConfig::keepIntervalHistograms).
    void setKeepIntervalHistograms(bool keep) { m_keepIntervalHistograms = keep; }
    /// Whether the run's own figures carry latency from the intended start (every group open).
    void setRunIntended(bool intended) { m_runIntended = intended; }
    /// A run with groups: snapshots keep each group's figures apart (Snapshot::groups).
    void setGroups(std::vector<std::string> names);
    /// An event of the run's own (the watchdog's), published with the next snapshot.
    void addEvent(LogEvent event);
    /// Why the final numbers miss something (a worker left behind), for the summary.
    void setIncomplete(std::string reason);

private:
    /// How long a round may take: a worker stuck in scenario code must not stall the reports
    /// (its data comes with a later round), but the last round waits longer.
    std::chrono::nanoseconds deadline(bool final) const;
    /// What the run, or one of its groups, has recorded: this interval's and the totals.
    struct Totals
    {
        // Interval maps are kept between rounds so names and histograms stay allocated.
        std::map<std::string, NameRecord, std::less<>> requestsInterval, requestsTotal;
        std::map<std::string, NameRecord, std::less<>> transactionsInterval, transactionsTotal;
        std::map<std::string, CheckStats, std::less<>> checksTotal;
        Histogram allInterval, allTotal;
        Histogram intendedInterval, intendedTotal; ///< open model: from the intended start
        Counters interval, total;

        /// One worker's record of this interval.
        void add(const GroupRecord &record, Reporter &reporter);
    };

    /// Adds one worker's interval to this interval's maps; its events go to the snapshot.
    void add(IntervalData &data, Snapshot &snapshot);
    /// This interval's per-name figures into the snapshot and the totals.
    void foldNames(Totals &totals, bool intended,
                   std::map<std::string, NameStats, std::less<>> &requestsInterval,
                   std::map<std::string, NameStats, std::less<>> &requestsTotal,
                   std::map<std::string, NameStats, std::less<>> &transactionsInterval,
                   std::map<std::string, NameStats, std::less<>> &transactionsTotal);
    /// This interval's counters and latency into the totals; the interval's histograms reset.
    void foldLatency(Totals &totals, LatencyStats &interval, LatencyStats &total,
                     LatencyStats &intendedInterval, LatencyStats &intendedTotal,
                     std::shared_ptr<const Histogram> &totalHistogram,
                     std::shared_ptr<const HistogramBuckets> &intervalBuckets,
                     std::shared_ptr<const HistogramBuckets> &intervalIntendedBuckets);
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
    Totals m_run;
    std::vector<Totals> m_groups; ///< a run with groups: each one's, apart
    std::vector<std::string> m_groupNames;
    std::unordered_map<std::string, std::string> m_shown;
    /// Error messages as shown, counted over the run; at most maxErrorMessages distinct.
    static constexpr std::size_t maxErrorMessages = 1000;
    std::unordered_map<std::string, ErrorTally> m_errorMessages;
    std::vector<ErrorMessageCount> topErrors() const;
    std::vector<LogEvent> m_ownEvents;
    std::string m_incomplete;
    bool m_keepHistograms = false;
    bool m_keepIntervalHistograms = false;
    bool m_runIntended = true;
};

} // namespace Loadwizard::Engine
