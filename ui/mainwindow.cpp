#include "mainwindow.h"

#include "exporting.h"
#include "format.h"
#include "forms.h"
#include "groupseditor.h"
#include "icons.h"
#include "outputseditor.h"
#include "profileeditor.h"
#include "projectdocument.h"
#include "projectsettingseditor.h"
#include "recoveryfile.h"
#include "rendezvouseditor.h"
#include "resultsbrowser.h"
#include "rundashboard.h"
#include "scenariocatalog.h"
#include "scenarioimport.h"
#include "scenariopicker.h"
#include "stepdocument.h"
#include "stepeditor.h"
#include "theme.h"

#include <loadwizard/crashguard.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QBoxLayout>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>

namespace Loadwizard::Ui {

namespace {

const QString recentFilesKey = QStringLiteral("recentFiles");
constexpr int maxRecentFiles = 8;

/// Keyboard navigation: a shortcut that shows a page puts the focus on its first control.
void focusFirstChild(QWidget *page)
{
    for (QWidget *widget = page->nextInFocusChain(); widget && widget != page;
         widget = widget->nextInFocusChain()) {
        if (page->isAncestorOf(widget) && widget->isVisible() && widget->isEnabled() &&
            (widget->focusPolicy() & Qt::TabFocus)) {
            widget->setFocus(Qt::ShortcutFocusReason);
            return;
        }
    }
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_document(new ProjectDocument(this))
    , m_catalog(new ScenarioCatalog(this))
    , m_tabs(new QTabWidget(this))
    , m_sections(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_errorFrame(new QFrame(this))
    , m_errorLabel(new QLabel(this))
    , m_autosaveTimer(new QTimer(this))
    , m_recovery(std::make_unique<RecoveryFile>())
    , m_runController(new RunController(this))
{
    Theme::initResources();
    m_document->reset(newProjectTemplate(), QString());
    m_settingsEditor = new ProjectSettingsEditor(m_document, this);
    m_scenarioPicker = new ScenarioPicker(m_document, m_catalog, this);
    m_stepDocument = new StepDocument(m_document, this);
    m_stepEditor = new StepEditor(m_stepDocument, this);
    m_scenarioTabs = new QTabWidget(this);
    m_scenarioTabs->setDocumentMode(true);
    m_scenarioTabs->addTab(m_stepEditor, tr("Steps (declarative)"));
    m_scenarioTabs->addTab(m_scenarioPicker, tr("Compiled plugins"));
    m_profileEditor = new ProfileEditor(m_document, this);
    m_groupsEditor = new GroupsEditor(m_document, m_catalog, this);
    m_scenarioPicker->setTargetGroup([this] { return m_groupsEditor->currentGroup(); });
    connect(m_groupsEditor->groupList(), &QListWidget::currentRowChanged, m_scenarioPicker,
            &ScenarioPicker::updateTarget);
    // In a mix the steps editor, as the plugin picker, edits the group selected in Groups.
    m_stepDocument->setTargetGroup([this] { return m_groupsEditor->currentGroup(); });
    connect(m_groupsEditor->groupList(), &QListWidget::currentRowChanged, m_stepDocument,
            &StepDocument::updateTarget);
    connect(m_groupsEditor, &GroupsEditor::editStepsRequested, this, [this](int group) {
        m_groupsEditor->selectGroup(group);
        showSection(ScenarioSection);
        m_scenarioTabs->setCurrentWidget(m_stepEditor);
    });
    m_rendezvousEditor = new RendezvousEditor(m_document, this);
    m_outputsEditor = new OutputsEditor(m_document, this);
    m_dashboard = new RunDashboard(m_document, m_runController, this);
    m_resultsBrowser = new ResultsBrowser(m_document, m_runController, this);
    // The live charts and tables export as the saved ones do (PNG, CSV).
    Exporting::addExportMenus(m_dashboard, QStringLiteral("run"));
    m_stepEditor->setOverrides([this] { return m_dashboard->parameterOverrides(); });
    // A project whose scenario is (or becomes) declarative opens on its steps.
    connect(m_stepDocument, &StepDocument::scenarioChanged, this,
            [this, source = StepDocument::Source::None]() mutable {
                if (m_stepDocument->source() == source)
                    return;
                source = m_stepDocument->source();
                m_scenarioTabs->setCurrentIndex(source == StepDocument::Source::None ? 1 : 0);
            });
    m_scenarioTabs->setCurrentIndex(m_stepDocument->source() == StepDocument::Source::None ? 1 : 0);

    // Sections on the left, the editor in the centre.
    const struct
    {
        QString title;
        Icons::Glyph icon;
        QWidget *editor;
    } sections[] = {
        {tr("Project"), Icons::Glyph::Project, m_settingsEditor},
        {tr("Scenario"), Icons::Glyph::Scenario, m_scenarioTabs},
        {tr("Profile"), Icons::Glyph::Profile, m_profileEditor},
        {tr("Rendezvous"), Icons::Glyph::Rendezvous, m_rendezvousEditor},
        {tr("Outputs"), Icons::Glyph::Outputs, m_outputsEditor},
        {tr("Groups"), Icons::Glyph::Groups, m_groupsEditor},
        {tr("Results"), Icons::Glyph::Results, m_resultsBrowser},
    };
    for (const auto &section : sections) {
        new QListWidgetItem(Icons::icon(section.icon), section.title, m_sections);
        m_stack->addWidget(section.editor);
    }
    m_sections->setAccessibleName(tr("Project sections"));
    m_sections->setIconSize(QSize(20, 20));
    m_sections->setSpacing(2);
    m_sections->setFrameShape(QFrame::NoFrame);
    m_sections->setMinimumWidth(140);
    m_sections->setStyleSheet(QStringLiteral("QListWidget::item { padding: 6px 8px; }"));
    connect(m_sections, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    m_errorFrame->setObjectName(QStringLiteral("errorFrame"));
    m_errorFrame->setStyleSheet(
        QStringLiteral("#errorFrame { background: rgba(214, 69, 65, 40); border: 1px solid #d64541;"
                       " border-radius: 4px; }"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QToolButton(m_errorFrame);
    dismiss->setIcon(Icons::icon(Icons::Glyph::Close));
    dismiss->setAutoRaise(true);
    dismiss->setToolTip(tr("Dismiss"));
    auto *errorLayout = new QHBoxLayout(m_errorFrame);
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(dismiss, 0, Qt::AlignTop);
    m_errorFrame->hide();
    connect(dismiss, &QToolButton::clicked, m_errorFrame, &QWidget::hide);

    auto *design = new QWidget(this);
    auto *splitter = new QSplitter(Qt::Horizontal, design);
    splitter->addWidget(m_sections);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({170, 1030});
    auto *designLayout = new QVBoxLayout(design);
    designLayout->setContentsMargins(0, 0, 0, 0);
    designLayout->addWidget(splitter, 1);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(design, Icons::icon(Icons::Glyph::Design), tr("Design"));
    m_tabs->addTab(m_dashboard, Icons::icon(Icons::Glyph::Run), tr("Run"));

    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(6, 6, 6, 6);
    centralLayout->addWidget(m_errorFrame);
    centralLayout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    createActions();
    createMenus();
    capFormFieldWidths(this);
    m_sections->setCurrentRow(ProfileSection);

    connect(m_document, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ProjectDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_dashboard, &RunDashboard::runStarted, this, &MainWindow::showDashboard);
    // Scenario code runs in this process: if it crashes it, the edits are in the recovery file.
    connect(m_dashboard, &RunDashboard::runStarted, this, &MainWindow::autosave);
    connect(m_runController, &RunController::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 10000); });
    connect(m_runController, &RunController::compiling, this, [this](const QString &path) {
        statusBar()->showMessage(tr("Compiling %1…").arg(QFileInfo(path).fileName()));
    });
    connect(m_runController, &RunController::stateChanged, this,
            [this](RunController::State state) {
                if (state != RunController::State::Preparing &&
                    statusBar()->currentMessage().startsWith(tr("Compiling")))
                    statusBar()->clearMessage();
            });
    connect(m_runController, &RunController::scenarioCrashed, this,
            &MainWindow::endAfterScenarioCrash);
    connect(m_runController, &RunController::workerLeftBehind, this,
            [this](const QString &description) {
                showError(tr("<b>The run was cut short</b><br>%1<br>That thread keeps a CPU core "
                             "busy until Loadwizard is restarted.")
                              .arg(description.toHtmlEscaped()));
            });
    // A scenario the catalog rejected cannot run: Run says why instead of failing later.
    connect(m_catalog, &ScenarioCatalog::entryChanged, this, &MainWindow::updateRunBlock);
    connect(m_catalog, &ScenarioCatalog::entriesReset, this, &MainWindow::updateRunBlock);
    connect(m_document, &ProjectDocument::projectChanged, this, &MainWindow::updateRunBlock);
    connect(m_dashboard, &RunDashboard::runRefused, this, [this](const QString &reason) {
        statusBar()->showMessage(tr("Cannot run: %1").arg(reason), 10000);
    });
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::autosave);
    m_autosaveTimer->start(60 * 1000);

    updateTitle();
    updateRecentMenu();
    resize(1200, 780);
    restoreGeometry(QSettings().value(QStringLiteral("window/geometry")).toByteArray());
    statusBar()->showMessage(tr("Ready"), 3000);
    m_catalog->rescan();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_newAction = new QAction(Icons::icon(Icons::Glyph::New), tr("&New"), this);
    m_newAction->setShortcut(QKeySequence::New);
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newProject);
    m_openAction = new QAction(Icons::icon(Icons::Glyph::Open), tr("&Open…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::open);
    m_saveAction = new QAction(Icons::icon(Icons::Glyph::Save), tr("&Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);
    m_saveAsAction = new QAction(tr("Save &As…"), this);
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_importHarAction = new QAction(tr("Import &HAR…"), this);
    m_importHarAction->setToolTip(tr("A browser recording (devtools: Save all as HAR) as the "
                                     "project's steps"));
    connect(m_importHarAction, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import a HAR file"), QDir::homePath(),
                                         tr("HAR files (*.har);;All files (*)"));
        if (!path.isEmpty())
            importHar(path);
    });
    m_importCurlAction = new QAction(tr("Import c&url…"), this);
    connect(m_importCurlAction, &QAction::triggered, this, [this] {
        CurlImportDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted)
            importCurl(dialog.text());
    });

    m_undoAction = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setIcon(Icons::icon(Icons::Glyph::Undo));
    m_redoAction = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_redoAction->setIcon(Icons::icon(Icons::Glyph::Redo));
}

void MainWindow::createMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAction);
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(m_stepEditor->newScenarioAction());
    file->addAction(m_importHarAction);
    file->addAction(m_importCurlAction);
    file->addSeparator();
    file->addAction(m_saveAction);
    file->addAction(m_saveAsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    auto *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);

    auto *view = menuBar()->addMenu(tr("&View"));
    const QString titles[] = {tr("&Project settings"), tr("&Scenario"), tr("Workload &profile"),
                              tr("Rende&zvous"),       tr("&Outputs"),  tr("&Groups")};
    for (int i = 0; i < 6; ++i) {
        auto *action = view->addAction(titles[i]);
        // Ctrl+6 is the Run tab (older than groups): the Groups section is Ctrl+7.
        action->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + (i < 5 ? i : 6))));
        connect(action, &QAction::triggered, this, [this, i] {
            showSection(Section(i));
            focusFirstChild(m_stack->currentWidget());
        });
    }
    auto *results = view->addAction(tr("Saved &results"));
    results->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_8));
    connect(results, &QAction::triggered, this, [this] {
        showSection(ResultsSection);
        focusFirstChild(m_stack->currentWidget());
    });
    auto *dashboard = view->addAction(tr("Run &dashboard"));
    dashboard->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_6));
    connect(dashboard, &QAction::triggered, this, [this] {
        showDashboard();
        focusFirstChild(m_dashboard);
    });
    view->addSeparator();
    auto *appearance = view->addMenu(tr("&Appearance"));
    auto *schemes = new QActionGroup(this);
    const std::pair<QString, Theme::Scheme> choices[] = {{tr("&System"), Theme::Scheme::System},
                                                         {tr("&Light"), Theme::Scheme::Light},
                                                         {tr("&Dark"), Theme::Scheme::Dark}};
    for (const auto &[title, scheme] : choices) {
        auto *action = appearance->addAction(title);
        action->setCheckable(true);
        action->setChecked(scheme == Theme::saved());
        schemes->addAction(action);
        connect(action, &QAction::triggered, this, [scheme] {
            Theme::save(scheme);
            Theme::apply(scheme);
        });
    }

    auto *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_dashboard->runAction());
    run->addAction(m_dashboard->stopAction());
    run->addAction(m_dashboard->abortAction());

    auto *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Loadwizard"), this, [this] {
        QMessageBox::about(this, tr("About Loadwizard"),
                           tr("<h3>Loadwizard %1</h3><p>A load-test workbench: ramp-up profiles "
                              "of virtual users, scenarios in compiled C++20 coroutines, "
                              "libcurl underneath.</p>")
                               .arg(QStringLiteral(LOADWIZARD_VERSION)));
    });

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_newAction);
    toolbar->addAction(m_openAction);
    toolbar->addAction(m_saveAction);
    toolbar->addSeparator();
    // The menu's Undo says what it undoes ("Undo Edit ramp-up"); on the toolbar that text would
    // move every button after it at each edit, so its buttons keep a fixed label and say it in
    // their tooltip.
    const auto addFixed = [this, toolbar](QAction *action, const QString &label) {
        auto *fixed = new QAction(action->icon(), label, toolbar);
        fixed->setObjectName(action == m_undoAction ? QStringLiteral("toolbarUndo")
                                                    : QStringLiteral("toolbarRedo"));
        const auto sync = [fixed, action] {
            fixed->setEnabled(action->isEnabled());
            fixed->setToolTip(action->text().remove(QLatin1Char('&')));
        };
        sync();
        connect(action, &QAction::changed, fixed, sync);
        connect(fixed, &QAction::triggered, action, &QAction::trigger);
        toolbar->addAction(fixed);
    };
    addFixed(m_undoAction, tr("Undo"));
    addFixed(m_redoAction, tr("Redo"));
    toolbar->addSeparator();
    // The one place of Run, Stop and Abort (besides the Run menu): seen from every tab.
    toolbar->addAction(m_dashboard->runAction());
    toolbar->addAction(m_dashboard->stopAction());
    toolbar->addAction(m_dashboard->abortAction());
}

