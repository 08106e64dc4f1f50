#include "trypanel.h"

#include "format.h"

#include <QBoxLayout>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>

#include <nlohmann/json.hpp>

namespace Loadwizard::Ui {

using Steps::StepEvent;

namespace {

constexpr int DetailRole = Qt::UserRole;
const QColor failColor(214, 69, 65);
const QColor passColor(46, 160, 67);

QString milliseconds(double seconds)
{
    return QStringLiteral("%1 ms").arg(formatNumber(seconds * 1000, 1));
}

QString headerLines(const std::vector<Header> &headers)
{
    QString text;
    for (const Header &header : headers)
        text += QString::fromStdString(header.name + ": " + header.value) + '\n';
    return text;
}

} // namespace

TryPanel::TryPanel(QWidget *parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
    , m_tree(new QTreeWidget(this))
    , m_details(new QPlainTextEdit(this))
{
    m_tree->setObjectName(QStringLiteral("tryEvents"));
    m_tree->setHeaderLabels({tr("Step"), tr("Status"), tr("Time"), tr("Result")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(3, QHeaderView::Interactive);
    m_tree->setColumnWidth(3, 150);
    m_tree->setMinimumWidth(420);
    m_tree->setAccessibleName(tr("Requests of the try"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setAccessibleName(tr("Request and response"));
    m_status->setWordWrap(true);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_details);
    splitter->setSizes({600, 400});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &TryPanel::showDetails);
    clear();
}

void TryPanel::clear()
{
    m_tree->clear();
    m_details->clear();
    m_detailTexts.clear();
    m_lastRequest = nullptr;
    m_requests = 0;
    m_status->setText(tr("<i>Try one iteration runs one vuser once against the target and "
                         "shows every request here.</i>"));
}

void TryPanel::setRunning()
{
    clear();
    m_status->setText(tr("Running one iteration…"));
}

QTreeWidgetItem *TryPanel::addItem(QTreeWidgetItem *parent, const QStringList &columns, int detail)
{
    auto *item =
        parent ? new QTreeWidgetItem(parent, columns) : new QTreeWidgetItem(m_tree, columns);
    item->setData(0, DetailRole, detail);
    return item;
}

QString TryPanel::bodyText(const std::string &body, bool truncatedByEngine)
{
    QString text;
    if (nlohmann::json::accept(body)) {
        text = QString::fromStdString(nlohmann::json::parse(body).dump(2));
    } else {
        text = QString::fromUtf8(body.data(), qsizetype(body.size()));
    }
    if (text.size() > maxBodyBytes) {
        const qsizetype total = text.size();
        text.truncate(maxBodyBytes);
        text += tr("\n… (cut here: %1 more characters not shown)").arg(total - maxBodyBytes);
    }
    if (truncatedByEngine)
        text += tr("\n… (the engine kept only this much of the body: http.max_body)");
    return text;
}

QString TryPanel::requestDetails(const StepEvent &event)
{
    const auto &request = event.request;
    const auto &response = event.response;
    QString text = QString::fromStdString(request.method + " " + request.url) + '\n';
    text += headerLines(request.headers);
    if (!request.body.empty())
        text += '\n' + bodyText(request.body) + '\n';
    text += QStringLiteral("\n――― ");
    if (!response.error.empty())
        text += tr("no response: %1").arg(QString::fromStdString(response.error));
    else
        text += tr("status %1").arg(response.status);
    text += tr(" — %1, first byte after %2")
                .arg(milliseconds(response.seconds), milliseconds(response.ttfbSeconds));
    if (!response.url.empty())
        text += tr("\n(redirected to %1)").arg(QString::fromStdString(response.url));
    text += '\n' + headerLines(response.headers) + '\n';
    text += bodyText(response.body, response.truncated);
    return text;
}

void TryPanel::addStepEvent(const StepEvent &event)
{
    const int detail = int(m_detailTexts.size());
    const QString name = QString::fromStdString(event.name);
    const QString message = QString::fromStdString(event.message);
    QTreeWidgetItem *item = nullptr;
    switch (event.kind) {
    case StepEvent::Kind::Request: {
        const auto &response = event.response;
        m_detailTexts.push_back(requestDetails(event));
        item = addItem(nullptr,
                       {QString::fromStdString(event.request.method + " " + event.request.url),
                        response.error.empty() ? QString::number(response.status) : tr("error"),
                        milliseconds(response.seconds),
                        response.ok() ? QString() : QString::fromStdString(response.error)},
                       detail);
        if (!response.ok())
            item->setForeground(1, failColor);
        item->setToolTip(0, QString::fromStdString(event.path));
        m_lastRequest = item;
        ++m_requests;
        return;
    }
    case StepEvent::Kind::Check:
    case StepEvent::Kind::Extraction: {
        const bool check = event.kind == StepEvent::Kind::Check;
        m_detailTexts.push_back(message);
        const QString result =
            event.passed ? (check ? tr("passed") : message)
                         : (check ? tr("FAILED: %1").arg(message) : tr("FAILED: %1").arg(message));
        item = addItem(
            m_lastRequest,
            {check ? tr("check %1").arg(name) : tr("%1 =").arg(name), QString(), QString(), result},
            detail);
        // An extraction keeps the palette's text colour: QColor() would paint it black, unreadable
        // in Dark.
        item->setForeground(3, event.passed ? (check ? QBrush(passColor) : QBrush())
                                            : QBrush(failColor));
        if (m_lastRequest) {
            m_lastRequest->setExpanded(true);
            if (!event.passed)
                m_lastRequest->setForeground(3, failColor);
            if (!event.passed && m_lastRequest->text(3).isEmpty())
                m_lastRequest->setText(
                    3, tr("%1 failed").arg(check ? tr("a check") : tr("an extraction")));
        }
        return;
    }
    case StepEvent::Kind::Log:
        m_detailTexts.push_back(message);
        addItem(nullptr, {tr("log: %1").arg(message)}, detail);
        return;
    case StepEvent::Kind::Think: {
        // "think" and "pace" waits (think time before the project's multiplier), or a
        // rendezvous point by its name.
        m_detailTexts.push_back(QString::fromStdString(event.path));
        const bool timed = name == QLatin1String("think") || name == QLatin1String("pace");
        addItem(nullptr,
                {timed ? name : tr("rendezvous %1").arg(name), QString(),
                 timed ? tr("%1 s").arg(formatNumber(event.seconds, 3)) : QString()},
                detail);
        return;
    }
    case StepEvent::Kind::TransactionBegin:
        m_detailTexts.push_back(QString());
        addItem(nullptr, {tr("▶ transaction %1").arg(name)}, detail);
        return;
    case StepEvent::Kind::TransactionEnd:
        m_detailTexts.push_back(QString());
        item = addItem(nullptr,
                       {tr("■ transaction %1").arg(name), QString(), QString(),
                        event.passed ? tr("passed") : tr("FAILED")},
                       detail);
        item->setForeground(3, event.passed ? passColor : failColor);
        return;
    case StepEvent::Kind::Failure:
        m_detailTexts.push_back(message);
        item = addItem(nullptr, {tr("The iteration ended early"), QString(), QString(), message},
                       detail);
        for (int column = 0; column < 4; ++column)
            item->setForeground(column, failColor);
        return;
    }
}

void TryPanel::addTraceLine(const QString &text)
{
    // A compiled scenario: `--http-debug=full` lines, a request and response each.
    m_detailTexts.push_back(text);
    addItem(nullptr, {text.section('\n', 0, 0).left(200)}, int(m_detailTexts.size()) - 1);
}

void TryPanel::addLogLine(const QString &level, const QString &message)
{
    m_detailTexts.push_back(message);
    auto *item = addItem(nullptr, {QStringLiteral("%1: %2").arg(level, message)},
                         int(m_detailTexts.size()) - 1);
    if (level == QLatin1String("error"))
        item->setForeground(0, failColor);
}

void TryPanel::setFinished(const QString &error, const TryResult &result)
{
    if (!error.isEmpty()) {
        m_status->setText(tr("<b>Could not run:</b> %1").arg(error.toHtmlEscaped()));
        return;
    }
    QString text = tr("%n request(s)", nullptr, int(result.requests));
    if (result.failedRequests)
        text += tr(", %n failed", nullptr, int(result.failedRequests));
    if (result.checksFailed)
        text += tr(", %n check(s) failed", nullptr, int(result.checksFailed));
    if (result.iterationsFailed)
        text += tr(", the iteration failed");
    if (result.aborted)
        text += tr(", stopped early");
    m_status->setText(tr("Done: %1.").arg(text));
    // The first request (or else the first line) is what a user looks at first.
    // (The view makes the first line current by itself when it arrives: not a choice.)
    QTreeWidgetItem *current = m_tree->currentItem();
    if (!current || (current == m_tree->topLevelItem(0) && current->text(1).isEmpty())) {
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
            if (!m_tree->topLevelItem(i)->text(1).isEmpty()) {
                m_tree->setCurrentItem(m_tree->topLevelItem(i));
                break;
            }
        }
    }
    if (!m_tree->currentItem() && m_tree->topLevelItemCount())
        m_tree->setCurrentItem(m_tree->topLevelItem(0));
}

void TryPanel::showDetails(QTreeWidgetItem *item)
{
    const int detail = item ? item->data(0, DetailRole).toInt() : -1;
    m_details->setPlainText(
        detail >= 0 && detail < int(m_detailTexts.size()) ? m_detailTexts[detail] : QString());
}

} // namespace Loadwizard::Ui
