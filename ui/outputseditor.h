#pragma once

#include <loadwizard/output.h>

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace Loadwizard::Ui {

class ProjectDocument;

/// The project's `outputs:` list: kind, target and options of each output, every edit through
/// the document's undo stack, and "Test connection", which builds the sink and asks it for a
/// round trip off the UI thread.
class OutputsEditor : public QWidget
{
    Q_OBJECT

public:
    explicit OutputsEditor(ProjectDocument *document, QWidget *parent = nullptr);
    ~OutputsEditor() override;

    QListWidget *outputList() const { return m_list; }
    QComboBox *kindChoice() const { return m_kind; }
    QLineEdit *targetEdit() const { return m_target; }
    QTableWidget *optionTable() const { return m_options; }
    QPushButton *testButton() const { return m_test; }
    /// The last test's outcome ("" before the first); see testFinished().
    QString testResult() const;
    bool isTesting() const { return m_testing; }

    /// The documented options of an output kind, for hints: {name, meaning}.
    static QList<std::pair<QString, QString>> documentedOptions(const QString &kind);
    /// `message` with the configuration's secrets (user info, password/token options, as given
    /// and as expanded) replaced by "***".
    static QString withoutSecrets(QString message, const OutputConfig &config);

public slots:
    void addOutput();
    void removeOutput();
    void addOption();
    void removeOption();
    void testConnection();

signals:
    void testFinished(bool ok, const QString &message);

private:
    enum OptionColumn
    {
        KeyColumn,
        ValueColumn
    };

    void refresh();
    void showCurrent();
    int currentIndex() const;
    void commit(const OutputConfig &config, const QString &text, int mergeKey = 0);
    OutputConfig configFromForm() const;
    /// Marks the option name in `row` red with the registry's message when the kind does not
    /// know it; true when it is known (or empty).
    bool markUnknownOption(int row);
    void setTestState(bool testing, bool ok, const QString &message);

    ProjectDocument *m_document;
    QListWidget *m_list;
    QPushButton *m_addOutput;
    QPushButton *m_removeOutput;
    QWidget *m_form;
    QComboBox *m_kind;
    QLineEdit *m_target;
    QTableWidget *m_options;
    QPushButton *m_addOption;
    QPushButton *m_removeOption;
    QLabel *m_optionHint;
    QLabel *m_problem;
    QPushButton *m_test;
    QProgressBar *m_busy;
    QLabel *m_result;
    int m_targetMergeKey = 0;
    quint64 m_testGeneration = 0;
    bool m_testing = false;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
