#include "rundashboard.h"

#include "distributionview.h"
#include "errorsview.h"
#include "format.h"
#include "groupplan.h"
#include "icons.h"
#include "projectdocument.h"
#include "runcharts.h"
#include "runlog.h"
#include "runstatus.h"
#include "runtables.h"
#include "statstablemodel.h"
#include "summarypanel.h"
#include "thresholdseditor.h"
#include "thresholdsview.h"
#include "timingsview.h"

#include <loadwizard/summary.h>

#include <QAction>
#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

namespace Loadwizard::Ui {

RunDashboard::RunDashboard(ProjectDocument *document, RunController *controller, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_controller(controller)
    , m_runAction(new QAction(tr("&Run"), this))
    , m_stopAction(new QAction(tr("&Stop"), this))
    , m_abortAction(new QAction(tr("&Abort"), this))
    , m_stateLabel(new QLabel(tr("Ready"), this))
    , m_timeLabel(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_adjustCount(new QSpinBox(this))
    , m_addVusers(new QPushButton(tr("A&dd"), this))
    , m_removeVusers(new QPushButton(tr("Re&move"), this))
    , m_pause(new QToolButton(this))
    , m_verbose(new QCheckBox(tr("&Verbose log"), this))
    , m_httpDebug(new QCheckBox(tr("&HTTP debug"), this))
    , m_charts(new RunCharts(document, this))
    , m_tables(new RunTables(this))
    , m_thresholdsView(new ThresholdsView(this))
    , m_outputsTimer(new QTimer(this))
    , m_log(new RunLog(this))
    , m_errors(new ErrorsView(this))
    , m_distribution(new DistributionView(this))
    , m_timings(new TimingsView(this))
    , m_summary(new SummaryPanel(this))
    , m_tabs(new QTabWidget(this))
{
    m_runAction->setIcon(Icons::icon(Icons::Glyph::Run));
    m_runAction->setShortcut(Qt::Key_F5);
    m_runAction->setToolTip(tr("Run the project (F5)"));
    m_stopAction->setIcon(Icons::icon(Icons::Glyph::Stop));
    m_stopAction->setShortcut(Qt::SHIFT | Qt::Key_F5);
    m_stopAction->setToolTip(tr("Stop gracefully: running iterations may finish (Shift+F5)"));
    m_abortAction->setIcon(Icons::icon(Icons::Glyph::Abort));
    m_abortAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F5);
    m_abortAction->setToolTip(tr("Interrupt every vuser now (Ctrl+Shift+F5)"));
    connect(m_runAction, &QAction::triggered, this, &RunDashboard::startRun);
    connect(m_stopAction, &QAction::triggered, m_controller, &RunController::stop);
    connect(m_abortAction, &QAction::triggered, m_controller, &RunController::abort);

    // The control bar: state, time, progress, live control.
    QFont stateFont = m_stateLabel->font();
    stateFont.setBold(true);
    m_stateLabel->setFont(stateFont);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(260);
    m_adjustCount->setRange(1, 1000000);
    m_adjustCount->setValue(10);
    m_adjustCount->setSuffix(tr(" vusers"));
    m_adjustCount->setAccessibleName(tr("Vusers to add or remove"));
    m_addVusers->setToolTip(tr("Start this many vusers now, on top of the plan"));
    m_removeVusers->setToolTip(tr("Stop this many vusers now"));
    m_pause->setText(tr("&Pause schedule"));
    m_pause->setCheckable(true);
    m_pause->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_pause->setIcon(Icons::icon(Icons::Glyph::Pause));
    m_pause->setToolTip(tr("Freeze the ramp-up schedule; running vusers keep going"));
    // Run, Stop and Abort are the main window's (its toolbar and Run menu), not repeated here.
    // The actions stay on this widget, so their shortcuts work wherever it is shown.
    addAction(m_runAction);
    addAction(m_stopAction);
    addAction(m_abortAction);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_stateLabel);
    bar->addWidget(m_progress);
    bar->addWidget(m_timeLabel);
    bar->addStretch();
    bar->addWidget(m_adjustCount);
    bar->addWidget(m_addVusers);
    bar->addWidget(m_removeVusers);
    bar->addWidget(m_pause);
    bar->addSpacing(12);
    bar->addWidget(m_verbose);
    bar->addWidget(m_httpDebug);
    m_verbose->setToolTip(tr("Show vu.log() lines and one line per request in the Log tab "
                             "(as loadwizard run -v); for the next run"));
    m_httpDebug->setToolTip(tr("Show each request and response with their headers in the Log tab "
                               "(as loadwizard run --http-debug); for the next run"));

    // Tables and panels.
    m_outputsTimer->setInterval(1000); // the outputs' own counts, read once per second
    connect(m_outputsTimer, &QTimer::timeout, this, &RunDashboard::updateOutputs);
    connect(m_summary->saveJsonButton(), &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save summary"), QStringLiteral("summary.json"), tr("JSON (*.json)"));
        if (!path.isEmpty() && !saveSummaryJson(path))
            QMessageBox::warning(this, tr("Save summary"), tr("Cannot write %1.").arg(path));
    });

