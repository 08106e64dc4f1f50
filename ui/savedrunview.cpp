#include "savedrunview.h"

#include "distributionview.h"
#include "errorsview.h"
#include "exporting.h"
#include "format.h"
#include "icons.h"
#include "projectdocument.h"
#include "runcharts.h"
#include "runlog.h"
#include "runstatus.h"
#include "runtables.h"
#include "summarypanel.h"
#include "timingsview.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/project.h>
#include <loadwizard/report.h>
#include <loadwizard/summary.h>

#include <QApplication>
#include <QBoxLayout>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QUrl>

#include <filesystem>

namespace Loadwizard::Ui {

namespace {

QString text(std::string_view view)
{
    return QString::fromUtf8(view.data(), qsizetype(view.size()));
}

/// The project the run ran (its copy in the folder), for the charts' plan; the manifest's name
/// alone when the copy cannot be read.
Project savedProject(const SavedRun &run)
{
    auto project = loadProject((std::filesystem::path(run.folder) / "project.yaml").string());
    if (project)
        return *project;
    Project fallback;
    fallback.name = run.manifest.project;
    return fallback;
}

/// The final snapshot as the tables of a finished run read it: every name's rate over the whole
/// run (the live tables show the last second's).
Snapshot wholeRunRates(const Snapshot &final)
{
    Snapshot snapshot = final;
    snapshot.intervalSeconds = final.elapsedSeconds;
    snapshot.requestsInterval = final.requestsTotal;
    snapshot.transactionsInterval = final.transactionsTotal;
    for (GroupSnapshot &group : snapshot.groups) {
        group.requestsInterval = group.requestsTotal;
        group.transactionsInterval = group.transactionsTotal;
    }
    return snapshot;
}

QString startedText(const ResultsManifest &manifest)
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(manifest.started.time_since_epoch())
            .count();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

bool SavedRunView::openWithDesktop(const QUrl &url)
{
    // Offscreen (tests, CI) has no desktop to hand the file to: never start a browser there.
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        return false;
    return QDesktopServices::openUrl(url);
}

SavedRunView::SavedRunView(QWidget *parent)
    : QWidget(parent)
    , m_document(new ProjectDocument(this))
    , m_charts(new RunCharts(m_document, this))
    , m_tables(new RunTables(this))
    , m_tabs(new QTabWidget(this))
    , m_title(new QLabel(this))
    , m_message(new QLabel(this))
    , m_errors(new ErrorsView(this))
    , m_distribution(new DistributionView(this))
    , m_timings(new TimingsView(this))
    , m_log(new RunLog(this))
    , m_summary(new SummaryPanel(this))
    , m_reportButton(new QPushButton(tr("Open &HTML report"), this))
    , m_folderButton(new QPushButton(tr("Show &folder"), this))
    , m_opener(openWithDesktop)
{
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->hide();
    m_charts->setSavedRun(true);
    m_reportButton->setIcon(Icons::icon(Icons::Glyph::File));
    m_reportButton->setToolTip(tr("Write report.html into the run's folder (as loadwizard "
                                  "report) and open it in the browser"));
    m_folderButton->setIcon(Icons::icon(Icons::Glyph::Open));
    m_folderButton->setToolTip(tr("Open the run's results folder in the file manager"));
    connect(m_reportButton, &QPushButton::clicked, this, &SavedRunView::openReport);
    connect(m_folderButton, &QPushButton::clicked, this, [this] {
        if (m_run)
            m_opener(QUrl::fromLocalFile(QString::fromStdString(m_run->folder)));
    });

    connect(m_summary->saveJsonButton(), &QPushButton::clicked, this, [this] {
        if (!m_run || m_run->summaryJson.empty())
            return;
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save summary"), QStringLiteral("summary.json"), tr("JSON (*.json)"));
        QSaveFile file(path);
        if (path.isEmpty() || !file.open(QIODevice::WriteOnly))
            return;
        file.write(m_run->summaryJson.data(), qint64(m_run->summaryJson.size()));
        if (!file.commit())
            QMessageBox::warning(this, tr("Save summary"), tr("Cannot write %1.").arg(path));
    });

    // The Run tab's tabs, less its live-only ones (outputs, the thresholds editor).
    m_tabs->addTab(m_tables->transactionView(), tr("&Transactions"));
    m_tabs->addTab(m_tables->requestView(), tr("Re&quests"));
    m_tabs->addTab(m_errors, tr("Err&ors"));
    m_tabs->addTab(m_distribution, tr("Distri&bution"));
    m_tabs->addTab(m_timings, tr("Tim&ings"));
    m_tabs->addTab(m_tables->checksView(), tr("&Checks"));
    m_tabs->addTab(m_tables->rendezvousView(), tr("Rende&zvous"));
    m_tabs->addTab(m_log, tr("&Log"));
    m_tabs->addTab(m_summary, tr("S&ummary"));
    // The outputs' delivery counts are not part of a results folder.
    m_tables->outputsView()->hide();
    connect(m_tables, &RunTables::groupChosen, this, [this] {
        if (m_run && !m_run->snapshots.empty())
            m_tables->fill(wholeRunRates(*m_run->snapshots.back()), nullptr, true);
    });

    auto *tablesBox = new QWidget(this);
    auto *tablesLayout = new QVBoxLayout(tablesBox);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->addWidget(m_tables->groupRow());
    tablesLayout->addWidget(m_tabs, 1);
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(m_charts);
    vertical->addWidget(tablesBox);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_reportButton);
    bar->addWidget(m_folderButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_message);
    layout->addWidget(vertical, 1);

