#include "distributionview.h"

#include "format.h"
#include "profilechartview.h"
#include "theme.h"

#include <QAreaSeries>
#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QStackedLayout>
#include <QValueAxis>

#include <cmath>

namespace Loadwizard::Ui {

namespace {

constexpr int binCount = 40;

/// The histogram of `key` ("" = all requests, "transaction: X", "request: X") in the totals.
const Histogram *histogramOf(const Snapshot &snapshot, const QString &key)
{
    if (key.isEmpty())
        return snapshot.totalHistogram.get();
    const auto find = [](const std::map<std::string, NameStats, std::less<>> &names,
                         const QString &name) -> const Histogram * {
        const auto it = names.find(name.toStdString());
        return it == names.end() ? nullptr : it->second.histogram.get();
    };
    if (key.startsWith(QLatin1String("transaction: ")))
        return find(snapshot.transactionsTotal, key.mid(13));
    if (key.startsWith(QLatin1String("request: ")))
        return find(snapshot.requestsTotal, key.mid(9));
    return nullptr;
}

} // namespace

DistributionView::DistributionView(QWidget *parent)
    : QWidget(parent)
    , m_choice(new QComboBox(this))
    , m_placeholder(new QLabel(this))
    , m_chart(new QChart)
    , m_upper(new QLineSeries(this))
    , m_x(new QValueAxis)
    , m_y(new QValueAxis)
{
    m_choice->setAccessibleName(tr("Distribution of"));
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_choice->addItem(tr("All requests"), QString());
    connect(m_choice, &QComboBox::currentIndexChanged, this, &DistributionView::redraw);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setEnabled(false);

    m_chart->setTitle(tr("Latency distribution over the run"));
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->setLocalizeNumbers(true);
    m_chart->setLocale(numberLocale());
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_area = new QAreaSeries(m_upper);
    m_area->setName(tr("responses"));
    m_area->setColor(QColor(0x2f, 0x6f, 0xde, 150));
    m_area->setBorderColor(QColor(0x2f, 0x6f, 0xde));
    m_chart->addSeries(m_area);
    m_x->setTitleText(tr("latency (ms)"));
    m_x->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setTitleText(tr("responses"));
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_area->attachAxis(m_x);
    m_area->attachAxis(m_y);
    const std::array<std::pair<const char *, QColor>, 3> marks{{{"p50", QColor(0x12, 0xa4, 0xa0)},
                                                                {"p95", QColor(0xe0, 0x8e, 0x1b)},
                                                                {"p99", QColor(0xd6, 0x45, 0x41)}}};
    for (const auto &[name, color] : marks) {
        auto *line = new QLineSeries;
        line->setName(QString::fromLatin1(name));
        line->setPen(QPen(color, 2, Qt::DashLine));
        m_chart->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
        m_markers.append(line);
    }
    auto *view = new QChartView(m_chart, this);
    view->setRenderHint(QPainter::Antialiasing);

    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("&Distribution of:"), this);
    label->setBuddy(m_choice);
    row->addWidget(label);
    row->addWidget(m_choice);
    row->addStretch();
    auto *stack = new QStackedLayout;
    stack->setStackingMode(QStackedLayout::StackAll);
    stack->addWidget(m_placeholder);
    stack->addWidget(view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addLayout(stack, 1);
    Theme::styleChart(m_chart, palette());
    clear();
}

void DistributionView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        Theme::styleChart(m_chart, palette());
    QWidget::changeEvent(event);
}

void DistributionView::clear()
{
    m_snapshot.reset();
    const QSignalBlocker blocker(m_choice);
    while (m_choice->count() > 1)
        m_choice->removeItem(1);
    m_choice->setCurrentIndex(0);
    redraw();
}

void DistributionView::applySnapshot(const SnapshotPtr &snapshot)
{
    m_snapshot = snapshot;
    listNames(*snapshot);
    if (isVisible())
        redraw();
}

void DistributionView::showEvent(QShowEvent *event)
{
    redraw();
    QWidget::showEvent(event);
}

void DistributionView::listNames(const Snapshot &snapshot)
{
    const QSignalBlocker blocker(m_choice);
    const auto add = [this](const QString &key, const QString &label) {
        if (m_choice->findData(key) < 0)
            m_choice->addItem(label, key);
    };
    for (const auto &[name, stats] : snapshot.transactionsTotal)
        add(QStringLiteral("transaction: ") + QString::fromStdString(name),
            tr("transaction %1").arg(QString::fromStdString(name)));
    for (const auto &[name, stats] : snapshot.requestsTotal)
        add(QStringLiteral("request: ") + QString::fromStdString(name),
            tr("request %1").arg(QString::fromStdString(name)));
}

void DistributionView::redraw()
{
    m_bins.clear();
    const Histogram *histogram =
        m_snapshot ? histogramOf(*m_snapshot, m_choice->currentData().toString()) : nullptr;
    if (!histogram || histogram->count() == 0) {
        m_upper->clear();
        for (QLineSeries *line : std::as_const(m_markers))
            line->clear();
        m_placeholder->setText(!m_snapshot ? tr("No data yet")
                               : histogram ? tr("No responses yet for this name")
                                           : tr("No distribution: this run kept no histograms"));
        m_placeholder->show();
        return;
    }
    m_placeholder->hide();
    // Bins of one nice width from the fastest response to the 99.9th percentile (the tail
    // beyond it would squash the rest into one bar); the last bin holds that tail.
    const double lowMs = double(histogram->minMicros()) / 1000;
    const double highMs = std::max(lowMs + 0.01, double(histogram->percentileMicros(99.9)) / 1000);
    const double rawWidth = (highMs - lowMs) / binCount;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rawWidth)));
    double width = magnitude;
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        width = factor * magnitude;
        if (width >= rawWidth)
            break;
    }
    const double start = std::floor(lowMs / width) * width;
    QList<QPointF> outline;
    outline.append({start, 0});
    std::uint64_t below = 0;
    double maxCount = 1;
    for (double edge = start; edge < highMs; edge += width) {
        const double upper = edge + width;
        const bool last = upper >= highMs;
        const std::uint64_t atOrBelow =
            last ? histogram->count() : histogram->countAtOrBelow(std::uint64_t(upper * 1000));
        const double count = double(atOrBelow - std::min(atOrBelow, below));
        below = std::max(below, atOrBelow);
        m_bins.append({upper, count});
        outline.append({edge, count});
        outline.append({upper, count});
        maxCount = std::max(maxCount, count);
    }
    outline.append({outline.back().x(), 0});
    m_upper->replace(outline);
    m_x->setRange(start, outline.back().x());
    m_y->setRange(0, ProfileChartView::niceCeiling(maxCount));
    const double percentiles[] = {50, 95, 99};
    for (qsizetype i = 0; i < m_markers.size(); ++i) {
        const double ms = double(histogram->percentileMicros(percentiles[i])) / 1000;
        m_markers[i]->setName(QStringLiteral("p%1 %2 ms")
                                  .arg(int(percentiles[i]))
                                  .arg(formatGrouped(ms, ms < 10 ? 2 : 1)));
        m_markers[i]->replace({{ms, 0}, {ms, m_y->max()}});
    }
}

} // namespace Loadwizard::Ui
