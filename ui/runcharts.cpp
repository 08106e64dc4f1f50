#include "runcharts.h"

#include "format.h"
#include "groupplan.h"
#include "groupschartview.h"
#include "profilechartview.h"
#include "projectdocument.h"
#include "theme.h"
#include "timechartview.h"

#include <QBoxLayout>
#include <QChart>
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QValueAxis>
#include <QWidgetAction>

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

QChart *makeChart(const QString &title, const QString &valueTitle, QValueAxis *&x, QValueAxis *&y)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Thousands separators on the axes, in the user's locale.
    chart->setLocalizeNumbers(true);
    chart->setLocale(numberLocale());
    x = new QValueAxis;
    x->setLabelFormat(QStringLiteral("%.0f"));
    x->setTitleText(QObject::tr("elapsed (s)"));
    x->setTickType(QValueAxis::TicksDynamic);
    x->setTickAnchor(0);
    y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setTitleText(valueTitle);
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

/// 1, 2 or 5 times a power of ten, about `span` / `ticks`.
double niceStep(double span, int ticks)
{
    if (span <= 0)
        return 1;
    const double raw = span / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * magnitude >= raw)
            return std::max(factor * magnitude, 1e-3);
    }
    return 10 * magnitude;
}

/// The largest y among `points` with x in [from, to].
double maxYBetween(const QList<QPointF> &points, double from, double to)
{
    double max = 0;
    for (const QPointF &point : points) {
        if (point.x() >= from && point.x() <= to)
            max = std::max(max, point.y());
    }
    return max;
}

const QColor activeColor(0x2f, 0x6f, 0xde);
const QColor planColor(0x12, 0xa4, 0xa0);
const QColor errorColor(0xd6, 0x45, 0x41);
/// The latency lines' colours, one per name chosen (then again).
const QColor latencyColors[] = {QColor(0x2f, 0x6f, 0xde), QColor(0xe0, 0x8e, 0x1b),
                                QColor(0x12, 0xa4, 0xa0), QColor(0xd6, 0x45, 0x41),
                                QColor(0x7b, 0x4f, 0xc9), QColor(0x5c, 0x8a, 0x2e),
                                QColor(0xc2, 0x4f, 0x9e), QColor(0x6b, 0x6f, 0x78)};

const char *const percentileNames[] = {"p50", "p90", "p95", "p99"};

} // namespace

