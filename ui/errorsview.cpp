#include "errorsview.h"

#include "format.h"
#include "placeholder.h"

#include <QBoxLayout>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSplitter>
#include <QTreeWidget>

#include <map>

namespace Loadwizard::Ui {

namespace {

QString className(ErrorClass errorClass)
{
    switch (errorClass) {
    case ErrorClass::Connect:
        return QObject::tr("Connect");
    case ErrorClass::Receive:
        return QObject::tr("Receive");
    case ErrorClass::Dns:
        return QObject::tr("DNS");
    case ErrorClass::Timeout:
        return QObject::tr("Timeout");
    case ErrorClass::Tls:
        return QObject::tr("TLS");
    case ErrorClass::Http4xx:
        return QObject::tr("HTTP 4xx");
    case ErrorClass::Http5xx:
        return QObject::tr("HTTP 5xx");
    case ErrorClass::Check:
        return QObject::tr("Failed check");
    case ErrorClass::Exception:
        return QObject::tr("Scenario exception");
    case ErrorClass::Other:
        break;
    }
    return QObject::tr("Other");
}

QString seconds(double value)
{
    return value < 0 ? QString() : QObject::tr("%1 s").arg(formatGrouped(value, 1));
}

constexpr int messageRole = Qt::UserRole + 1;

} // namespace

ErrorsView::ErrorsView(QWidget *parent)
    : QWidget(parent)
    , m_tree(new QTreeWidget(this))
    , m_sample(new QPlainTextEdit(this))
    , m_total(new QLabel(this))
{
    m_tree->setHeaderLabels(
        {tr("Class / status / message"), tr("Count"), tr("% of errors"), tr("First"), tr("Last")});
    m_tree->setAccessibleName(tr("Errors"));
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(ErrorColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    for (int column = CountColumn; column < ColumnCount; ++column)
        m_tree->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    setEmptyPlaceholder(m_tree, tr("No errors yet"));
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &ErrorsView::showSample);

    m_sample->setReadOnly(true);
    m_sample->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sample->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sample->setAccessibleName(tr("Sample request and response"));
    m_sample->setPlaceholderText(tr("Select an error message to see a request and response that "
                                    "failed so."));

    auto *samplePane = new QWidget(this);
    auto *sampleLayout = new QVBoxLayout(samplePane);
    sampleLayout->setContentsMargins(0, 0, 0, 0);
    sampleLayout->addWidget(new QLabel(tr("<b>Sample request and response</b>"), samplePane));
    sampleLayout->addWidget(m_sample, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tree);
    splitter->addWidget(samplePane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_total);
    layout->addWidget(splitter, 1);
    clear();
}

void ErrorsView::clear()
{
    m_tree->clear();
    m_seen.clear();
    m_shown.clear();
    m_sample->clear();
    m_total->setText(tr("Errors by class, HTTP status and message, with the run's counts"));
}

QString ErrorsView::statusOf(const QString &message)
{
    static const QRegularExpression status(QStringLiteral("\\bHTTP (\\d{3})\\b"));
    const auto match = status.match(message);
    return match.hasMatch() ? match.captured(1) : QString();
}

void ErrorsView::applySnapshot(const Snapshot &snapshot)
{
    for (const LogEvent &event : snapshot.events) {
        if (event.level != "error")
            continue;
        Seen &seen = m_seen[QString::fromStdString(event.message)];
        if (seen.first < 0)
            seen.first = event.elapsedSeconds;
        seen.last = std::max(seen.last, event.elapsedSeconds);
    }
    const auto same = [](const ErrorMessageCount &a, const ErrorMessageCount &b) {
        return a.message == b.message && a.count == b.count && a.sample == b.sample;
    };
    if (std::equal(m_shown.begin(), m_shown.end(), snapshot.topErrors.begin(),
                   snapshot.topErrors.end(), same))
        return;
    m_shown = snapshot.topErrors;

    // Rebuilt (at most 20 messages), keeping what was expanded and selected.
    QSet<QString> expanded;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if ((*it)->isExpanded())
            expanded.insert((*it)->data(ErrorColumn, Qt::UserRole).toString());
    }
    const QString selected = m_tree->currentItem()
                                 ? m_tree->currentItem()->data(ErrorColumn, Qt::UserRole).toString()
                                 : QString();
    const bool firstFill = m_tree->topLevelItemCount() == 0;
    m_tree->clear();

