#pragma once

#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace Loadwizard::Ui {

/// The Run tab's log: the run's events, trace lines and the dashboard's own messages, filtered
/// by level and by a search text. Keeps the latest lines (more than the view shows) so that
/// changing the filter shows what was hidden.
class RunLog : public QWidget
{
    Q_OBJECT

public:
    enum class Level
    {
        Error,
        Warning,
        Info,  ///< the run's own messages and info events
        Trace, ///< vu.log() lines, requests and responses (-v, --http-debug)
    };
    enum Filter
    {
        AllLines,
        WithoutTrace,
        WarningsAndErrors,
        ErrorsOnly,
    };

    explicit RunLog(QWidget *parent = nullptr);

    void append(Level level, const QString &text);
    void clear();

    QPlainTextEdit *view() const { return m_view; }
    QComboBox *filterChoice() const { return m_filter; }
    QLineEdit *searchBox() const { return m_search; }
    /// Lines kept, and of those shown (after the filter and search).
    int lineCount() const { return int(m_lines.size()); }
    int shownCount() const { return m_shown; }

private:
    struct Line
    {
        Level level;
        QString text;
    };
    bool matches(const Line &line) const;
    void refilter();
    void updateCount();

    QComboBox *m_filter;
    QLineEdit *m_search;
    QLabel *m_count;
    QPlainTextEdit *m_view;
    std::deque<Line> m_lines;
    int m_shown = 0;
    static constexpr std::size_t maxLines = 50000;
};

} // namespace Loadwizard::Ui
