#include "groupschartview.h"

#include "groupplan.h"
#include "profilechartview.h"
#include "theme.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace Loadwizard::Ui {

GroupsChartView::GroupsChartView(QWidget *parent)
    : QChartView(parent)
    , m_total(new QLineSeries)
    , m_axisX(new QValueAxis)
    , m_axisY(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    auto *chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignRight);
    m_total->setName(tr("total"));
    chart->addSeries(m_total);
    m_axisX->setTitleText(tr("seconds"));
    m_axisX->setLabelFormat("%g");
    m_axisY->setTitleText(tr("planned vusers"));
    m_axisY->setLabelFormat("%g");
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    m_total->attachAxis(m_axisX);
    m_total->attachAxis(m_axisY);
    setChart(chart);
    Theme::styleChart(chart, palette());
    m_total->setPen(QPen(palette().color(QPalette::WindowText), 2));
    setAccessibleName(tr("Planned vusers of the groups"));
}

QColor GroupsChartView::groupColor(int index)
{
    static const QColor colors[] = {{0x2f, 0x6f, 0xde}, {0x2e, 0xa0, 0x5a}, {0xe0, 0x8e, 0x1b},
                                    {0x9b, 0x59, 0xb6}, {0xd6, 0x45, 0x41}, {0x17, 0xa2, 0xb8},
                                    {0x8a, 0x6d, 0x3b}, {0x6c, 0x75, 0x7d}};
    return colors[index % int(std::size(colors))];
}

void GroupsChartView::setProject(const Project &project)
{
    for (QAreaSeries *area : m_groups) {
        chart()->removeSeries(area);
        delete area;
    }
    m_groups.clear();

    const std::vector<double> times = groupsSampleTimes(project);
    const std::size_t count = project.groups.size();
    std::vector<QList<QPointF>> upper(count);
    QList<QPointF> total;
    double peak = 0;
    for (double t : times) {
        const std::vector<long long> vusers = plannedGroupVusersAt(project, t);
        long long sum = 0;
        for (std::size_t i = 0; i < count; ++i) {
            sum += vusers[i];
            upper[i].append({t, double(sum)});
        }
        total.append({t, double(sum)});
        peak = std::max(peak, double(sum));
    }

    // Stacked: each area spans from the previous group's upper line to its own.
    QLineSeries *below = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
        auto *line = new QLineSeries;
        line->replace(upper[i]);
        auto *area = new QAreaSeries(line, below ? new QLineSeries : nullptr);
        line->setParent(area); // the area series does not own its lines
        if (below) {
            area->lowerSeries()->replace(below->points());
            area->lowerSeries()->setParent(area);
        }
        const ProjectGroup &group = project.groups[i];
        QString name = QString::fromStdString(group.name);
        if (isWeighted(group))
            name += tr(" (weight %1)").arg(group.weight);
        else if (!group.arrivalRate.empty())
            name += tr(" (arrival rate: no vuser plan)");
        else if (group.startDelaySeconds > 0)
            name += tr(" (from %1 s)").arg(group.startDelaySeconds);
        area->setName(name);
        QColor color = groupColor(int(i));
        area->setPen(QPen(color, 1));
        color.setAlpha(150);
        area->setBrush(color);
        chart()->addSeries(area);
        area->attachAxis(m_axisX);
        area->attachAxis(m_axisY);
        m_groups.append(area);
        below = line;
    }
    m_total->replace(total);
    // The total is drawn above the areas.
    chart()->removeSeries(m_total);
    chart()->addSeries(m_total);
    m_total->attachAxis(m_axisX);
    m_total->attachAxis(m_axisY);
    m_total->setPen(QPen(palette().color(QPalette::WindowText), 2));
    Theme::styleChart(chart(), palette());

    m_axisX->setRange(0, std::max(1.0, times.empty() ? 0.0 : times.back()));
    m_axisX->applyNiceNumbers();
    m_axisY->setRange(0, ProfileChartView::niceCeiling(peak));
    m_axisY->applyNiceNumbers();
}

QList<QPointF> GroupsChartView::totalPoints(const Project &project)
{
    if (project.groups.empty())
        return ProfileChartView::plannedPoints(project.profile);
    QList<QPointF> points;
    for (double t : groupsSampleTimes(project))
        points.append({t, plannedTotalVusersAt(project, t)});
    return points;
}

double GroupsChartView::valueAt(const QLineSeries *series, double seconds)
{
    if (!series)
        return std::numeric_limits<double>::quiet_NaN();
    for (const QPointF &point : series->points()) {
        if (std::abs(point.x() - seconds) < 1e-9)
            return point.y();
    }
    return std::numeric_limits<double>::quiet_NaN();
}

void GroupsChartView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        Theme::styleChart(chart(), palette());
        m_total->setPen(QPen(palette().color(QPalette::WindowText), 2));
    }
    QChartView::changeEvent(event);
}

} // namespace Loadwizard::Ui
