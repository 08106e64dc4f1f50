#pragma once

#include "snapshotbridge.h"

#include <loadwizard/project.h>
#include <loadwizard/runsession.h>

#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace Loadwizard::Ui {

/// The GUI's face of the engine's RunSession: runs its blocking steps (prepare may compile the
/// scenario; finish flushes the outputs) off the UI thread and relays state and snapshots as
/// signals. Owned by the main window, observed by the dashboard.
class RunController : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Idle,
        Preparing,
        Running,
        Stopping,
        Finished,
        Failed
    };
    Q_ENUM(State)

    /// How long a crashed scenario's thread waits in the crash handler before it ends the
    /// process: time for the user to read what happened (see MainWindow).
    static constexpr double crashGraceSeconds = 120;

    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    /// Prepares and starts `project`; `overrides` win over its parameters (as --param).
    void start(const Project &project, const Parameters &overrides = {});
    void stop();
    void abort();
    void adjustVusers(long long delta);
    void setPaused(bool paused);
    bool isPaused() const;

    State state() const { return m_state; }
    bool isActive() const;
    const Project &project() const { return m_project; }
    /// The current or last run's summary header (outputs' counts once finished).
    const SummaryHeader &summaryHeader() const { return m_header; }
    SnapshotPtr finalSnapshot() const { return m_final; }
    /// The thresholds on the latest snapshot (the final ones once finished); empty without.
    std::vector<ThresholdResult> thresholdResults() const;
    /// Once finished: what is wrong with the run ("thresholds failed (2 of 5)", "every request
    /// failed"), empty when nothing is; what the state label adds to "Finished".
    const QString &verdict() const { return m_verdict; }
    /// Once finished: how the run ended (RunSession::howEnded()).
    RunEnding ending() const { return m_header.ending; }
    /// Warnings from preparing the run (unknown parameters and the like).
    const std::vector<std::string> &warnings() const { return m_warnings; }
    /// The outputs of the current or last run, as they count now.
    std::vector<OutputStats> outputStats() const;
    /// Seconds the outputs get to deliver what is queued at the end (as --flush-timeout).
    void setFlushTimeout(double seconds) { m_flushTimeout = seconds; }
    /// For the next start(): vu.log() and request lines, HTTP exchanges (the Log tab).
    void setTrace(const TraceSettings &trace) { m_trace = trace; }
    /// Whether runs save a results folder (on by default): next to the project file, or in the
    /// user's data folder for a project never saved or in a folder the user cannot write.
    void setSaveResults(bool save) { m_saveResults = save; }
    /// The current (or last) run's results folder; empty when it saves none.
    QString resultsFolder() const { return m_resultsFolder; }
    const TraceSettings &trace() const { return m_trace; }
    bool isFlushingOutputs() const { return m_flushing; }

signals:
    void stateChanged(Loadwizard::Ui::RunController::State state);
    void snapshotReady(const Loadwizard::Ui::SnapshotPtr &snapshot);
    /// Preparing or starting failed; the engine's message (file:line:col for a compile error).
    void failed(const QString &message);
    /// A .cpp scenario started compiling (seconds, not instant): for a status line.
    void compiling(const QString &path);
    /// A compile that succeeded said something: its output, shown once (not on a cache hit).
    void compileWarnings(const QString &path, const QString &output);
    void finished(const Loadwizard::Ui::SnapshotPtr &snapshot);
    /// The run is over; the outputs are delivering what is queued (finished() follows).
    void flushingOutputs();
    /// After finished() (or instead of a start, when init() crashed): scenario code crashed or
    /// called exit() (CrashGuard). Its thread is
    /// parked in the crash handler, which ends the process after a grace period: the receiver
    /// tells the user and ends it (CrashGuard::endProcess()).
    void scenarioCrashed(const QString &description);
    /// After finished(): a worker never came back from scenario code and was left running.
    void workerLeftBehind(const QString &description);

private:
    using Prepared = tl::expected<std::unique_ptr<RunSession>, Error>;

    void setState(State state);
    void onPrepared(quint64 generation, std::shared_ptr<Prepared> result);
    void onSnapshot(const SnapshotPtr &snapshot);
    void onSessionFinished(quint64 generation);
    /// Polled while a run is on: a crash in scenario code aborts it (crashguard.h).
    void checkForCrash();

    SnapshotBridge m_bridge;
    /// Shared with the thread that finishes it (waits for the run, flushes the outputs).
    std::shared_ptr<RunSession> m_session;
    Project m_project;
    SummaryHeader m_header;
    SnapshotPtr m_final;
    QString m_verdict;
    std::vector<std::string> m_warnings;
    State m_state = State::Idle;
    /// Bumped whenever a preparation or a finish in flight must be ignored when it reports.
    quint64 m_generation = 0;
    bool m_flushing = false;
    bool m_saveResults = true;
    QString m_resultsFolder;
    double m_flushTimeout = 10;
    TraceSettings m_trace;
    QTimer m_crashWatch;
    bool m_crashSeen = false;
};

} // namespace Loadwizard::Ui
