#include "rundashboard.h"

#include "format.h"
#include "groupplan.h"
#include "groupschartview.h"
#include "profilechartview.h"
#include "projectdocument.h"
#include "statstablemodel.h"
#include "theme.h"
#include "thresholdseditor.h"
#include "thresholdsview.h"

#include <loadwizard/summary.h>

#include <QAction>
#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QValueAxis>

#include <cmath>

namespace Loadwizard::Ui {

namespace {

QLineSeries *addLine(QChart *chart, const QString &name, const QColor &color, qreal width = 2,
                     Qt::PenStyle style = Qt::SolidLine)
{
    auto *series = new QLineSeries;
    series->setName(name);
    series->setPen(QPen(color, width, style));
    chart->addSeries(series);
    return series;
}

QChart *makeChart(const QString &title, QValueAxis *&x, QValueAxis *&y)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    x = new QValueAxis;
    x->setLabelFormat("%g");
    x->setTitleText(QObject::tr("seconds"));
    y = new QValueAxis;
    y->setLabelFormat("%g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    return chart;
}

void attach(QChart *chart, QValueAxis *x, QValueAxis *y)
{
    for (auto *series : chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

QChartView *viewFor(QChart *chart, QWidget *parent)
{
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 200);
    return view;
}

QTreeWidgetItem *itemFor(QTreeWidget *tree, const QString &name)
{
    const auto found = tree->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        return found.front();
    auto *item = new QTreeWidgetItem(tree, {name});
    for (int column = 1; column < tree->columnCount(); ++column)
        item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

const QColor activeColor(0x2f, 0x6f, 0xde);
const QColor planColor(0x12, 0xa4, 0xa0);
const QColor errorColor(0xd6, 0x45, 0x41);

} // namespace

RunDashboard::RunDashboard(ProjectDocument *document, RunController *controller, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_controller(controller)
    , m_runAction(new QAction(tr("&Run"), this))
    , m_stopAction(new QAction(tr("&Stop"), this))
    , m_abortAction(new QAction(tr("&Abort"), this))
    , m_stateLabel(new QLabel(tr("Ready"), this))
    , m_timeLabel(new QLabel(this))
    , m_deviationLabel(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_adjustCount(new QSpinBox(this))
    , m_addVusers(new QPushButton(tr("A&dd"), this))
    , m_removeVusers(new QPushButton(tr("Re&move"), this))
    , m_pause(new QToolButton(this))
    , m_verbose(new QCheckBox(tr("&Verbose log"), this))
    , m_httpDebug(new QCheckBox(tr("&HTTP debug"), this))
    , m_latencyChoice(new QComboBox(this))
    , m_transactions(new StatsTableModel(this))
    , m_requests(new StatsTableModel(this))
    , m_checks(new QTreeWidget(this))
    , m_rendezvous(new QTreeWidget(this))
    , m_outputsView(new QTreeWidget(this))
    , m_thresholdsView(new ThresholdsView(this))
    , m_outputsTimer(new QTimer(this))
    , m_log(new QPlainTextEdit(this))
    , m_summary(new QPlainTextEdit(this))
    , m_saveJson(new QPushButton(tr("Save summary as &JSON…"), this))
    , m_tabs(new QTabWidget(this))
{
    m_runAction->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_runAction->setShortcut(Qt::Key_F5);
    m_runAction->setToolTip(tr("Run the project (F5)"));
    m_stopAction->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_stopAction->setShortcut(Qt::SHIFT | Qt::Key_F5);
    m_stopAction->setToolTip(tr("Stop gracefully: running iterations may finish (Shift+F5)"));
    m_abortAction->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
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
    m_pause->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    m_pause->setToolTip(tr("Freeze the ramp-up schedule; running vusers keep going"));
    auto *runButton = new QToolButton(this);
    runButton->setDefaultAction(m_runAction);
    runButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *stopButton = new QToolButton(this);
    stopButton->setDefaultAction(m_stopAction);
    stopButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *abortButton = new QToolButton(this);
    abortButton->setDefaultAction(m_abortAction);
    abortButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    auto *bar = new QHBoxLayout;
    bar->addWidget(runButton);
    bar->addWidget(stopButton);
    bar->addWidget(abortButton);
    bar->addSpacing(12);
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

    // Charts.
    m_vusersChart = makeChart(tr("Vusers"), m_vusersX, m_vusersY);
    m_profileSeries =
        addLine(m_vusersChart, tr("profile"), QColor(0x8a, 0x8f, 0x98), 1.5, Qt::DashLine);
    m_planSeries = addLine(m_vusersChart, tr("plan with live changes"), planColor);
    m_activeSeries = addLine(m_vusersChart, tr("active"), activeColor);
    attach(m_vusersChart, m_vusersX, m_vusersY);
    m_groupVusers =
        std::make_unique<GroupVusersSeries>(m_vusersChart, m_vusersX, m_vusersY, seriesPoints);

    m_rateChart = makeChart(tr("Throughput"), m_rateX, m_rateY);
    m_requestSeries = addLine(m_rateChart, tr("requests/s"), activeColor);
    m_errorSeries = addLine(m_rateChart, tr("errors/s"), errorColor);
    attach(m_rateChart, m_rateX, m_rateY);

    m_latencyChart = makeChart(tr("Latency (ms)"), m_latencyX, m_latencyY);
    m_latencySeries[0] = addLine(m_latencyChart, tr("p50"), planColor);
    m_latencySeries[1] = addLine(m_latencyChart, tr("p95"), QColor(0xe0, 0x8e, 0x1b));
    m_latencySeries[2] = addLine(m_latencyChart, tr("p99"), errorColor);
    attach(m_latencyChart, m_latencyX, m_latencyY);
    m_latencyChoice->addItem(tr("All requests"), QString());
    m_latencyChoice->setAccessibleName(tr("Latency of"));
    m_latencyChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_latencyChoice, &QComboBox::currentIndexChanged, this,
            &RunDashboard::updateLatencySeries);

    auto *latencyBox = new QWidget(this);
    auto *latencyLayout = new QVBoxLayout(latencyBox);
    latencyLayout->setContentsMargins(0, 0, 0, 0);
    auto *choiceRow = new QHBoxLayout;
    auto *choiceLabel = new QLabel(tr("Latenc&y of:"), latencyBox);
    choiceLabel->setBuddy(m_latencyChoice);
    choiceRow->addWidget(choiceLabel);
    choiceRow->addWidget(m_latencyChoice, 1);
    latencyLayout->addLayout(choiceRow);
    latencyLayout->addWidget(viewFor(m_latencyChart, latencyBox), 1);

    auto *vusersBox = new QWidget(this);
    auto *vusersLayout = new QVBoxLayout(vusersBox);
    vusersLayout->setContentsMargins(0, 0, 0, 0);
    vusersLayout->addWidget(m_deviationLabel);
    vusersLayout->addWidget(viewFor(m_vusersChart, vusersBox), 1);

    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(vusersBox);
    charts->addWidget(viewFor(m_rateChart, this));
    charts->addWidget(latencyBox);
    charts->setSizes({1000, 1000, 1000}); // equal thirds

    // Tables and panels.
    m_transactionView = makeStatsView(m_transactions);
    m_transactionView->setAccessibleName(tr("Transactions"));
    m_requestView = makeStatsView(m_requests);
    m_requestView->setAccessibleName(tr("Requests"));
    m_checks->setHeaderLabels({tr("Check"), tr("Passed"), tr("Failed"), tr("Pass rate")});
    m_checks->setRootIsDecorated(false);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_checks->setSortingEnabled(true);
    m_rendezvous->setHeaderLabels({tr("Point"), tr("Arrivals"), tr("Releases"), tr("Timeouts"),
                                   tr("Released"), tr("Mean wait ms"), tr("Max wait ms")});
    m_rendezvous->setRootIsDecorated(false);
    m_rendezvous->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_outputsView->setHeaderLabels({tr("Output"), tr("Sent"), tr("Retried"), tr("Dropped"),
                                    tr("Points sent"), tr("Rejected"), tr("Last error")});
    m_outputsView->setRootIsDecorated(false);
    m_outputsView->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_outputsView->header()->setStretchLastSection(true);
    m_outputsView->setAccessibleName(tr("Outputs"));
    m_outputsView->setToolTip(tr("Sent and dropped count snapshots (one per second); points "
                                 "count lines, rows or documents"));
    m_outputsTimer->setInterval(1000); // the outputs' own counts, read once per second
    connect(m_outputsTimer, &QTimer::timeout, this, &RunDashboard::updateOutputs);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_summary->setReadOnly(true);
    m_summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_summary->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_summary->setPlaceholderText(tr("The summary appears here when a run ends."));
    m_saveJson->setEnabled(false);
    connect(m_saveJson, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save summary"), QStringLiteral("summary.json"), tr("JSON (*.json)"));
        if (!path.isEmpty() && !saveSummaryJson(path))
            QMessageBox::warning(this, tr("Save summary"), tr("Cannot write %1.").arg(path));
    });
    auto *summaryBox = new QWidget(this);
    auto *summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->addWidget(m_summary, 1);
    auto *summaryButtons = new QHBoxLayout;
    summaryButtons->addStretch();
    summaryButtons->addWidget(m_saveJson);
    summaryLayout->addLayout(summaryButtons);

    m_tabs->addTab(m_transactionView, tr("&Transactions"));
    m_tabs->addTab(m_requestView, tr("Re&quests"));
    m_tabs->addTab(m_checks, tr("&Checks"));
    m_tabs->addTab(m_rendezvous, tr("Rende&zvous"));
    m_tabs->addTab(m_outputsView, tr("&Outputs"));
    m_thresholdsEditor = new ThresholdsEditor(m_document, m_thresholdsView, this);
    m_tabs->addTab(m_thresholdsEditor, tr("Thr&esholds"));
    m_tabs->addTab(m_log, tr("&Log"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &RunDashboard::updateTables);
    m_tabs->addTab(summaryBox, tr("S&ummary"));

    // A run with groups: its tables show the whole run or one group.
    m_groupChoice = new QComboBox(this);
    m_groupChoice->setAccessibleName(tr("Tables of group"));
    m_groupChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *groupLabel = new QLabel(tr("&Group:"), this);
    groupLabel->setBuddy(m_groupChoice);
    auto *groupRow = new QWidget(this);
    auto *groupLayout = new QHBoxLayout(groupRow);
    groupLayout->setContentsMargins(0, 0, 0, 0);
    groupLayout->addWidget(groupLabel);
    groupLayout->addWidget(m_groupChoice);
    groupLayout->addStretch();
    groupRow->hide();
    connect(m_groupChoice, &QComboBox::currentIndexChanged, this, [this] {
        m_checks->clear(); // another group's checks
        updateTables();
    });
    auto *tablesBox = new QWidget(this);
    auto *tablesLayout = new QVBoxLayout(tablesBox);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->addWidget(groupRow);
    tablesLayout->addWidget(m_tabs, 1);

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(charts);
    vertical->addWidget(tablesBox);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(vertical, 1);

    connect(m_controller, &RunController::compiling, this,
            [this](const QString &path) { m_log->appendPlainText(tr("Compiling %1…").arg(path)); });
    connect(m_controller, &RunController::compileWarnings, this,
            [this](const QString &path, const QString &output) {
                m_log->appendPlainText(tr("%1 compiled with warnings:").arg(path));
                m_log->appendPlainText(output.trimmed());
            });
    connect(m_addVusers, &QPushButton::clicked, this,
            [this] { m_controller->adjustVusers(m_adjustCount->value()); });
    connect(m_removeVusers, &QPushButton::clicked, this,
            [this] { m_controller->adjustVusers(-m_adjustCount->value()); });
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        m_controller->setPaused(paused);
        m_pause->setText(paused ? tr("Resume &schedule") : tr("&Pause schedule"));
        m_pause->setIcon(
            style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    });
    connect(m_controller, &RunController::stateChanged, this, &RunDashboard::onStateChanged);
    connect(m_controller, &RunController::snapshotReady, this,
            qOverload<const SnapshotPtr &>(&RunDashboard::applySnapshot));
    connect(m_controller, &RunController::flushingOutputs, this, [this] {
        m_stateLabel->setText(tr("Flushing outputs…"));
        m_log->appendPlainText(tr("Delivering what the outputs have queued…"));
    });
    connect(m_controller, &RunController::finished, this, &RunDashboard::onFinished);
    connect(m_controller, &RunController::failed, this, [this](const QString &message) {
        m_stateLabel->setText(tr("Failed"));
        m_log->appendPlainText(tr("Cannot run: %1").arg(message));
        m_summary->setPlainText(tr("The run could not start:\n\n%1").arg(message));
        m_tabs->setCurrentWidget(m_log);
    });
    resetCharts();
    onStateChanged(RunController::State::Idle);
    for (auto *chart : {m_vusersChart, m_rateChart, m_latencyChart})
        Theme::styleChart(chart, palette());
}

void RunDashboard::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        for (auto *chart : {m_vusersChart, m_rateChart, m_latencyChart})
            Theme::styleChart(chart, palette());
    }
    QWidget::changeEvent(event);
}

RunDashboard::~RunDashboard() = default;

void RunDashboard::showEvent(QShowEvent *event)
{
    if (m_seriesStale)
        updateSeries();
    QWidget::showEvent(event);
}

QTableView *RunDashboard::makeStatsView(StatsTableModel *model)
{
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(Qt::UserRole);
    proxy->setDynamicSortFilter(true);
    auto *view = new QTableView(this);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(StatsTableModel::NameColumn, Qt::AscendingOrder);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setSectionResizeMode(StatsTableModel::NameColumn,
                                                   QHeaderView::Stretch);
    // Measuring contents on every update (ResizeToContents) costs more than the rest of the
    // table: fit the columns when the set of names changes, and on every 30th update.
    view->horizontalHeader()->setResizeContentsPrecision(64);
    connect(model, &QAbstractItemModel::modelReset, view, &QTableView::resizeColumnsToContents);
    connect(model, &QAbstractItemModel::dataChanged, view, [view, updates = 0]() mutable {
        if (++updates % 30 == 0)
            view->resizeColumnsToContents();
    });
    return view;
}

void RunDashboard::startRun()
{
    if (m_controller->isActive())
        return;
    resetCharts();
    m_log->clear();
    m_summary->clear();
    m_saveJson->setEnabled(false);
    m_transactions->clear();
    m_requests->clear();
    m_checks->clear();
    m_rendezvous->clear();
    m_outputsView->clear();
    m_thresholdsView->clear();
    m_tablesPending.reset();
    const Project &project = m_document->project();
    m_plannedSeconds =
        project.groups.empty() ? project.profile.totalSeconds() : groupsPlanSeconds(project);
    m_profileSeries->replace(GroupsChartView::totalPoints(project));
    m_vusersX->setRange(0, std::max(10.0, m_plannedSeconds));
    m_vusersY->setRange(0, ProfileChartView::niceCeiling(plannedPeakVusers(project)));
    m_vusersY->applyNiceNumbers();
    m_log->appendPlainText(tr("Preparing %1 (scenario %2, profile %3)…")
                               .arg(m_document->displayName(),
                                    QString::fromStdString(project.scenario),
                                    QString::fromStdString(project.profile.toString())));
    for (const auto &[name, value] : m_overrides) {
        m_log->appendPlainText(
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
    m_groupVusers->clear();
    m_groupChoice->blockSignals(true);
    m_groupChoice->clear();
    m_groupChoice->blockSignals(false);
    m_groupChoice->parentWidget()->hide();
    for (auto *buffer : {&m_planBuffer, &m_activeBuffer, &m_requestBuffer, &m_errorBuffer})
        buffer->clear();
    m_latencyBuffers.clear();
    for (auto *series : m_vusersChart->series())
        static_cast<QLineSeries *>(series)->clear();
    for (auto *series : m_rateChart->series())
        static_cast<QLineSeries *>(series)->clear();
    for (auto *series : m_latencySeries)
        series->clear();
    m_latencyChoice->blockSignals(true);
    while (m_latencyChoice->count() > 1)
        m_latencyChoice->removeItem(1);
    m_latencyChoice->blockSignals(false);
    m_axisMax.clear();
    for (auto *axis : {m_vusersX, m_rateX, m_latencyX})
        setAxisMax(axis, std::max(10.0, m_plannedSeconds));
    setAxisMax(m_rateY, 10);
    setAxisMax(m_latencyY, 10);
    m_seriesStale = false;
    m_progress->setValue(0);
    m_timeLabel->clear();
    m_deviationLabel->setText(tr("Active vusers against the planned profile"));
    m_lastElapsed = 0;
}

void RunDashboard::applySnapshot(const Snapshot &snapshot)
{
    applySnapshot(std::make_shared<const Snapshot>(snapshot));
}

void RunDashboard::applySnapshot(const SnapshotPtr &pointer)
{
    const Snapshot &snapshot = *pointer;
    const double t = snapshot.elapsedSeconds;
    m_lastElapsed = t;
    // A handful of rows, evaluated by the session on this very snapshot: cheap enough each time.
    m_thresholdsView->showResults(m_controller->thresholdResults(), false);
    const double interval = snapshot.intervalSeconds > 0 ? snapshot.intervalSeconds : 1;

    m_activeBuffer.append(t, double(snapshot.activeVusers));
    m_planBuffer.append(t, double(snapshot.plannedVusers));
    m_requestBuffer.append(t, double(snapshot.interval.requests) / interval);
    m_errorBuffer.append(t, double(snapshot.interval.requestErrors) / interval);
    m_groupVusers->append(snapshot);
    updateGroupChoice(snapshot);

    // Latency history for every name, so choosing another one shows its past at once.
    const auto record = [this, t](const QString &key, const LatencyStats &latency) {
        auto it = m_latencyBuffers.find(key);
        if (it == m_latencyBuffers.end()) {
            it = m_latencyBuffers.insert(key,
                                         {SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max),
                                          SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max),
                                          SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max)});
            if (!key.isEmpty())
                m_latencyChoice->addItem(key, key);
        }
        (*it)[0].append(t, latency.p50Ms);
        (*it)[1].append(t, latency.p95Ms);
        (*it)[2].append(t, latency.p99Ms);
    };
    record(QString(), snapshot.intervalLatency);
    for (const auto &[name, stats] : snapshot.transactionsInterval)
        record(tr("transaction: %1").arg(QString::fromStdString(name)), stats.latency);
    for (const auto &[name, stats] : snapshot.requestsInterval)
        record(tr("request: %1").arg(QString::fromStdString(name)), stats.latency);

