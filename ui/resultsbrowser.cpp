#include "resultsbrowser.h"

#include "exporting.h"
#include "icons.h"
#include "projectdocument.h"
#include "runcomparison.h"
#include "runcontroller.h"
#include "savedrunsmodel.h"

#include <QBoxLayout>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QUrl>

#include <algorithm>

namespace Loadwizard::Ui {

ResultsBrowser::ResultsBrowser(ProjectDocument *document, RunController *controller,
                               QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_controller(controller)
    , m_model(new SavedRunsModel(this))
    , m_loader(new SavedRunLoader(this))
    , m_list(new QTableView(this))
    , m_placeholder(new QLabel(this))
    , m_listStack(new QStackedWidget(this))
    , m_openButton(new QPushButton(tr("&Open"), this))
    , m_compareButton(new QPushButton(tr("Co&mpare"), this))
    , m_folderButton(new QPushButton(tr("Show &folder"), this))
    , m_deleteButton(new QPushButton(tr("&Delete…"), this))
    , m_refreshButton(new QPushButton(this))
    , m_message(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_detail(new QStackedWidget(this))
    , m_runView(new SavedRunView(this))
    , m_comparison(new RunComparison(this))
    , m_opener(SavedRunView::openWithDesktop)
{
    m_list->setModel(m_model);
    m_list->setAccessibleName(tr("Saved runs"));
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setAlternatingRowColors(true);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->verticalHeader()->hide();
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->horizontalHeader()->setSectionResizeMode(SavedRunsModel::ProjectColumn,
                                                     QHeaderView::Stretch);
    connect(m_list, &QTableView::activated, this,
            [this](const QModelIndex &index) { openRow(index.row()); });
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultsBrowser::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResultsBrowser::updateButtons);

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false); // the palette's muted text
    m_listStack->addWidget(m_list);
    m_listStack->addWidget(m_placeholder);

    m_openButton->setToolTip(tr("Show the selected run as the Run tab showed it (Enter)"));
    m_compareButton->setToolTip(tr("Overlay two selected runs: the older one is the baseline "
                                   "(A)"));
    m_folderButton->setIcon(Icons::icon(Icons::Glyph::Open));
    m_folderButton->setToolTip(tr("Open the selected run's results folder"));
    m_deleteButton->setIcon(Icons::icon(Icons::Glyph::Trash));
    m_deleteButton->setToolTip(tr("Move the selected runs' results folders to the trash"));
    m_refreshButton->setIcon(Icons::icon(Icons::Glyph::Reload));
    m_refreshButton->setToolTip(tr("List the saved runs again"));
    m_refreshButton->setAccessibleName(tr("Refresh"));
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (!rows.isEmpty())
            openRow(rows.front());
    });
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (rows.size() == 2)
            compareRows(rows[0], rows[1]);
    });
    connect(m_folderButton, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (!rows.isEmpty())
            showFolder(rows.front());
    });
    connect(m_deleteButton, &QPushButton::clicked, this, [this] {
        auto rows = selectedRows();
        // From the bottom up: a deletion lists the folder again.
        std::sort(rows.begin(), rows.end(), std::greater<>());
        QStringList folders;
        for (int row : rows)
            folders << m_model->folderAt(row);
        for (const QString &folder : folders) {
            if (!deleteRow(m_model->rowOf(folder)))
                break;
        }
    });
    connect(m_refreshButton, &QPushButton::clicked, this, &ResultsBrowser::refresh);

    auto *buttons = new QHBoxLayout;
    auto *heading = new QLabel(tr("<b>Saved runs</b>"), this);
    buttons->addWidget(heading);
    buttons->addStretch();
    for (auto *button :
         {m_openButton, m_compareButton, m_folderButton, m_deleteButton, m_refreshButton})
        buttons->addWidget(button);

    m_message->setObjectName(QStringLiteral("resultsError"));
    m_message->setStyleSheet(
        QStringLiteral("#resultsError { background: rgba(214, 69, 65, 40); border: 1px solid "
                       "#d64541; border-radius: 4px; padding: 4px; }"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false);
    m_hint->setText(tr("Open a run (double-click) to see its charts and tables as they were "
                       "live; select two and Compare to overlay them."));
    m_detail->addWidget(m_hint);
    m_detail->addWidget(m_runView);
    m_detail->addWidget(m_comparison);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(buttons);
    topLayout->addWidget(m_listStack, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    // A few runs on screen above the charts, whatever their own minimum heights ask.
    const int rowHeight = m_list->verticalHeader()->defaultSectionSize();
    m_listStack->setMinimumHeight(rowHeight * 4 + m_list->horizontalHeader()->sizeHint().height() +
                                  2 * m_list->frameWidth());
    splitter->setSizes({1, 10000});
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    Exporting::addTableExport(m_list, QStringLiteral("saved-runs"));

    connect(m_loader, &SavedRunLoader::loaded, this, [this](const std::vector<SavedRunPtr> &runs) {
        unsetCursor();
        showMessage(QString());
        if (runs.size() == 1) {
            m_runView->showRun(runs.front());
            m_detail->setCurrentWidget(m_runView);
        } else if (runs.size() == 2) {
            m_comparison->compare(runs[0], runs[1]);
            m_detail->setCurrentWidget(m_comparison);
        }
        emit shown();
    });
    connect(m_loader, &SavedRunLoader::failed, this,
            [this](const QString &folder, const QString &message) {
                unsetCursor();
                showMessage(tr("<b>Cannot read %1</b><br>%2")
                                .arg(QDir::toNativeSeparators(folder).toHtmlEscaped(),
                                     message.toHtmlEscaped()));
            });

    // A run that starts is listed at once (as running); one that ends, with its figures.
    connect(m_controller, &RunController::stateChanged, this, [this](RunController::State state) {
        if (state == RunController::State::Preparing)
            return;
        m_model->setActiveFolder(m_controller->isActive() ? m_controller->resultsFolder()
                                                          : QString());
        refresh();
    });
    connect(m_document, &ProjectDocument::filePathChanged, this, [this] {
        m_loader->cancel();
        m_runView->clear();
        m_comparison->clear();
        m_detail->setCurrentWidget(m_hint);
        showMessage(QString());
        refresh();
    });
    refresh();
}

ResultsBrowser::~ResultsBrowser() = default;

QString ResultsBrowser::resultsFolderFor(const QString &projectPath)
{
    const QString base = projectPath.isEmpty()
                             ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                             : QFileInfo(projectPath).absolutePath();
    return QDir::cleanPath(base + QStringLiteral("/results"));
}

QString ResultsBrowser::resultsFolder() const
{
    return resultsFolderFor(m_document->filePath());
}

void ResultsBrowser::setUrlOpener(SavedRunView::UrlOpener opener)
{
    m_opener = opener;
    m_runView->setUrlOpener(std::move(opener));
}

void ResultsBrowser::showEvent(QShowEvent *event)
{
    // Runs saved by the command line meanwhile show up too.
    refresh();
    QWidget::showEvent(event);
}

void ResultsBrowser::refresh()
{
    QStringList selected;
    for (int row : selectedRows())
        selected << m_model->folderAt(row);
    m_model->refresh(resultsFolder());
    for (const QString &folder : selected) {
        const int row = m_model->rowOf(folder);
        if (row >= 0)
            m_list->selectionModel()->select(m_model->index(row, 0), QItemSelectionModel::Select |
                                                                         QItemSelectionModel::Rows);
    }
    m_placeholder->setText(
        tr("No saved runs yet.\n\nEvery run of this project saves its results in %1: run it "
           "(F5), and it is listed here.")
            .arg(QDir::toNativeSeparators(resultsFolder())));
    m_listStack->setCurrentWidget(m_model->rowCount() ? static_cast<QWidget *>(m_list)
                                                      : m_placeholder);
    updateButtons();
}

QList<int> ResultsBrowser::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_list->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void ResultsBrowser::updateButtons()
{
    const auto rows = selectedRows();
    m_openButton->setEnabled(rows.size() == 1);
    m_compareButton->setEnabled(rows.size() == 2);
    m_folderButton->setEnabled(rows.size() == 1);
    m_deleteButton->setEnabled(!rows.isEmpty());
}

void ResultsBrowser::showMessage(const QString &html)
{
    m_message->setText(html);
    m_message->setVisible(!html.isEmpty());
}

QString ResultsBrowser::errorText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void ResultsBrowser::openRow(int row)
{
    const QString folder = m_model->folderAt(row);
    if (folder.isEmpty())
        return;
    setCursor(Qt::BusyCursor);
    m_loader->load({folder});
}

void ResultsBrowser::compareRows(int first, int second)
{
    const SavedRunListing *a = m_model->listingAt(first);
    const SavedRunListing *b = m_model->listingAt(second);
    if (!a || !b || first == second)
        return;
    if (b->manifest.started < a->manifest.started)
        std::swap(a, b);
    setCursor(Qt::BusyCursor);
    m_loader->load({QString::fromStdString(a->folder), QString::fromStdString(b->folder)});
}

void ResultsBrowser::showFolder(int row)
{
    const QString folder = m_model->folderAt(row);
    if (folder.isEmpty())
        return;
    m_opener(QUrl::fromLocalFile(folder));
}

bool ResultsBrowser::deleteRow(int row)
{
    const SavedRunListing *listing = m_model->listingAt(row);
    if (!listing)
        return false;
    const QString folder = QString::fromStdString(listing->folder);
    if (m_controller->isActive() && m_model->rowOf(m_controller->resultsFolder()) == row) {
        showMessage(tr("<b>That run is still going</b><br>Stop it first."));
        return false;
    }
    const QString question =
        tr("Delete the results of the run started %1?\n\n%2\n\nThe folder goes to the trash "
           "(or is deleted where there is none).")
            .arg(m_model->data(m_model->index(row, SavedRunsModel::StartedColumn)).toString(),
                 QDir::toNativeSeparators(folder));
    const auto answer =
        m_prompt ? m_prompt(question)
                 : QMessageBox::question(this, tr("Delete saved run"), question,
                                         QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes)
        return false;
    bool removed = QFile::moveToTrash(folder);
    if (!removed && QFileInfo::exists(folder + QStringLiteral("/manifest.json")))
        removed = QDir(folder).removeRecursively();
    if (!removed) {
        showMessage(
            tr("<b>Cannot delete %1</b>").arg(QDir::toNativeSeparators(folder).toHtmlEscaped()));
        return false;
    }
    const auto shownFolder = [](const SavedRunPtr &run) {
        return run ? QDir::cleanPath(QString::fromStdString(run->folder)) : QString();
    };
    const QString gone = QDir::cleanPath(folder);
    if (shownFolder(m_runView->run()) == gone || shownFolder(m_comparison->runA()) == gone ||
        shownFolder(m_comparison->runB()) == gone) {
        m_runView->clear();
        m_comparison->clear();
        m_detail->setCurrentWidget(m_hint);
    }
    refresh();
    return true;
}

} // namespace Loadwizard::Ui
