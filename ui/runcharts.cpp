#include "runcharts.h"

#include "groupplan.h"
#include "groupschartview.h"
#include "profilechartview.h"
#include "projectdocument.h"
#include "theme.h"

#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QSplitter>
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

const QColor activeColor(0x2f, 0x6f, 0xde);
const QColor planColor(0x12, 0xa4, 0xa0);
const QColor errorColor(0xd6, 0x45, 0x41);

} // namespace

RunCharts::RunCharts(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_deviationLabel(new QLabel(this))
    , m_latencyChoice(new QComboBox(this))
{
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
            &RunCharts::updateLatencySeries);

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
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(charts);

    clear();
    for (auto *chart : {m_vusersChart, m_rateChart, m_latencyChart})
        Theme::styleChart(chart, palette());
}

RunCharts::~RunCharts() = default;

void RunCharts::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        for (auto *chart : {m_vusersChart, m_rateChart, m_latencyChart})
            Theme::styleChart(chart, palette());
    }
    QWidget::changeEvent(event);
}

void RunCharts::showEvent(QShowEvent *event)
{
    if (m_seriesStale)
        updateSeries();
    QWidget::showEvent(event);
}

void RunCharts::clear()
{
    m_groupVusers->clear();
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
    m_deviationLabel->setText(tr("Active vusers against the planned profile"));
    m_lastElapsed = 0;
}

void RunCharts::setPlan(const Project &project)
{
    m_plannedSeconds =
        project.groups.empty() ? project.profile.totalSeconds() : groupsPlanSeconds(project);
    m_profileSeries->replace(GroupsChartView::totalPoints(project));
    m_vusersX->setRange(0, std::max(10.0, m_plannedSeconds));
    m_vusersY->setRange(0, ProfileChartView::niceCeiling(plannedPeakVusers(project)));
    m_vusersY->applyNiceNumbers();
}

void RunCharts::append(const Snapshot &snapshot)
{
    const double t = snapshot.elapsedSeconds;
    m_lastElapsed = t;
    const double interval = snapshot.intervalSeconds > 0 ? snapshot.intervalSeconds : 1;
    m_activeBuffer.append(t, double(snapshot.activeVusers));
    m_planBuffer.append(t, double(snapshot.plannedVusers));
    m_requestBuffer.append(t, double(snapshot.interval.requests) / interval);
    m_errorBuffer.append(t, double(snapshot.interval.requestErrors) / interval);
    m_groupVusers->append(snapshot);

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

    // Charts nobody sees are brought up to date when they are shown.
    if (isVisible())
        updateSeries();
    else
        m_seriesStale = true;
    if (m_savedRun)
        return;

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

void RunCharts::setSavedRun(bool saved)
{
    m_savedRun = saved;
    m_deviationLabel->setVisible(!saved);
}

void RunCharts::updateSeries()
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

void RunCharts::setAxisMax(QValueAxis *axis, double max)
{
    const auto it = m_axisMax.constFind(axis);
    if (it != m_axisMax.constEnd() && *it == max)
        return;
    m_axisMax.insert(axis, max);
    axis->setRange(0, max);
    axis->applyNiceNumbers();
}

void RunCharts::updateLatencySeries()
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

} // namespace Loadwizard::Ui