    std::uint64_t all = 0;
    for (const ErrorMessageCount &error : m_shown)
        all += error.count;
    const auto share = [all](std::uint64_t count) {
        return all ? formatGrouped(100.0 * double(count) / double(all), 1) + QStringLiteral(" %")
                   : QString();
    };
    const auto numbers = [&](QTreeWidgetItem *item, std::uint64_t count) {
        item->setText(CountColumn, formatCount(double(count)));
        item->setData(CountColumn, Qt::UserRole, qulonglong(count));
        item->setText(ShareColumn, share(count));
        for (int column = CountColumn; column < ColumnCount; ++column)
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    };
    // Class, then status, then message: counts add up at each level.
    std::map<ErrorClass, std::map<QString, std::vector<const ErrorMessageCount *>>> groups;
    for (const ErrorMessageCount &error : m_shown)
        groups[error.errorClass][statusOf(QString::fromStdString(error.message))].push_back(&error);
    QTreeWidgetItem *current = nullptr;
    for (const auto &[errorClass, statuses] : groups) {
        auto *classItem = new QTreeWidgetItem(m_tree, {className(errorClass)});
        const QString classKey = QStringLiteral("class:%1").arg(int(errorClass));
        classItem->setData(ErrorColumn, Qt::UserRole, classKey);
        std::uint64_t classCount = 0;
        for (const auto &[status, errors] : statuses) {
            QTreeWidgetItem *parent = classItem;
            std::uint64_t statusCount = 0;
            if (!status.isEmpty()) {
                parent = new QTreeWidgetItem(classItem, {tr("Status %1").arg(status)});
                parent->setData(ErrorColumn, Qt::UserRole, classKey + QStringLiteral("/") + status);
            }
            for (const ErrorMessageCount *error : errors) {
                const QString message = QString::fromStdString(error->message);
                auto *item = new QTreeWidgetItem(parent, {message});
                item->setToolTip(ErrorColumn, message);
                item->setData(ErrorColumn, Qt::UserRole, QStringLiteral("message:") + message);
                item->setData(ErrorColumn, messageRole, message);
                numbers(item, error->count);
                const Seen seen = m_seen.value(message);
                item->setText(FirstSeenColumn, seconds(seen.first));
                item->setText(LastSeenColumn, seconds(seen.last));
                statusCount += error->count;
                if (QStringLiteral("message:") + message == selected)
                    current = item;
            }
            if (parent != classItem)
                numbers(parent, statusCount);
            classCount += statusCount;
        }
        numbers(classItem, classCount);
    }
    // Most frequent first at every level (the messages came so).
    const auto byCount = [](QTreeWidgetItem *a, QTreeWidgetItem *b) {
        return a->data(CountColumn, Qt::UserRole).toULongLong() >
               b->data(CountColumn, Qt::UserRole).toULongLong();
    };
    QList<QTreeWidgetItem *> classes;
    while (m_tree->topLevelItemCount() > 0)
        classes.append(m_tree->takeTopLevelItem(0));
    std::stable_sort(classes.begin(), classes.end(), byCount);
    for (QTreeWidgetItem *classItem : classes) {
        QList<QTreeWidgetItem *> children = classItem->takeChildren();
        std::stable_sort(children.begin(), children.end(), byCount);
        classItem->addChildren(children);
    }
    m_tree->addTopLevelItems(classes);
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if (firstFill || expanded.contains((*it)->data(ErrorColumn, Qt::UserRole).toString()))
            (*it)->setExpanded(true);
    }
    if (current)
        m_tree->setCurrentItem(current);
    m_total->setText(tr("<b>%1</b> errors in the run's %2 most frequent messages")
                         .arg(formatCount(double(all)))
                         .arg(m_shown.size()));
    showSample();
}

void ErrorsView::showSample()
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    const QString message = item ? item->data(ErrorColumn, messageRole).toString() : QString();
    if (message.isEmpty()) {
        m_sample->clear();
        return;
    }
    for (const ErrorMessageCount &error : m_shown) {
        if (QString::fromStdString(error.message) != message)
            continue;
        m_sample->setPlainText(error.sample.empty() ? tr("No sample was captured for this error.")
                                                    : QString::fromStdString(error.sample));
        return;
    }
}

} // namespace Loadwizard::Ui