RunCharts::RunCharts(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_deviationLabel(new QLabel(this))
    , m_latencyNames(new QListWidget(this))
    , m_latencyButton(new QToolButton(this))
    , m_percentileChoice(new QComboBox(this))
    , m_resetZoom(new QPushButton(tr("&Whole run"), this))
{
    m_vusersChart = makeChart(tr("Vusers"), tr("vusers"), m_vusersX, m_vusersY);
    m_profileSeries =
        addLine(m_vusersChart, tr("profile"), QColor(0x8a, 0x8f, 0x98), 1.5, Qt::DashLine);
    m_planSeries = addLine(m_vusersChart, tr("plan with live changes"), planColor);
    m_activeSeries = addLine(m_vusersChart, tr("active"), activeColor);
    attach(m_vusersChart, m_vusersX, m_vusersY);
    m_groupVusers =
        std::make_unique<GroupVusersSeries>(m_vusersChart, m_vusersX, m_vusersY, seriesPoints);
    m_markers = std::make_unique<ChartMarkers>(m_vusersChart, m_vusersX);

    m_rateChart = makeChart(tr("Throughput"), tr("per second"), m_rateX, m_rateY);
    m_requestSeries = addLine(m_rateChart, tr("requests/s"), activeColor);
    m_errorSeries = addLine(m_rateChart, tr("errors/s"), errorColor);
    attach(m_rateChart, m_rateX, m_rateY);

    m_latencyChart = makeChart(tr("Latency"), tr("ms"), m_latencyX, m_latencyY);

    for (int p = 0; p < PercentileCount; ++p)
        m_percentileChoice->addItem(QString::fromLatin1(percentileNames[p]), p);
    m_percentileChoice->setCurrentIndex(P95);
    m_percentileChoice->setAccessibleName(tr("Latency percentile"));
    connect(m_percentileChoice, &QComboBox::currentIndexChanged, this,
            &RunCharts::rebuildLatencyLines);

    // The names to compare: a checkable list in a popup that stays open while checking.
    auto *allRequests = new QListWidgetItem(tr("All requests"), m_latencyNames);
    allRequests->setData(Qt::UserRole, QString());
    allRequests->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    allRequests->setCheckState(Qt::Checked);
    m_latencyNames->setAccessibleName(tr("Latency of"));
    m_latencyNames->setMinimumSize(280, 220);
    connect(m_latencyNames, &QListWidget::itemChanged, this, &RunCharts::rebuildLatencyLines);
    auto *menu = new QMenu(m_latencyButton);
    auto *listAction = new QWidgetAction(menu);
    listAction->setDefaultWidget(m_latencyNames);
    menu->addAction(listAction);
    m_latencyButton->setMenu(menu);
    m_latencyButton->setPopupMode(QToolButton::InstantPopup);
    m_latencyButton->setToolTip(tr("The transactions and requests whose latency is drawn"));

    m_resetZoom->setEnabled(false);
    m_resetZoom->setToolTip(tr("Show the whole run again (or double-click a chart)"));
    connect(m_resetZoom, &QPushButton::clicked, this, &RunCharts::resetZoom);

    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_deviationLabel, 1);
    auto *namesLabel = new QLabel(tr("Latenc&y of:"), this);
    namesLabel->setBuddy(m_latencyButton);
    controls->addWidget(namesLabel);
    controls->addWidget(m_latencyButton);
    auto *percentileLabel = new QLabel(tr("&at:"), this);
    percentileLabel->setBuddy(m_percentileChoice);
    controls->addWidget(percentileLabel);
    controls->addWidget(m_percentileChoice);
    controls->addSpacing(12);
    controls->addWidget(m_resetZoom);

    // Equal columns: the plot areas are then aligned to one size.
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    const std::array<std::tuple<QChart *, QValueAxis *, QString>, 3> charts{
        {{m_vusersChart, m_vusersX, QString()},
         {m_rateChart, m_rateX, tr("/s")},
         {m_latencyChart, m_latencyX, tr("ms")}}};
    for (const auto &[chart, axis, unit] : charts) {
        auto *view = new TimeChartView(chart, axis, unit, this);
        m_views.append(view);
        row->addWidget(view, 1);
        connect(view, &TimeChartView::hovered, this, [this](double seconds) {
            for (TimeChartView *each : std::as_const(m_views))
                each->showCrosshair(seconds);
        });
        connect(view, &TimeChartView::left, this, [this] {
            for (TimeChartView *each : std::as_const(m_views))
                each->hideCrosshair();
        });
        connect(view, &TimeChartView::zoomRequested, this, &RunCharts::zoomTo);
        connect(view, &TimeChartView::wheelZoomRequested, this, &RunCharts::zoomAround);
        connect(view, &TimeChartView::resetRequested, this, &RunCharts::resetZoom);
        connect(view, &TimeChartView::resized, this, &RunCharts::scheduleAlignment);
    }
    connect(m_vusersChart, &QChart::plotAreaChanged, this, [this] { m_markers->relayout(); });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addLayout(row, 1);

    rebuildLatencyLines();
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
    scheduleAlignment();
}

void RunCharts::clear()
{
    m_groupVusers->clear();
    m_markers->clear();
    for (auto *buffer : {&m_planBuffer, &m_activeBuffer, &m_requestBuffer, &m_errorBuffer})
        buffer->clear();
    m_haveRate = false;
    m_lastRate = {};
    m_latencyBuffers.clear();
    for (auto *series : {m_planSeries, m_activeSeries, m_requestSeries, m_errorSeries})
        series->clear();
    for (auto *series : std::as_const(m_latencyLines))
        series->clear();
    // The names of the last run go; the ones checked stay checked when they come back.
    m_latencyNames->blockSignals(true);
    for (int row = m_latencyNames->count() - 1; row > 0; --row) {
        if (m_latencyNames->item(row)->checkState() != Qt::Checked)
            delete m_latencyNames->takeItem(row);
    }
    m_latencyNames->blockSignals(false);
    m_axisMax.clear();
    m_zoomed = false;
    m_resetZoom->setEnabled(false);
    m_lastElapsed = 0;
    applyTimeRange();
    setValueAxisMax(m_rateY, 10);
    setValueAxisMax(m_latencyY, 10);
    m_seriesStale = false;
    m_deviationLabel->setText(tr("Active vusers against the planned profile"));
    updateLatencyButton();
}

