#pragma once

#include <loadwizard/comparison.h>

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace Loadwizard::Ui {

/// Two saved runs name by name (engine/report's runFigures() and classifyChange(), as
/// `loadwizard compare`): count, error %, p50, p95 and p99 of A and B for all requests, each
/// transaction and each request name; B's cells carry the change and a ✓ better, ✗ worse or
/// = same mark.
class ComparisonModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        CountA,
        CountB,
        ErrorsA,
        ErrorsB,
        P50A,
        P50B,
        P95A,
        P95B,
        P99A,
        P99B,
        ColumnCount
    };
    /// The change of a B column (a Loadwizard::Change as int), on that column.
    static constexpr int ChangeRole = Qt::UserRole + 1;

    explicit ComparisonModel(QObject *parent = nullptr);

    void compare(const RunFigures &a, const RunFigures &b);
    void clear();
    /// The row of "All requests", "transaction: NAME" or "request: NAME"; -1 when absent.
    int rowOf(const QString &name) const;
    /// The metric a column reads, and whether it is B's.
    static CompareMetric metricOf(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString name;
        std::optional<NameFigures> a; ///< empty: the name is only in B
        std::optional<NameFigures> b; ///< empty: only in A
    };
    QString cellText(const Row &row, int column) const;
    std::vector<Row> m_rows;
};

} // namespace Loadwizard::Ui
