#pragma once

#include <loadwizard/arrivalprofile.h>

#include <QWidget>

class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QToolButton;

namespace Loadwizard::Ui {

class ProjectDocument;
class ProfileChartView;
struct Workload;

/// A two-column table of number pairs (ramp-up steps, arrival stages) set to `tokens`, two per
/// row, in `rows` rows; items keep their place and lose any error marking.
void fillPairTable(QTableWidget *table, const QStringList &tokens, int rows);

/// The open workload model: arrival-rate stages (target iterations per second, seconds) as a
/// table and as the --arrival-rate text, the vuser pool (pre-allocated, maximum) and the chart
/// of the planned rate. Errors are the engine's, shown under the field that caused them.
class ArrivalEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ArrivalEditor(ProjectDocument *document, QWidget *parent = nullptr);

    /// The group whose own profile is edited; -1: the project's.
    void setGroup(int group);

    QLineEdit *seedEdit() const { return m_seed; }
    QTableWidget *stageTable() const { return m_table; }
    QSpinBox *preAllocatedBox() const { return m_preAllocated; }
    QSpinBox *maxBox() const { return m_max; }
    ProfileChartView *chartView() const { return m_chart; }
    /// The stages' error; hidden when there is none.
    QLabel *messageLabel() const { return m_message; }
    /// The pool's error (engine's poolProblem()); hidden when there is none.
    QLabel *poolMessageLabel() const { return m_poolMessage; }
    QLabel *totalsLabel() const { return m_totals; }
    QToolButton *addButton() const { return m_add; }
    QToolButton *removeButton() const { return m_remove; }

private:
    void refresh();
    int group() const;
    Workload workload() const;
    void applyStages(const ArrivalProfile &profile, const QString &text, int mergeKey = 0);
    void onSeedEdited(const QString &text);
    void onCellChanged(int row);
    void onPoolChanged();
    void addStage();
    void removeStage();
    void showError(const QString &message);

    ProjectDocument *m_document;
    QLineEdit *m_seed;
    QLabel *m_message;
    QTableWidget *m_table;
    QToolButton *m_add;
    QToolButton *m_remove;
    QSpinBox *m_preAllocated;
    QSpinBox *m_max;
    QLabel *m_poolMessage;
    ProfileChartView *m_chart;
    QLabel *m_totals;
    int m_group = -1;
    int m_seedMergeKey = 0;
    int m_poolMergeKey = 0;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
