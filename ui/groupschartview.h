#pragma once

#include <loadwizard/project.h>

#include <QChartView>
#include <QList>

class QAreaSeries;
class QLineSeries;
class QValueAxis;

namespace Loadwizard::Ui {

/// The plan of a project's groups over time. Closed groups (vusers, the left axis): one area per
/// group stacked on the ones before it, and their total as a line. Open groups (arrival rate,
/// iterations per second): one dashed line each on a second axis at the right, never stacked on
/// vusers; that axis shows only when there is one. Start delays shift a group's own profile;
/// weighted groups split the project's profile by Sainte-Laguë (plannedGroupVusersAt()) or
/// share its arrival rate by weight (plannedGroupRatesAt()). The legend names each unit.
class GroupsChartView : public QChartView
{
    Q_OBJECT

public:
    explicit GroupsChartView(QWidget *parent = nullptr);

    void setProject(const Project &project);

    /// One area per closed group, in the groups' order; its upper line is the sum of the closed
    /// groups up to and including it.
    const QList<QAreaSeries *> &groupSeries() const { return m_groups; }
    /// One line per open group (planned iterations/s), in the groups' order.
    const QList<QLineSeries *> &rateSeries() const { return m_rates; }
    /// The closed groups' total vusers.
    QLineSeries *totalSeries() const { return m_total; }
    QValueAxis *vusersAxis() const { return m_axisY; }
    /// The planned iterations/s axis (right); hidden without open groups.
    QValueAxis *rateAxis() const { return m_axisRate; }
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
    QList<QLineSeries *> m_rates;
    QLineSeries *m_total;
    QValueAxis *m_axisX;
    QValueAxis *m_axisY;
    QValueAxis *m_axisRate;
};

} // namespace Loadwizard::Ui
