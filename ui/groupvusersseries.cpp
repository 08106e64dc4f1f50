#include "groupvusersseries.h"

#include "groupschartview.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

namespace Loadwizard::Ui {

GroupVusersSeries::GroupVusersSeries(QChart *chart, QValueAxis *axisX, QValueAxis *axisY,
                                     int capacity)
    : m_chart(chart)
    , m_axisX(axisX)
    , m_axisY(axisY)
    , m_capacity(capacity)
{}

void GroupVusersSeries::clear()
{
    for (QLineSeries *series : m_series) {
        m_chart->removeSeries(series);
        delete series;
    }
    m_series.clear();
    m_buffers.clear();
    m_names.clear();
}

void GroupVusersSeries::append(const Snapshot &snapshot)
{
    if (snapshot.groups.empty())
        return;
    if (m_series.size() != static_cast<int>(snapshot.groups.size())) {
        // The groups of a run never change; a different count is a new run's.
        clear();
        for (std::size_t i = 0; i < snapshot.groups.size(); ++i) {
            const QString name = QString::fromStdString(snapshot.groups[i].name);
            auto *series = new QLineSeries;
            series->setName(QObject::tr("active: %1").arg(name));
            series->setPen(QPen(GroupsChartView::groupColor(int(i)), 1.5, Qt::DotLine));
            m_chart->addSeries(series);
            series->attachAxis(m_axisX);
            series->attachAxis(m_axisY);
            m_series.append(series);
            m_buffers.append(SeriesBuffer(m_capacity, SeriesBuffer::Merge::Max));
            m_names.append(name);
        }
    }
    for (std::size_t i = 0; i < snapshot.groups.size(); ++i)
        m_buffers[int(i)].append(snapshot.elapsedSeconds, double(snapshot.groups[i].activeVusers));
}

void GroupVusersSeries::update()
{
    for (int i = 0; i < m_series.size(); ++i)
        m_series[i]->replace(m_buffers[i].points());
}

double GroupVusersSeries::maxY() const
{
    double max = 0;
    for (const SeriesBuffer &buffer : m_buffers)
        max = std::max(max, buffer.maxY());
    return max;
}

} // namespace Loadwizard::Ui
