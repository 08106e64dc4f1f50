#pragma once

#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace Loadwizard::Ui {

class ProjectDocument;
class ScenarioCatalog;

/// Lists the scenario plugins the catalog found, shows the selected one's metadata, lets the
/// project use it and edits its parameters; compiler errors and rejections are shown, not hidden.
class ScenarioPicker : public QWidget
{
    Q_OBJECT

public:
    ScenarioPicker(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent = nullptr);

    QTreeWidget *pluginTree() const { return m_tree; }
    QTableWidget *parameterTable() const { return m_parameters; }
    QTreeWidget *diagnosticsView() const { return m_diagnostics; }
    QPlainTextEdit *compilerOutputView() const { return m_errorText; }
    QLabel *titleLabel() const { return m_title; }
    QLabel *descriptionLabel() const { return m_description; }
    QProgressBar *busyIndicator() const { return m_busy; }
    QPushButton *useButton() const { return m_use; }
    /// Selects the entry for `path` (canonical or not); false when it is not listed.
    bool select(const QString &path);
    /// Adds a file as if chosen in the file dialog.
    void addFile(const QString &path);
    /// For a project with groups: which group "Use" gives the scenario to (the Groups section's
    /// selection); the project itself when unset or when it answers -1 (no groups).
    void setTargetGroup(std::function<int()> group);
    /// The group "Use" applies to, or -1 (the project's own scenario).
    int targetGroup() const;
    /// The target group's choice changed: "In use" and the button follow it.
    void updateTarget();

protected:
    /// A scheme switch recolours the greyed plugin defaults.
    void changeEvent(QEvent *event) override;

private:
    void rebuildTree();
    void followProjectScenario();
    void updateItem(int index);
    void showSelected();
    void showParameters();
    void showInCompilerOutput(QTreeWidgetItem *diagnostic);
    void useSelected();
    void onParameterChanged(int row, int column);
    void resetParameter();
    int selectedIndex() const;
    QString projectScenarioPath() const;

    ProjectDocument *m_document;
    ScenarioCatalog *m_catalog;
    QTreeWidget *m_tree;
    QProgressBar *m_busy;
    QLabel *m_busyLabel;
    QLabel *m_title;
    QLabel *m_meta;
    QLabel *m_description;
    QPushButton *m_use;
    QPushButton *m_reset;
    QTableWidget *m_parameters;
    QWidget *m_problems;
    QTreeWidget *m_diagnostics;
    QPlainTextEdit *m_errorText;
    QList<QTreeWidgetItem *> m_items; ///< by catalog index
    std::function<int()> m_targetGroup;
    QString m_followedScenario; ///< the project's (or group's) scenario last selected for it
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