    m_tabs->addTab(m_tables->transactionView(), tr("&Transactions"));
    m_tabs->addTab(m_tables->requestView(), tr("Re&quests"));
    m_tabs->addTab(m_errors, tr("Err&ors"));
    m_tabs->addTab(m_distribution, tr("Distri&bution"));
    m_tabs->addTab(m_timings, tr("Tim&ings"));
    m_tabs->addTab(m_tables->checksView(), tr("&Checks"));
    m_tabs->addTab(m_tables->rendezvousView(), tr("Rende&zvous"));
    m_tabs->addTab(m_tables->outputsView(), tr("Out&puts"));
    m_thresholdsEditor = new ThresholdsEditor(m_document, m_thresholdsView, this);
    m_tabs->addTab(m_thresholdsEditor, tr("Thr&esholds"));
    m_tabs->addTab(m_log, tr("&Log"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &RunDashboard::updateTables);
    m_tabs->addTab(m_summary, tr("S&ummary"));

    connect(m_tables, &RunTables::groupChosen, this, &RunDashboard::updateTables);
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

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(vertical, 1);

    connect(m_controller, &RunController::compiling, this, [this](const QString &path) {
        m_log->append(RunLog::Level::Info, tr("Compiling %1…").arg(path));
    });
    connect(m_controller, &RunController::compileWarnings, this,
            [this](const QString &path, const QString &output) {
                m_log->append(RunLog::Level::Warning,
                              tr("%1 compiled with warnings:\n%2").arg(path, output.trimmed()));
            });
    connect(m_addVusers, &QPushButton::clicked, this,
            [this] { m_controller->adjustVusers(m_adjustCount->value()); });
    connect(m_removeVusers, &QPushButton::clicked, this,
            [this] { m_controller->adjustVusers(-m_adjustCount->value()); });
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        m_controller->setPaused(paused);
        m_pause->setText(paused ? tr("Resume &schedule") : tr("&Pause schedule"));
        m_pause->setIcon(Icons::icon(paused ? Icons::Glyph::Run : Icons::Glyph::Pause));
    });
    connect(m_controller, &RunController::stateChanged, this, &RunDashboard::onStateChanged);
    connect(m_controller, &RunController::snapshotReady, this,
            qOverload<const SnapshotPtr &>(&RunDashboard::applySnapshot));
    connect(m_controller, &RunController::flushingOutputs, this, [this] {
        m_stateLabel->setText(tr("Flushing outputs…"));
        m_log->append(RunLog::Level::Info, tr("Delivering what the outputs have queued…"));
    });
    connect(m_controller, &RunController::finished, this, &RunDashboard::onFinished);
    connect(m_controller, &RunController::failed, this, [this](const QString &message) {
        m_stateLabel->setText(tr("Could not start"));
        m_log->append(RunLog::Level::Error, tr("Cannot run: %1").arg(message));
        m_summary->showFailure(message);
        m_tabs->setCurrentWidget(m_log);
        showFirstError();
    });
    resetCharts();
    onStateChanged(RunController::State::Idle);
}