    // Charts nobody sees are brought up to date when the dashboard is shown.
    if (isVisible())
        updateSeries();
    else
        m_seriesStale = true;

    // Likewise the tables: only the one on screen is filled now.
    m_tablesPending = pointer;
    updateTables();
    appendLog(snapshot);

    const double planned = snapshot.plannedSeconds > 0 ? snapshot.plannedSeconds : m_plannedSeconds;
    const double remaining = std::max(0.0, planned - t);
    m_timeLabel->setText(
        tr("%1 of %2 · %3 left")
            .arg(formatDuration(t), formatDuration(planned), formatDuration(remaining)));
    m_progress->setValue(planned > 0 ? int(std::min(1.0, t / planned) * 1000) : 0);
    const double profilePlan = plannedTotalVusersAt(m_document->project(), t);
    const long long deviation = snapshot.activeVusers - std::llround(profilePlan);
    m_deviationLabel->setText(
        tr("Active <b>%1</b> · plan now %2 · profile %3 · deviation <b>%4%5</b>")
            .arg(snapshot.activeVusers)
            .arg(snapshot.plannedVusers)
            .arg(std::llround(profilePlan))
            .arg(deviation > 0 ? QStringLiteral("+") : QString())
            .arg(deviation));
}

void RunDashboard::updateSeries()
{
    m_seriesStale = false;
    // replace() hands each series one prepared list: one change signal, not one per point.
    m_activeSeries->replace(m_activeBuffer.points());
    m_planSeries->replace(m_planBuffer.points());
    m_groupVusers->update();
    m_requestSeries->replace(m_requestBuffer.points());
    m_errorSeries->replace(m_errorBuffer.points());
    updateLatencySeries();
    // Past the plan (a pause, a long graceful stop) the time axis grows in nice steps, not every
    // second: a range change costs the chart a relayout.
    const double xMax = m_lastElapsed > m_plannedSeconds
                            ? ProfileChartView::niceCeiling(m_lastElapsed)
                            : std::max(10.0, m_plannedSeconds);
    for (auto *axis : {m_vusersX, m_rateX, m_latencyX})
        setAxisMax(axis, xMax);
    setAxisMax(m_vusersY, ProfileChartView::niceCeiling(std::max(
                              {m_activeBuffer.maxY(), m_planBuffer.maxY(), m_groupVusers->maxY(),
                               plannedPeakVusers(m_document->project()), 1.0})));
    setAxisMax(m_rateY, ProfileChartView::niceCeiling(std::max(m_requestBuffer.maxY(), 1.0)));
}

