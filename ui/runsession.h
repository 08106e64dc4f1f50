#pragma once

#include "snapshotbridge.h"

#include <loadwizard/outputset.h>
#include <loadwizard/preparedrun.h>
#include <loadwizard/project.h>
#include <loadwizard/run.h>
#include <loadwizard/summary.h>

#include <QObject>

#include <memory>
#include <vector>

namespace Loadwizard::Ui {

/// One in-process run for the GUI: prepares the project off the UI thread (a .cpp scenario may
/// need compiling), owns the engine's Run and relays its snapshots as signals.
class RunSession : public QObject
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

    explicit RunSession(QObject *parent = nullptr);
    ~RunSession() override;

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
    const SummaryHeader &summaryHeader() const { return m_header; }
    SnapshotPtr finalSnapshot() const { return m_final; }
    /// Warnings from preparing the run (unknown parameters and the like).
    const std::vector<std::string> &warnings() const { return m_warnings; }
    /// The project's outputs of the current or last run, as they count now (thread-safe reads).
    std::vector<OutputStats> outputStats() const;
    /// Seconds the outputs get to deliver what is queued at the end (as --flush-timeout).
    void setFlushTimeout(double seconds) { m_flushTimeout = seconds; }
    bool isFlushingOutputs() const { return m_flushing; }

signals:
    void stateChanged(Loadwizard::Ui::RunSession::State state);
    void snapshotReady(const Loadwizard::Ui::SnapshotPtr &snapshot);
    /// Preparing or starting failed; the engine's message (file:line:col for a compile error).
    void failed(const QString &message);
    void finished(const Loadwizard::Ui::SnapshotPtr &snapshot);
    /// The run is over; the outputs are delivering what is queued (finished() follows).
    void flushingOutputs();

private:
    void setState(State state);
    void onPrepared(quint64 generation, std::shared_ptr<tl::expected<PreparedRun, Error>> result);
    void onSnapshot(const SnapshotPtr &snapshot);
    void flushOutputs();
    void onOutputsFlushed(quint64 generation, const std::vector<OutputStats> &stats);

    SnapshotBridge m_bridge;
    std::unique_ptr<Run> m_run;
    /// Shared with the flush at the end, which runs off the UI thread.
    std::shared_ptr<OutputSet> m_outputs;
    std::shared_ptr<Plugin> m_plugin; ///< keeps the library loaded while the run lives
    Project m_project;
    SummaryHeader m_header;
    SnapshotPtr m_final;
    std::vector<std::string> m_warnings;
    State m_state = State::Idle;
    quint64 m_generation = 0;
    bool m_stopRequested = false;
    bool m_flushing = false;
    double m_flushTimeout = 10;
};

} // namespace Loadwizard::Ui