void MainWindow::showSection(Section section)
{
    m_tabs->setCurrentIndex(0);
    m_sections->setCurrentRow(section);
}

void MainWindow::showDashboard()
{
    m_tabs->setCurrentWidget(m_dashboard);
}

QString MainWindow::errorText() const
{
    return m_errorFrame->isHidden() ? QString() : m_errorLabel->text();
}

void MainWindow::endAfterScenarioCrash(const QString &description)
{
    // Scenario code crashed in this process: its memory may be damaged, so nothing more runs.
    // The project went to the recovery file when the run started; the dashboard shows the run
    // up to the crash while this is read.
    autosave();
    const QString text =
        tr("%1.\n\nThe run's results up to the crash are on the Run tab. Loadwizard must close "
           "now, since scenario code may have damaged its memory. Your project was saved and is "
           "offered at the next start.")
            .arg(description.left(1).toUpper() + description.mid(1));
    if (m_prompt)
        m_prompt(text);
    else
        QMessageBox::critical(this, tr("The scenario crashed"), text);
    CrashGuard::endProcess();
}

void MainWindow::updateRunBlock()
{
    const Project &project = m_document->project();
    std::vector<std::string> scenarios;
    if (project.groups.empty() && !project.scenario.empty())
        scenarios.push_back(project.scenarioPath());
    for (const ProjectGroup &group : project.groups) {
        if (!group.scenario.empty())
            scenarios.push_back(group.scenarioPath(project.folder()));
    }
    QString reason;
    for (const std::string &scenario : scenarios) {
        const int index = m_catalog->indexOf(QString::fromStdString(scenario));
        if (index < 0 || m_catalog->entries()[index].state != ScenarioEntry::State::Rejected)
            continue;
        const ScenarioEntry &entry = m_catalog->entries()[index];
        reason = tr("the scenario %1 was rejected: %2 (after fixing it, Reload in the Scenario "
                    "section)")
                     .arg(QFileInfo(entry.path).fileName(),
                          QString::fromStdString(entry.error.message).section('\n', 0, 0));
        break;
    }
    if (reason == m_dashboard->runBlockedReason())
        return;
    m_dashboard->setRunBlocked(reason);
    if (!reason.isEmpty())
        statusBar()->showMessage(tr("Cannot run: %1").arg(reason), 10000);
}