void RunDashboard::setAxisMax(QValueAxis *axis, double max)
{
    const auto it = m_axisMax.constFind(axis);
    if (it != m_axisMax.constEnd() && *it == max)
        return;
    m_axisMax.insert(axis, max);
    axis->setRange(0, max);
    axis->applyNiceNumbers();
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
    QWidget *shown = m_tabs->currentWidget();
    const double interval = snapshot.intervalSeconds > 0 ? snapshot.intervalSeconds : 1;
    const GroupSnapshot *group = chosenGroup(snapshot);
    // Each table remembers nothing but the latest snapshot, so a skipped one costs nothing.
    if (all || shown == m_transactionView) {
        if (group)
            m_transactions->update(group->transactionsTotal, group->transactionsInterval, interval);
        else
            m_transactions->update(snapshot.transactionsTotal, snapshot.transactionsInterval,
                                   interval);
    }
    if (all || shown == m_requestView) {
        if (group)
            m_requests->update(group->requestsTotal, group->requestsInterval, interval);
        else
            m_requests->update(snapshot.requestsTotal, snapshot.requestsInterval, interval);
    }
    if (all || shown == m_checks || shown == m_rendezvous)
        updateRendezvousAndChecks(snapshot);
}

const GroupSnapshot *RunDashboard::chosenGroup(const Snapshot &snapshot) const
{
    const int index = m_groupChoice->currentIndex() - 1; // 0 is "All groups"
    if (index < 0 || index >= static_cast<int>(snapshot.groups.size()))
        return nullptr;
    return &snapshot.groups[std::size_t(index)];
}

