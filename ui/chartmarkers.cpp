#include "chartmarkers.h"

#include <QBrush>
#include <QChart>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPen>
#include <QValueAxis>

namespace Loadwizard::Ui {

namespace {

const QColor markColor(0x7b, 0x4f, 0xc9);

} // namespace

ChartMarkers::ChartMarkers(QChart *chart, QValueAxis *timeAxis)
    : m_chart(chart)
    , m_timeAxis(timeAxis)
{}

ChartMarkers::~ChartMarkers() = default; // the items belong to the chart

double ChartMarkers::xFor(double seconds) const
{
    const QRectF plot = m_chart->plotArea();
    const double span = m_timeAxis->max() - m_timeAxis->min();
    return plot.left() + (span > 0 ? (seconds - m_timeAxis->min()) / span : 0) * plot.width();
}

void ChartMarkers::addMoment(double seconds, const QString &label, const QString &toolTip)
{
    auto *line = new QGraphicsLineItem(m_chart);
    QPen pen(markColor, 1.5, Qt::DashDotLine);
    line->setPen(pen);
    line->setToolTip(toolTip);
    line->setZValue(500);
    auto *text = new QGraphicsSimpleTextItem(label, m_chart);
    text->setBrush(markColor);
    text->setToolTip(toolTip);
    text->setZValue(500);
    m_moments.append({seconds, line, text});
    relayout();
}

void ChartMarkers::beginPause(double seconds)
{
    if (!m_pauses.isEmpty() && m_pauses.back().to < 0)
        return; // already paused
    auto *shade = new QGraphicsRectItem(m_chart);
    QColor fill(markColor);
    fill.setAlpha(40);
    shade->setBrush(fill);
    shade->setPen(Qt::NoPen);
    shade->setZValue(-1);
    shade->setToolTip(QObject::tr("Schedule paused"));
    m_pauses.append({seconds, -1, shade});
    relayout();
}

void ChartMarkers::endPause(double seconds)
{
    if (m_pauses.isEmpty() || m_pauses.back().to >= 0)
        return;
    m_pauses.back().to = seconds;
    relayout();
}

void ChartMarkers::setNow(double seconds)
{
    m_now = seconds;
    if (!m_pauses.isEmpty() && m_pauses.back().to < 0)
        relayout();
}

void ChartMarkers::clear()
{
    for (const Moment &moment : m_moments) {
        delete moment.line;
        delete moment.label;
    }
    for (const Pause &pause : m_pauses)
        delete pause.shade;
    m_moments.clear();
    m_pauses.clear();
    m_now = 0;
}

void ChartMarkers::relayout()
{
    const QRectF plot = m_chart->plotArea();
    const auto visible = [&](double x) {
        return x >= plot.left() - 0.5 && x <= plot.right() + 0.5;
    };
    for (const Moment &moment : m_moments) {
        const double x = xFor(moment.seconds);
        static_cast<QGraphicsLineItem *>(moment.line)->setLine(x, plot.top(), x, plot.bottom());
        moment.label->setPos(x + 3, plot.top() + 2);
        moment.line->setVisible(visible(x));
        moment.label->setVisible(visible(x));
    }
    for (const Pause &pause : m_pauses) {
        const double from = std::max(plot.left(), xFor(pause.from));
        const double to = std::min(plot.right(), xFor(pause.to >= 0 ? pause.to : m_now));
        auto *shade = static_cast<QGraphicsRectItem *>(pause.shade);
        shade->setRect(
            QRectF(QPointF(from, plot.top()), QPointF(std::max(from, to), plot.bottom())));
        shade->setVisible(to > from);
    }
}

} // namespace Loadwizard::Ui
