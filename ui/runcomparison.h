#pragma once

#include "savedrunloader.h"

#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QTableView;
class QValueAxis;

namespace Loadwizard::Ui {

class ComparisonModel;

/// Two saved runs overlaid: A (the baseline) and B against the seconds since each one's start,
/// throughput and p95 latency on the same axes, and the change per name (ComparisonModel).
class RunComparison : public QWidget
{
    Q_OBJECT

public:
    explicit RunComparison(QWidget *parent = nullptr);
    ~RunComparison() override;

    void compare(const SavedRunPtr &a, const SavedRunPtr &b);
    void clear();

    const SavedRunPtr &runA() const { return m_a; }
    const SavedRunPtr &runB() const { return m_b; }
    ComparisonModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    /// [0] A's line, [1] B's: requests/s, and p95 of all requests (ms).
    QLineSeries *throughputSeries(int run) const { return m_rateSeries[run ? 1 : 0]; }
    QLineSeries *latencySeries(int run) const { return m_latencySeries[run ? 1 : 0]; }
    QChartView *throughputView() const { return m_rateView; }
    QChartView *latencyView() const { return m_latencyView; }
    QLabel *titleLabel() const { return m_title; }

protected:
    void changeEvent(QEvent *event) override;

private:
    QLabel *m_title;
    QChart *m_rateChart;
    QChart *m_latencyChart;
    QChartView *m_rateView;
    QChartView *m_latencyView;
    QValueAxis *m_rateX;
    QValueAxis *m_rateY;
    QValueAxis *m_latencyX;
    QValueAxis *m_latencyY;
    QLineSeries *m_rateSeries[2];
    QLineSeries *m_latencySeries[2];
    ComparisonModel *m_model;
    QTableView *m_table;
    SavedRunPtr m_a;
    SavedRunPtr m_b;
};

} // namespace Loadwizard::Ui