void RunDashboard::updateGroupChoice(const Snapshot &snapshot)
{
    if (snapshot.groups.empty() || m_groupChoice->count() == int(snapshot.groups.size()) + 1)
        return;
    const bool blocked = m_groupChoice->blockSignals(true);
    m_groupChoice->clear();
    m_groupChoice->addItem(tr("All groups"));
    for (const GroupSnapshot &group : snapshot.groups)
        m_groupChoice->addItem(QString::fromStdString(group.name));
    m_groupChoice->blockSignals(blocked);
    m_groupChoice->parentWidget()->show();
}

void RunDashboard::updateOutputs()
{
    const auto stats = m_controller->outputStats();
    for (const OutputStats &output : stats) {
        auto *item = itemFor(m_outputsView, QString::fromStdString(output.name));
        item->setText(1, QString::number(output.sent));
        item->setText(2, QString::number(output.retried));
        item->setText(3, QString::number(output.dropped));
        item->setText(4, QString::number(output.pointsSent));
        item->setText(5, QString::number(output.pointsRejected));
        item->setText(6, QString::fromStdString(output.lastError));
        item->setToolTip(6, QString::fromStdString(output.lastError));
        item->setTextAlignment(6, Qt::AlignLeft | Qt::AlignVCenter);
        item->setIcon(0, style()->standardIcon(output.lastError.empty() && output.dropped == 0
                                                   ? QStyle::SP_DialogApplyButton
                                                   : QStyle::SP_MessageBoxWarning));
    }
    if (!m_controller->isActive())
        m_outputsTimer->stop();
}

