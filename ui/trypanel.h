#pragma once

#include <loadwizard/stepscenario.h>
#include <loadwizard/tryiteration.h>

#include <QWidget>

#include <vector>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace Loadwizard::Ui {

/// What "Try one iteration" did: each request (method, URL, status, time) with its checks and
/// extractions below it, log lines, transactions, a failure; the selected request's headers
/// and bodies (JSON pretty-printed, cut at 64 KiB) beside. Fed by TryRunner's signals.
class TryPanel : public QWidget
{
    Q_OBJECT

public:
    /// Bodies longer than this are cut in the view (with a note).
    static constexpr qsizetype maxBodyBytes = 64 * 1024;

    explicit TryPanel(QWidget *parent = nullptr);

    QTreeWidget *eventTree() const { return m_tree; }
    QPlainTextEdit *detailsView() const { return m_details; }
    QLabel *statusLabel() const { return m_status; }

    void clear();
    void setRunning();
    void addStepEvent(const Steps::StepEvent &event);
    void addTraceLine(const QString &text);
    void addLogLine(const QString &level, const QString &message);
    void setFinished(const QString &error, const TryResult &result);

    /// The details text for a request event (what the right side shows when it is selected).
    static QString requestDetails(const Steps::StepEvent &event);
    /// A body for reading: JSON indented, anything past maxBodyBytes cut with a note.
    static QString bodyText(const std::string &body, bool truncatedByEngine = false);

private:
    void showDetails(QTreeWidgetItem *item);
    QTreeWidgetItem *addItem(QTreeWidgetItem *parent, const QStringList &columns, int detail);

    QLabel *m_status;
    QTreeWidget *m_tree;
    QPlainTextEdit *m_details;
    QTreeWidgetItem *m_lastRequest = nullptr;
    std::vector<QString> m_detailTexts; ///< per item, by its DetailRole index
    int m_requests = 0;
};

} // namespace Loadwizard::Ui
