#include "summarypanel.h"

#include "format.h"
#include "runstatus.h"

#include <QApplication>
#include <QBoxLayout>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>

namespace Loadwizard::Ui {

namespace {

constexpr int tileColumns = 4;
constexpr int tileCount = 12;

QString milliseconds(double value)
{
    return QObject::tr("%1 ms").arg(formatGrouped(value, value < 10 ? 2 : 1));
}

QString bytes(std::uint64_t value)
{
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = double(value);
    int unit = 0;
    while (v >= 1000 && unit < 4) {
        v /= 1000;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(value)
                     : QStringLiteral("%1 %2").arg(formatGrouped(v, 1), QLatin1String(units[unit]));
}

QColor endingColor(RunEnding ending, bool problems)
{
    switch (ending) {
    case RunEnding::Running:
        break;
    case RunEnding::Completed:
        return problems ? QColor(0xe0, 0x8e, 0x1b) : QColor(0x2e, 0x9d, 0x4f);
    case RunEnding::Stopped:
        return QColor(0x2f, 0x6f, 0xde);
    case RunEnding::Aborted:
        return QColor(0xe0, 0x8e, 0x1b);
    case RunEnding::FailedThresholds:
    case RunEnding::Crashed:
        return QColor(0xd6, 0x45, 0x41);
    }
    return QColor(0x80, 0x80, 0x80);
}

} // namespace

SummaryPanel::SummaryPanel(QWidget *parent)
    : QWidget(parent)
    , m_verdict(new QLabel(this))
    , m_numbers(new QWidget(this))
    , m_grid(new QGridLayout(m_numbers))
    , m_thresholds(new QLabel(this))
    , m_showText(new QToolButton(this))
    , m_copy(new QPushButton(tr("&Copy as text"), this))
    , m_saveJson(new QPushButton(tr("Save summary &JSON…"), this))
    , m_text(new QPlainTextEdit(this))
{
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setAccessibleName(tr("Verdict"));
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(24);
    m_grid->setVerticalSpacing(12);
    for (int i = 0; i < tileCount; ++i) {
        auto *tile = new QLabel(m_numbers);
        tile->setTextFormat(Qt::RichText);
        tile->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_grid->addWidget(tile, i / tileColumns, i % tileColumns);
        m_tiles.append(tile);
    }
    for (int column = 0; column < tileColumns; ++column)
        m_grid->setColumnStretch(column, 1);
    m_thresholds->setTextFormat(Qt::RichText);
    m_thresholds->setWordWrap(true);
    m_thresholds->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_showText->setText(tr("Show as &text"));
    m_showText->setCheckable(true);
    m_showText->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_showText->setArrowType(Qt::RightArrow);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setAccessibleName(tr("Summary as text"));
    m_text->setMinimumHeight(160);
    m_text->hide();
    connect(m_showText, &QToolButton::toggled, this, [this](bool shown) {
        m_text->setVisible(shown);
        m_showText->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_text->toPlainText()); });

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(m_verdict);
    contentLayout->addSpacing(6);
    contentLayout->addWidget(m_numbers);
    contentLayout->addSpacing(6);
    contentLayout->addWidget(m_thresholds);
    contentLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_showText);
    buttons->addStretch();
    buttons->addWidget(m_copy);
    buttons->addWidget(m_saveJson);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_text, 1);
    clear();
}

void SummaryPanel::setTile(int index, const QString &caption, const QString &value,
                           const QString &note)
{
    m_values.insert(caption, value);
    const QString muted = palette().color(QPalette::PlaceholderText).name();
    m_tiles[index]->setText(
        QStringLiteral("<div style='color:%1'>%2</div><div style='font-size:15pt'>%3</div>%4")
            .arg(muted, caption.toHtmlEscaped(), value.toHtmlEscaped(),
                 note.isEmpty() ? QString()
                                : QStringLiteral("<div style='color:%1'>%2</div>")
                                      .arg(muted, note.toHtmlEscaped())));
}

QString SummaryPanel::value(const QString &caption) const
{
    return m_values.value(caption);
}

void SummaryPanel::clear()
{
    m_values.clear();
    m_verdict->setText(tr("<p style='font-size:13pt'>The summary appears here when a run "
                          "ends.</p>"));
    m_numbers->hide();
    m_thresholds->clear();
    m_text->clear();
    m_copy->setEnabled(false);
    m_saveJson->setEnabled(false);
}

void SummaryPanel::showFailure(const QString &message)
{
    clear();
    m_verdict->setText(tr("<p style='font-size:15pt;color:#d64541'><b>Could not start</b></p>"
                          "<p>%1</p>")
                           .arg(message.toHtmlEscaped()));
    m_text->setPlainText(tr("The run could not start:\n\n%1").arg(message));
    m_copy->setEnabled(true);
}