void RunDashboard::updateLatencySeries()
{
    const QString key = m_latencyChoice->currentData().toString();
    const auto it = m_latencyBuffers.constFind(key);
    double maxY = 1;
    for (int i = 0; i < 3; ++i) {
        if (it == m_latencyBuffers.constEnd()) {
            m_latencySeries[std::size_t(i)]->clear();
            continue;
        }
        m_latencySeries[std::size_t(i)]->replace((*it)[std::size_t(i)].points());
        maxY = std::max(maxY, (*it)[std::size_t(i)].maxY());
    }
    setAxisMax(m_latencyY, ProfileChartView::niceCeiling(maxY));
}

void RunDashboard::updateRendezvousAndChecks(const Snapshot &snapshot)
{
    // Checks follow the group chosen over the tables; rendezvous points are the run's.
    const GroupSnapshot *group = chosenGroup(snapshot);
    for (const auto &[name, check] : group ? group->checks : snapshot.checks) {
        auto *item = itemFor(m_checks, QString::fromStdString(name));
        const auto all = check.passes + check.fails;
        item->setText(1, QString::number(check.passes));
        item->setText(2, QString::number(check.fails));
        item->setText(3, all ? QString::number(100.0 * double(check.passes) / double(all), 'f', 2) +
                                   QStringLiteral(" %")
                             : QString());
        item->setIcon(0, style()->standardIcon(check.fails ? QStyle::SP_MessageBoxWarning
                                                           : QStyle::SP_DialogApplyButton));
    }
    for (const auto &[name, point] : snapshot.rendezvous) {
        auto *item = itemFor(m_rendezvous, QString::fromStdString(name));
        item->setText(1, QString::number(point.arrivals));
        item->setText(2, QString::number(point.releases));
        item->setText(3, QString::number(point.timeouts));
        item->setText(4, QString::number(point.released));
        item->setText(5, QString::number(point.meanWaitMs, 'f', 1));
        item->setText(6, QString::number(point.maxWaitMs, 'f', 1));
    }
}

