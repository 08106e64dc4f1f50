#pragma once

#include <loadwizard/results.h>

#include <QAbstractTableModel>

#include <vector>

namespace Loadwizard::Ui {

/// The saved runs of a results folder (listSavedRuns()), newest first: when, how long, peak
/// vusers, requests, error %, p95, the verdict and how the run ended.
class SavedRunsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        StartedColumn,
        DurationColumn,
        VusersColumn,
        RequestsColumn,
        ErrorsColumn,
        P95Column,
        VerdictColumn,
        EndingColumn,
        ProjectColumn,
        ColumnCount
    };
    /// The row's folder (Qt::UserRole + 1 on any column).
    static constexpr int FolderRole = Qt::UserRole + 1;

    explicit SavedRunsModel(QObject *parent = nullptr);

    /// Lists `resultsFolder` again (e.g. PROJECT_DIR/results); a missing folder lists nothing.
    void refresh(const QString &resultsFolder);
    /// The run going on now writes this folder: it reads "Running", not "Crashed or killed".
    void setActiveFolder(const QString &folder);
    const QString &resultsFolder() const { return m_resultsFolder; }
    QString folderAt(int row) const;
    const SavedRunListing *listingAt(int row) const;
    /// The row of `folder`, or -1.
    int rowOf(const QString &folder) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "Completed", "Stopped", … "Crashed or killed"; "Running" for the run going on now.
    QString endingText(const SavedRunListing &listing) const;

private:
    QString m_resultsFolder;
    QString m_activeFolder;
    std::vector<SavedRunListing> m_runs;
};

} // namespace Loadwizard::Ui
