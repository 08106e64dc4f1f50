#pragma once

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
class QValueAxis;

namespace Loadwizard {
struct Project;
}

namespace Loadwizard::Ui {

class ProjectDocument;

/// The Run tab's live charts, side by side: vusers against the plan (with a line per group),
/// throughput, and the latency of a chosen name; the deviation from the profile above them.
/// Fed one snapshot a second; charts not on screen are brought up to date when shown.
class RunCharts : public QWidget
{
    Q_OBJECT

public:
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
    QComboBox *latencyChoice() const { return m_latencyChoice; }
    const GroupVusersSeries &groupVusersSeries() const { return *m_groupVusers; }

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void updateSeries();
    void updateLatencySeries();
    /// Sets [0, max] with nice numbers, only when `max` differs from the last request (a range
    /// change lays the whole chart out again).
    void setAxisMax(QValueAxis *axis, double max);

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
    std::array<QLineSeries *, 3> m_latencySeries{};
    QValueAxis *m_latencyX;
    QValueAxis *m_latencyY;
    QComboBox *m_latencyChoice;
    std::unique_ptr<GroupVusersSeries> m_groupVusers;

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
    bool m_seriesStale = false;
    bool m_savedRun = false;
    QHash<QValueAxis *, double> m_axisMax;
};

} // namespace Loadwizard::Ui