void RunDashboard::appendLog(const Snapshot &snapshot)
{
    // With a trace, vu.log() lines come with it (in order with the requests): not twice.
    const bool tracing = m_controller->trace().any();
    for (const auto &line : snapshot.trace) {
        QString text = QString::fromStdString(line.text);
        text.replace('\n', QStringLiteral("\n        "));
        m_log->appendPlainText(QStringLiteral("[%1 s] vuser %2 %3")
                                   .arg(line.elapsedSeconds, 7, 'f', 1)
                                   .arg(line.vuser)
                                   .arg(text));
    }
    if (snapshot.traceDropped > 0)
        m_log->appendPlainText(tr("… %n log line(s) dropped (more than a worker holds between "
                                  "two reports)",
                                  nullptr, int(snapshot.traceDropped)));
    for (const auto &event : snapshot.events) {
        if (tracing && event.level == "info")
            continue;
        m_log->appendPlainText(
            QStringLiteral("[%1 s] %2 vuser %3 (%4): %5")
                .arg(event.elapsedSeconds, 7, 'f', 1)
                .arg(QString::fromStdString(event.level), -7)
                .arg(event.vuser)
                .arg(QString::fromUtf8(errorClassName(event.errorClass).data(),
                                       qsizetype(errorClassName(event.errorClass).size())))
                .arg(QString::fromStdString(event.message)));
    }
    if (snapshot.eventsDropped > 0)
        m_log->appendPlainText(tr("… %n more event(s) this second, counted but not shown", nullptr,
                                  int(snapshot.eventsDropped)));
}

