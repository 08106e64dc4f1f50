#include "stepeditor.h"

#include "groupedits.h"
#include "icons.h"
#include "projectdocument.h"
#include "stepdocument.h"
#include "stepforms.h"
#include "stepmodel.h"
#include "trypanel.h"
#include "tryrunner.h"

#include <loadwizard/stepsyaml.h>

#include <QAction>
#include <QApplication>
#include <QBoxLayout>
#include <QDrag>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>

namespace Loadwizard::Ui {

using Steps::Step;

namespace {

/// Drags move through the model's dropMimeData (an undoable edit); the view must not also
/// remove the dragged rows afterwards, as QAbstractItemView's own startDrag does.
class StepTreeView : public QTreeView
{
public:
    using QTreeView::QTreeView;

protected:
    void startDrag(Qt::DropActions) override
    {
        const QModelIndexList indexes = selectedIndexes();
        QMimeData *data = model()->mimeData(indexes);
        if (!data)
            return;
        auto *drag = new QDrag(this);
        drag->setMimeData(data);
        drag->exec(Qt::MoveAction, Qt::MoveAction);
    }
};

} // namespace

StepEditor::StepEditor(StepDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_model(new StepModel(document, this))
    , m_tree(new StepTreeView(this))
    , m_forms(new StepForms(document, this))
    , m_tryPanel(new TryPanel(this))
    , m_runner(new TryRunner(this))
    , m_title(new QLabel(this))
    , m_body(new QWidget(this))
    , m_empty(new QWidget(this))
    , m_add(new QPushButton(tr("&Add step"), this))
{
    m_tree->setObjectName(QStringLiteral("stepTree"));
    m_tree->setModel(m_model);
    m_tree->setHeaderHidden(true);
    m_tree->setDragDropMode(QAbstractItemView::InternalMove);
    m_tree->setDragEnabled(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDropIndicatorShown(true);
    m_tree->setDefaultDropAction(Qt::MoveAction);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAccessibleName(tr("Steps"));
    m_tree->setUniformRowHeights(true); // thousands of steps: no per-row height to measure
    m_tree->expandAll();

    m_newScenario =
        new QAction(Icons::icon(Icons::Glyph::New), tr("New &declarative scenario"), this);
    m_newScenario->setToolTip(tr("Write the scenario as steps inline in the project, starting "
                                 "with GET /health"));
    m_try = new QAction(Icons::icon(Icons::Glyph::Run), tr("&Try one iteration"), this);
    m_try->setToolTip(tr("Run one vuser once against the target and show every request"));
    m_remove = new QAction(Icons::icon(Icons::Glyph::Trash), tr("&Remove"), this);
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_duplicate = new QAction(tr("D&uplicate"), this);
    m_disable = new QAction(tr("Disa&ble"), this);
    m_up = new QAction(Icons::icon(Icons::Glyph::Up), tr("Move &up"), this);
    m_down = new QAction(Icons::icon(Icons::Glyph::Down), tr("Move do&wn"), this);
    m_tree->addAction(m_remove);

    auto *kinds = new QMenu(this);
    for (auto kind : {Step::Kind::Request, Step::Kind::Think, Step::Kind::Pace,
                      Step::Kind::Transaction, Step::Kind::Rendezvous, Step::Kind::Repeat,
                      Step::Kind::If, Step::Kind::Log, Step::Kind::Set}) {
        auto *action = kinds->addAction(QString::fromUtf8(Steps::stepKindName(kind).data()));
        connect(action, &QAction::triggered, this, [this, kind] { addStep(kind); });
    }
    m_add->setMenu(kinds);
    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addWidget(m_add);
    for (QAction *action : {m_remove, m_duplicate, m_disable, m_up, m_down})
        toolbar->addAction(action);

    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *tryButton = new QToolButton(this);
    tryButton->setDefaultAction(m_try);
    tryButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(tryButton);

    auto *top = new QSplitter(Qt::Horizontal, m_body);
    top->addWidget(m_tree);
    top->addWidget(m_forms);
    top->setStretchFactor(1, 1);
    top->setSizes({380, 560});
    top->setChildrenCollapsible(false);
    auto *split = new QSplitter(Qt::Vertical, m_body);
    split->addWidget(top);
    split->addWidget(m_tryPanel);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *bodyLayout = new QVBoxLayout(m_body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(toolbar);
    bodyLayout->addWidget(split, 1);

    m_emptyText = new QLabel(m_empty);
    m_emptyText->setWordWrap(true);
    auto *newButton = new QToolButton(m_empty);
    newButton->setDefaultAction(m_newScenario);
    newButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->addWidget(m_emptyText);
    emptyLayout->addWidget(newButton, 0, Qt::AlignLeft);
    emptyLayout->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_empty, 1);

    connect(m_newScenario, &QAction::triggered, this, [this] {
        if (m_document->makeInline(starterScenario(), tr("New declarative scenario")))
            select(StepPath().child(StepPath::List::Steps, 0));
    });
    connect(m_try, &QAction::triggered, this, &StepEditor::tryOneIteration);
    connect(m_remove, &QAction::triggered, this, &StepEditor::removeSelected);
    connect(m_duplicate, &QAction::triggered, this, &StepEditor::duplicateSelected);
    connect(m_disable, &QAction::triggered, this, &StepEditor::toggleDisabled);
    connect(m_up, &QAction::triggered, this, [this] { moveSelected(-1); });
    connect(m_down, &QAction::triggered, this, [this] { moveSelected(1); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                m_selected = m_model->pathAt(current);
                m_forms->setPath(m_selected);
                updateState();
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, &StepEditor::restoreSelection);
    connect(m_document, &StepDocument::scenarioChanged, this, &StepEditor::updateState);
    connect(m_document, &StepDocument::aboutToChangeTarget, this, [this] {
        // A table cell or field being edited commits when it loses the focus: to the group it
        // was typed in, before the document shows another one.
        if (QWidget *focus = QApplication::focusWidget(); focus && isAncestorOf(focus))
            focus->clearFocus();
        m_tree->setCurrentIndex({}); // another group's steps: nothing selected in them yet
        m_selected.reset();
        m_forms->setPath(std::nullopt);
    });
    connect(m_runner, &TryRunner::started, m_tryPanel, &TryPanel::setRunning);
    connect(m_runner, &TryRunner::stepEvent, m_tryPanel, &TryPanel::addStepEvent);
    connect(m_runner, &TryRunner::traceLine, m_tryPanel, &TryPanel::addTraceLine);
    connect(m_runner, &TryRunner::logLine, m_tryPanel, &TryPanel::addLogLine);
    connect(m_runner, &TryRunner::finished, m_tryPanel, &TryPanel::setFinished);
    connect(m_runner, &TryRunner::finished, this, &StepEditor::updateState);
    updateState();
}

StepEditor::~StepEditor() = default;

std::optional<StepPath> StepEditor::currentPath() const
{
    return m_model->pathAt(m_tree->currentIndex());
}

void StepEditor::select(const StepPath &path)
{
    const QModelIndex index = m_model->indexOf(path);
    if (!index.isValid())
        return;
    for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
        m_tree->expand(parent);
    m_tree->setCurrentIndex(index);
    m_selected = path;
    m_forms->setPath(path);
}

void StepEditor::selectSection(StepPath::List list)
{
    m_tree->setCurrentIndex(m_model->sectionIndex(list));
}

void StepEditor::restoreSelection()
{
    m_tree->expandAll();
    if (m_selected && m_model->indexOf(*m_selected).isValid())
        select(*m_selected);
    else
        m_forms->setPath(std::nullopt);
    updateState();
}

void StepEditor::addStep(Step::Kind kind)
{
    if (!m_document->isEditable())
        return;
    const QModelIndex current = m_tree->currentIndex();
    const StepList list = m_model->listAt(current);
    int row = -1;
    if (auto path = m_model->pathAt(current); path && parentList(*path) == list)
        row = path->segments.back().index + 1;
    auto next = m_document->scenario();
    const StepPath added = insertStep(next, list, row, starterStep(kind));
    m_document->apply(next,
                      tr("Add %1 step").arg(QString::fromUtf8(Steps::stepKindName(kind).data())));
    select(added);
}

void StepEditor::removeSelected()
{
    const auto path = currentPath();
    if (!path)
        return;
    auto next = m_document->scenario();
    removeStep(next, *path);
    m_selected.reset();
    m_document->apply(next, tr("Remove step"));
}

void StepEditor::duplicateSelected()
{
    const auto path = currentPath();
    if (!path)
        return;
    auto next = m_document->scenario();
    const StepPath copy = duplicateStep(next, *path);
    m_document->apply(next, tr("Duplicate step"));
    select(copy);
}

void StepEditor::toggleDisabled()
{
    const auto path = currentPath();
    if (!path)
        return;
    auto next = m_document->scenario();
    Step *step = stepAt(next, *path);
    step->disabled = !step->disabled;
    m_document->apply(next, step->disabled ? tr("Disable step") : tr("Enable step"));
    updateState();
}

void StepEditor::moveSelected(int delta)
{
    const auto path = currentPath();
    if (!path)
        return;
    auto next = m_document->scenario();
    const StepPath moved = shiftStep(next, *path, delta);
    if (moved.isEmpty())
        return;
    m_document->apply(next, delta < 0 ? tr("Move step up") : tr("Move step down"));
    select(moved);
}

void StepEditor::tryOneIteration()
{
    if (m_runner->isRunning()) {
        m_runner->cancel(); // the action stops a try under way (a long think, a hung server)
        return;
    }
    TryOptions options;
    if (m_overrides)
        options.overrides = m_overrides();
    // The demo's built-in target comes as a base_url parameter (shop.cpp declares one); a
    // declarative scenario reads http.base_url instead and declares no such parameter.
    if (auto url = options.overrides.find("base_url"); url != options.overrides.end()) {
        options.baseUrl = url->second;
        if (m_document->source() != StepDocument::Source::None)
            options.overrides.erase(url);
    }
    if (m_document->source() == StepDocument::Source::File && m_document->isEditable())
        options.editedSteps = m_document->scenario();
    Project project = m_document->projectDocument()->project();
    if (const int group = m_document->targetGroup(); group >= 0) {
        // In a mix, the group shown: as a project of that one group (its scenario, parameters
        // and data on top of the shared ones).
        project.groups = {project.groups[std::size_t(group)]};
        project = convertedToSingleGroup(project);
    }
    m_runner->start(project, options);
    updateState();
}

void StepEditor::updateState()
{
    const bool editable = m_document->isEditable();
    m_body->setVisible(editable);
    m_empty->setVisible(!editable);
    const Project &project = m_document->projectDocument()->project();
    const int group = m_document->targetGroup();
    const QString groupName =
        group >= 0 ? QString::fromStdString(project.groups[std::size_t(group)].name) : QString();
    switch (m_document->source()) {
    case StepDocument::Source::Inline:
        m_title->setText(group >= 0 ? tr("Steps of group %1, inline in the project").arg(groupName)
                                    : tr("Steps, inline in the project"));
        break;
    case StepDocument::Source::File: {
        const QString file = QFileInfo(m_document->filePath()).fileName();
        m_title->setText(!m_document->loadError().isEmpty()
                             ? tr("Cannot read %1").arg(m_document->loadError())
                         : group >= 0 ? tr("Steps of group %1, in %2").arg(groupName, file)
                                      : tr("Steps of %1").arg(file));
        break;
    }
    case StepDocument::Source::None:
        m_title->setText(m_document->mixWithoutTarget() ? tr("No group selected")
                         : group >= 0 ? tr("No declarative scenario in group %1").arg(groupName)
                                      : tr("No declarative scenario"));
        break;
    }
    // In a mix the new scenario is the selected group's: the reader refuses one of the
    // project's own next to `groups:`.
    const bool mixWithoutTarget = m_document->mixWithoutTarget();
    m_newScenario->setEnabled(!mixWithoutTarget);
    m_newScenario->setToolTip(
        mixWithoutTarget ? tr("This project is a mix of groups: select a group in the Groups "
                              "section to give it a declarative scenario")
        : group >= 0     ? tr("Write group %1's scenario as steps inline in the project, "
                                  "starting with GET /health")
                           .arg(groupName)
                     : tr("Write the scenario as steps inline in the project, starting "
                          "with GET /health"));
    m_emptyText->setText(
        group >= 0 || mixWithoutTarget
            ? tr("This project is a mix of groups; the steps shown are those of the group "
                 "selected in the Groups section. Group %1's scenario is compiled C++ (see "
                 "Compiled plugins), or there is none.")
                  .arg(group >= 0 ? groupName : tr("(none selected)"))
            : tr("This project's scenario is compiled C++ (see Compiled plugins), or there is "
                 "none. A declarative scenario is a list of steps (requests, checks, think "
                 "time…) written in YAML and edited here."));
    const auto path = currentPath();
    const Step *step = path ? stepAt(m_document->scenario(), *path) : nullptr;
    m_add->setEnabled(editable);
    for (QAction *action : {m_remove, m_duplicate, m_disable, m_up, m_down})
        action->setEnabled(step != nullptr);
    m_disable->setText(step && step->disabled ? tr("Ena&ble") : tr("Disa&ble"));
    const bool running = m_runner->isRunning();
    const bool hasScenario = group >= 0 ? project.groups[std::size_t(group)].inlineScenario ||
                                              !project.groups[std::size_t(group)].scenario.empty()
                                        : project.inlineScenario || !project.scenario.empty();
    m_try->setEnabled(running || hasScenario);
    m_try->setText(running ? tr("S&top the try") : tr("&Try one iteration"));
    if (m_try->property("running").toBool() != running) { // icons are decoded when asked for
        m_try->setProperty("running", running);
        m_try->setIcon(Icons::icon(running ? Icons::Glyph::Stop : Icons::Glyph::Run));
    }
}

} // namespace Loadwizard::Ui
