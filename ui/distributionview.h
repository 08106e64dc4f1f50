#pragma once

#include "snapshotbridge.h"

#include <QWidget>

class QAreaSeries;
class QChart;
class QComboBox;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace Loadwizard::Ui {

/// The latency distribution of a chosen name over the run (its totals' histogram,
/// NameStats::histogram, kept when RunConfig::keepHistograms): how many responses took how
/// long, with the p50, p95 and p99 marked. Drawn from the latest snapshot when on screen.
class DistributionView : public QWidget
{
    Q_OBJECT

public:
    explicit DistributionView(QWidget *parent = nullptr);

    void clear();
    /// Keeps the snapshot; draws it now when on screen, else when shown.
    void applySnapshot(const SnapshotPtr &snapshot);

    QComboBox *nameChoice() const { return m_choice; }
    /// The bars' counts, lowest latency first (tests).
    QList<QPointF> bins() const { return m_bins; }
    /// "no data yet" and the like while there is nothing to draw.
    QLabel *placeholder() const { return m_placeholder; }

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void redraw();
    void listNames(const Snapshot &snapshot);

    QComboBox *m_choice;
    QLabel *m_placeholder;
    QChart *m_chart;
    QLineSeries *m_upper;
    QAreaSeries *m_area;
    QList<QLineSeries *> m_markers;
    QValueAxis *m_x;
    QValueAxis *m_y;
    SnapshotPtr m_snapshot;
    QList<QPointF> m_bins; ///< (bin's upper edge in ms, count)
};

} // namespace Loadwizard::Ui
