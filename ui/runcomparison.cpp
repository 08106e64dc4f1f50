#include "runcomparison.h"

#include "comparisonmodel.h"
#include "exporting.h"
#include "format.h"
#include "profilechartview.h"
#include "seriesbuffer.h"
#include "theme.h"

#include <loadwizard/comparison.h>

#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>

namespace Loadwizard::Ui {

namespace {

const QColor colorA(0x8a, 0x8f, 0x98);
const QColor colorB(0x2f, 0x6f, 0xde);
constexpr int seriesPoints = 600;

QChart *makeChart(const QString &title, QValueAxis *&x, QValueAxis *&y, QLineSeries *(&lines)[2])
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    x = new QValueAxis;
    x->setLabelFormat("%g");
    x->setTitleText(QObject::tr("seconds since the start"));
    y = new QValueAxis;
    y->setLabelFormat("%g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (int i = 0; i < 2; ++i) {
        lines[i] = new QLineSeries;
        lines[i]->setName(i == 0 ? QObject::tr("A") : QObject::tr("B"));
        lines[i]->setPen(QPen(i == 0 ? colorA : colorB, 2, i == 0 ? Qt::DashLine : Qt::SolidLine));
        chart->addSeries(lines[i]);
        lines[i]->attachAxis(x);
        lines[i]->attachAxis(y);
    }
    return chart;
}

QChartView *viewFor(QChart *chart, QWidget *parent)
{
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 200);
    return view;
}

QString describe(const SavedRun &run)
{
    const ResultsManifest &m = run.manifest;
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m.started.time_since_epoch()).count();
    QString text =
        QStringLiteral("%1 %2 · %3 · %4")
            .arg(QString::fromStdString(m.project).toHtmlEscaped(),
                 QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                 formatDuration(m.durationSeconds),
                 QString::fromStdString(runEndingLabel(m.status, true)));
    if (!m.verdict.empty())
        text += QStringLiteral(" · ") + QString::fromStdString(m.verdict).toHtmlEscaped();
    return text;
}

} // namespace

RunComparison::RunComparison(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_model(new ComparisonModel(this))
    , m_table(new QTableView(this))
{
    m_rateChart = makeChart(tr("Throughput (requests/s)"), m_rateX, m_rateY, m_rateSeries);
    m_latencyChart = makeChart(tr("Latency p95 (ms)"), m_latencyX, m_latencyY, m_latencySeries);
    m_rateView = viewFor(m_rateChart, this);
    m_latencyView = viewFor(m_latencyChart, this);
    for (auto *chart : {m_rateChart, m_latencyChart})
        Theme::styleChart(chart, palette());

    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    m_table->setAccessibleName(tr("Comparison"));
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    connect(m_model, &QAbstractItemModel::modelReset, m_table,
            &QTableView::resizeColumnsToContents);

    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_rateView);
    charts->addWidget(m_latencyView);
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(charts);
    vertical->addWidget(m_table);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(vertical, 1);

    Exporting::addExportMenus(this, QStringLiteral("comparison"));
}

RunComparison::~RunComparison() = default;

void RunComparison::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        for (auto *chart : {m_rateChart, m_latencyChart})
            Theme::styleChart(chart, palette());
    }
    QWidget::changeEvent(event);
}

void RunComparison::clear()
{
    m_a.reset();
    m_b.reset();
    m_model->clear();
    m_title->clear();
    for (int i = 0; i < 2; ++i) {
        m_rateSeries[i]->clear();
        m_latencySeries[i]->clear();
    }
}

void RunComparison::compare(const SavedRunPtr &a, const SavedRunPtr &b)
{
    clear();
    if (!a || !b)
        return;
    m_a = a;
    m_b = b;
    m_title->setText(tr("<b>A</b> (baseline): %1<br><b>B</b>: %2").arg(describe(*a), describe(*b)));

    double xMax = 10;
    double rateMax = 1;
    double latencyMax = 1;
    const SavedRunPtr runs[] = {a, b};
    for (int i = 0; i < 2; ++i) {
        // Long runs are merged into a bounded number of points, as on the live charts.
        SeriesBuffer rate(seriesPoints, SeriesBuffer::Merge::Mean);
        SeriesBuffer latency(seriesPoints, SeriesBuffer::Merge::Max);
        double lastRequests = 0;
        double lastSeconds = 0;
        for (const auto &snapshot : runs[i]->snapshots) {
            const double t = snapshot->elapsedSeconds;
            const double interval = snapshot->intervalSeconds > 0 ? snapshot->intervalSeconds : 1;
            const double requests = double(snapshot->interval.requests);
            xMax = std::max(xMax, t);
            if (lastSeconds > 0 && interval < 0.5) {
                // The last, partial second is folded into the one before, as on the Run tab:
                // its few requests over a fraction of a second are no cliff.
                lastRequests += requests;
                lastSeconds += interval;
                rate.amendLast(t, lastRequests / lastSeconds);
                continue;
            }
            lastRequests = requests;
            lastSeconds = interval;
            rate.append(t, requests / interval);
            if (snapshot->intervalLatency.count > 0)
                latency.append(t, snapshot->intervalLatency.p95Ms);
        }
        m_rateSeries[i]->replace(rate.points());
        m_latencySeries[i]->replace(latency.points());
        rateMax = std::max(rateMax, rate.maxY());
        latencyMax = std::max(latencyMax, latency.maxY());
    }
    for (auto *axis : {m_rateX, m_latencyX}) {
        axis->setRange(0, ProfileChartView::niceCeiling(xMax));
        axis->applyNiceNumbers();
    }
    m_rateY->setRange(0, ProfileChartView::niceCeiling(rateMax));
    m_rateY->applyNiceNumbers();
    m_latencyY->setRange(0, ProfileChartView::niceCeiling(latencyMax));
    m_latencyY->applyNiceNumbers();

    // The engine's figures and classification, as `loadwizard compare` prints them.
    m_model->compare(runFigures(*a), runFigures(*b));
}

} // namespace Loadwizard::Ui
