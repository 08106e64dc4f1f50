#pragma once

#include "seriesbuffer.h"

#include <loadwizard/snapshot.h>

#include <QList>
#include <QStringList>

class QChart;
class QLineSeries;
class QValueAxis;

namespace Loadwizard::Ui {

/// The Run tab's vusers chart for a run with groups: one "active" line per group, next to the
/// run's total. Created on the first snapshot that has groups; a run without groups adds none.
class GroupVusersSeries
{
public:
    GroupVusersSeries(QChart *chart, QValueAxis *axisX, QValueAxis *axisY, int capacity);

    /// Removes the groups' lines (a new run).
    void clear();
    /// Records each group's active vusers at the snapshot's time.
    void append(const Snapshot &snapshot);
    /// Hands the buffered points to the lines.
    void update();

    const QList<QLineSeries *> &series() const { return m_series; }
    QStringList names() const { return m_names; }
    double maxY() const;

private:
    QChart *m_chart;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
    int m_capacity;
    QStringList m_names;
    QList<QLineSeries *> m_series;
    QList<SeriesBuffer> m_buffers;
};

} // namespace Loadwizard::Ui
