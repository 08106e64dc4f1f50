#include "profileeditor.h"

#include "arrivaleditor.h"
#include "format.h"
#include "groupedits.h"
#include "groupplan.h"
#include "icons.h"
#include "profilechartview.h"
#include "profiledrag.h"
#include "projectdocument.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace Loadwizard::Ui {

namespace {

/// The tokens of the engine's own seed text, so the table shows exactly what a save writes.
QStringList stepTokens(const RampProfile &profile)
{
    const QString text = QString::fromStdString(profile.toString());
    return text.isEmpty() ? QStringList{} : text.split(',');
}

QToolButton *toolButton(Icons::Glyph icon, const QString &text, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setIcon(Icons::icon(icon));
    button->setToolTip(text);
    button->setAccessibleName(text);
    button->setAutoRaise(true);
    return button;
}

} // namespace

ProfileEditor::ProfileEditor(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_seed(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_table(new QTableWidget(0, 2, this))
    , m_chart(new ProfileChartView(this))
    , m_totals(new QLabel(this))
    , m_groupsNote(new QLabel(this))
    , m_model(new QComboBox(this))
    , m_pages(new QStackedWidget(this))
    , m_arrival(new ArrivalEditor(document, this))
{
    m_seed->setPlaceholderText(tr("vusers per second, seconds, … e.g. 2,60,0,200"));
    m_seed->setToolTip(tr("Pairs of (vusers added per second, seconds); the same syntax as "
                          "--rampup"));
    m_seed->setClearButtonEnabled(true);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_message->hide();

    m_table->setHorizontalHeaderLabels({tr("Vusers / s"), tr("Seconds")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setMinimumWidth(220);
    m_table->setAccessibleName(tr("Ramp-up steps"));

    m_add = toolButton(Icons::Glyph::Add, tr("Add a step"), this);
    m_add->setText(tr("Add"));
    m_add->setIcon(QIcon());
    m_add->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_remove = toolButton(Icons::Glyph::Trash, tr("Remove the selected step"), this);
    m_remove->setText(tr("Remove"));
    m_remove->setIcon(QIcon());
    m_remove->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_up = toolButton(Icons::Glyph::Up, tr("Move the step earlier"), this);
    m_down = toolButton(Icons::Glyph::Down, tr("Move the step later"), this);

    auto *form = new QFormLayout;
    form->addRow(tr("Ramp-&up:"), m_seed);
    form->addRow(QString(), m_message);

    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    buttons->addWidget(m_up);
    buttons->addWidget(m_down);

    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_table);
    tableLayout->addLayout(buttons);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(tableBox);
    splitter->addWidget(m_chart);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 600});

    auto *title = new QLabel(tr("<h3>Ramp-up profile</h3>"), this);
    auto *hint = new QLabel(tr("Each step adds vusers per second for a number of seconds; a "
                               "rate of 0 holds, a negative rate ramps down. The run ends "
                               "after the last step."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *closed = new QWidget(this);
    auto *closedLayout = new QVBoxLayout(closed);
    closedLayout->setContentsMargins(0, 0, 0, 0);
    closedLayout->addWidget(title);
    closedLayout->addWidget(hint);
    closedLayout->addLayout(form);
    closedLayout->addWidget(splitter, 1);
    closedLayout->addWidget(m_totals);
    m_pages->addWidget(closed);
    m_pages->addWidget(m_arrival);

    m_model->addItem(tr("Closed: a number of vusers (ramp-up)"));
    m_model->addItem(tr("Open: an arrival rate (iterations per second)"));
    m_model->setAccessibleName(tr("Workload model"));
    m_model->setToolTip(tr("Closed: each vuser starts its next iteration when the last one "
                           "ends. Open: iterations start at planned times whatever the response "
                           "times, on a pool of vusers."));
    auto *modelRow = new QHBoxLayout;
    auto *modelLabel = new QLabel(tr("&Workload model:"), this);
    modelLabel->setBuddy(m_model);
    modelRow->addWidget(modelLabel);
    modelRow->addWidget(m_model);
    modelRow->addStretch();

    m_groupsNote->setWordWrap(true);
    m_groupsNote->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_groupsNote);
    layout->addLayout(modelRow);
    layout->addWidget(m_pages, 1);

    connect(m_seed, &QLineEdit::textEdited, this, &ProfileEditor::onSeedEdited);
    connect(m_seed, &QLineEdit::editingFinished, this, [this] {
        m_seedMergeKey = 0; // the next typing session is a new undo step
        if (m_message->isHidden())
            refresh();
    });
    connect(m_table, &QTableWidget::cellChanged, this, &ProfileEditor::onCellChanged);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ProfileEditor::updateButtons);
    connect(m_chart, &ProfileChartView::stepEndDragged, this, &ProfileEditor::onStepEndDragged);
    connect(m_chart, &ProfileChartView::dragFinished, this, [this] { m_dragMergeKey = 0; });
    connect(m_add, &QToolButton::clicked, this, &ProfileEditor::addStep);
    connect(m_remove, &QToolButton::clicked, this, &ProfileEditor::removeStep);
    connect(m_up, &QToolButton::clicked, this, [this] { moveStep(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { moveStep(1); });
    connect(m_model, &QComboBox::activated, this, &ProfileEditor::switchModel);
    connect(m_document, &ProjectDocument::projectChanged, this, &ProfileEditor::refresh);
    refresh();
}

int ProfileEditor::group() const
{
    return m_group >= 0 && m_group < static_cast<int>(m_document->project().groups.size()) ? m_group
                                                                                           : -1;
}

void ProfileEditor::setGroup(int group)
{
    if (group == m_group)
        return refresh();
    m_group = group;
    m_seedMergeKey = 0;
    m_seedInvalid = false;
    m_dragMergeKey = 0;
    m_arrival->setGroup(group);
    refresh();
}

bool ProfileEditor::isOpenModel() const
{
    return workloadOf(m_document->project(), group()).open();
}

RampProfile ProfileEditor::currentProfile() const
{
    return workloadOf(m_document->project(), group()).profile;
}

void ProfileEditor::applyProfile(const RampProfile &profile, const QString &text, int mergeKey)
{
    Project next = m_document->project();
    Workload workload = workloadOf(next, group());
    workload.profile = profile;
    setWorkload(next, group(), workload);
    m_document->apply(next, text, mergeKey);
}

void ProfileEditor::switchModel(int index)
{
    const bool open = index == 1;
    if (open == isOpenModel())
        return;
    // One undoable step; each model starts from a small plan the user edits from there.
    Workload workload;
    if (open) {
        workload.arrivalRate = ArrivalProfile({{10, 10}, {10, 60}});
        workload.preAllocatedVusers = 10;
        workload.maxVusers = 50;
    } else {
        workload.profile = newProjectTemplate().profile;
    }
    Project next = m_document->project();
    setWorkload(next, group(), workload);
    // A group that turns open drops its pacing (the reader refuses both).
    if (group() >= 0)
        next = consistentMix(std::move(next));
    m_document->apply(next, open ? tr("Switch to an arrival rate") : tr("Switch to vusers"));
}

void ProfileEditor::refresh()
{
    const Project &project = m_document->project();
    QStringList weighted;
    for (const ProjectGroup &g : project.groups) {
        if (isWeighted(g))
            weighted << QString::fromStdString(g.name);
    }
    m_groupsNote->setVisible(group() < 0 && !project.groups.empty());
    m_groupsNote->setText(
        weighted.isEmpty()
            ? tr("This project has groups, each with a profile of its own (Groups section): "
                 "give a group a weight to share a profile set here.")
            : tr("This project has groups: this is the total the weighted groups share "
                 "(%1); the others have their own profile (Groups section).")
                  .arg(weighted.join(QStringLiteral(", "))));
    const bool open = isOpenModel();
    m_model->setCurrentIndex(open ? 1 : 0);
    m_pages->setCurrentIndex(open ? 1 : 0);
    const RampProfile profile = currentProfile();
    m_refreshing = true;
    const QStringList tokens = stepTokens(profile);
    const int rows = static_cast<int>(profile.steps().size());
    const int current = m_table->currentRow();
    fillPairTable(m_table, tokens, rows);
    if (current >= 0 && current < rows)
        m_table->setCurrentCell(current, m_table->currentColumn());
    // An invalid text stays with its error while the project still has the profile it replaced
    // (the project never took it); any other change of the profile (undo, the table, a drag)
    // reverts the field to it.
    if (m_seedInvalid && profile.steps() != m_seedBase) {
        m_seedInvalid = false;
        m_seedMergeKey = 0;
    }
    // Keep what the user is typing when it already means this profile ("2, 60" vs "2,60").
    const auto typed = RampProfile::parse(m_seed->text().toStdString());
    if (!m_seedInvalid && !(m_seed->hasFocus() && typed && typed->steps() == profile.steps()))
        m_seed->setText(QString::fromStdString(profile.toString()));
    m_seed->setStyleSheet(QString());
    m_refreshing = false;

    showError(QString());
    if (m_seedInvalid)
        showSeedError();
    m_chart->setProfile(profile);
    m_totals->setText(
        tr("Peak <b>%1</b> vusers · total <b>%2</b> · %n step(s)", nullptr, rows)
            .arg(formatNumber(profile.peakVusers(), 1), formatDuration(profile.totalSeconds())));
    updateButtons();
}

void ProfileEditor::showError(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void ProfileEditor::showSeedError()
{
    const auto profile = RampProfile::parse(m_seed->text().toStdString());
    if (profile)
        return;
    m_seed->setStyleSheet(QStringLiteral("border: 1px solid #d64541;"));
    const auto &error = profile.error();
    showError(errorText(error));
    if (error.position > 0)
        markCell((error.position - 1) / 2, (error.position - 1) % 2,
                 QString::fromStdString(error.message));
}

void ProfileEditor::markCell(int row, int column, const QString &message)
{
    auto *item = m_table->item(row, column);
    if (!item)
        return;
    const bool blocked = m_table->blockSignals(true);
    item->setForeground(QColor(0xd6, 0x45, 0x41));
    item->setToolTip(message);
    m_table->blockSignals(blocked);
}

void ProfileEditor::onCellChanged(int row, int column)
{
    if (m_refreshing)
        return;
    Q_UNUSED(column)
    std::vector<RampStep> steps;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString rate = m_table->item(r, 0) ? m_table->item(r, 0)->text().trimmed() : "";
        const QString seconds = m_table->item(r, 1) ? m_table->item(r, 1)->text().trimmed() : "";
        // The engine's own parser judges each cell, so the message is the one --rampup gives.
        const auto parsed = RampProfile::parse((rate + ',' + seconds).toStdString());
        if (!parsed) {
            const int badColumn = parsed.error().position == 2 ? 1 : 0;
            const QString message =
                tr("Step %1: %2").arg(r + 1).arg(QString::fromStdString(parsed.error().message));
            markCell(r, badColumn, message);
            showError(message);
            return;
        }
        steps.push_back(parsed->steps().front());
    }
    auto profile = RampProfile::fromSteps(steps);
    if (!profile) {
        showError(errorText(profile.error()));
        return;
    }
    applyProfile(*profile, tr("Edit step %1").arg(row + 1));
}

void ProfileEditor::onSeedEdited(const QString &text)
{
    if (!m_seedMergeKey) {
        m_seedMergeKey = ProjectDocument::newMergeKey();
        m_seedBase = currentProfile().steps();
    }
    auto profile = RampProfile::parse(text.toStdString());
    m_seedInvalid = !profile;
    if (!profile) {
        // The valid prefixes typed on the way ("1,2" of "1,2,3") were applied live: the project
        // goes back to the profile before this typing session (the merged undo step empties).
        if (currentProfile().steps() != m_seedBase)
            applyProfile(RampProfile(m_seedBase), tr("Edit ramp-up"), m_seedMergeKey);
        showSeedError();
        return;
    }
    m_seed->setStyleSheet(QString());
    applyProfile(*profile, tr("Edit ramp-up"), m_seedMergeKey);
}

void ProfileEditor::onStepEndDragged(int step, double seconds, double vusers, bool free)
{
    const RampProfile profile = currentProfile();
    if (step < 0 || step >= static_cast<int>(profile.steps().size()))
        return;
    const auto grid = ProfileDrag::gridFor(m_chart->secondsShown(), m_chart->vusersShown(), free);
    const RampProfile next = ProfileDrag::dragStepEnd(profile, step, seconds, vusers, grid);
    if (next.steps() == profile.steps())
        return;
    if (!m_dragMergeKey)
        m_dragMergeKey = ProjectDocument::newMergeKey();
    applyProfile(next, tr("Drag step %1").arg(step + 1), m_dragMergeKey);
}

void ProfileEditor::addStep()
{
    std::vector<RampStep> steps = currentProfile().steps();
    const int row = m_table->currentRow();
    const auto at = row >= 0 ? steps.begin() + row + 1 : steps.end();
    const auto inserted = steps.insert(at, RampStep{steps.empty() ? 1.0 : 0.0, 60});
    const int newRow = static_cast<int>(inserted - steps.begin());
    applyProfile(RampProfile(steps), tr("Add step"));
    m_table->setCurrentCell(newRow, 0);
}

void ProfileEditor::removeStep()
{
    std::vector<RampStep> steps = currentProfile().steps();
    const int row = m_table->currentRow();
    if (row < 0 || row >= static_cast<int>(steps.size()))
        return;
    steps.erase(steps.begin() + row);
    applyProfile(RampProfile(steps), tr("Remove step %1").arg(row + 1));
    if (!steps.empty())
        m_table->setCurrentCell(std::min(row, static_cast<int>(steps.size()) - 1), 0);
}

void ProfileEditor::moveStep(int delta)
{
    std::vector<RampStep> steps = currentProfile().steps();
    const int row = m_table->currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= static_cast<int>(steps.size()))
        return;
    std::swap(steps[std::size_t(row)], steps[std::size_t(target)]);
    applyProfile(RampProfile(steps), tr("Move step %1").arg(row + 1));
    m_table->setCurrentCell(target, m_table->currentColumn());
}

void ProfileEditor::updateButtons()
{
    const int row = m_table->currentRow();
    const int rows = m_table->rowCount();
    m_remove->setEnabled(row >= 0 && row < rows);
    m_up->setEnabled(row > 0 && row < rows);
    m_down->setEnabled(row >= 0 && row + 1 < rows);
}

} // namespace Loadwizard::Ui
