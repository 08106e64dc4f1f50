#pragma once

#include <loadwizard/project.h>

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QFrame;

namespace Loadwizard::Ui {

class GroupsEditor;
class ProfileEditor;
class ProjectDocument;
class OutputsEditor;
class ProjectSettingsEditor;
class RecoveryFile;
class RendezvousEditor;
class ResultsBrowser;
class RunController;
class RunDashboard;
class ScenarioCatalog;
class ScenarioPicker;
class StepDocument;
class StepEditor;
struct ScenarioImport;

/// The workbench: project sections on the left, the section's editor in the centre, the Run
/// dashboard in its own tab; file handling with recent files, one undo stack, autosave.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum Section
    {
        ProjectSection,
        ScenarioSection,
        ProfileSection,
        RendezvousSection,
        OutputsSection,
        GroupsSection, ///< after the first five, so Ctrl+1 … Ctrl+5 keep their sections
        ResultsSection ///< the saved runs (Ctrl+8)
    };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Answers "save the unsaved changes?" (Save, Discard or Cancel); a dialog unless replaced
    /// (tests answer without one).
    using Prompt = std::function<QMessageBox::StandardButton(const QString &question)>;
    void setPrompt(Prompt prompt) { m_prompt = std::move(prompt); }

    ProjectDocument *document() const { return m_document; }
    ScenarioCatalog *catalog() const { return m_catalog; }
    ProfileEditor *profileEditor() const { return m_profileEditor; }
    GroupsEditor *groupsEditor() const { return m_groupsEditor; }
    ScenarioPicker *scenarioPicker() const { return m_scenarioPicker; }
    /// The declarative scenario being edited (inline, or the project's .yaml scenario file).
    StepDocument *stepDocument() const { return m_stepDocument; }
    StepEditor *stepEditor() const { return m_stepEditor; }
    RendezvousEditor *rendezvousEditor() const { return m_rendezvousEditor; }
    OutputsEditor *outputsEditor() const { return m_outputsEditor; }
    ProjectSettingsEditor *settingsEditor() const { return m_settingsEditor; }
    RunDashboard *dashboard() const { return m_dashboard; }
    /// The Results section: the project's saved runs.
    ResultsBrowser *resultsBrowser() const { return m_resultsBrowser; }
    /// The runs of this window's project (the dashboard shows them).
    RunController *runController() const { return m_runController; }
    /// The inline error shown when a project cannot be opened or saved; empty when none.
    QString errorText() const;
    QAction *undoAction() const { return m_undoAction; }
    QAction *redoAction() const { return m_redoAction; }

    void showSection(Section section);
    void showDashboard();

    /// Opens a project (asking about unsaved changes first); false when it could not be read,
    /// with the engine's error shown in the window.
    bool openFile(const QString &path);
    /// Starts over with `project` as if it had been opened from `path` (the demo).
    void openProject(const Project &project, const QString &path);
    /// The demo: opens `path`, runs it against `baseUrl` (a run-time override, never written into
    /// the project) and starts the run. False when the file could not be read.
    bool openDemo(const QString &path, const QString &baseUrl);
    bool saveTo(const QString &path);
    /// File > Import HAR… / Import curl…: the import becomes the project's inline scenario (one
    /// undoable step; an empty base URL takes the recording's) and its report is shown.
    bool importHar(const QString &path);
    bool importCurl(const QString &text);
    /// The last import's report (correlations, warnings), or its error.
    QString lastImportReport() const { return m_lastImportReport; }
    void newProject();

    /// This window's recovery file, which autosave writes while there are unsaved changes
    /// (empty while there is none). Each window has its own, locked while it lives.
    QString recoveryPath() const;
    void setAutosaveInterval(int milliseconds);
    /// Writes the recovery file now when there are unsaved changes.
    void autosave();
    /// Offers to restore the recovery files left by a crash (no live window holds them), newest
    /// first; true when one was restored. A declined one is deleted.
    bool offerRecovery();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    bool maybeSave();
    bool save();
    bool saveAs();
    void open();
    void updateTitle();
    void showError(const QString &message);
    /// Scenario code crashed the process: say so, then end it (RunController::scenarioCrashed).
    void endAfterScenarioCrash(const QString &description);
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void removeRecovery();
    void updateRunBlock();
    bool applyImport(const ScenarioImport &import, const QString &title);

    ProjectDocument *m_document;
    ScenarioCatalog *m_catalog;
    QTabWidget *m_tabs;
    QListWidget *m_sections;
    QStackedWidget *m_stack;
    QFrame *m_errorFrame;
    QLabel *m_errorLabel;
    ProjectSettingsEditor *m_settingsEditor;
    ScenarioPicker *m_scenarioPicker;
    StepDocument *m_stepDocument;
    StepEditor *m_stepEditor;
    QTabWidget *m_scenarioTabs;
    ProfileEditor *m_profileEditor;
    GroupsEditor *m_groupsEditor;
    RendezvousEditor *m_rendezvousEditor;
    OutputsEditor *m_outputsEditor;
    RunDashboard *m_dashboard;
    ResultsBrowser *m_resultsBrowser;
    QTimer *m_autosaveTimer;
    std::unique_ptr<RecoveryFile> m_recovery;
    RunController *m_runController; ///< the dashboard shows its runs; outlives it (created first)
    QMenu *m_recentMenu = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_importHarAction = nullptr;
    QAction *m_importCurlAction = nullptr;
    QString m_lastImportReport;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    Prompt m_prompt;
};

} // namespace Loadwizard::Ui