void RunCharts::setPlan(const Project &project)
{
    m_plannedSeconds =
        project.groups.empty() ? project.profile.totalSeconds() : groupsPlanSeconds(project);
    m_profileSeries->replace(GroupsChartView::totalPoints(project));
    applyTimeRange();
    setValueAxisMax(m_vusersY, ProfileChartView::niceCeiling(plannedPeakVusers(project)));
}

void RunCharts::append(const Snapshot &snapshot)
{
    const double t = snapshot.elapsedSeconds;
    m_lastElapsed = t;
    // The snapshot's own plan length: a run read back has had no setPlan().
    if (snapshot.plannedSeconds > 0)
        m_plannedSeconds = snapshot.plannedSeconds;
    const double interval = snapshot.intervalSeconds > 0 ? snapshot.intervalSeconds : 1;
    m_activeBuffer.append(t, double(snapshot.activeVusers));
    m_planBuffer.append(t, double(snapshot.plannedVusers));
    // Rates per interval length. A short interval (the last, partial second of a run) is folded
    // into the one before: its few requests over a fraction of a second are no cliff.
    const RateSample sample{double(snapshot.interval.requests),
                            double(snapshot.interval.requestErrors), interval};
    if (m_haveRate && interval < 0.5) {
        m_lastRate.requests += sample.requests;
        m_lastRate.errors += sample.errors;
        m_lastRate.seconds += sample.seconds;
        m_requestBuffer.amendLast(t, m_lastRate.requests / m_lastRate.seconds);
        m_errorBuffer.amendLast(t, m_lastRate.errors / m_lastRate.seconds);
    } else {
        m_lastRate = sample;
        m_haveRate = true;
        m_requestBuffer.append(t, sample.requests / interval);
        m_errorBuffer.append(t, sample.errors / interval);
    }
    m_groupVusers->append(snapshot);

    // Live controls: marks on the vusers chart.
    for (const LogEvent &event : snapshot.events) {
        switch (event.kind) {
        case EventKind::VusersChanged:
            m_markers->addMoment(event.elapsedSeconds,
                                 event.amount > 0 ? QStringLiteral("+%1").arg(event.amount)
                                                  : QStringLiteral("−%1").arg(-event.amount),
                                 QString::fromStdString(event.message));
            break;
        case EventKind::Paused:
            m_markers->beginPause(event.elapsedSeconds);
            break;
        case EventKind::Resumed:
            m_markers->endPause(event.elapsedSeconds);
            break;
        case EventKind::Other:
            break;
        }
    }
    m_markers->setNow(t);

    // Latency history for every name, so choosing another one shows its past at once. An
    // interval without a response has no latency: no point, rather than a drop to zero.
    const auto record = [this, t](const QString &key, const QString &label,
                                  const LatencyStats &latency) {
        auto it = m_latencyBuffers.find(key);
        if (it == m_latencyBuffers.end()) {
            it = m_latencyBuffers.insert(key,
                                         {SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max),
                                          SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max),
                                          SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max),
                                          SeriesBuffer(seriesPoints, SeriesBuffer::Merge::Max)});
            bool listed = key.isEmpty();
            for (int row = 1; row < m_latencyNames->count() && !listed; ++row)
                listed = m_latencyNames->item(row)->data(Qt::UserRole).toString() == key;
            if (!listed) {
                const QSignalBlocker blocker(m_latencyNames);
                auto *item = new QListWidgetItem(label, m_latencyNames);
                item->setData(Qt::UserRole, key);
                item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
                item->setCheckState(Qt::Unchecked);
            }
        }
        if (latency.count == 0)
            return;
        (*it)[P50].append(t, latency.p50Ms);
        (*it)[P90].append(t, latency.p90Ms);
        (*it)[P95].append(t, latency.p95Ms);
        (*it)[P99].append(t, latency.p99Ms);
    };
    record(QString(), tr("All requests"), snapshot.intervalLatency);
    for (const auto &[name, stats] : snapshot.transactionsInterval) {
        const QString text = QString::fromStdString(name);
        record(QStringLiteral("transaction: ") + text, tr("transaction %1").arg(text),
               stats.latency);
    }
    for (const auto &[name, stats] : snapshot.requestsInterval) {
        const QString text = QString::fromStdString(name);
        record(QStringLiteral("request: ") + text, tr("request %1").arg(text), stats.latency);
    }

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
            .arg(formatCount(double(snapshot.activeVusers)))
            .arg(formatCount(double(snapshot.plannedVusers)))
            .arg(formatCount(double(std::llround(profilePlan))))
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
    updateLatencyLines();
    applyTimeRange();
    updateValueAxes();
}

