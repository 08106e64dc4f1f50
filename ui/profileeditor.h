#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableWidget;
class QToolButton;

namespace Loadwizard::Ui {

class ProjectDocument;
class ProfileChartView;

/// The ramp-up profile: a table of steps, the seed syntax in a text field, the planned vusers
/// chart (drag a step's end point) and the totals. All three views edit the same steps.
class ProfileEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ProfileEditor(ProjectDocument *document, QWidget *parent = nullptr);

    QTableWidget *stepTable() const { return m_table; }
    QLineEdit *seedEdit() const { return m_seed; }
    ProfileChartView *chartView() const { return m_chart; }
    QLabel *messageLabel() const { return m_message; }
    QLabel *totalsLabel() const { return m_totals; }

private:
    void refresh();
    void onCellChanged(int row, int column);
    void onSeedEdited(const QString &text);
    void onStepEndDragged(int step, double seconds, double vusers);
    void addStep();
    void removeStep();
    void moveStep(int delta);
    void showError(const QString &message);
    void markCell(int row, int column, const QString &message);
    void updateButtons();

    ProjectDocument *m_document;
    QLineEdit *m_seed;
    QLabel *m_message;
    QTableWidget *m_table;
    ProfileChartView *m_chart;
    QLabel *m_totals;
    QToolButton *m_add;
    QToolButton *m_remove;
    QToolButton *m_up;
    QToolButton *m_down;
    bool m_refreshing = false;
    int m_seedMergeKey = 0;
    int m_dragMergeKey = 0;
};

} // namespace Loadwizard::Ui
