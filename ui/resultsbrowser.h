#pragma once

#include "savedrunloader.h"
#include "savedrunview.h"

#include <QMessageBox>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace Loadwizard::Ui {

class ProjectDocument;
class RunComparison;
class RunController;
class SavedRunsModel;

/// The Results section of the main window: the project's saved runs (PROJECT_DIR/results, newest
/// first), one of them opened as the Run tab showed it, or two overlaid; delete, show the folder,
/// the HTML report. Listed again when a run starts or ends and when the project changes.
class ResultsBrowser : public QWidget
{
    Q_OBJECT

public:
    /// Asks before deleting (Yes or No); a dialog unless replaced (tests).
    using Prompt = std::function<QMessageBox::StandardButton(const QString &question)>;

    ResultsBrowser(ProjectDocument *document, RunController *controller, QWidget *parent = nullptr);
    ~ResultsBrowser() override;

    /// Where the project's runs save: PROJECT_DIR/results, or the user's data folder's
    /// results/ for a project never saved (as RunController).
    static QString resultsFolderFor(const QString &projectPath);
    QString resultsFolder() const;

    void setPrompt(Prompt prompt) { m_prompt = std::move(prompt); }
    /// Opens folders and the report; QDesktopServices unless replaced (never offscreen).
    void setUrlOpener(SavedRunView::UrlOpener opener);

    /// Lists the folder again, keeping the selection.
    void refresh();
    /// Opens the run of `row` (off the UI thread: loaded() or failed() follow).
    void openRow(int row);
    /// Overlays the runs of two rows: the older is A (the baseline).
    void compareRows(int first, int second);
    /// Deletes the run of `row` after asking: to the trash, or for good where there is none.
    bool deleteRow(int row);
    /// Opens the folder of `row` in the file manager.
    void showFolder(int row);
    /// The message shown for a folder that cannot be read; empty when none.
    QString errorText() const;

    SavedRunsModel *model() const { return m_model; }
    QTableView *listView() const { return m_list; }
    SavedRunView *runView() const { return m_runView; }
    RunComparison *comparison() const { return m_comparison; }
    SavedRunLoader *loader() const { return m_loader; }
    QLabel *placeholder() const { return m_placeholder; }
    QPushButton *compareButton() const { return m_compareButton; }

signals:
    /// A run or a comparison is on screen.
    void shown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QList<int> selectedRows() const;
    void updateButtons();
    void showMessage(const QString &html);

    ProjectDocument *m_document;
    RunController *m_controller;
    SavedRunsModel *m_model;
    SavedRunLoader *m_loader;
    QTableView *m_list;
    QLabel *m_placeholder;
    QStackedWidget *m_listStack;
    QPushButton *m_openButton;
    QPushButton *m_compareButton;
    QPushButton *m_folderButton;
    QPushButton *m_deleteButton;
    QPushButton *m_refreshButton;
    QLabel *m_message;
    QLabel *m_hint;
    QStackedWidget *m_detail;
    SavedRunView *m_runView;
    RunComparison *m_comparison;
    SavedRunView::UrlOpener m_opener;
    Prompt m_prompt;
};

} // namespace Loadwizard::Ui
