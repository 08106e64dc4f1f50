#pragma once

#include <loadwizard/arrivalprofile.h>
#include <loadwizard/rampprofile.h>

#include <QChartView>
#include <QList>
#include <QPointF>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace Loadwizard::Ui {

/// The planned vusers of a ramp-up profile over time, with a handle on each step's end point
/// that can be dragged to change the step's rate or duration; or an arrival-rate plan.
class ProfileChartView : public QChartView
{
    Q_OBJECT

public:
    explicit ProfileChartView(QWidget *parent = nullptr);

    void setProfile(const RampProfile &profile);
    /// The open model's plan: iterations per second over time, without handles.
    void setArrivalProfile(const ArrivalProfile &profile);
    QLineSeries *plannedSeries() const { return m_planned; }
    QScatterSeries *handleSeries() const { return m_handles; }

    /// The curve computed by the engine's RampProfile::plannedVusersAt(): every step boundary,
    /// plus samples inside ramp-down steps where the plan may bottom out at zero.
    static QList<QPointF> plannedPoints(const RampProfile &profile);
    /// The rate computed by the engine's ArrivalProfile::rateAt() at 0 and at every stage's end.
    static QList<QPointF> ratePoints(const ArrivalProfile &profile);
    /// Axis maximum with some headroom, rounded to a readable number.
    static double niceCeiling(double value);
    /// The axes' spans, which a drag's snapping follows.
    double secondsShown() const;
    double vusersShown() const;

signals:
    /// A handle moved to (seconds since start, vusers); `step` is the step it ends. `free` when
    /// Shift or Alt is held: the values are not to be snapped to the chart's grid.
    void stepEndDragged(int step, double seconds, double vusers, bool free);
    void dragFinished();

protected:
    void changeEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    int handleAt(const QPointF &viewPosition) const;
    QPointF valueAt(const QPointF &viewPosition) const;

    QLineSeries *m_planned;
    QScatterSeries *m_handles;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
    int m_dragging = -1;
    double m_axisYMax = 10; ///< frozen while dragging so the chart does not run away
};

} // namespace Loadwizard::Ui
