#include "profilechartview.h"

#include "theme.h"

#include <QAreaSeries>
#include <QLineSeries>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace Loadwizard::Ui {

namespace {

constexpr double handleRadius = 10; // pixels

QString dragHint()
{
    return ProfileChartView::tr(
        "Drag a step's end point to change its rate or duration: the next step's end stays "
        "where it is. Values snap to the chart's grid; hold Shift for free values.");
}

} // namespace

ProfileChartView::ProfileChartView(QWidget *parent)
    : QChartView(parent)
    , m_planned(new QLineSeries)
    , m_handles(new QScatterSeries)
    , m_axisX(new QValueAxis)
    , m_axisY(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setMinimumHeight(220);
    auto *chart = new QChart;
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);

    m_planned->setName(tr("Planned vusers"));
    auto *area = new QAreaSeries(m_planned);
    m_planned->setParent(area); // the area series does not own its line
    area->setName(tr("Planned vusers"));
    QColor fill = palette().color(QPalette::Highlight);
    area->setPen(QPen(fill, 2));
    fill.setAlpha(60);
    area->setBrush(fill);
    m_handles->setName(tr("Step ends"));
    m_handles->setMarkerSize(11);
    m_handles->setColor(palette().color(QPalette::Highlight));
    m_handles->setBorderColor(palette().color(QPalette::Base));

    chart->addSeries(area);
    chart->addSeries(m_handles);
    m_axisX->setTitleText(tr("seconds"));
    m_axisX->setLabelFormat("%g");
    m_axisY->setTitleText(tr("vusers"));
    m_axisY->setLabelFormat("%g");
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QAbstractSeries *series :
         {static_cast<QAbstractSeries *>(area), static_cast<QAbstractSeries *>(m_handles)}) {
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
    }
    setChart(chart);
    Theme::styleChart(chart, palette());
    setToolTip(dragHint());
}

QList<QPointF> ProfileChartView::plannedPoints(const RampProfile &profile)
{
    QList<QPointF> points;
    double start = 0;
    points.append({0, profile.plannedVusersAt(0)});
    for (const auto &step : profile.steps()) {
        if (step.rate < 0 && step.seconds > 0) {
            // Where a ramp-down reaches zero the line bends; sample it.
            constexpr int samples = 16;
            for (int i = 1; i < samples; ++i) {
                const double t = start + step.seconds * i / samples;
                points.append({t, profile.plannedVusersAt(t)});
            }
        }
        start += step.seconds;
        points.append({start, profile.plannedVusersAt(start)});
    }
    return points;
}

double ProfileChartView::niceCeiling(double value)
{
    if (value <= 0)
        return 10;
    const double target = value * 1.1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target)));
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (factor * magnitude >= target)
            return factor * magnitude;
    }
    return 10 * magnitude;
}

QList<QPointF> ProfileChartView::ratePoints(const ArrivalProfile &profile)
{
    QList<QPointF> points;
    points.append({0, profile.rateAt(0)});
    double end = 0;
    for (const ArrivalStage &stage : profile.stages()) {
        // A stage of 0 seconds jumps: the point before the jump keeps the vertical edge.
        if (stage.seconds == 0)
            points.append({end, stage.target});
        end += stage.seconds;
        if (stage.seconds > 0)
            points.append({end, stage.target});
    }
    return points;
}

void ProfileChartView::setArrivalProfile(const ArrivalProfile &profile)
{
    m_planned->setName(tr("Planned iterations/s"));
    m_planned->replace(ratePoints(profile));
    m_handles->clear();
    m_axisY->setTitleText(tr("iterations/s"));
    m_axisX->setRange(0, std::max(1.0, profile.totalSeconds()));
    m_axisX->applyNiceNumbers();
    m_axisYMax = niceCeiling(profile.peakRate());
    m_axisY->setRange(0, m_axisYMax);
    m_axisY->applyNiceNumbers();
    setToolTip(tr("The planned arrival rate"));
}

void ProfileChartView::setProfile(const RampProfile &profile)
{
    m_planned->setName(tr("Planned vusers"));
    m_axisY->setTitleText(tr("vusers"));
    setToolTip(dragHint());
    const auto points = plannedPoints(profile);
    m_planned->replace(points);
    QList<QPointF> handles;
    double end = 0;
    for (const auto &step : profile.steps()) {
        end += step.seconds;
        handles.append({end, profile.plannedVusersAt(end)});
    }
    m_handles->replace(handles);
    const double totalSeconds = std::max(1.0, profile.totalSeconds());
    m_axisX->setRange(0, totalSeconds);
    m_axisX->applyNiceNumbers();
    if (m_dragging < 0)
        m_axisYMax = niceCeiling(profile.peakVusers());
    else
        m_axisYMax = std::max(m_axisYMax, niceCeiling(profile.peakVusers()));
    m_axisY->setRange(0, m_axisYMax);
    m_axisY->applyNiceNumbers();
}

double ProfileChartView::secondsShown() const
{
    return m_axisX->max() - m_axisX->min();
}

double ProfileChartView::vusersShown() const
{
    return m_axisY->max() - m_axisY->min();
}

int ProfileChartView::handleAt(const QPointF &viewPosition) const
{
    const auto points = m_handles->points();
    int best = -1;
    double bestDistance = handleRadius;
    for (int i = 0; i < points.size(); ++i) {
        const QPointF scene = chart()->mapToPosition(points[i], m_handles);
        const QPointF view = mapFromScene(scene);
        const double distance =
            std::hypot(view.x() - viewPosition.x(), view.y() - viewPosition.y());
        if (distance <= bestDistance) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

QPointF ProfileChartView::valueAt(const QPointF &viewPosition) const
{
    return chart()->mapToValue(mapToScene(viewPosition.toPoint()), m_handles);
}

void ProfileChartView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        Theme::styleChart(chart(), palette());
        m_handles->setBorderColor(palette().color(QPalette::Base));
    }
    QChartView::changeEvent(event);
}

void ProfileChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = handleAt(event->position());
        if (m_dragging >= 0) {
            event->accept();
            return;
        }
    }
    QChartView::mousePressEvent(event);
}

void ProfileChartView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragging >= 0) {
        const QPointF value = valueAt(event->position());
        const bool free = event->modifiers() & (Qt::ShiftModifier | Qt::AltModifier);
        emit stepEndDragged(m_dragging, std::max(0.0, value.x()), std::max(0.0, value.y()), free);
        event->accept();
        return;
    }
    setCursor(handleAt(event->position()) >= 0 ? Qt::SizeAllCursor : Qt::ArrowCursor);
    QChartView::mouseMoveEvent(event);
}

void ProfileChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging >= 0 && event->button() == Qt::LeftButton) {
        m_dragging = -1;
        emit dragFinished();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

} // namespace Loadwizard::Ui
