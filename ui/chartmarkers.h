#pragma once

#include <QList>
#include <QString>

class QChart;
class QGraphicsItem;
class QValueAxis;

namespace Loadwizard::Ui {

/// Marks on a time chart: a labelled vertical line per moment (vusers added or removed live)
/// and a shaded span per pause of the schedule. Kept as graphics items over the chart and
/// placed again whenever its plot area or time range changes.
class ChartMarkers
{
public:
    ChartMarkers(QChart *chart, QValueAxis *timeAxis);
    ~ChartMarkers();
    ChartMarkers(const ChartMarkers &) = delete;
    ChartMarkers &operator=(const ChartMarkers &) = delete;

    /// A line at `seconds` labelled `label` ("+5"), with `toolTip`.
    void addMoment(double seconds, const QString &label, const QString &toolTip);
    /// A pause from `seconds`, open until endPause().
    void beginPause(double seconds);
    void endPause(double seconds);
    /// An open pause is drawn up to the run's latest time.
    void setNow(double seconds);
    void clear();
    int momentCount() const { return int(m_moments.size()); }
    int pauseCount() const { return int(m_pauses.size()); }
    /// Places every mark for the chart's current plot area and time range.
    void relayout();

private:
    struct Moment
    {
        double seconds;
        QGraphicsItem *line;
        QGraphicsItem *label;
    };
    struct Pause
    {
        double from;
        double to; ///< < 0 while open
        QGraphicsItem *shade;
    };
    double xFor(double seconds) const;

    QChart *m_chart;
    QValueAxis *m_timeAxis;
    QList<Moment> m_moments;
    QList<Pause> m_pauses;
    double m_now = 0;
};

} // namespace Loadwizard::Ui
