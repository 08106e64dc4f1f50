#pragma once

#include <QHash>
#include <QWidget>

#include <functional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QToolButton;

namespace Loadwizard {
struct ProjectGroup;
}

namespace Loadwizard::Ui {

class ProfileEditor;
class ProjectDocument;
class ScenarioCatalog;

/// One group's editors: name (validated), scenario, workload (a weight, or its own profile in
/// the re-used ProfileEditor, with a start delay), pacing and parameters. Every edit is one
/// undoable step of the document.
class GroupForm : public QWidget
{
    Q_OBJECT

public:
    GroupForm(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent = nullptr);

    /// The group edited; -1 or out of range: none (the form is disabled).
    void setGroup(int group);
    int group() const { return m_group; }

    QLineEdit *nameEdit() const { return m_name; }
    QLabel *nameMessage() const { return m_nameMessage; }
    QComboBox *scenarioChoice() const { return m_scenario; }
    /// "Share of the project's profile" (0) or "Own profile" (1).
    QComboBox *workloadChoice() const { return m_workload; }
    QDoubleSpinBox *weightBox() const { return m_weight; }
    QDoubleSpinBox *startDelayBox() const { return m_startDelay; }
    QDoubleSpinBox *pacingMinBox() const { return m_pacingMin; }
    QDoubleSpinBox *pacingMaxBox() const { return m_pacingMax; }
    QTableWidget *parameterTable() const { return m_parameters; }
    QToolButton *addParameterButton() const { return m_addParameter; }
    QToolButton *removeParameterButton() const { return m_removeParameter; }
    ProfileEditor *profileEditor() const { return m_profile; }
    /// "Edit steps": shown when the group's scenario is declarative (inline or a .yaml file).
    QPushButton *editStepsButton() const { return m_editSteps; }

signals:
    /// The user asked to edit the steps of group `group` (the Scenario section's steps editor).
    void editStepsRequested(int group);

private:
    void refresh();
    void refreshScenarios();
    bool valid() const;
    void edit(const QString &text, const std::function<void(ProjectGroup &)> &change,
              int mergeKey = 0);
    int mergeKeyFor(QWidget *widget);
    void onNameEdited(const QString &text);
    void onScenarioChosen(const QString &path);
    void browseScenario();
    void onWorkloadChosen(int index);
    void onParameterChanged(int row, int column);
    void addParameter();
    void removeParameter();

    ProjectDocument *m_document;
    ScenarioCatalog *m_catalog;
    int m_group = -1;
    QLineEdit *m_name;
    QLabel *m_nameMessage;
    QComboBox *m_scenario;
    QPushButton *m_browse;
    QLabel *m_inline;
    QPushButton *m_editSteps;
    QComboBox *m_workload;
    QDoubleSpinBox *m_weight;
    QDoubleSpinBox *m_startDelay;
    QDoubleSpinBox *m_pacingMin;
    QDoubleSpinBox *m_pacingMax;
    QTabWidget *m_tabs;
    ProfileEditor *m_profile;
    QLabel *m_weightedNote;
    QTableWidget *m_parameters;
    QToolButton *m_addParameter;
    QToolButton *m_removeParameter;
    QHash<QWidget *, int> m_mergeKeys;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
