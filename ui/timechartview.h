#pragma once

#include <QChartView>

class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QValueAxis;

namespace Loadwizard::Ui {

/// A chart over the run's time (its bottom axis, seconds) that the Run tab's charts share: the
/// mouse's time is reported to the others (a crosshair and a callout with every visible
/// series' value there), and a drag, the wheel or a double-click ask for a zoom of all of them.
/// The view only reports: RunCharts applies the ranges to every chart.
class TimeChartView : public QChartView
{
    Q_OBJECT

public:
    /// `unit` follows each value in the callout ("ms", "/s", or empty).
    TimeChartView(QChart *chart, QValueAxis *timeAxis, const QString &unit,
                  QWidget *parent = nullptr);

    /// Draws the crosshair at `seconds`, with the series' values there in a callout.
    void showCrosshair(double seconds);
    void hideCrosshair();
    bool crosshairVisible() const;
    /// The callout's text: the time, then one line per visible series ("p95 login: 12.5 ms").
    QString calloutText() const;
    double crosshairTime() const { return m_crosshairTime; }
    /// The time under the view's point `position` (plot area coordinates clamped).
    double timeAt(const QPointF &position) const;
    /// The value of `series` drawn at `seconds`: the nearest point at or before it (the value
    /// held over that interval), none before the first point or past the last one.
    static std::optional<double> valueAt(const QList<QPointF> &points, double seconds);

signals:
    void hovered(double seconds);
    void left();
    /// A drag selected [from, to].
    void zoomRequested(double from, double to);
    /// The wheel: zoom by `factor` (< 1 in) around `center`.
    void wheelZoomRequested(double center, double factor);
    void resetRequested();
    void resized();

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QPointF scenePointFor(double seconds) const;

    QValueAxis *m_timeAxis;
    QString m_unit;
    QGraphicsLineItem *m_line;
    QGraphicsRectItem *m_calloutBox;
    QGraphicsSimpleTextItem *m_calloutText;
    QGraphicsRectItem *m_selection;
    double m_crosshairTime = 0;
    std::optional<double> m_dragFrom;
};

} // namespace Loadwizard::Ui
