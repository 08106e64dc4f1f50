#include "runlog.h"

#include "format.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>

namespace Loadwizard::Ui {

RunLog::RunLog(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_view(new QPlainTextEdit(this))
{
    m_filter->addItem(tr("All lines"), AllLines);
    m_filter->addItem(tr("Without trace lines"), WithoutTrace);
    m_filter->addItem(tr("Warnings and errors"), WarningsAndErrors);
    m_filter->addItem(tr("Errors only"), ErrorsOnly);
    m_filter->setAccessibleName(tr("Log level"));
    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the log"));
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(5000);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setPlaceholderText(tr("No log lines yet"));
    connect(m_filter, &QComboBox::currentIndexChanged, this, &RunLog::refilter);
    connect(m_search, &QLineEdit::textChanged, this, &RunLog::refilter);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    auto *filterLabel = new QLabel(tr("S&how:"), this);
    filterLabel->setBuddy(m_filter);
    bar->addWidget(filterLabel);
    bar->addWidget(m_filter);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    updateCount();
}

bool RunLog::matches(const Line &line) const
{
    switch (Filter(m_filter->currentData().toInt())) {
    case AllLines:
        break;
    case WithoutTrace:
        if (line.level == Level::Trace)
            return false;
        break;
    case WarningsAndErrors:
        if (line.level != Level::Warning && line.level != Level::Error)
            return false;
        break;
    case ErrorsOnly:
        if (line.level != Level::Error)
            return false;
        break;
    }
    const QString search = m_search->text();
    return search.isEmpty() || line.text.contains(search, Qt::CaseInsensitive);
}

void RunLog::append(Level level, const QString &text)
{
    m_lines.push_back({level, text});
    if (m_lines.size() > maxLines)
        m_lines.pop_front();
    if (matches(m_lines.back())) {
        m_view->appendPlainText(text);
        ++m_shown;
    }
    updateCount();
}

void RunLog::clear()
{
    m_lines.clear();
    m_view->clear();
    m_shown = 0;
    updateCount();
}

void RunLog::refilter()
{
    QStringList shown;
    for (const Line &line : m_lines) {
        if (matches(line))
            shown << line.text;
    }
    m_shown = int(shown.size());
    // The view keeps the latest of them (its block limit).
    const int limit = m_view->maximumBlockCount();
    if (limit > 0 && shown.size() > limit)
        shown = shown.mid(shown.size() - limit);
    m_view->setPlainText(shown.join(QLatin1Char('\n')));
    m_view->moveCursor(QTextCursor::End);
    updateCount();
}

void RunLog::updateCount()
{
    const bool filtered = m_filter->currentIndex() > 0 || !m_search->text().isEmpty();
    m_count->setText(
        filtered
            ? tr("%1 of %2 lines").arg(formatCount(m_shown), formatCount(double(m_lines.size())))
            : tr("%1 lines").arg(formatCount(double(m_lines.size()))));
}

} // namespace Loadwizard::Ui
