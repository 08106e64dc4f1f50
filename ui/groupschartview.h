#pragma once

#include <loadwizard/project.h>

#include <QChartView>
#include <QList>

class QAreaSeries;
class QLineSeries;
class QValueAxis;

namespace Loadwizard::Ui {

/// The planned vusers of a project's groups over time: one area per group stacked on the ones
/// before it, and the total as a line. Start delays shift a group's own profile; weighted groups
/// split the project's profile by largest remainder (plannedGroupVusersAt()).
class GroupsChartView : public QChartView
{
    Q_OBJECT

public:
    explicit GroupsChartView(QWidget *parent = nullptr);

    void setProject(const Project &project);

    /// One area per group, in the groups' order; its upper line is the sum of the groups up to
    /// and including it.
    const QList<QAreaSeries *> &groupSeries() const { return m_groups; }
    QLineSeries *totalSeries() const { return m_total; }
    /// The y of `series` at `seconds`: a sampled point's value (NaN when not sampled there).
    static double valueAt(const QLineSeries *series, double seconds);

    /// The run's planned total over time: the profile's curve without groups, else the sum of
    /// the groups at groupsSampleTimes() (what the Run tab draws as "profile").
    static QList<QPointF> totalPoints(const Project &project);

    /// Distinct colours for the groups, from a fixed list (repeats past its end).
    static QColor groupColor(int index);

protected:
    void changeEvent(QEvent *event) override;

private:
    QList<QAreaSeries *> m_groups;
    QLineSeries *m_total;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
};

} // namespace Loadwizard::Ui