void RunDashboard::onStateChanged(RunController::State state)
{
    const bool active = m_controller->isActive();
    const bool running = state == RunController::State::Running;
    m_runAction->setEnabled(!active);
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
        m_pause->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
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
        // A run whose requests all failed, or that missed its thresholds, is no plain success.
        m_stateLabel->setText(m_controller->verdict().isEmpty()
                                  ? tr("Finished")
                                  : tr("Finished — %1").arg(m_controller->verdict()));
        m_progress->setRange(0, 1000);
        break;
    case RunController::State::Failed:
        m_stateLabel->setText(tr("Failed"));
        m_progress->setRange(0, 1000);
        break;
    }
}

void RunDashboard::onFinished(const SnapshotPtr &snapshot)
{
    // Every table holds the final numbers, whichever is on screen.
    m_tablesPending = snapshot;
    fillTables(*snapshot, true);
    updateOutputs();
    m_thresholdsView->showResults(m_controller->thresholdResults(), true);
    // The same text the headless run prints, from the same function.
    m_summary->setPlainText(
        QString::fromStdString(formatSummary(*snapshot, m_controller->summaryHeader())));
    m_saveJson->setEnabled(true);
    m_progress->setValue(1000);
    m_tabs->setCurrentIndex(m_tabs->count() - 1);
    m_log->appendPlainText(tr("Finished after %1.").arg(formatDuration(snapshot->elapsedSeconds)));
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
