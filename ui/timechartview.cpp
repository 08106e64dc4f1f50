#include "timechartview.h"

#include <QChart>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLocale>
#include <QMouseEvent>
#include <QValueAxis>
#include <QWheelEvent>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace Loadwizard::Ui {

namespace {

QString formatValue(double value)
{
    const double magnitude = std::abs(value);
    return QLocale().toString(value, 'f',
                              magnitude >= 100 || value == std::floor(value) ? 0
                              : magnitude >= 10                              ? 1
                                                                             : 2);
}

QString formatSeconds(double seconds)
{
    const int whole = int(std::floor(seconds));
    if (whole < 60)
        return QObject::tr("%1 s").arg(QLocale().toString(seconds, 'f', 1));
    return QStringLiteral("%1:%2 (%3 s)")
        .arg(whole / 60)
        .arg(whole % 60, 2, 10, QLatin1Char('0'))
        .arg(QLocale().toString(seconds, 'f', 1));
}

} // namespace

TimeChartView::TimeChartView(QChart *chart, QValueAxis *timeAxis, const QString &unit,
                             QWidget *parent)
    : QChartView(chart, parent)
    , m_timeAxis(timeAxis)
    , m_unit(unit)
    , m_line(new QGraphicsLineItem(chart))
    , m_calloutBox(new QGraphicsRectItem(chart))
    , m_calloutText(new QGraphicsSimpleTextItem(m_calloutBox))
    , m_selection(new QGraphicsRectItem(chart))
{
    setMouseTracking(true);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(240, 200);
    setToolTip(tr("Drag to zoom into a time range, or use the wheel; double-click to see the "
                  "whole run"));
    for (QGraphicsItem *item :
         {static_cast<QGraphicsItem *>(m_line), static_cast<QGraphicsItem *>(m_calloutBox),
          static_cast<QGraphicsItem *>(m_selection)}) {
        item->setZValue(1000);
        item->hide();
    }
    QPen line(QColor(0x80, 0x80, 0x80));
    line.setStyle(Qt::DashLine);
    m_line->setPen(line);
    m_calloutBox->setPen(QPen(QColor(0x80, 0x80, 0x80, 160)));
    m_calloutBox->setBrush(QColor(255, 255, 255, 230));
    m_calloutText->setBrush(QColor(0x20, 0x20, 0x20));
    m_selection->setPen(QPen(QColor(0x2f, 0x6f, 0xde, 200)));
    m_selection->setBrush(QColor(0x2f, 0x6f, 0xde, 50));
}

std::optional<double> TimeChartView::valueAt(const QList<QPointF> &points, double seconds)
{
    if (points.isEmpty() || seconds < points.front().x() - 0.5 || seconds > points.back().x() + 0.5)
        return std::nullopt;
    // The points are in time order: the last one at or before `seconds`, else the first.
    auto it = std::upper_bound(points.begin(), points.end(), seconds,
                               [](double t, const QPointF &point) { return t < point.x(); });
    if (it != points.begin())
        --it;
    return it->y();
}

double TimeChartView::timeAt(const QPointF &position) const
{
    const QRectF plot = chart()->plotArea();
    const QPointF at = chart()->mapFromScene(mapToScene(position.toPoint()));
    const double fraction =
        plot.width() > 0 ? std::clamp((at.x() - plot.left()) / plot.width(), 0.0, 1.0) : 0;
    return m_timeAxis->min() + fraction * (m_timeAxis->max() - m_timeAxis->min());
}

QPointF TimeChartView::scenePointFor(double seconds) const
{
    const QRectF plot = chart()->plotArea();
    const double span = m_timeAxis->max() - m_timeAxis->min();
    const double fraction = span > 0 ? (seconds - m_timeAxis->min()) / span : 0;
    return {plot.left() + fraction * plot.width(), plot.top()};
}

QString TimeChartView::calloutText() const
{
    QStringList lines{formatSeconds(m_crosshairTime)};
    for (QAbstractSeries *abstract : chart()->series()) {
        auto *series = qobject_cast<QXYSeries *>(abstract);
        if (!series || !series->isVisible() || series->name().isEmpty())
            continue;
        const auto value = valueAt(series->points(), m_crosshairTime);
        if (!value)
            continue;
        lines << QStringLiteral("%1: %2%3")
                     .arg(series->name(), formatValue(*value),
                          m_unit.isEmpty() ? QString() : QStringLiteral(" ") + m_unit);
    }
    return lines.join(QLatin1Char('\n'));
}

void TimeChartView::showCrosshair(double seconds)
{
    const QRectF plot = chart()->plotArea();
    if (seconds < m_timeAxis->min() || seconds > m_timeAxis->max() || plot.isEmpty()) {
        hideCrosshair();
        return;
    }
    m_crosshairTime = seconds;
    const double x = scenePointFor(seconds).x();
    m_line->setLine(x, plot.top(), x, plot.bottom());
    m_line->show();
    m_calloutText->setText(calloutText());
    const QRectF text = m_calloutText->boundingRect();
    QRectF box(0, 0, text.width() + 12, text.height() + 8);
    // Right of the line when it fits, else left of it.
    double left = x + 8;
    if (left + box.width() > plot.right())
        left = x - 8 - box.width();
    box.moveTo(std::max(plot.left(), left), plot.top() + 4);
    m_calloutBox->setRect(box);
    m_calloutText->setPos(box.left() + 6, box.top() + 4);
    m_calloutBox->show();
}

void TimeChartView::hideCrosshair()
{
    m_line->hide();
    m_calloutBox->hide();
}

bool TimeChartView::crosshairVisible() const
{
    return m_line->isVisible();
}

void TimeChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton &&
        chart()->plotArea().contains(chart()->mapFromScene(mapToScene(event->pos())))) {
        m_dragFrom = timeAt(event->position());
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void TimeChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QRectF plot = chart()->plotArea();
    const QPointF at = chart()->mapFromScene(mapToScene(event->pos()));
    if (m_dragFrom) {
        const double from = scenePointFor(*m_dragFrom).x();
        const double to = std::clamp(at.x(), plot.left(), plot.right());
        m_selection->setRect(QRectF(QPointF(std::min(from, to), plot.top()),
                                    QPointF(std::max(from, to), plot.bottom())));
        m_selection->show();
    }
    if (plot.contains(at))
        emit hovered(timeAt(event->position()));
    else
        emit left();
    QChartView::mouseMoveEvent(event);
}

void TimeChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragFrom && event->button() == Qt::LeftButton) {
        const double from = *m_dragFrom;
        const double to = timeAt(event->position());
        m_dragFrom.reset();
        m_selection->hide();
        // A click is not a drag: a few pixels at least.
        const double pixels = std::abs(scenePointFor(to).x() - scenePointFor(from).x());
        if (pixels >= 5)
            emit zoomRequested(std::min(from, to), std::max(from, to));
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void TimeChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    m_dragFrom.reset();
    m_selection->hide();
    emit resetRequested();
    event->accept();
}

void TimeChartView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        event->ignore();
        return;
    }
    emit wheelZoomRequested(timeAt(event->position()), delta > 0 ? 0.8 : 1.25);
    event->accept();
}

void TimeChartView::leaveEvent(QEvent *event)
{
    emit left();
    QChartView::leaveEvent(event);
}

void TimeChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    emit resized();
}

} // namespace Loadwizard::Ui