RunDashboard::~RunDashboard() = default;

QLineSeries *RunDashboard::activeVusersSeries() const
{
    return m_charts->activeVusersSeries();
}

QLineSeries *RunDashboard::requestRateSeries() const
{
    return m_charts->requestRateSeries();
}

QPlainTextEdit *RunDashboard::summaryView() const
{
    return m_summary->textView();
}

QPlainTextEdit *RunDashboard::logView() const
{
    return m_log->view();
}

const GroupVusersSeries &RunDashboard::groupVusersSeries() const
{
    return m_charts->groupVusersSeries();
}

StatsTableModel *RunDashboard::transactionModel() const
{
    return m_tables->transactionModel();
}

StatsTableModel *RunDashboard::requestModel() const
{
    return m_tables->requestModel();
}

QTableView *RunDashboard::transactionView() const
{
    return m_tables->transactionView();
}

QTreeWidget *RunDashboard::outputsView() const
{
    return m_tables->outputsView();
}

QComboBox *RunDashboard::groupChoice() const
{
    return m_tables->groupChoice();
}

void RunDashboard::setRunBlocked(const QString &reason)
{
    m_runBlocked = reason;
    onStateChanged(m_controller->state());
}

// Compiler output is read from its first error, not from its last line (often "N errors").
void RunDashboard::showFirstError()
{
    static const QRegularExpression error(QStringLiteral(":\\d+(:\\d+)?: (fatal )?error: "));
    QPlainTextEdit *view = m_log->view();
    for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next()) {
        if (!error.match(block.text()).hasMatch())
            continue;
        QTextCursor cursor(block);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        view->setTextCursor(cursor);
        view->centerCursor();
        return;
    }
}

void RunDashboard::startRun()
{
    if (m_controller->isActive())
        return;
    if (!m_runBlocked.isEmpty()) {
        m_log->append(RunLog::Level::Error, tr("Cannot run: %1").arg(m_runBlocked));
        emit runRefused(m_runBlocked);
        return;
    }
    resetCharts();
    m_log->clear();
    m_summary->clear();
    m_errors->clear();
    m_distribution->clear();
    m_timings->clear();
    m_tables->clear();
    m_thresholdsView->clear();
    m_tablesPending.reset();
    const Project &project = m_document->project();
    m_plannedSeconds =
        project.groups.empty() ? project.profile.totalSeconds() : groupsPlanSeconds(project);
    m_charts->setPlan(project);
    m_log->append(RunLog::Level::Info,
                  tr("Preparing %1 (scenario %2, profile %3)…")
                      .arg(m_document->displayName(), QString::fromStdString(project.scenario),
                           QString::fromStdString(project.profile.toString())));
    for (const auto &[name, value] : m_overrides) {
        m_log->append(RunLog::Level::Info,
                      tr("For this run: %1 = %2 (not saved in the project)")
                          .arg(QString::fromStdString(name), QString::fromStdString(value)));
    }
    TraceSettings trace;
    trace.verbose = m_verbose->isChecked() || m_httpDebug->isChecked();
    trace.http = m_httpDebug->isChecked() ? TraceSettings::Http::Headers : TraceSettings::Http::Off;
    m_controller->setTrace(trace);
    emit runStarted();
    m_controller->start(project, m_overrides);
    if (!project.outputs.empty())
        m_outputsTimer->start();
}

void RunDashboard::resetCharts()
{
    m_charts->clear();
    m_tables->clearGroups();
    m_progress->setValue(0);
    m_timeLabel->clear();
}