void MainWindow::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorFrame->setVisible(!message.isEmpty());
}

void MainWindow::updateTitle()
{
    setWindowTitle(tr("%1[*] — Loadwizard").arg(m_document->displayName()));
    setWindowModified(m_document->isModified());
    setWindowFilePath(m_document->filePath());
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified())
        return true;
    const QString question =
        tr("%1 has unsaved changes. Save them?").arg(m_document->displayName());
    const auto answer =
        m_prompt
            ? m_prompt(question)
            : QMessageBox::warning(this, tr("Unsaved changes"), question,
                                   QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                   QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newProject()
{
    if (!maybeSave())
        return;
    m_dashboard->setParameterOverrides({});
    showError(QString());
    m_document->reset(newProjectTemplate(), QString());
    removeRecovery();
    showSection(ProfileSection);
}

void MainWindow::open()
{
    if (!maybeSave())
        return;
    const QString dir = m_document->filePath().isEmpty()
                            ? QDir::homePath()
                            : QFileInfo(m_document->filePath()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open project"), dir, tr("Loadwizard projects (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

bool MainWindow::openFile(const QString &path)
{
    if (!maybeSave())
        return false;
    std::vector<Error> warnings;
    auto loaded = m_document->load(path, &warnings);
    if (!loaded) {
        // Keep the current project; say exactly where the file is wrong.
        showError(tr("<b>Cannot open %1</b><br>%2")
                      .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                           Ui::errorText(loaded.error()).toHtmlEscaped()));
        statusBar()->showMessage(Ui::errorText(loaded.error()));
        return false;
    }
    removeRecovery();
    m_dashboard->setParameterOverrides({}); // the demo's target belongs to the demo only
    QStringList lines;
    for (const Error &warning : warnings)
        lines << Ui::errorText(warning).toHtmlEscaped();
    showError(lines.isEmpty() ? QString()
                              : tr("<b>Opened with warnings</b><br>%1").arg(lines.join("<br>")));
    addRecentFile(m_document->filePath());
    statusBar()->showMessage(tr("Opened %1").arg(m_document->filePath()), 5000);
    return true;
}

void MainWindow::openProject(const Project &project, const QString &path)
{
    m_dashboard->setParameterOverrides({});
    m_document->reset(project, path);
    showError(QString());
}

bool MainWindow::openDemo(const QString &path, const QString &baseUrl)
{
    if (!openFile(path))
        return false;
    // An override of this session's runs, like --param: the project (and so any save) keeps the
    // base_url written in the file.
    m_dashboard->setParameterOverrides({{"base_url", baseUrl.toStdString()}});
    statusBar()->showMessage(tr("Demo: the built-in target serves %1").arg(baseUrl));
    m_dashboard->startRun();
    return true;
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    return saveTo(m_document->filePath());
}

bool MainWindow::saveAs()
{
    const QString suggestion = m_document->filePath().isEmpty()
                                   ? QDir::homePath() + QStringLiteral("/untitled.yaml")
                                   : m_document->filePath();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save project"), suggestion,
                                                      tr("Loadwizard projects (*.yaml *.yml)"));
    return !path.isEmpty() && saveTo(path);
}

bool MainWindow::saveTo(const QString &path)
{
    // The scenario file first: a project saved clean must not hide unsaved steps.
    if (auto written = m_stepDocument->saveFile(); !written) {
        showError(tr("<b>Cannot save the scenario file</b><br>%1")
                      .arg(Ui::errorText(written.error()).toHtmlEscaped()));
        return false;
    }
    auto saved = m_document->save(path);
    if (!saved) {
        showError(tr("<b>Cannot save</b><br>%1").arg(Ui::errorText(saved.error()).toHtmlEscaped()));
        return false;
    }
    showError(QString());
    removeRecovery();
    addRecentFile(m_document->filePath());
    if (m_profileEditor->hasInvalidEdit())
        statusBar()->showMessage(tr("Saved %1 with the last valid ramp-up: the text in the "
                                    "ramp-up field is not valid")
                                     .arg(m_document->filePath()),
                                 10000);
    else
        statusBar()->showMessage(tr("Saved %1").arg(m_document->filePath()), 5000);
    return true;
}

bool MainWindow::importHar(const QString &path)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const ScenarioImport import = importHarFile(path);
    QApplication::restoreOverrideCursor();
    return applyImport(import, tr("Import %1").arg(QFileInfo(path).fileName()));
}

bool MainWindow::importCurl(const QString &text)
{
    return applyImport(importCurlText(text), tr("Import curl commands"));
}

bool MainWindow::applyImport(const ScenarioImport &import, const QString &title)
{
    if (!import.scenario) {
        m_lastImportReport = import.error;
        showError(tr("<b>%1 failed</b><br>%2").arg(title, import.error.toHtmlEscaped()));
        return false;
    }
    Project project = m_document->project();
    const int group = m_groupsEditor->currentGroup();
    if (group >= 0 && group < static_cast<int>(project.groups.size())) {
        // A mix has no scenario of its own: the group selected in the Groups section gets it.
        project.groups[std::size_t(group)].scenario.clear();
        project.groups[std::size_t(group)].inlineScenario = *import.scenario;
    } else {
        project.scenario.clear();
        project.inlineScenario = *import.scenario;
    }
    if (project.http.baseUrl.empty())
        project.http.baseUrl = import.baseUrl.toStdString();
    m_document->apply(project, title);
    showError(QString());
    showSection(ScenarioSection);
    m_scenarioTabs->setCurrentWidget(m_stepEditor);
    m_lastImportReport = import.report;
    if (!m_prompt && !import.report.isEmpty())
        showImportReport(this, title, import.report);
    statusBar()->showMessage(title, 5000);
    return true;
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList files = settings.value(recentFilesKey).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > maxRecentFiles)
        files.removeLast();
    settings.setValue(recentFilesKey, files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList files = QSettings().value(recentFilesKey).toStringList();
    int number = 1;
    for (const QString &file : files) {
        auto *action =
            m_recentMenu->addAction(tr("&%1 %2").arg(number++).arg(QFileInfo(file).fileName()),
                                    this, [this, file] { openFile(file); });
        action->setToolTip(file);
        action->setStatusTip(file);
    }
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("&Clear the list"), this, [this] {
            QSettings().remove(recentFilesKey);
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

QString MainWindow::recoveryPath() const
{
    return m_recovery->path();
}

void MainWindow::setAutosaveInterval(int milliseconds)
{
    m_autosaveTimer->start(milliseconds);
}

void MainWindow::autosave()
{
    if (!m_document->isModified())
        return;
    if (m_recovery->write(m_document->project(), m_document->filePath()))
        statusBar()->showMessage(tr("Unsaved changes kept in a recovery file"), 3000);
}

void MainWindow::removeRecovery()
{
    m_recovery->remove();
}

bool MainWindow::offerRecovery()
{
    // Only files no live window holds: another window's or instance's are theirs.
    for (RecoveryFile::Orphan &orphan : RecoveryFile::orphans()) {
        const QString question =
            tr("Loadwizard did not close properly. Restore the unsaved changes to %1 from %2?")
                .arg(orphan.origin.isEmpty() ? tr("an untitled project")
                                             : QFileInfo(orphan.origin).fileName(),
                     QLocale().toString(QFileInfo(orphan.path).lastModified(),
                                        QLocale::ShortFormat));
        const auto answer =
            m_prompt ? m_prompt(question)
                     : QMessageBox::question(this, tr("Restore unsaved changes"), question,
                                             QMessageBox::Yes | QMessageBox::No);
        if (answer != QMessageBox::Yes && answer != QMessageBox::Save) {
            RecoveryFile::discard(orphan);
            continue;
        }
        auto recovered = loadProject(orphan.path.toStdString());
        if (!recovered) {
            showError(tr("<b>Cannot restore</b><br>%1")
                          .arg(Ui::errorText(recovered.error()).toHtmlEscaped()));
            RecoveryFile::discard(orphan);
            continue;
        }
        // Relative paths inside were written against the original file's folder.
        m_document->reset(*recovered, orphan.origin, true);
        // Ours now: kept until saved or closed, so a second crash loses nothing either.
        m_recovery->adopt(std::move(orphan));
        statusBar()->showMessage(tr("Restored unsaved changes"), 5000);
        return true;
    }
    return false;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_runController->isActive()) {
        const auto answer =
            m_prompt ? m_prompt(tr("A run is in progress. Abort it and quit?"))
                     : QMessageBox::question(this, tr("Run in progress"),
                                             tr("A run is in progress. Abort it and quit?"));
        if (answer != QMessageBox::Yes && answer != QMessageBox::Discard) {
            event->ignore();
            return;
        }
        m_runController->abort();
    }
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    removeRecovery();
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    event->accept();
}

} // namespace Loadwizard::Ui