double RunCharts::fullEnd() const
{
    // Past the plan (a pause, a long graceful stop) the time axis grows in nice steps, not every
    // second: a range change costs the chart a relayout.
    return m_lastElapsed > m_plannedSeconds ? ProfileChartView::niceCeiling(m_lastElapsed)
                                            : std::max(10.0, m_plannedSeconds);
}

std::pair<double, double> RunCharts::timeRange() const
{
    return {m_vusersX->min(), m_vusersX->max()};
}

void RunCharts::applyTimeRange()
{
    const double from = m_zoomed ? m_zoomFrom : 0;
    const double to = m_zoomed ? m_zoomTo : fullEnd();
    if (m_vusersX->min() == from && m_vusersX->max() == to)
        return;
    const double step = niceStep(to - from, 6);
    for (auto *axis : {m_vusersX, m_rateX, m_latencyX}) {
        // Never a moment with the old step over the new range (or the reverse): a step of 2 s
        // over a day's range would lay out tens of thousands of ticks.
        if (step > axis->tickInterval()) {
            axis->setTickInterval(step);
            axis->setRange(from, to);
        } else {
            axis->setRange(from, to);
            axis->setTickInterval(step);
        }
        axis->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
    }
    m_markers->relayout();
}

void RunCharts::updateValueAxes()
{
    const auto [from, to] = timeRange();
    const auto visibleMax = [from, to](const QList<QLineSeries *> &lines) {
        double max = 0;
        for (const QLineSeries *line : lines)
            max = std::max(max, maxYBetween(line->points(), from, to));
        return max;
    };
    QList<QLineSeries *> vusers{m_profileSeries, m_planSeries, m_activeSeries};
    vusers += m_groupVusers->series();
    setValueAxisMax(m_vusersY, ProfileChartView::niceCeiling(std::max(visibleMax(vusers), 1.0)));
    setValueAxisMax(m_rateY, ProfileChartView::niceCeiling(
                                 std::max(visibleMax({m_requestSeries, m_errorSeries}), 1.0)));
    setValueAxisMax(m_latencyY,
                    ProfileChartView::niceCeiling(std::max(visibleMax(m_latencyLines), 1.0)));
}

void RunCharts::setValueAxisMax(QValueAxis *axis, double max)
{
    const auto it = m_axisMax.constFind(axis);
    if (it != m_axisMax.constEnd() && *it == max)
        return;
    m_axisMax.insert(axis, max);
    axis->setRange(0, max);
    axis->applyNiceNumbers();
    const double step = (axis->max() - axis->min()) / std::max(1, axis->tickCount() - 1);
    axis->setLabelFormat(step >= 1     ? QStringLiteral("%.0f")
                         : step >= 0.1 ? QStringLiteral("%.1f")
                                       : QStringLiteral("%.2f"));
    // Wider labels move the plot area's left edge: the charts are aligned again.
    scheduleAlignment();
}

void RunCharts::zoomTo(double from, double to)
{
    const double end = std::max(fullEnd(), m_lastElapsed);
    from = std::clamp(from, 0.0, end);
    to = std::clamp(to, 0.0, end);
    if (to - from < 2) { // two seconds at least: two snapshots
        const double center = (from + to) / 2;
        from = std::max(0.0, center - 1);
        to = std::min(end, from + 2);
    }
    if (from <= 0 && to >= fullEnd()) {
        resetZoom();
        return;
    }
    m_zoomed = true;
    m_zoomFrom = from;
    m_zoomTo = to;
    m_resetZoom->setEnabled(true);
    applyTimeRange();
    updateValueAxes();
    emit zoomChanged();
}

void RunCharts::zoomAround(double center, double factor)
{
    const auto [from, to] = timeRange();
    const double span = (to - from) * factor;
    const double fraction = to > from ? (center - from) / (to - from) : 0.5;
    zoomTo(center - fraction * span, center + (1 - fraction) * span);
}

void RunCharts::resetZoom()
{
    const bool was = m_zoomed;
    m_zoomed = false;
    m_resetZoom->setEnabled(false);
    applyTimeRange();
    updateValueAxes();
    if (was)
        emit zoomChanged();
}

void RunCharts::scheduleAlignment()
{
    if (m_alignPending)
        return;
    m_alignPending = true;
    QTimer::singleShot(0, this, [this] {
        m_alignPending = false;
        alignPlotAreas();
    });
}

