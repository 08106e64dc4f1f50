#pragma once

#include <loadwizard/error.h>
#include <loadwizard/output.h>
#include <loadwizard/preparedrun.h>
#include <loadwizard/project.h>
#include <loadwizard/snapshot.h>
#include <loadwizard/summary.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

class OutputSet;
class Run;

/// A threshold on the latency from the intended start (`{from=intended}`) where what it reads
/// (the run, or its `{group=NAME}`) runs the closed model, which has none: such a threshold
/// could only be "no data". The project's thresholds, then `flagged` (`--threshold`), against
/// the prepared run's models; the error names `thresholds[i]` or `--threshold`. Expressions
/// are assumed parsed already (one that does not parse is skipped).
std::optional<Error> intendedThresholdProblem(const Project &project,
                                              const std::vector<ThresholdSettings> &flagged,
                                              const RunConfig &config);

/// What a session takes besides the project: the command line's or the GUI's additions.
struct RunSessionOptions
{
    Parameters overrides;                 ///< win over the project's parameters (--param)
    std::vector<std::string> outputFlags; ///< `--out KIND=TARGET?…`, after the project's outputs
    double flushTimeoutSeconds = 10;      ///< what the outputs get to deliver at the end
    CompileOptions compile;               ///< for a .cpp scenario: "compiling…", warnings
    std::uint64_t iterationsPerVuser = 0; ///< `--iterations N`; 0: until the profile ends
    TraceSettings trace;                  ///< `-v`, `--http-debug`
    /// `--threshold`: evaluated after the project's, errors name `--threshold`.
    std::vector<ThresholdSettings> thresholds;
    /// The totals' histograms in every snapshot (a GUI's latency distribution), not only when a
    /// threshold needs them: about 16 KB per name and second.
    bool keepHistograms = false;
};

/// One run of a project, from file to summary, driven the same way by the CLI and the GUI:
/// prepare() (load or compile the plugin, resolve parameters, build the outputs), observers,
/// start(), live controls, finish() (wait for the run, flush the outputs), then the summary.
/// Controls are thread-safe; prepare() and finish() block and belong off a UI thread.
class RunSession
{
public:
    /// Errors name the file, field or flag; nothing has started when one is returned.
    static tl::expected<std::unique_ptr<RunSession>, Error> prepare(const Project &project,
                                                                    RunSessionOptions options = {});
    ~RunSession();
    RunSession(const RunSession &) = delete;
    RunSession &operator=(const RunSession &) = delete;

    const Project &project() const { return m_project; }
    /// Project name, scenario id and profile; the outputs' counts are added by finish().
    const SummaryHeader &header() const { return m_header; }
    /// How the terminal summary names the profile (SummaryHeader::profileLabel).
    void setProfileLabel(std::string label) { m_header.profileLabel = std::move(label); }
    /// Parameters the scenario does not declare, and the like.
    const std::vector<std::string> &warnings() const { return m_prepared.warnings; }
    bool compileCacheHit() const { return m_prepared.compileCacheHit; }
    /// The outputs' display names (no secrets), in the order they were configured.
    std::vector<std::string> outputNames() const;

    /// Before start(): receives every snapshot on the run's schedule thread (never a worker's);
    /// must return quickly.
    void addObserver(SnapshotObserver observer);
    /// Starts the workers; returns at once. Once only.
    tl::expected<void, Error> start();

    /// Ends the schedule: in-flight iterations get the graceful-stop period.
    void stop();
    /// Interrupts every vuser now, and cuts the outputs' flush short (nothing more is sent).
    void abort();
    void adjustVusers(long long delta);
    void setPaused(bool paused);
    bool paused() const;
    /// Whether the run (not the flush) is over.
    bool runFinished() const;
    /// After finish(): a worker never came back from scenario code and was left running; the
    /// final snapshot says so (`incomplete`). The process should end soon: the thread spins on.
    bool abandonedWorkers() const;

    /// Blocks until the run is over, then delivers what the outputs hold within the flush
    /// timeout; the final snapshot (nullptr when the run produced none). Once only.
    std::shared_ptr<const Snapshot> finish();
    /// The outputs' counts as they are now (thread-safe).
    std::vector<OutputStats> outputStats() const;

    /// The thresholds on the latest snapshot (thread-safe; the final ones after finish()).
    std::vector<ThresholdResult> thresholdResults() const;
    /// Whether there are thresholds at all.
    bool hasThresholds() const { return !m_thresholds.empty(); }
    /// After finish(): how many thresholds failed (no data counts as failed).
    std::size_t failedThresholdCount() const;
    /// After finish(): what is wrong with the run ("thresholds failed (2 of 5)", "every request
    /// failed"), empty when nothing is (runVerdict()).
    std::string verdict() const;
    /// After finish(): how the run ended (a crash, an abort, a stop, failed thresholds, or
    /// none of them); also in header().ending.
    RunEnding howEnded() const;

    /// After finish(): the summary for a terminal, and as JSON (--summary-json).
    std::string summaryText() const;
    /// After finish(): the JUnit XML report (--junit).
    std::string junitXml() const;
    std::string summaryJson() const;
    std::shared_ptr<const Snapshot> finalSnapshot() const { return m_final; }

private:
    RunSession() = default;
    /// On the run's schedule thread: the thresholds on a snapshot; stops the run when an abort
    /// threshold fails after its grace period.
    void evaluate(const Snapshot &snapshot);

    Project m_project;
    RunSessionOptions m_options;
    PreparedRun m_prepared; ///< holds the plugin: declared before the run, so it outlives it
    SummaryHeader m_header;
    std::unique_ptr<OutputSet> m_outputs;
    std::unique_ptr<Run> m_run;
    std::shared_ptr<const Snapshot> m_final;
    ThresholdEvaluator m_thresholds;
    mutable std::mutex m_thresholdMutex;
    std::vector<ThresholdResult> m_thresholdResults; ///< guarded by m_thresholdMutex
    std::optional<std::size_t> m_abortedBy;          ///< guarded by m_thresholdMutex
    std::chrono::system_clock::time_point m_startedAt;
    std::atomic<bool> m_aborted{false};
    std::atomic<bool> m_stoppedByUser{false}; ///< stop() or abort() before the profile ended
    bool stillRunning() const;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace Loadwizard
