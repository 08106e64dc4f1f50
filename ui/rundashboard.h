#pragma once

#include "groupvusersseries.h"
#include "runcontroller.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QPushButton;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class QTreeWidget;

namespace Loadwizard::Ui {

class DistributionView;
class ErrorsView;
class ProjectDocument;
class RunCharts;
class RunLog;
class RunTables;
class SummaryPanel;
class TimingsView;
class StatsTableModel;
class ThresholdsEditor;
class ThresholdsView;

/// The Run tab: starts the project in-process, charts it live once per second (RunCharts: vusers
/// against the plan, throughput, latency of a chosen transaction), tables of transactions,
/// requests, checks and rendezvous, the log, live control, and the end summary.
class RunDashboard : public QWidget
{
    Q_OBJECT

public:
    /// Shows and drives the runs of `controller` (which must outlive the dashboard).
    RunDashboard(ProjectDocument *document, RunController *controller, QWidget *parent = nullptr);
    ~RunDashboard() override;

    QAction *runAction() const { return m_runAction; }
    QAction *stopAction() const { return m_stopAction; }
    QAction *abortAction() const { return m_abortAction; }
    RunController *runController() const { return m_controller; }

    /// Why the project cannot run now (its scenario was rejected), or empty: Run is disabled
    /// with the reason as its tooltip, and startRun() logs it instead of starting.
    void setRunBlocked(const QString &reason);
    QString runBlockedReason() const { return m_runBlocked; }
    /// Parameters that win over the project's for runs started here (the demo's target URL).
    void setParameterOverrides(const Parameters &overrides) { m_overrides = overrides; }
    const Parameters &parameterOverrides() const { return m_overrides; }
    /// Draws one snapshot; public so a benchmark can time it.
    void applySnapshot(const Snapshot &snapshot);
    void applySnapshot(const SnapshotPtr &snapshot);

    QLineSeries *activeVusersSeries() const;
    QLineSeries *requestRateSeries() const;
    StatsTableModel *transactionModel() const;
    StatsTableModel *requestModel() const;
    QTableView *transactionView() const;
    /// The summary as the terminal prints it (under the laid-out summaryPanel()).
    QPlainTextEdit *summaryView() const;
    SummaryPanel *summaryPanel() const { return m_summary; }
    /// The log's text as filtered (runLog() holds the filter and search).
    QPlainTextEdit *logView() const;
    RunLog *runLog() const { return m_log; }
    ErrorsView *errorsView() const { return m_errors; }
    DistributionView *distributionView() const { return m_distribution; }
    TimingsView *timingsView() const { return m_timings; }
    QCheckBox *httpDebugBox() const { return m_httpDebug; }
    QLabel *stateLabel() const { return m_stateLabel; }
    /// Shows how a run ended: the status line, the summary, every table's final numbers. The
    /// live run's end calls it; so does a run read back from its results folder.
    void showRunEnded(const SnapshotPtr &final, const SummaryHeader &header, RunEnding ending);
    /// One row per output of the run: sent, retried, dropped, points, last error.
    QTreeWidget *outputsView() const;
    /// One row per threshold: ✓/✗, observed value, status, abort.
    ThresholdsView *thresholdsView() const { return m_thresholdsView; }
    /// The Thresholds tab: the view above, and the project's thresholds edited under it.
    ThresholdsEditor *thresholdsEditor() const { return m_thresholdsEditor; }
    /// Over the tables, for a run with groups: "All groups" (the run's numbers) or one group's.
    /// Hidden for a run without groups.
    QComboBox *groupChoice() const;
    /// The vusers chart's line per group (a run with groups), next to the run's "active".
    const GroupVusersSeries &groupVusersSeries() const;
    /// The charts above the tables.
    RunCharts *charts() const { return m_charts; }
    /// The tables under them (transactions, requests, checks, rendezvous, outputs).
    RunTables *tables() const { return m_tables; }

signals:
    void runStarted();
    /// startRun() did not start: `reason` (setRunBlocked()).
    void runRefused(const QString &reason);

public slots:
    void startRun();
    bool saveSummaryJson(const QString &path);

private:
    void onStateChanged(RunController::State state);
    void showFirstError();
    void onFinished(const SnapshotPtr &snapshot);
    void resetCharts();
    void appendLog(const Snapshot &snapshot);
    void updateOutputs();
    void updateTables();
    void fillTables(const Snapshot &snapshot, bool all);

    ProjectDocument *m_document;
    RunController *m_controller; ///< owned by the main window
    Parameters m_overrides;
    QString m_runBlocked;

    QAction *m_runAction;
    QAction *m_stopAction;
    QAction *m_abortAction;
    QLabel *m_stateLabel;
    QLabel *m_timeLabel;
    QLabel *m_deviationLabel;
    QProgressBar *m_progress;
    QSpinBox *m_adjustCount;
    QPushButton *m_addVusers;
    QPushButton *m_removeVusers;
    QToolButton *m_pause;
    QCheckBox *m_verbose;   ///< -v: vu.log() and request lines in the Log tab
    QCheckBox *m_httpDebug; ///< --http-debug: requests and responses with headers

    RunCharts *m_charts;

    RunTables *m_tables;
    ThresholdsView *m_thresholdsView;
    ThresholdsEditor *m_thresholdsEditor = nullptr;
    QTimer *m_outputsTimer;
    RunLog *m_log;
    ErrorsView *m_errors;
    DistributionView *m_distribution;
    TimingsView *m_timings;
    SummaryPanel *m_summary;
    QTabWidget *m_tabs;

    double m_plannedSeconds = 0;
    int m_logLines = 0;
    /// Tables not on screen are filled from this when they are shown.
    SnapshotPtr m_tablesPending;
};

} // namespace Loadwizard::Ui
