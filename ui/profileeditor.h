#pragma once

#include <loadwizard/rampprofile.h>

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;
class QStackedWidget;
class QToolButton;

namespace Loadwizard::Ui {

class ProjectDocument;
class ArrivalEditor;
class ProfileChartView;

/// The workload profile, closed or open. Closed: a table of ramp-up steps, the seed syntax in a
/// text field, the planned vusers chart (drag a step's end point) and the totals, all editing the
/// same steps. Open: the ArrivalEditor. It edits the project's profile or, after setGroup(), one
/// group's own profile.
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
    /// "Closed" (0) or "Open" (1): choosing the other one replaces the profile by a small
    /// default of that model, one undoable step.
    QComboBox *modelChoice() const { return m_model; }
    ArrivalEditor *arrivalEditor() const { return m_arrival; }
    /// For the project's profile of a project with groups: which groups share it.
    QLabel *groupsNote() const { return m_groupsNote; }

    /// Edits group `group`'s own profile; -1 (the default): the project's (with groups, the total
    /// that weighted groups share).
    void setGroup(int group);
    /// The group edited, or -1 (also when the group index is no longer valid).
    int group() const;
    /// The ramp-up field holds text that does not parse: the project keeps the profile it had
    /// before that typing session, the field keeps the text and its error.
    bool hasInvalidEdit() const { return m_seedInvalid; }

private:
    void refresh();
    bool isOpenModel() const;
    RampProfile currentProfile() const;
    void applyProfile(const RampProfile &profile, const QString &text, int mergeKey = 0);
    void switchModel(int index);
    void onCellChanged(int row, int column);
    void onSeedEdited(const QString &text);
    void onStepEndDragged(int step, double seconds, double vusers, bool free);
    void addStep();
    void removeStep();
    void moveStep(int delta);
    void showError(const QString &message);
    void showSeedError();
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
    QLabel *m_groupsNote; ///< the project's profile in a mix: what it is for
    QComboBox *m_model;
    QStackedWidget *m_pages;
    ArrivalEditor *m_arrival;
    int m_group = -1;
    bool m_refreshing = false;
    int m_seedMergeKey = 0;
    std::vector<RampStep> m_seedBase; ///< the profile before the typing session
    bool m_seedInvalid = false;
    int m_dragMergeKey = 0;
};

} // namespace Loadwizard::Ui
