#include "savedrunsmodel.h"

#include "format.h"
#include "icons.h"

#include <QDateTime>
#include <QDir>
#include <QLocale>

#include <chrono>

namespace Loadwizard::Ui {

namespace {

QDateTime toDateTime(std::chrono::system_clock::time_point time)
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    return QDateTime::fromMSecsSinceEpoch(ms);
}

QString sameFolder(const QString &path)
{
    return path.isEmpty() ? QString() : QDir::cleanPath(QDir(path).absolutePath());
}

} // namespace

SavedRunsModel::SavedRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void SavedRunsModel::refresh(const QString &resultsFolder)
{
    beginResetModel();
    m_resultsFolder = resultsFolder;
    m_runs = resultsFolder.isEmpty() ? std::vector<SavedRunListing>{}
                                     : listSavedRuns(resultsFolder.toStdString());
    endResetModel();
}

void SavedRunsModel::setActiveFolder(const QString &folder)
{
    m_activeFolder = sameFolder(folder);
    if (!m_runs.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QString SavedRunsModel::folderAt(int row) const
{
    const SavedRunListing *listing = listingAt(row);
    return listing ? QString::fromStdString(listing->folder) : QString();
}

const SavedRunListing *SavedRunsModel::listingAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_runs[std::size_t(row)];
}

int SavedRunsModel::rowOf(const QString &folder) const
{
    const QString wanted = sameFolder(folder);
    for (int row = 0; row < rowCount(); ++row) {
        if (sameFolder(folderAt(row)) == wanted)
            return row;
    }
    return -1;
}

int SavedRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int SavedRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SavedRunsModel::endingText(const SavedRunListing &listing) const
{
    if (listing.manifest.status == RunEnding::Running && !m_activeFolder.isEmpty() &&
        sameFolder(QString::fromStdString(listing.folder)) == m_activeFolder)
        return tr("Running");
    return QString::fromStdString(runEndingLabel(listing.manifest.status, true));
}

QVariant SavedRunsModel::data(const QModelIndex &index, int role) const
{
    const SavedRunListing *run = listingAt(index.row());
    if (!run || !index.isValid())
        return {};
    const ResultsManifest &manifest = run->manifest;
    if (role == FolderRole)
        return QString::fromStdString(run->folder);
    if (role == Qt::ToolTipRole) {
        QString tip = QDir::toNativeSeparators(QString::fromStdString(run->folder));
        if (!manifest.reason.empty())
            tip += QLatin1Char('\n') + QString::fromStdString(manifest.reason);
        return tip;
    }
    if (role == Qt::TextAlignmentRole) {
        const bool number = index.column() >= DurationColumn && index.column() <= P95Column;
        return QVariant::fromValue(Qt::AlignVCenter | (number ? Qt::AlignRight : Qt::AlignLeft));
    }
    if (role == Qt::DecorationRole) {
        if (index.column() == VerdictColumn && !manifest.verdict.empty())
            return Icons::icon(manifest.verdict == "passed" ? Icons::Glyph::Passed
                                                            : Icons::Glyph::Failed);
        if (index.column() == EndingColumn && manifest.status != RunEnding::Completed)
            return Icons::icon(manifest.status == RunEnding::Stopped ? Icons::Glyph::Stop
                                                                     : Icons::Glyph::Warning);
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case StartedColumn:
        return toDateTime(manifest.started).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case DurationColumn:
        return formatDuration(manifest.durationSeconds);
    case VusersColumn:
        return QString::number(run->peakVusers);
    case RequestsColumn:
        return QLocale().toString(qulonglong(run->requests));
    case ErrorsColumn:
        return QString::number(run->errorPercent, 'f', 2);
    case P95Column:
        return QString::number(run->p95Ms, 'f', 1);
    case VerdictColumn:
        return QString::fromStdString(manifest.verdict);
    case EndingColumn:
        return endingText(*run);
    case ProjectColumn:
        return QString::fromStdString(manifest.project);
    default:
        return {};
    }
}

QVariant SavedRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case VusersColumn:
        return tr("Peak vusers");
    case RequestsColumn:
        return tr("Requests");
    case ErrorsColumn:
        return tr("Errors %");
    case P95Column:
        return tr("p95 ms");
    case VerdictColumn:
        return tr("Verdict");
    case EndingColumn:
        return tr("Ended");
    case ProjectColumn:
        return tr("Project");
    default:
        return {};
    }
}

} // namespace Loadwizard::Ui
