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
    , m_axisRate(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    auto *chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignRight);
    m_total->setName(tr("total vusers"));
    chart->addSeries(m_total);
    m_axisX->setTitleText(tr("seconds"));
    m_axisX->setLabelFormat("%g");
    m_axisY->setTitleText(tr("planned vusers"));
    m_axisY->setLabelFormat("%g");
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    m_axisRate->setTitleText(tr("iterations/s"));
    m_axisRate->setLabelFormat("%g");
    m_axisRate->setGridLineVisible(false); // the vusers axis draws the grid
    chart->addAxis(m_axisRate, Qt::AlignRight);
    m_axisRate->hide();
    m_total->attachAxis(m_axisX);
    m_total->attachAxis(m_axisY);
    setChart(chart);
    Theme::styleChart(chart, palette());
    m_total->setPen(QPen(palette().color(QPalette::WindowText), 2));
    setAccessibleName(tr("Planned vusers and arrival rates of the groups"));
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
    for (QLineSeries *line : m_rates) {
        chart()->removeSeries(line);
        delete line;
    }
    m_rates.clear();

    const std::vector<double> times = groupsSampleTimes(project);
    const std::size_t count = project.groups.size();
    std::vector<QList<QPointF>> upper(count); // closed: the stack's lines; open: the rate
    QList<QPointF> total;
    double peak = 0;
    double peakRate = 0;
    for (double t : times) {
        const std::vector<long long> vusers = plannedGroupVusersAt(project, t);
        const std::vector<double> rates = plannedGroupRatesAt(project, t);
        long long sum = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (isOpenGroup(project, project.groups[i])) {
                upper[i].append({t, rates[i]});
                peakRate = std::max(peakRate, rates[i]);
                continue;
            }
            sum += vusers[i];
            upper[i].append({t, double(sum)});
        }
        total.append({t, double(sum)});
        peak = std::max(peak, double(sum));
    }

    // Closed groups stacked: each area spans from the previous one's upper line to its own.
    QLineSeries *below = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
        const ProjectGroup &group = project.groups[i];
        if (isOpenGroup(project, group))
            continue;
        auto *line = new QLineSeries;
        line->replace(upper[i]);
        auto *area = new QAreaSeries(line, below ? new QLineSeries : nullptr);
        line->setParent(area); // the area series does not own its lines
        if (below) {
            area->lowerSeries()->replace(below->points());
            area->lowerSeries()->setParent(area);
        }
        QString name = QString::fromStdString(group.name);
        if (isWeighted(group))
            name += tr(" (weight %1)").arg(group.weight);
        else if (group.startDelaySeconds > 0)
            name += tr(" (from %1 s)").arg(group.startDelaySeconds);
        area->setName(tr("%1 · vusers").arg(name));
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

    // Open groups: their own lines on the iterations/s axis, above everything.
    for (std::size_t i = 0; i < count; ++i) {
        const ProjectGroup &group = project.groups[i];
        if (!isOpenGroup(project, group))
            continue;
        auto *line = new QLineSeries;
        line->replace(upper[i]);
        QString name = QString::fromStdString(group.name);
        if (isWeighted(group))
            name += tr(" (weight %1)").arg(group.weight);
        else if (group.startDelaySeconds > 0)
            name += tr(" (from %1 s)").arg(group.startDelaySeconds);
        line->setName(tr("%1 · iterations/s").arg(name));
        line->setPen(QPen(groupColor(int(i)), 2.5, Qt::DashLine));
        chart()->addSeries(line);
        line->attachAxis(m_axisX);
        line->attachAxis(m_axisRate);
        m_rates.append(line);
    }
    Theme::styleChart(chart(), palette());

    m_axisX->setRange(0, std::max(1.0, times.empty() ? 0.0 : times.back()));
    m_axisX->applyNiceNumbers();
    m_axisY->setRange(0, ProfileChartView::niceCeiling(peak));
    m_axisY->applyNiceNumbers();
    // Only open groups: no vusers to show, the iterations/s axis alone.
    const bool vusers = !m_groups.isEmpty() || m_rates.isEmpty();
    m_axisY->setVisible(vusers);
    m_total->setVisible(vusers);
    m_axisRate->setVisible(!m_rates.isEmpty());
    m_axisRate->setRange(0, ProfileChartView::niceCeiling(peakRate));
    m_axisRate->applyNiceNumbers();
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