void RunDashboard::applySnapshot(const Snapshot &snapshot)
{
    applySnapshot(std::make_shared<const Snapshot>(snapshot));
}

void RunDashboard::applySnapshot(const SnapshotPtr &pointer)
{
    const Snapshot &snapshot = *pointer;
    const double t = snapshot.elapsedSeconds;
    // A handful of rows, evaluated by the session on this very snapshot: cheap enough each time.
    m_thresholdsView->showResults(m_controller->thresholdResults(), false);
    m_charts->append(snapshot);
    m_tables->showGroups(snapshot);

    // Only the table on screen is filled now; the others when they are shown.
    m_tablesPending = pointer;
    updateTables();
    m_errors->applySnapshot(snapshot);
    m_distribution->applySnapshot(pointer);
    if (snapshot.final || m_tabs->currentWidget() == m_timings)
        m_timings->applySnapshot(snapshot);
    appendLog(snapshot);

    const double planned = snapshot.plannedSeconds > 0 ? snapshot.plannedSeconds : m_plannedSeconds;
    const double remaining = std::max(0.0, planned - t);
    m_timeLabel->setText(
        tr("%1 of %2 · %3 left")
            .arg(formatDuration(t), formatDuration(planned), formatDuration(remaining)));
    m_progress->setValue(planned > 0 ? int(std::min(1.0, t / planned) * 1000) : 0);
}

void RunDashboard::updateTables()
{
    const SnapshotPtr snapshot = m_tablesPending;
    if (!snapshot)
        return;
    fillTables(*snapshot, false);
}

void RunDashboard::fillTables(const Snapshot &snapshot, bool all)
{
    m_tables->fill(snapshot, m_tabs->currentWidget(), all);
    if (all || m_tabs->currentWidget() == m_timings)
        m_timings->applySnapshot(snapshot);
}

void RunDashboard::updateOutputs()
{
    m_tables->showOutputs(m_controller->outputStats());
    if (!m_controller->isActive())
        m_outputsTimer->stop();
}

void RunDashboard::appendLog(const Snapshot &snapshot)
{
    // With a trace, vu.log() lines come with it (in order with the requests): not twice.
    const bool tracing = m_controller->trace().any();
    for (const auto &line : snapshot.trace) {
        QString text = QString::fromStdString(line.text);
        text.replace('\n', QStringLiteral("\n        "));
        m_log->append(RunLog::Level::Trace, QStringLiteral("[%1 s] vuser %2 %3")
                                                .arg(line.elapsedSeconds, 7, 'f', 1)
                                                .arg(line.vuser)
                                                .arg(text));
    }
    if (snapshot.traceDropped > 0)
        m_log->append(RunLog::Level::Warning,
                      tr("… %n log line(s) dropped (more than a worker holds between "
                         "two reports)",
                         nullptr, int(snapshot.traceDropped)));
    for (const auto &event : snapshot.events) {
        const QString elapsed = QStringLiteral("[%1 s]").arg(event.elapsedSeconds, 7, 'f', 1);
        if (event.kind != EventKind::Other) {
            // A live control: the run's own line (also marked on the vusers chart).
            m_log->append(RunLog::Level::Info, QStringLiteral("%1 %2 %3")
                                                   .arg(elapsed)
                                                   .arg(QStringLiteral("run"), -7)
                                                   .arg(QString::fromStdString(event.message)));
            continue;
        }
        if (tracing && event.level == "info")
            continue;
        const RunLog::Level level = event.level == "error"     ? RunLog::Level::Error
                                    : event.level == "warning" ? RunLog::Level::Warning
                                                               : RunLog::Level::Info;
        m_log->append(
            level, QStringLiteral("[%1 s] %2 vuser %3 (%4): %5")
                       .arg(event.elapsedSeconds, 7, 'f', 1)
                       .arg(QString::fromStdString(event.level), -7)
                       .arg(event.vuser)
                       .arg(QString::fromUtf8(errorClassName(event.errorClass).data(),
                                              qsizetype(errorClassName(event.errorClass).size())))
                       .arg(QString::fromStdString(event.message)));
    }
    if (snapshot.eventsDropped > 0)
        m_log->append(RunLog::Level::Warning,
                      tr("… %n more event(s) this second, counted but not shown", nullptr,
                         int(snapshot.eventsDropped)));
}

