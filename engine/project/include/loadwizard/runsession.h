#pragma once

#include <loadwizard/error.h>
#include <loadwizard/output.h>
#include <loadwizard/preparedrun.h>
#include <loadwizard/project.h>
#include <loadwizard/results.h>
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

/// Where a session saves its results folder (docs/results-format.md).
struct ResultsOptions
{
    bool save = false;
    /// Empty: defaultResultsFolder() under `baseFolder`.
    std::string folder;
    /// Where the default folder's results/ goes; empty: the project's folder (the current
    /// folder for a project without a file).
    std::string baseFolder;
    std::vector<std::string> commandLine; ///< for the manifest (redacted there)
    std::string field = "--results";      ///< what errors about `folder` name
    std::string hint; ///< added to an error about the folder ("give another with --results")
};

/// The project as a run used it, for a results folder: `overrides` and `thresholds` applied,
/// paths absolute, literal secrets (parameters and outputs whose name says so, URL passwords)
/// replaced by "<redacted>", then environment secrets redacted.
std::string projectAsRunYaml(const Project &project, const Parameters &overrides,
                             const std::vector<ThresholdSettings> &thresholds);

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
    ResultsOptions results;
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
    /// Creates the results folder (when saving; an error names it), starts the workers;
    /// returns at once. Once only.
    tl::expected<void, Error> start();
    /// After start(): the results folder written, empty when not saving.
    std::string resultsFolder() const;
    /// After finish(): a write error of the results folder (the run itself is unaffected).
    const std::optional<Error> &resultsError() const { return m_resultsError; }
    /// After finish(): records the process's exit status in the results manifest.
    void recordExitCode(int code);
    /// After finish(): how the run ended, and why when not completed ("stopped by the user",
    /// "threshold \"p95 < 1s\" aborted the run").
    RunEnding ending() const { return m_ending; }
    const std::string &endingReason() const { return m_endingReason; }

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
    /// After finish(): ending() (also in header().ending).
    RunEnding howEnded() const { return m_ending; }

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
    std::unique_ptr<ResultsWriter> m_results;
    std::optional<Error> m_resultsError;
    RunEnding m_ending = RunEnding::Running;
    std::string m_endingReason;
    /// How the run ended, from the final snapshot and the controls used.
    void decideEnding();
    std::atomic<bool> m_aborted{false};
    std::atomic<bool> m_stoppedByUser{false}; ///< stop() or abort() before the profile ended
    bool stillRunning() const;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace Loadwizard
