#pragma once

#include "steppath.h"

#include <loadwizard/scenario.h>

#include <QWidget>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QPushButton;
class QTreeView;

namespace Loadwizard::Ui {

class StepDocument;
class StepForms;
class StepModel;
class TryPanel;
class TryRunner;

/// The Scenario section's step editor for declarative scenarios: the tree of steps with add,
/// remove, duplicate, disable, move and drag and drop; the selected step's form; "Try one
/// iteration" and its panel. Every change is an undoable edit of the StepDocument. In a project
/// with groups it edits the group selected in the Groups section (the title names it).
class StepEditor : public QWidget
{
    Q_OBJECT

public:
    explicit StepEditor(StepDocument *document, QWidget *parent = nullptr);
    ~StepEditor() override;

    StepDocument *document() const { return m_document; }
    StepModel *model() const { return m_model; }
    QTreeView *treeView() const { return m_tree; }
    StepForms *forms() const { return m_forms; }
    TryPanel *tryPanel() const { return m_tryPanel; }
    TryRunner *tryRunner() const { return m_runner; }
    QAction *newScenarioAction() const { return m_newScenario; }
    QAction *tryAction() const { return m_try; }
    /// What is edited: "Steps of group browse, inline in the project", "Steps of flow.yaml"…
    QLabel *titleLabel() const { return m_title; }

    /// The selected step, if a step (not a section) is selected.
    std::optional<StepPath> currentPath() const;
    void select(const StepPath &path);
    /// Selects a section (init or steps) so that added steps go there.
    void selectSection(StepPath::List list);

    /// Adds a step of `kind` after the selected step (into a selected group or section); it
    /// becomes the selection.
    void addStep(Steps::Step::Kind kind);
    void removeSelected();
    void duplicateSelected();
    void toggleDisabled();
    void moveSelected(int delta);
    /// Runs one iteration of the project as edited (TryRunner); the panel shows it.
    void tryOneIteration();

    /// Parameter overrides a try uses (the demo's base_url on the built-in target).
    void setOverrides(std::function<Parameters()> overrides) { m_overrides = std::move(overrides); }

private:
    void updateState();
    void restoreSelection();

    StepDocument *m_document;
    StepModel *m_model;
    QTreeView *m_tree;
    StepForms *m_forms;
    TryPanel *m_tryPanel;
    TryRunner *m_runner;
    QLabel *m_title;
    QWidget *m_body;
    QWidget *m_empty;
    QLabel *m_emptyText;
    QAction *m_newScenario;
    QAction *m_try;
    QAction *m_remove;
    QAction *m_duplicate;
    QAction *m_disable;
    QAction *m_up;
    QAction *m_down;
    QPushButton *m_add;
    std::optional<StepPath> m_selected; ///< kept across model resets (undo, redo)
    std::function<Parameters()> m_overrides;
};

} // namespace Loadwizard::Ui
