#include "statstablemodel.h"

#include "format.h"

#include <QColor>
#include <QLocale>

namespace Loadwizard::Ui {

StatsTableModel::StatsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void StatsTableModel::update(const std::map<std::string, NameStats, std::less<>> &total,
                             const std::map<std::string, NameStats, std::less<>> &interval,
                             double intervalSeconds, double runSeconds)
{
    if (m_runRate != (runSeconds > 0)) {
        m_runRate = runSeconds > 0;
        emit headerDataChanged(Qt::Horizontal, RateColumn, RateColumn);
    }
    bool sameNames = total.size() == m_rows.size();
    if (sameNames) {
        std::size_t i = 0;
        for (const auto &entry : total) {
            if (m_rows[i++].key != entry.first) {
                sameNames = false;
                break;
            }
        }
    }
    if (!sameNames)
        beginResetModel();
    m_rows.resize(total.size());
    std::size_t i = 0;
    for (const auto &[name, stats] : total) {
        Row &row = m_rows[i++];
        if (!sameNames) {
            row.key = name;
            row.name = QString::fromStdString(name);
        }
        row.stats = stats;
        if (runSeconds > 0) {
            row.rate = double(stats.count) / runSeconds;
        } else {
            const auto it = interval.find(name);
            row.rate = it != interval.end() && intervalSeconds > 0
                           ? double(it->second.count) / intervalSeconds
                           : 0;
        }
    }
    if (!sameNames)
        endResetModel();
    else if (!m_rows.empty())
        emit dataChanged(index(0, CountColumn), index(rowCount() - 1, ColumnCount - 1));
}

void StatsTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_runRate = false;
    endResetModel();
}

QStringList StatsTableModel::names() const
{
    QStringList names;
    for (const Row &row : m_rows)
        names << row.name;
    return names;
}

int StatsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int StatsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StatsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows[std::size_t(index.row())];
    const LatencyStats &latency = row.stats.latency;
    if (role == Qt::TextAlignmentRole)
        return index.column() == NameColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                            : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == NameColumn)
        return row.name;
    if (role == Qt::ForegroundRole && index.column() == ErrorsColumn && row.stats.errors > 0)
        return QColor(0xd6, 0x45, 0x41);
    // Sorting reads the numbers, the view reads the text.
    const bool text = role == Qt::DisplayRole;
    if (!text && role != Qt::UserRole)
        return {};
    const auto ms = [text](double value) -> QVariant {
        return text ? QVariant(formatGrouped(value, value < 10 ? 2 : 1)) : QVariant(value);
    };
    switch (index.column()) {
    case NameColumn:
        return row.name;
    case CountColumn:
        return text ? QVariant(formatCount(double(row.stats.count)))
                    : QVariant(qulonglong(row.stats.count));
    case RateColumn:
        return text ? QVariant(formatGrouped(row.rate, row.rate < 10 ? 2 : 1)) : QVariant(row.rate);
    case MinColumn:
        return ms(latency.minMs);
    case MeanColumn:
        return ms(latency.meanMs);
    case P50Column:
        return ms(latency.p50Ms);
    case P90Column:
        return ms(latency.p90Ms);
    case P95Column:
        return ms(latency.p95Ms);
    case P99Column:
        return ms(latency.p99Ms);
    case MaxColumn:
        return ms(latency.maxMs);
    case ErrorsColumn:
        return text ? QVariant(formatCount(double(row.stats.errors)))
                    : QVariant(qulonglong(row.stats.errors));
    default:
        return {};
    }
}

QVariant StatsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == RateColumn)
        return m_runRate ? tr("Per second over the whole run: count / run duration")
                         : tr("Per second over the last interval (about a second)");
    if (role != Qt::DisplayRole)
        return {};
    if (section == RateColumn && m_runRate)
        return tr("Rate/s (run)");
    // As the terminal summary's tables: count, rate, errors, then min to max.
    static const char *const titles[] = {
        QT_TR_NOOP("Name"),   QT_TR_NOOP("Count"),   QT_TR_NOOP("Rate/s"), QT_TR_NOOP("Errors"),
        QT_TR_NOOP("Min ms"), QT_TR_NOOP("Mean ms"), QT_TR_NOOP("p50 ms"), QT_TR_NOOP("p90 ms"),
        QT_TR_NOOP("p95 ms"), QT_TR_NOOP("p99 ms"),  QT_TR_NOOP("Max ms")};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace Loadwizard::Ui