void RunCharts::alignPlotAreas()
{
    // Each chart lays itself out first (its own labels, titles, legend: on its next layout
    // request), then every one gets the largest insets any of them needs and the smallest size
    // left: one plot area for all. Hidden charts wait for showEvent().
    if (!isVisible())
        return;
    for (QChart *chart : {m_vusersChart, m_rateChart, m_latencyChart})
        chart->setPlotArea(QRectF());
    QTimer::singleShot(0, this, &RunCharts::applyAlignment);
}

void RunCharts::applyAlignment()
{
    const QList<QChart *> charts{m_vusersChart, m_rateChart, m_latencyChart};
    QMarginsF insets;
    double width = 1e9;
    double height = 1e9;
    for (QChart *chart : charts) {
        const QRectF all = chart->rect();
        const QRectF plot = chart->plotArea();
        insets.setLeft(std::max(insets.left(), plot.left() - all.left()));
        insets.setTop(std::max(insets.top(), plot.top() - all.top()));
        insets.setRight(std::max(insets.right(), all.right() - plot.right()));
        insets.setBottom(std::max(insets.bottom(), all.bottom() - plot.bottom()));
    }
    for (QChart *chart : charts) {
        width = std::min(width, chart->rect().width() - insets.left() - insets.right());
        height = std::min(height, chart->rect().height() - insets.top() - insets.bottom());
    }
    if (width <= 10 || height <= 10)
        return;
    for (QChart *chart : charts) {
        const QRectF all = chart->rect();
        chart->setPlotArea(
            QRectF(all.left() + insets.left(), all.top() + insets.top(), width, height));
    }
    m_markers->relayout();
}

void RunCharts::chooseLatencyNames(const QStringList &keys)
{
    {
        const QSignalBlocker blocker(m_latencyNames);
        for (int row = 0; row < m_latencyNames->count(); ++row) {
            QListWidgetItem *item = m_latencyNames->item(row);
            item->setCheckState(keys.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                   : Qt::Unchecked);
        }
    }
    rebuildLatencyLines();
}

void RunCharts::rebuildLatencyLines()
{
    QStringList keys;
    QStringList labels;
    for (int row = 0; row < m_latencyNames->count(); ++row) {
        const QListWidgetItem *item = m_latencyNames->item(row);
        if (item->checkState() == Qt::Checked) {
            keys << item->data(Qt::UserRole).toString();
            labels << item->text();
        }
    }
    const QString percentile = m_percentileChoice->currentText();
    if (keys != m_latencyLineKeys) {
        for (QLineSeries *line : std::as_const(m_latencyLines)) {
            m_latencyChart->removeSeries(line);
            delete line;
        }
        m_latencyLines.clear();
        for (qsizetype i = 0; i < keys.size(); ++i) {
            QLineSeries *line =
                addLine(m_latencyChart, labels[i], latencyColors[i % std::size(latencyColors)]);
            line->attachAxis(m_latencyX);
            line->attachAxis(m_latencyY);
            m_latencyLines.append(line);
        }
        m_latencyLineKeys = keys;
        Theme::styleChart(m_latencyChart, palette());
    }
    m_latencyChart->setTitle(tr("Latency %1").arg(percentile));
    updateLatencyButton();
    updateLatencyLines();
    m_axisMax.remove(m_latencyY);
    updateValueAxes();
    scheduleAlignment();
}

void RunCharts::updateLatencyLines()
{
    const int percentile = std::clamp(m_percentileChoice->currentIndex(), 0, PercentileCount - 1);
    for (qsizetype i = 0; i < m_latencyLines.size(); ++i) {
        const auto it = m_latencyBuffers.constFind(m_latencyLineKeys[i]);
        if (it == m_latencyBuffers.constEnd())
            m_latencyLines[i]->clear();
        else
            m_latencyLines[i]->replace((*it)[std::size_t(percentile)].points());
    }
}

void RunCharts::updateLatencyButton()
{
    if (m_latencyLineKeys.isEmpty()) {
        m_latencyButton->setText(tr("nothing"));
        return;
    }
    const QString first = m_latencyLines.isEmpty() ? QString() : m_latencyLines.front()->name();
    m_latencyButton->setText(
        m_latencyLineKeys.size() == 1
            ? first
            : tr("%1 and %n more", nullptr, int(m_latencyLineKeys.size() - 1)).arg(first));
}

} // namespace Loadwizard::Ui
