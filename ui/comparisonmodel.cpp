#include "comparisonmodel.h"

#include <QColor>

#include <cmath>

namespace Loadwizard::Ui {

namespace {

bool isB(int column)
{
    return column != ComparisonModel::NameColumn && column % 2 == 0;
}

QString valueText(CompareMetric metric, double value)
{
    switch (metric) {
    case CompareMetric::Count:
        return QString::number(qulonglong(std::llround(value)));
    case CompareMetric::ErrorRate:
        return QString::number(value * 100, 'f', 2);
    default:
        return QString::number(value, 'f', 2);
    }
}

/// "+16.1 %", "-0.20 pp" (error rate in percentage points), "" without a base to compare with.
QString changeText(CompareMetric metric, double before, double after)
{
    if (metric == CompareMetric::ErrorRate) {
        const double points = (after - before) * 100;
        return QStringLiteral("%1%2 pp").arg(points > 0 ? "+" : "").arg(points, 0, 'f', 2);
    }
    if (before == 0)
        return {};
    const double percent = (after - before) / before * 100;
    return QStringLiteral("%1%2 %").arg(percent > 0 ? "+" : "").arg(percent, 0, 'f', 1);
}

QString mark(Change change)
{
    switch (change) {
    case Change::Better:
        return QStringLiteral("✓");
    case Change::Worse:
        return QStringLiteral("✗");
    case Change::Same:
        return QStringLiteral("=");
    case Change::Neutral:
        break;
    }
    return {};
}

} // namespace

ComparisonModel::ComparisonModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

CompareMetric ComparisonModel::metricOf(int column)
{
    switch (column) {
    case CountA:
    case CountB:
        return CompareMetric::Count;
    case ErrorsA:
    case ErrorsB:
        return CompareMetric::ErrorRate;
    case P50A:
    case P50B:
        return CompareMetric::P50;
    case P95A:
    case P95B:
        return CompareMetric::P95;
    default:
        return CompareMetric::P99;
    }
}

void ComparisonModel::compare(const RunFigures &a, const RunFigures &b)
{
    beginResetModel();
    m_rows.clear();
    m_rows.push_back({tr("All requests"), a.total, b.total});
    const auto addNames = [this](const QString &kind, const auto &namesA, const auto &namesB) {
        // Both runs' names, A's order first (maps: sorted), then those only in B.
        std::map<std::string, Row, std::less<>> rows;
        for (const auto &[name, figures] : namesA)
            rows[name].a = figures;
        for (const auto &[name, figures] : namesB)
            rows[name].b = figures;
        for (auto &[name, row] : rows) {
            row.name = kind.arg(QString::fromStdString(name));
            m_rows.push_back(std::move(row));
        }
    };
    addNames(tr("transaction: %1"), a.transactions, b.transactions);
    addNames(tr("request: %1"), a.requests, b.requests);
    endResetModel();
}

void ComparisonModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int ComparisonModel::rowOf(const QString &name) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (m_rows[std::size_t(row)].name == name)
            return row;
    }
    return -1;
}

int ComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ComparisonModel::cellText(const Row &row, int column) const
{
    if (column == NameColumn)
        return row.name;
    const CompareMetric metric = metricOf(column);
    const auto &figures = isB(column) ? row.b : row.a;
    if (!figures)
        return QStringLiteral("—");
    const double value = metricValue(*figures, metric);
    QString text = valueText(metric, value);
    if (isB(column) && row.a) {
        const double before = metricValue(*row.a, metric);
        const QString change = changeText(metric, before, value);
        if (!change.isEmpty())
            text += QStringLiteral(" (") + change + QLatin1Char(')');
        const QString sign = mark(row.b ? classifyChange(metric, *row.a, *row.b)
                                        : classifyChange(metric, before, value));
        if (!sign.isEmpty())
            text += QLatin1Char(' ') + sign;
    }
    return text;
}

QVariant ComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return cellText(row, column);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignVCenter |
                                   (column == NameColumn ? Qt::AlignLeft : Qt::AlignRight));
    case ChangeRole:
    case Qt::ForegroundRole: {
        if (!isB(column) || !row.a || !row.b)
            return {};
        const CompareMetric metric = metricOf(column);
        const Change change = classifyChange(metric, *row.a, *row.b);
        if (role == ChangeRole)
            return int(change);
        if (change == Change::Better)
            return QColor(0x1e, 0x9e, 0x4a);
        if (change == Change::Worse)
            return QColor(0xd6, 0x45, 0x41);
        return {};
    }
    case Qt::ToolTipRole:
        if (column == NameColumn && (!row.a || !row.b))
            return row.a ? tr("Only in A") : tr("Only in B");
        return {};
    default:
        return {};
    }
}

QVariant ComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section != NameColumn)
        return tr("B's cells: the value, its change from A, and ✓ better, ✗ worse or = the same "
                  "(latency within ±5 %, error rate within ±0.1 percentage point)");
    if (role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {
        QT_TR_NOOP("Name"),       QT_TR_NOOP("Count A"),    QT_TR_NOOP("Count B"),
        QT_TR_NOOP("Errors % A"), QT_TR_NOOP("Errors % B"), QT_TR_NOOP("p50 ms A"),
        QT_TR_NOOP("p50 ms B"),   QT_TR_NOOP("p95 ms A"),   QT_TR_NOOP("p95 ms B"),
        QT_TR_NOOP("p99 ms A"),   QT_TR_NOOP("p99 ms B")};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace Loadwizard::Ui
