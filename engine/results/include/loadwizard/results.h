#pragma once

// A run's results folder (docs/results-format.md): written progressively by ResultsWriter while
// the run goes, read back by loadResults() for the report, the comparison and the workbench.

#include <loadwizard/error.h>
#include <loadwizard/snapshot.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// The results folder format's version (manifest.json "version").
inline constexpr int resultsFormatVersion = 1;

/// How a run ended (manifest.json "status").
enum class RunEnding
{
    Running,          ///< no end recorded: still running, or killed
    Completed,        ///< the profile ran to its end (or its data ran out, or its iterations)
    Stopped,          ///< stopped early by the user (Ctrl-C, SIGTERM, Stop): a graceful stop
    Aborted,          ///< aborted: by the user, or by a threshold with `abort`
    FailedThresholds, ///< completed, but a threshold failed
    Crashed,          ///< the scenario crashed, or a worker was left behind
};

/// "running", "completed", "stopped", "aborted", "failed_thresholds", "crashed".
std::string_view runEndingName(RunEnding ending);
/// For people: "Running", "Completed", "Stopped by user", … (the workbench's status line);
/// `Running` of a saved run reads "Crashed or killed".
std::string runEndingLabel(RunEnding ending, bool saved);
std::optional<RunEnding> parseRunEnding(std::string_view name);

/// manifest.json.
struct ResultsManifest
{
    int version = resultsFormatVersion;
    std::string toolVersion;
    std::vector<std::string> commandLine; ///< secrets redacted
    std::string host;
    std::string runId;
    std::string project;
    std::string projectFile;
    std::string scenario;
    std::string model; ///< "closed", "open" or "mixed"
    std::vector<std::string> groups;
    std::chrono::system_clock::time_point started;
    std::optional<std::chrono::system_clock::time_point> ended;
    double durationSeconds = 0;
    double plannedSeconds = 0;
    RunEnding status = RunEnding::Running;
    std::string reason;  ///< why it stopped, aborted or crashed; empty when completed
    std::string verdict; ///< "passed" or what is wrong; empty while running
    std::optional<int> exitCode;
    std::uint64_t intervalsDropped = 0; ///< snapshots the writer could not keep up with
    /// Empty, or why files of the folder miss intervals (a write failed: the disk was full).
    std::string incomplete;
};

/// "results/YYYYMMDD-HHMMSS-NAME" under `baseFolder` (the project's folder, or the current one
/// when empty), NAME the project name made safe for a file name ("run" when empty).
std::string defaultResultsFolder(const std::string &baseFolder, const std::string &projectName,
                                 std::chrono::system_clock::time_point started);

/// `text` with the password of a URL's user:password@ and the values of its query parameters
/// whose name looks secret (`?token=…`) replaced by "<redacted>".
std::string redactUrlCredentials(std::string_view text);

/// `arguments` with the values of secret-looking flags and parameters replaced by "<redacted>"
/// (`--param password=x`, `--out influxdb=http://u:p@h/db`), then environment secrets.
std::vector<std::string> redactCommandLine(const std::vector<std::string> &arguments);

/// Writes a results folder while a run goes. Construction creates the folder and writes the
/// manifest (status running) and the project copy; push() queues a snapshot for the writer's own
/// thread (never blocks the run); finish() writes the rest and the final manifest.
class ResultsWriter
{
public:
    /// `folder`: created (with its parents); `exclusive` (the default folder): an existing one
    /// gets "-2", "-3"… appended; else an existing folder must be empty. The error names the
    /// folder and `field` (e.g. "--results").
    static tl::expected<std::unique_ptr<ResultsWriter>, Error>
    create(std::string folder, bool exclusive, ResultsManifest manifest,
           const std::string &projectYaml, const std::string &field = {});
    ~ResultsWriter();
    ResultsWriter(const ResultsWriter &) = delete;
    ResultsWriter &operator=(const ResultsWriter &) = delete;

    /// The folder written (absolute).
    const std::string &folder() const { return m_folder; }
    /// From the run's snapshot thread: queued, written on the writer's thread.
    void push(std::shared_ptr<const Snapshot> snapshot);
    /// Writes what is queued, summary.json and the final manifest (`ending`, `reason`,
    /// `verdict`, the final snapshot's duration). The first write error of the whole folder, if
    /// any. Once.
    tl::expected<void, Error> finish(RunEnding ending, std::string reason, std::string verdict,
                                     const std::string &summaryJson);
    /// After finish(): the process's exit status, rewritten into the manifest.
    tl::expected<void, Error> recordExitCode(int code);

private:
    ResultsWriter() = default;
    class Private;
    std::unique_ptr<Private> d;
    std::string m_folder;
};

/// A saved run read back.
struct SavedRun
{
    std::string folder;
    ResultsManifest manifest;
    /// One per interval, as the run published them: interval figures of every line, running
    /// totals of the counters; the last one (final) also has every name's totals with their
    /// histograms, rebuilt from histograms.jsonl (so a killed run has them too).
    std::vector<std::shared_ptr<const Snapshot>> snapshots;
    /// summary.json as written; empty when the run wrote none (killed).
    std::string summaryJson;
    std::vector<LogEvent> events;
    /// What the reader skipped: a torn last line, an unknown version's keys.
    std::vector<std::string> warnings;
};

/// Reads manifest.json only (fast: for lists of saved runs). Errors name the file.
tl::expected<ResultsManifest, Error> loadResultsManifest(const std::string &folder);
/// Reads the whole folder. Errors name the file and line.
tl::expected<SavedRun, Error> loadResults(const std::string &folder);

/// One line of a list of saved runs: the manifest and the figures people sort by.
struct SavedRunListing
{
    std::string folder;
    ResultsManifest manifest;
    long long peakVusers = 0;
    std::uint64_t requests = 0;
    double errorPercent = 0;
    double p95Ms = 0;
};

/// The results folders directly under `resultsFolder` (e.g. PROJECT_DIR/results), newest
/// first; folders that are not results are skipped.
std::vector<SavedRunListing> listSavedRuns(const std::string &resultsFolder);

} // namespace Loadwizard
