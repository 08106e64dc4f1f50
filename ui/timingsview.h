#pragma once

#include <loadwizard/snapshot.h>

#include <QWidget>

class QBarCategoryAxis;
class QChart;
class QHorizontalStackedBarSeries;
class QTreeWidget;
class QValueAxis;

namespace Loadwizard::Ui {

/// Where each request name's time goes (Snapshot::timings, libcurl's cumulative times turned
/// into phases): DNS, connect, TLS, waiting for the first byte, transfer; a table, and the
/// slowest names as stacked bars.
class TimingsView : public QWidget
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        DnsColumn,
        ConnectColumn,
        TlsColumn,
        WaitColumn,
        TransferColumn,
        TotalColumn,
        ColumnCount
    };

    explicit TimingsView(QWidget *parent = nullptr);

    void clear();
    void applySnapshot(const Snapshot &snapshot);
    QTreeWidget *table() const { return m_table; }

    /// The phases of one breakdown, in milliseconds: DNS, connect, TLS, wait, transfer (each
    /// at least 0; they add up to the total).
    static std::array<double, 5> phases(const TimingBreakdown &timing);

protected:
    void changeEvent(QEvent *event) override;

private:
    QTreeWidget *m_table;
    QChart *m_chart;
    QHorizontalStackedBarSeries *m_bars;
    QBarCategoryAxis *m_names;
    QValueAxis *m_ms;
};

} // namespace Loadwizard::Ui