void SummaryPanel::showRun(const Snapshot &s, const SummaryHeader &header, RunEnding ending,
                           const QString &status)
{
    m_values.clear();
    const Counters &t = s.total;
    const double seconds = std::max(s.elapsedSeconds, 1e-3);
    const bool problems = status.contains(QStringLiteral(" — "));
    const QColor color = endingColor(ending, problems);
    const QString title = status.section(QStringLiteral(" — "), 0, 0);
    const QString detail = status.section(QStringLiteral(" — "), 1);
    QString what =
        QString::fromStdString(header.project.empty() ? header.scenario : header.project);
    m_verdict->setText(
        QStringLiteral("<table width='100%' cellpadding='8' style='border-left:6px solid %1'>"
                       "<tr><td><span style='font-size:17pt;color:%1'><b>%2</b></span>"
                       "<br>%3<br><span style='color:%4'>%5</span></td></tr></table>")
            .arg(color.name(), title.toHtmlEscaped(), detail.toHtmlEscaped(),
                 palette().color(QPalette::PlaceholderText).name(),
                 tr("%1 · %2 · %3")
                     .arg(what.toHtmlEscaped(),
                          QString::fromStdString(header.profileLabel.empty() ? header.profile
                                                                             : header.profileLabel)
                              .toHtmlEscaped(),
                          formatDuration(s.elapsedSeconds))));
    m_verdict->setProperty("ending", QString::fromLatin1(runEndingName(ending).data(),
                                                         qsizetype(runEndingName(ending).size())));

    const LatencyStats &l = s.totalLatency;
    const double errorShare = t.requests ? 100.0 * double(t.requestErrors) / double(t.requests) : 0;
    setTile(0, tr("Duration"), formatDuration(s.elapsedSeconds),
            tr("planned %1").arg(formatDuration(s.plannedSeconds)));
    setTile(1, tr("Vusers"), formatCount(double(s.maxVusers)),
            tr("max of %1 planned").arg(formatCount(double(s.maxPlannedVusers))));
    setTile(2, tr("Requests"), formatCount(double(t.requests)),
            tr("%1/s over the run").arg(formatGrouped(double(t.requests) / seconds, 1)));
    setTile(3, tr("Errors"), formatCount(double(t.requestErrors)),
            tr("%1 % of requests").arg(formatGrouped(errorShare, 2)));
    setTile(4, tr("p50"), milliseconds(l.p50Ms), tr("min %1").arg(milliseconds(l.minMs)));
    setTile(5, tr("p95"), milliseconds(l.p95Ms), tr("p90 %1").arg(milliseconds(l.p90Ms)));
    setTile(6, tr("p99"), milliseconds(l.p99Ms), tr("max %1").arg(milliseconds(l.maxMs)));
    setTile(7, tr("Mean"), milliseconds(l.meanMs));
    setTile(8, tr("Iterations"), formatCount(double(t.iterations)),
            tr("%1 failed · %2 interrupted")
                .arg(formatCount(double(t.iterationsFailed)),
                     formatCount(double(t.iterationsInterrupted))));
    const auto checks = t.checksPassed + t.checksFailed;
    setTile(9, tr("Checks"),
            checks ? formatGrouped(100.0 * double(t.checksPassed) / double(checks), 2) +
                         QStringLiteral(" %")
                   : tr("none"),
            checks ? tr("%1 failed").arg(formatCount(double(t.checksFailed))) : QString());
    setTile(10, tr("Data in"), bytes(t.bytesIn), tr("out %1").arg(bytes(t.bytesOut)));
    setTile(11, tr("Throughput"), tr("%1/s").arg(formatGrouped(double(t.iterations) / seconds, 2)),
            tr("iterations over the run"));
    m_numbers->show();

    if (header.thresholds.empty()) {
        m_thresholds->setText(tr("<b>Thresholds</b><br>none in this project"));
    } else {
        QString rows;
        for (const ThresholdResult &result : header.thresholds) {
            const bool failed = result.failed(true);
            rows += QStringLiteral("<tr><td style='color:%1'>%2</td><td>%3</td><td "
                                   "align='right'>%4</td><td>%5</td></tr>")
                        .arg(failed ? QStringLiteral("#d64541") : QStringLiteral("#2e9d4f"),
                             failed ? QStringLiteral("✗") : QStringLiteral("✓"),
                             QString::fromStdString(result.settings.expression).toHtmlEscaped(),
                             QString::fromStdString(result.observedText).toHtmlEscaped(),
                             result.aborted ? tr("aborted the run")
                             : failed       ? tr("failed")
                                            : tr("passed"));
        }
        m_thresholds->setText(tr("<b>Thresholds</b><table cellspacing='0' cellpadding='3'>%1"
                                 "</table>")
                                  .arg(rows));
    }
    // The same text the headless run prints, from the same function.
    m_text->setPlainText(QString::fromStdString(formatSummary(s, header)));
    m_copy->setEnabled(true);
    m_saveJson->setEnabled(true);
}

} // namespace Loadwizard::Ui
