#pragma once

#include <loadwizard/summary.h>

#include <QMap>
#include <QWidget>

class QGridLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace Loadwizard::Ui {

/// The Run tab's end summary laid out: how the run ended (its verdict), the key numbers in a
/// grid, the thresholds; the terminal's text under a toggle, to read or copy.
class SummaryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SummaryPanel(QWidget *parent = nullptr);

    /// Back to "the summary appears here when a run ends".
    void clear();
    /// A run that could not start: the message, no numbers.
    void showFailure(const QString &message);
    /// The run's end: `status` is the status line's text (runStatusText()).
    void showRun(const Snapshot &final, const SummaryHeader &header, RunEnding ending,
                 const QString &status);

    /// The terminal summary's text (formatSummary()).
    QPlainTextEdit *textView() const { return m_text; }
    QLabel *verdictLabel() const { return m_verdict; }
    /// A key number's value as shown ("Requests", "p95", …), empty when not shown.
    QString value(const QString &caption) const;
    QPushButton *saveJsonButton() const { return m_saveJson; }

private:
    void setTile(int index, const QString &caption, const QString &value, const QString &note = {});

    QLabel *m_verdict;
    QWidget *m_numbers;
    QGridLayout *m_grid;
    QLabel *m_thresholds;
    QToolButton *m_showText;
    QPushButton *m_copy;
    QPushButton *m_saveJson;
    QPlainTextEdit *m_text;
    QMap<QString, QString> m_values;
    QList<QLabel *> m_tiles;
};

} // namespace Loadwizard::Ui
