#include "timingsview.h"

#include "format.h"
#include "placeholder.h"
#include "profilechartview.h"
#include "theme.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QHorizontalStackedBarSeries>
#include <QSplitter>
#include <QTreeWidget>
#include <QValueAxis>

#include <algorithm>

namespace Loadwizard::Ui {

namespace {

constexpr int chartedNames = 12;

const char *const phaseNames[] = {QT_TRANSLATE_NOOP("Loadwizard::Ui::TimingsView", "DNS"),
                                  QT_TRANSLATE_NOOP("Loadwizard::Ui::TimingsView", "Connect"),
                                  QT_TRANSLATE_NOOP("Loadwizard::Ui::TimingsView", "TLS"),
                                  QT_TRANSLATE_NOOP("Loadwizard::Ui::TimingsView", "Wait (TTFB)"),
                                  QT_TRANSLATE_NOOP("Loadwizard::Ui::TimingsView", "Transfer")};
const QColor phaseColors[] = {QColor(0x7b, 0x4f, 0xc9), QColor(0xe0, 0x8e, 0x1b),
                              QColor(0xc2, 0x4f, 0x9e), QColor(0x2f, 0x6f, 0xde),
                              QColor(0x12, 0xa4, 0xa0)};

} // namespace

std::array<double, 5> TimingsView::phases(const TimingBreakdown &t)
{
    // libcurl's times all count from the start: each phase is the step from the one before.
    const double dns = std::max(0.0, t.dnsMs);
    const double connected = std::max(dns, t.connectMs);
    const double secured = t.tlsMs > 0 ? std::max(connected, t.tlsMs) : connected;
    const double firstByte = std::max(secured, t.ttfbMs);
    const double total = std::max(firstByte, t.totalMs);
    return {dns, connected - dns, secured - connected, firstByte - secured, total - firstByte};
}

TimingsView::TimingsView(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTreeWidget(this))
    , m_chart(new QChart)
    , m_bars(new QHorizontalStackedBarSeries)
    , m_names(new QBarCategoryAxis)
    , m_ms(new QValueAxis)
{
    m_table->setHeaderLabels({tr("Request"), tr("DNS ms"), tr("Connect ms"), tr("TLS ms"),
                              tr("Wait ms"), tr("Transfer ms"), tr("Total ms")});
    m_table->headerItem()->setToolTip(WaitColumn,
                                      tr("From the request sent to the response's first byte"));
    m_table->setRootIsDecorated(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->setAccessibleName(tr("Timing breakdown"));
    m_table->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->header()->setStretchLastSection(false);
    setEmptyPlaceholder(m_table, tr("No data yet: the timing breakdown of each request name "
                                    "appears once one has a response"));

    for (int phase = 0; phase < 5; ++phase) {
        auto *set = new QBarSet(tr(phaseNames[phase]));
        set->setColor(phaseColors[phase]);
        set->setBorderColor(phaseColors[phase]);
        m_bars->append(set);
    }
    m_chart->addSeries(m_bars);
    m_chart->setTitle(tr("Mean time per phase (slowest names)"));
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->setLocalizeNumbers(true);
    m_chart->setLocale(numberLocale());
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_ms->setTitleText(tr("ms"));
    m_ms->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_names, Qt::AlignLeft);
    m_chart->addAxis(m_ms, Qt::AlignBottom);
    m_bars->attachAxis(m_names);
    m_bars->attachAxis(m_ms);
    auto *view = new QChartView(m_chart, this);
    view->setRenderHint(QPainter::Antialiasing);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(view);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    Theme::styleChart(m_chart, palette());
    clear();
}

void TimingsView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        Theme::styleChart(m_chart, palette());
    QWidget::changeEvent(event);
}

void TimingsView::clear()
{
    m_table->clear();
    for (QBarSet *set : m_bars->barSets())
        set->remove(0, set->count());
    m_names->clear();
    m_ms->setRange(0, 10);
}

void TimingsView::applySnapshot(const Snapshot &snapshot)
{
    for (const auto &[name, timing] : snapshot.timings) {
        const QString text = QString::fromStdString(name);
        const auto found = m_table->findItems(text, Qt::MatchExactly, NameColumn);
        QTreeWidgetItem *item =
            found.isEmpty() ? new QTreeWidgetItem(m_table, {text}) : found.front();
        item->setToolTip(NameColumn, text);
        const auto parts = phases(timing);
        for (int phase = 0; phase < 5; ++phase)
            item->setText(DnsColumn + phase, formatGrouped(parts[std::size_t(phase)], 2));
        item->setText(TotalColumn, formatGrouped(timing.totalMs, 2));
        for (int column = DnsColumn; column < ColumnCount; ++column)
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
    // The slowest names, slowest on top (a horizontal bar chart draws its first category at the
    // bottom).
    std::vector<std::pair<double, std::string>> byTotal;
    for (const auto &[name, timing] : snapshot.timings)
        byTotal.emplace_back(timing.totalMs, name);
    std::sort(byTotal.begin(), byTotal.end(), std::greater<>());
    if (byTotal.size() > chartedNames)
        byTotal.resize(chartedNames);
    std::reverse(byTotal.begin(), byTotal.end());
    QStringList categories;
    std::array<QList<qreal>, 5> values;
    double max = 1;
    for (const auto &[total, name] : byTotal) {
        QString label = QString::fromStdString(name);
        if (label.size() > 32)
            label = label.left(31) + QStringLiteral("…");
        categories << label;
        const auto parts = phases(snapshot.timings.find(name)->second);
        for (std::size_t phase = 0; phase < 5; ++phase)
            values[phase].append(parts[phase]);
        max = std::max(max, total);
    }
    if (categories != m_names->categories()) {
        m_names->clear();
        m_names->append(categories);
    }
    const auto sets = m_bars->barSets();
    for (std::size_t phase = 0; phase < 5 && phase < std::size_t(sets.size()); ++phase) {
        QBarSet *set = sets[qsizetype(phase)];
        set->remove(0, set->count());
        set->append(values[phase]);
    }
    m_ms->setRange(0, ProfileChartView::niceCeiling(max));
}

} // namespace Loadwizard::Ui
