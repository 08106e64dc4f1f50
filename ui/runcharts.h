#pragma once

#include "chartmarkers.h"
#include "groupvusersseries.h"
#include "seriesbuffer.h"

#include <loadwizard/snapshot.h>

#include <QHash>
#include <QWidget>

#include <array>
#include <memory>

class QChart;
class QComboBox;
class QLabel;
class QLineSeries;
class QListWidget;
class QPushButton;
class QToolButton;
class QValueAxis;

namespace Loadwizard {
struct Project;
}

namespace Loadwizard::Ui {

class ProjectDocument;
class TimeChartView;

/// The Run tab's charts over the run's time, side by side with one time axis: vusers against
/// the plan (a line per group, marks for live changes and pauses), throughput, and the latency
/// of the names chosen at a chosen percentile. Their plot areas are aligned (same left edge,
/// width and height); hovering one shows the values at that time on all of them; a drag, the
/// wheel or a double-click zooms all of them. Fed only by snapshots (live or read back), one
/// a second; charts not on screen are brought up to date when shown.
class RunCharts : public QWidget
{
    Q_OBJECT

public:
    enum Percentile
    {
        P50,
        P90,
        P95,
        P99,
        PercentileCount
    };

    explicit RunCharts(ProjectDocument *document, QWidget *parent = nullptr);
    ~RunCharts() override;

    /// Empties every chart (a new run); the time axes keep the last plan's length.
    void clear();
    /// The planned profile of `project`, drawn before the run's first snapshot.
    void setPlan(const Project &project);
    /// Records one snapshot, and draws it when the charts are on screen.
    void append(const Snapshot &snapshot);
    /// A saved run replayed (the Results section): no line comparing the vusers with the
    /// profile "now".
    void setSavedRun(bool saved);

    QLineSeries *activeVusersSeries() const { return m_activeSeries; }
    QLineSeries *requestRateSeries() const { return m_requestSeries; }
    QLineSeries *errorRateSeries() const { return m_errorSeries; }
    /// The latency lines drawn: one per name checked in latencyNames().
    const QList<QLineSeries *> &latencySeries() const { return m_latencyLines; }
    /// Checkable: "All requests", then every transaction and request name seen.
    QListWidget *latencyNames() const { return m_latencyNames; }
    /// p50, p90, p95, p99.
    QComboBox *percentileChoice() const { return m_percentileChoice; }
    /// Checks exactly the names `keys` (as in the list's Qt::UserRole: "" for all requests,
    /// "transaction: NAME", "request: NAME").
    void chooseLatencyNames(const QStringList &keys);
    const GroupVusersSeries &groupVusersSeries() const { return *m_groupVusers; }
    const ChartMarkers &vusersMarkers() const { return *m_markers; }
    /// Vusers, throughput, latency.
    QList<TimeChartView *> views() const { return m_views; }

    /// Shows [from, to] on every chart (the shared time axis).
    void zoomTo(double from, double to);
    /// Zooms by `factor` (< 1: in) around `center`.
    void zoomAround(double center, double factor);
    /// The whole run again.
    void resetZoom();
    bool isZoomed() const { return m_zoomed; }
    /// The time range every chart shows.
    std::pair<double, double> timeRange() const;
    /// Lays the plot areas out again to one size and left edge (normally done by itself,
    /// after a resize or a change of axis labels).
    void alignPlotAreas();

signals:
    void zoomChanged();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void updateSeries();
    void rebuildLatencyLines();
    void updateLatencyLines();
    void applyTimeRange();
    void updateValueAxes();
    void scheduleAlignment();
    void applyAlignment();
    void updateLatencyButton();
    double fullEnd() const;
    void setValueAxisMax(QValueAxis *axis, double max);

    ProjectDocument *m_document;
    QLabel *m_deviationLabel;
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
    QValueAxis *m_latencyX;
    QValueAxis *m_latencyY;
    QList<QLineSeries *> m_latencyLines;
    QStringList m_latencyLineKeys;
    QListWidget *m_latencyNames;
    QToolButton *m_latencyButton;
    QComboBox *m_percentileChoice;
    QPushButton *m_resetZoom;
    QList<TimeChartView *> m_views;
    std::unique_ptr<GroupVusersSeries> m_groupVusers;
    std::unique_ptr<ChartMarkers> m_markers;

    /// About one point per pixel of a chart a third of the window wide: more points cost
    /// stroking time on every update and show nothing more (merging keeps peaks, Max).
    static constexpr int seriesPoints = 480;
    SeriesBuffer m_planBuffer{seriesPoints, SeriesBuffer::Merge::Max};
    SeriesBuffer m_activeBuffer{seriesPoints, SeriesBuffer::Merge::Max};
    SeriesBuffer m_requestBuffer{seriesPoints, SeriesBuffer::Merge::Mean};
    SeriesBuffer m_errorBuffer{seriesPoints, SeriesBuffer::Merge::Mean};
    /// The last rate point's counts and length: a short interval (the run's last, partial
    /// second) is folded into it rather than drawn as a cliff of a few requests.
    struct RateSample
    {
        double requests = 0;
        double errors = 0;
        double seconds = 0;
    };
    RateSample m_lastRate;
    bool m_haveRate = false;
    /// p50, p90, p95, p99 per latency key ("" = all requests), so choosing shows history.
    QHash<QString, std::array<SeriesBuffer, PercentileCount>> m_latencyBuffers;
    double m_plannedSeconds = 0;
    double m_lastElapsed = 0;
    bool m_seriesStale = false;
    bool m_savedRun = false;
    bool m_zoomed = false;
    double m_zoomFrom = 0;
    double m_zoomTo = 0;
    bool m_alignPending = false;
    QHash<QValueAxis *, double> m_axisMax;
};

} // namespace Loadwizard::Ui
