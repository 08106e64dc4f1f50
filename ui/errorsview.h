#pragma once

#include <loadwizard/snapshot.h>

#include <QHash>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace Loadwizard::Ui {

/// The Run tab's errors, grouped by class, then HTTP status, then message, with their counts
/// (Snapshot::topErrors) and when each was first and last seen (the log events); a pane beside
/// them shows the selected message's sample request and response when the engine captured one.
class ErrorsView : public QWidget
{
    Q_OBJECT

public:
    explicit ErrorsView(QWidget *parent = nullptr);

    /// Empties the view (a new run).
    void clear();
    /// The snapshot's counts replace the last ones; its events add to first/last seen.
    void applySnapshot(const Snapshot &snapshot);

    enum Column
    {
        ErrorColumn,
        CountColumn,
        ShareColumn,
        FirstSeenColumn,
        LastSeenColumn,
        ColumnCount
    };
    QTreeWidget *tree() const { return m_tree; }
    QPlainTextEdit *sampleView() const { return m_sample; }
    /// "404" from "GET /x: HTTP 404"; empty when the message names no status.
    static QString statusOf(const QString &message);

private:
    void showSample();

    struct Seen
    {
        double first = -1;
        double last = -1;
    };
    QTreeWidget *m_tree;
    QPlainTextEdit *m_sample;
    QLabel *m_total;
    QHash<QString, Seen> m_seen; ///< by message
    std::vector<ErrorMessageCount> m_shown;
};

} // namespace Loadwizard::Ui
