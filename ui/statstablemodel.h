#pragma once

#include <loadwizard/snapshot.h>

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace Loadwizard::Ui {

/// Transactions or request names of a run: count, rate, latency percentiles, errors. Updated
/// once per snapshot with a single dataChanged when the set of names is unchanged, so a
/// sorting proxy and the view do the least work.
class StatsTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        CountColumn,
        RateColumn,
        ErrorsColumn,
        MinColumn,
        MeanColumn,
        P50Column,
        P90Column,
        P95Column,
        P99Column,
        MaxColumn,
        ColumnCount
    };

    explicit StatsTableModel(QObject *parent = nullptr);

    /// `total` for counts and percentiles over the run, `interval` for the current rate; once
    /// the run is over (`runSeconds` > 0) the rate is the whole run's: count / duration.
    void update(const std::map<std::string, NameStats, std::less<>> &total,
                const std::map<std::string, NameStats, std::less<>> &interval,
                double intervalSeconds, double runSeconds = 0);
    /// Whether the rates are the whole run's (it is over).
    bool showsRunRate() const { return m_runRate; }
    void clear();
    QStringList names() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::string key; ///< the engine's name, compared on every update without converting
        QString name;
        NameStats stats;
        double rate = 0;
    };
    std::vector<Row> m_rows;
    bool m_runRate = false;
};

} // namespace Loadwizard::Ui
