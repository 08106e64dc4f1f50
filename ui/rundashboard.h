#pragma once

#include "groupvusersseries.h"
#include "runcontroller.h"
#include "seriesbuffer.h"

#include <QHash>
#include <QWidget>

#include <array>
#include <memory>

class QAction;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class QTreeWidget;
class QValueAxis;

namespace Loadwizard::Ui {

class ProjectDocument;
class StatsTableModel;
class ThresholdsEditor;
class ThresholdsView;

/// The Run tab: starts the project in-process, charts it live once per second (vusers against
/// the plan, throughput, latency of a chosen transaction), tables of transactions, requests,
/// checks and rendezvous, the log, live control, and the end summary.
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

    /// Parameters that win over the project's for runs started here (the demo's target URL).
    void setParameterOverrides(const Parameters &overrides) { m_overrides = overrides; }
    const Parameters &parameterOverrides() const { return m_overrides; }
    /// Draws one snapshot; public so a benchmark can time it.
    void applySnapshot(const Snapshot &snapshot);
    void applySnapshot(const SnapshotPtr &snapshot);

    QLineSeries *activeVusersSeries() const { return m_activeSeries; }
    QLineSeries *requestRateSeries() const { return m_requestSeries; }
    StatsTableModel *transactionModel() const { return m_transactions; }
    StatsTableModel *requestModel() const { return m_requests; }
    QTableView *transactionView() const { return m_transactionView; }
    QPlainTextEdit *summaryView() const { return m_summary; }
    QPlainTextEdit *logView() const { return m_log; }
    QCheckBox *httpDebugBox() const { return m_httpDebug; }
    QComboBox *latencyChoice() const { return m_latencyChoice; }
    QLabel *stateLabel() const { return m_stateLabel; }
    /// One row per output of the run: sent, retried, dropped, points, last error.
    QTreeWidget *outputsView() const { return m_outputsView; }
    /// One row per threshold: ✓/✗, observed value, status, abort.
    ThresholdsView *thresholdsView() const { return m_thresholdsView; }
    /// The Thresholds tab: the view above, and the project's thresholds edited under it.
    ThresholdsEditor *thresholdsEditor() const { return m_thresholdsEditor; }
    /// Over the tables, for a run with groups: "All groups" (the run's numbers) or one group's.
    /// Hidden for a run without groups.
    QComboBox *groupChoice() const { return m_groupChoice; }
    /// The vusers chart's line per group (a run with groups), next to the run's "active".
    const GroupVusersSeries &groupVusersSeries() const { return *m_groupVusers; }

signals:
    void runStarted();

public slots:
    void startRun();
    bool saveSummaryJson(const QString &path);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void onStateChanged(RunController::State state);
    void onFinished(const SnapshotPtr &snapshot);
    void resetCharts();
    void updateLatencySeries();
    void updateRendezvousAndChecks(const Snapshot &snapshot);
    void appendLog(const Snapshot &snapshot);
    void updateOutputs();
    void updateSeries();
    void updateTables();
    void updateGroupChoice(const Snapshot &snapshot);
    /// The tables' source: the group chosen over them, or nullptr for the whole run.
    const GroupSnapshot *chosenGroup(const Snapshot &snapshot) const;
    void fillTables(const Snapshot &snapshot, bool all);
    /// Sets [0, max] with nice numbers, only when `max` differs from the last request (a range
    /// change lays the whole chart out again).
    void setAxisMax(QValueAxis *axis, double max);
    QTableView *makeStatsView(StatsTableModel *model);

    ProjectDocument *m_document;
    RunController *m_controller; ///< owned by the main window
    Parameters m_overrides;

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

    QChart *m_vusersChart;
    QLineSeries *m_profileSeries;
    QLineSeries *m_planSeries;
    QLineSeries *m_activeSeries;
    QValueAxis *m_vusersX;
    QValueAxis *m_vusersY;
    QChart *m_rateChart;
    QLineSeries *m_requestSeries;
    QLineSeries *m_errorSeries;
    QValueAxis *m_rateX;
    QValueAxis *m_rateY;
    QChart *m_latencyChart;
    std::array<QLineSeries *, 3> m_latencySeries{};
    QValueAxis *m_latencyX;
    QValueAxis *m_latencyY;
    QComboBox *m_latencyChoice;

    StatsTableModel *m_transactions;
    StatsTableModel *m_requests;
    QTableView *m_transactionView;
    QTableView *m_requestView;
    QTreeWidget *m_checks;
    QTreeWidget *m_rendezvous;
    QTreeWidget *m_outputsView;
    ThresholdsView *m_thresholdsView;
    ThresholdsEditor *m_thresholdsEditor = nullptr;
    QComboBox *m_groupChoice = nullptr;
    std::unique_ptr<GroupVusersSeries> m_groupVusers;
    QTimer *m_outputsTimer;
    QPlainTextEdit *m_log;
    QPlainTextEdit *m_summary;
    QPushButton *m_saveJson;
    QTabWidget *m_tabs;

    /// About one point per pixel of a chart a third of the window wide: more points cost
    /// stroking time on every update and show nothing more (merging keeps peaks, Max).
    static constexpr int seriesPoints = 480;
    SeriesBuffer m_planBuffer{seriesPoints, SeriesBuffer::Merge::Max};
    SeriesBuffer m_activeBuffer{seriesPoints, SeriesBuffer::Merge::Max};
    SeriesBuffer m_requestBuffer{seriesPoints, SeriesBuffer::Merge::Mean};
    SeriesBuffer m_errorBuffer{seriesPoints, SeriesBuffer::Merge::Mean};
    /// p50, p95, p99 per latency choice ("" = all requests), so switching shows history.
    QHash<QString, std::array<SeriesBuffer, 3>> m_latencyBuffers;
    double m_plannedSeconds = 0;
    double m_lastElapsed = 0;
    int m_logLines = 0;
    /// Tables not on screen are filled from this when they are shown; charts likewise.
    SnapshotPtr m_tablesPending;
    bool m_seriesStale = false;
    QHash<QValueAxis *, double> m_axisMax;
};

} // namespace Loadwizard::Ui
