#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QToolButton;

namespace Loadwizard::Ui {

class GroupForm;
class GroupsChartView;
class ProjectDocument;
class ScenarioCatalog;

/// The Groups section: a project's scenario mix. Without groups it says the project is one
/// group and offers "Add group", which converts it (convertedToGroups()). With groups: the list
/// (add, duplicate, remove, reorder), the selected group's GroupForm and one chart of the plan
/// (closed groups' vusers stacked with their total, open groups' iterations/s on a second axis).
/// Removing down to one group keeps the groups (its name stays in metrics and thresholds); "Back to
/// one group" undoes the conversion.
class GroupsEditor : public QWidget
{
    Q_OBJECT

public:
    GroupsEditor(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent = nullptr);

    QListWidget *groupList() const { return m_list; }
    GroupForm *form() const { return m_form; }
    GroupsChartView *chartView() const { return m_chart; }
    /// Under the chart: what it draws, and which groups plan iterations/s (arrival rate).
    QLabel *chartNote() const { return m_chartNote; }
    /// What keeps the mix from running (mixProblems()); hidden when nothing does.
    QLabel *problemsLabel() const { return m_problems; }
    QPushButton *convertButton() const { return m_convert; }
    QToolButton *addButton() const { return m_add; }
    QToolButton *duplicateButton() const { return m_duplicate; }
    QToolButton *removeButton() const { return m_remove; }
    QToolButton *upButton() const { return m_up; }
    QToolButton *downButton() const { return m_down; }
    QToolButton *singleButton() const { return m_single; }

    /// Selects group `index` (its form shows).
    void selectGroup(int index);
    int currentGroup() const;

signals:
    /// "Edit steps" of group `group` (selected): the main window shows its steps.
    void editStepsRequested(int group);

private:
    void refresh();
    void addGroup();
    void duplicateGroup();
    void removeGroup();
    void moveGroup(int delta);
    void backToOneGroup();
    void updateButtons();

    ProjectDocument *m_document;
    QStackedWidget *m_pages;
    QPushButton *m_convert;
    QListWidget *m_list;
    QToolButton *m_add;
    QToolButton *m_duplicate;
    QToolButton *m_remove;
    QToolButton *m_up;
    QToolButton *m_down;
    QToolButton *m_single;
    GroupForm *m_form;
    GroupsChartView *m_chart;
    QLabel *m_chartNote;
    QLabel *m_problems;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