    Exporting::addExportMenus(this, QStringLiteral("run"));
    clear();
}

SavedRunView::~SavedRunView() = default;

void SavedRunView::clear()
{
    m_run.reset();
    m_charts->clear();
    m_tables->clear();
    m_tables->clearGroups();
    m_errors->clear();
    m_distribution->clear();
    m_timings->clear();
    m_log->clear();
    m_summary->clear();
    m_title->clear();
    m_message->hide();
    m_reportButton->setEnabled(false);
    m_folderButton->setEnabled(false);
}

void SavedRunView::showRun(const SavedRunPtr &run)
{
    clear();
    if (!run)
        return;
    m_run = run;
    const ResultsManifest &manifest = run->manifest;
    const Project project = savedProject(*run);
    m_document->reset(project, QString());

    const QString ending = QString::fromStdString(runEndingLabel(manifest.status, true));
    QString title =
        tr("<b>%1</b> · %2 · %3 · %4")
            .arg(QString::fromStdString(manifest.project).toHtmlEscaped(), startedText(manifest),
                 formatDuration(manifest.durationSeconds), ending.toHtmlEscaped());
    if (!manifest.verdict.empty())
        title += QStringLiteral(" · ") + QString::fromStdString(manifest.verdict).toHtmlEscaped();
    if (!manifest.reason.empty())
        title += QStringLiteral(" (") + QString::fromStdString(manifest.reason).toHtmlEscaped() +
                 QLatin1Char(')');
    m_title->setText(title);
    m_title->setToolTip(QDir::toNativeSeparators(QString::fromStdString(run->folder)));
    QStringList notes;
    for (const std::string &warning : run->warnings)
        notes << QString::fromStdString(warning);
    m_message->setText(notes.join(QLatin1Char('\n')));
    m_message->setVisible(!notes.isEmpty());
    m_reportButton->setEnabled(true);
    m_folderButton->setEnabled(true);

    // The same path the live dashboard takes, one snapshot a second, only faster.
    m_charts->setPlan(project);
    for (const auto &snapshot : run->snapshots)
        m_charts->append(*snapshot);
    if (run->snapshots.empty()) {
        m_summary->showFailure(tr("This run saved no snapshot: it ended before its first "
                                  "second."));
        return;
    }
    const Snapshot &final = *run->snapshots.back();
    m_tables->showGroups(final);
    m_tables->fill(wholeRunRates(final), nullptr, true);
    // The folder keeps the log apart from the snapshots: the errors view reads its first and
    // last seen from the events of the final snapshot.
    auto withEvents = std::make_shared<Snapshot>(final);
    withEvents->events = run->events;
    m_errors->applySnapshot(*withEvents);
    m_distribution->applySnapshot(withEvents);
    m_timings->applySnapshot(final);

    for (const LogEvent &event : run->events) {
        const RunLog::Level level = event.level == "error"     ? RunLog::Level::Error
                                    : event.level == "warning" ? RunLog::Level::Warning
                                                               : RunLog::Level::Info;
        m_log->append(level, QStringLiteral("[%1 s] %2 vuser %3 (%4): %5")
                                 .arg(event.elapsedSeconds, 7, 'f', 1)
                                 .arg(QString::fromStdString(event.level), -7)
                                 .arg(event.vuser)
                                 .arg(text(errorClassName(event.errorClass)),
                                      QString::fromStdString(event.message)));
    }

    SummaryHeader header;
    header.project = manifest.project;
    header.scenario = manifest.scenario;
    header.profile = project.profile.toString();
    if (manifest.status != RunEnding::Completed && manifest.status != RunEnding::FailedThresholds)
        header.stopped =
            manifest.reason.empty() ? runEndingLabel(manifest.status, true) : manifest.reason;
    // The panel and text the Run tab shows at a run's end, from the same functions (the
    // thresholds' results are in summary.json and the report, not rebuilt here).
    // A saved run still "running" was killed: no live run is behind it.
    const RunEnding shownEnding =
        manifest.status == RunEnding::Running ? RunEnding::Crashed : manifest.status;
    m_summary->showRun(final, header, shownEnding,
                       runStatusText(shownEnding, final, header.thresholds));
}

QPlainTextEdit *SavedRunView::summaryView() const
{
    return m_summary->textView();
}

QString SavedRunView::writeReport(const SavedRun &run, QString *error)
{
    const std::string path = (std::filesystem::path(run.folder) / "report.html").string();
    if (auto written = writeFileAtomically(path, renderReport(run)); !written) {
        if (error)
            *error = errorText(written.error());
        return {};
    }
    return QString::fromStdString(path);
}

QString SavedRunView::openReport()
{
    if (!m_run)
        return {};
    QApplication::setOverrideCursor(Qt::WaitCursor);
    QString error;
    const QString path = writeReport(*m_run, &error);
    QApplication::restoreOverrideCursor();
    if (path.isEmpty()) {
        m_message->setText(tr("Cannot write the report: %1").arg(error));
        m_message->show();
        return {};
    }
    emit reportWritten(path);
    m_opener(QUrl::fromLocalFile(path));
    return path;
}

} // namespace Loadwizard::Ui