void RunDashboard::onStateChanged(RunController::State state)
{
    const bool active = m_controller->isActive();
    const bool running = state == RunController::State::Running;
    m_runAction->setEnabled(!active && m_runBlocked.isEmpty());
    m_runAction->setToolTip(m_runBlocked.isEmpty() ? tr("Run the project (F5)")
                                                   : tr("Cannot run: %1").arg(m_runBlocked));
    m_stopAction->setEnabled(state == RunController::State::Running ||
                             state == RunController::State::Preparing);
    m_abortAction->setEnabled(active);
    m_addVusers->setEnabled(running);
    m_removeVusers->setEnabled(running);
    m_adjustCount->setEnabled(running);
    m_pause->setEnabled(running);
    if (!running && m_pause->isChecked()) {
        m_pause->blockSignals(true);
        m_pause->setChecked(false);
        m_pause->setText(tr("&Pause schedule"));
        m_pause->setIcon(Icons::icon(Icons::Glyph::Pause));
        m_pause->blockSignals(false);
    }
    switch (state) {
    case RunController::State::Idle:
        m_stateLabel->setText(tr("Ready"));
        break;
    case RunController::State::Preparing:
        m_stateLabel->setText(tr("Preparing…"));
        m_progress->setRange(0, 0);
        break;
    case RunController::State::Running:
        m_stateLabel->setText(tr("Running"));
        m_progress->setRange(0, 1000);
        break;
    case RunController::State::Stopping:
        m_stateLabel->setText(tr("Stopping…"));
        m_progress->setRange(0, 1000);
        break;
    case RunController::State::Finished:
        // Set by showRunEnded(): how it ended, and what else is wrong.
        m_progress->setRange(0, 1000);
        break;
    case RunController::State::Failed:
        m_stateLabel->setText(tr("Could not start"));
        m_progress->setRange(0, 1000);
        break;
    }
}

void RunDashboard::onFinished(const SnapshotPtr &snapshot)
{
    updateOutputs();
    if (snapshot)
        showRunEnded(snapshot, m_controller->summaryHeader(), m_controller->ending());
    else
        m_stateLabel->setText(runEndingTitle(m_controller->ending()));
}

void RunDashboard::showRunEnded(const SnapshotPtr &final, const SummaryHeader &header,
                                RunEnding ending)
{
    if (!final)
        return;
    // Every table holds the final numbers, whichever is on screen.
    m_tablesPending = final;
    fillTables(*final, true);
    m_thresholdsView->showResults(header.thresholds, true);
    const QString status = runStatusText(ending, *final, header.thresholds);
    m_stateLabel->setText(status);
    m_stateLabel->setToolTip(status);
    m_summary->showRun(*final, header, ending, status);
    m_progress->setValue(1000);
    m_tabs->setCurrentWidget(m_summary);
    m_log->append(
        ending == RunEnding::Completed ? RunLog::Level::Info : RunLog::Level::Warning,
        tr("%1 after %2.").arg(runEndingTitle(ending), formatDuration(final->elapsedSeconds)));
}

bool RunDashboard::saveSummaryJson(const QString &path)
{
    const SnapshotPtr final = m_controller->finalSnapshot();
    if (!final)
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const std::string json = summaryJson(*final, m_controller->summaryHeader());
    file.write(json.data(), qint64(json.size()));
    return file.commit();
}

} // namespace Loadwizard::Ui
