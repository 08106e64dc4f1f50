#include "profileeditor.h"

#include "format.h"
#include "profilechartview.h"
#include "projectdocument.h"

#include <QBoxLayout>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStyle>
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

QToolButton *toolButton(QStyle::StandardPixmap icon, const QString &text, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setIcon(parent->style()->standardIcon(icon));
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

    m_add = toolButton(QStyle::SP_FileDialogNewFolder, tr("Add a step"), this);
    m_add->setText(tr("Add"));
    m_add->setIcon(QIcon());
    m_add->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_remove = toolButton(QStyle::SP_DialogDiscardButton, tr("Remove the selected step"), this);
    m_remove->setText(tr("Remove"));
    m_remove->setIcon(QIcon());
    m_remove->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_up = toolButton(QStyle::SP_ArrowUp, tr("Move the step earlier"), this);
    m_down = toolButton(QStyle::SP_ArrowDown, tr("Move the step later"), this);

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

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_totals);

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
    connect(m_document, &ProjectDocument::projectChanged, this, &ProfileEditor::refresh);
    refresh();
}

void ProfileEditor::refresh()
{
    const RampProfile &profile = m_document->project().profile;
    m_refreshing = true;
    const QStringList tokens = stepTokens(profile);
    const int rows = static_cast<int>(profile.steps().size());
    const int current = m_table->currentRow();
    m_table->setRowCount(rows);
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < 2; ++column) {
            auto *item = m_table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_table->setItem(row, column, item);
            }
            item->setText(tokens.value(row * 2 + column));
            item->setData(Qt::ForegroundRole, QVariant());
            item->setToolTip(QString());
        }
    }
    if (current >= 0 && current < rows)
        m_table->setCurrentCell(current, m_table->currentColumn());
    // Keep what the user is typing when it already means this profile ("2, 60" vs "2,60").
    const auto typed = RampProfile::parse(m_seed->text().toStdString());
    if (!(m_seed->hasFocus() && typed && typed->steps() == profile.steps()))
        m_seed->setText(QString::fromStdString(profile.toString()));
    m_seed->setStyleSheet(QString());
    m_refreshing = false;

    showError(QString());
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
    Project next = m_document->project();
    next.profile = *profile;
    m_document->apply(next, tr("Edit step %1").arg(row + 1));
}

void ProfileEditor::onSeedEdited(const QString &text)
{
    auto profile = RampProfile::parse(text.toStdString());
    if (!profile) {
        m_seed->setStyleSheet(QStringLiteral("border: 1px solid #d64541;"));
        const auto &error = profile.error();
        showError(errorText(error));
        if (error.position > 0)
            markCell((error.position - 1) / 2, (error.position - 1) % 2,
                     QString::fromStdString(error.message));
        return;
    }
    m_seed->setStyleSheet(QString());
    if (!m_seedMergeKey)
        m_seedMergeKey = ProjectDocument::newMergeKey();
    Project next = m_document->project();
    next.profile = *profile;
    m_document->apply(next, tr("Edit ramp-up"), m_seedMergeKey);
}

void ProfileEditor::onStepEndDragged(int step, double seconds, double vusers)
{
    const RampProfile &profile = m_document->project().profile;
    std::vector<RampStep> steps = profile.steps();
    if (step < 0 || step >= static_cast<int>(steps.size()))
        return;
    double start = 0;
    for (int i = 0; i < step; ++i)
        start += steps[std::size_t(i)].seconds;
    const double startVusers = profile.plannedVusersAt(start);
    // Whole seconds and a rate in hundredths keep the saved text readable.
    const double duration = std::max(1.0, std::round(seconds - start));
    const double rate = std::round((vusers - startVusers) / duration * 100) / 100;
    steps[std::size_t(step)] = RampStep{rate == 0 ? 0 : rate, duration};
    auto next = RampProfile::fromSteps(steps);
    if (!next)
        return;
    if (!m_dragMergeKey)
        m_dragMergeKey = ProjectDocument::newMergeKey();
    Project project = m_document->project();
    project.profile = *next;
    m_document->apply(project, tr("Drag step %1").arg(step + 1), m_dragMergeKey);
}

void ProfileEditor::addStep()
{
    std::vector<RampStep> steps = m_document->project().profile.steps();
    const int row = m_table->currentRow();
    const auto at = row >= 0 ? steps.begin() + row + 1 : steps.end();
    const auto inserted = steps.insert(at, RampStep{steps.empty() ? 1.0 : 0.0, 60});
    const int newRow = static_cast<int>(inserted - steps.begin());
    Project next = m_document->project();
    next.profile = RampProfile(steps);
    m_document->apply(next, tr("Add step"));
    m_table->setCurrentCell(newRow, 0);
}

void ProfileEditor::removeStep()
{
    std::vector<RampStep> steps = m_document->project().profile.steps();
    const int row = m_table->currentRow();
    if (row < 0 || row >= static_cast<int>(steps.size()))
        return;
    steps.erase(steps.begin() + row);
    Project next = m_document->project();
    next.profile = RampProfile(steps);
    m_document->apply(next, tr("Remove step %1").arg(row + 1));
    if (!steps.empty())
        m_table->setCurrentCell(std::min(row, static_cast<int>(steps.size()) - 1), 0);
}

void ProfileEditor::moveStep(int delta)
{
    std::vector<RampStep> steps = m_document->project().profile.steps();
    const int row = m_table->currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= static_cast<int>(steps.size()))
        return;
    std::swap(steps[std::size_t(row)], steps[std::size_t(target)]);
    Project next = m_document->project();
    next.profile = RampProfile(steps);
    m_document->apply(next, tr("Move step %1").arg(row + 1));
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
