#include "arrivaleditor.h"

#include "format.h"
#include "groupplan.h"
#include "profilechartview.h"
#include "projectdocument.h"

#include <QBoxLayout>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>

namespace Loadwizard::Ui {

namespace {

QToolButton *textButton(const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAccessibleName(toolTip);
    button->setAutoRaise(true);
    return button;
}

QLabel *errorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color: #d64541;"));
    label->hide();
    return label;
}

} // namespace

ArrivalEditor::ArrivalEditor(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_seed(new QLineEdit(this))
    , m_message(errorLabel(this))
    , m_table(new QTableWidget(0, 2, this))
    , m_add(textButton(tr("Add"), tr("Add a stage"), this))
    , m_remove(textButton(tr("Remove"), tr("Remove the selected stage"), this))
    , m_preAllocated(new QSpinBox(this))
    , m_max(new QSpinBox(this))
    , m_poolMessage(errorLabel(this))
    , m_chart(new ProfileChartView(this))
    , m_totals(new QLabel(this))
{
    m_seed->setPlaceholderText(tr("target/s, seconds, … e.g. 0,0,200,10,200,60"));
    m_seed->setToolTip(tr("Pairs of (target iterations per second, seconds to reach it); the "
                          "same syntax as --arrival-rate"));
    m_seed->setClearButtonEnabled(true);
    m_table->setHorizontalHeaderLabels({tr("Target / s"), tr("Seconds")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setMinimumWidth(220);
    m_table->setAccessibleName(tr("Arrival-rate stages"));
    for (QSpinBox *box : {m_preAllocated, m_max}) {
        box->setRange(0, 1'000'000);
        box->setAccelerated(true);
    }
    m_preAllocated->setToolTip(tr("Vusers created before the first arrival"));
    m_max->setToolTip(tr("The pool grows up to this many vusers; an arrival that finds none idle "
                         "is dropped and counted. 0: the pre-allocated count"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Arrival rate:"), m_seed);
    form->addRow(QString(), m_message);
    auto *pool = new QHBoxLayout;
    pool->addWidget(m_preAllocated);
    auto *maxLabel = new QLabel(tr("ma&ximum:"), this);
    maxLabel->setBuddy(m_max);
    pool->addWidget(maxLabel);
    pool->addWidget(m_max);
    pool->addStretch();
    auto *poolLabel = new QLabel(tr("&Pool, pre-allocated:"), this);
    poolLabel->setBuddy(m_preAllocated);
    form->addRow(poolLabel, pool);
    form->addRow(QString(), m_poolMessage);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_table);
    tableLayout->addLayout(buttons);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(tableBox);
    splitter->addWidget(m_chart);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 600});

    auto *hint = new QLabel(tr("Each stage moves the rate of new iterations linearly to its target "
                               "over its seconds (0 seconds: a jump). Iterations start on time "
                               "whatever the response times, on a pool of vusers."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<h3>Arrival-rate profile</h3>"), this));
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_totals);

    connect(m_seed, &QLineEdit::textEdited, this, &ArrivalEditor::onSeedEdited);
    connect(m_seed, &QLineEdit::editingFinished, this, [this] {
        m_seedMergeKey = 0;
        if (m_message->isHidden())
            refresh();
    });
    connect(m_table, &QTableWidget::cellChanged, this,
            [this](int row, int) { onCellChanged(row); });
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(m_table->currentRow() >= 0); });
    connect(m_preAllocated, &QSpinBox::valueChanged, this, &ArrivalEditor::onPoolChanged);
    connect(m_max, &QSpinBox::valueChanged, this, &ArrivalEditor::onPoolChanged);
    for (QSpinBox *box : {m_preAllocated, m_max})
        connect(box, &QSpinBox::editingFinished, this, [this] { m_poolMergeKey = 0; });
    connect(m_add, &QToolButton::clicked, this, &ArrivalEditor::addStage);
    connect(m_remove, &QToolButton::clicked, this, &ArrivalEditor::removeStage);
    connect(m_document, &ProjectDocument::projectChanged, this, &ArrivalEditor::refresh);
    refresh();
}

void ArrivalEditor::setGroup(int group)
{
    if (group == m_group)
        return refresh();
    m_group = group;
    m_seedMergeKey = 0;
    m_poolMergeKey = 0;
    refresh();
}

int ArrivalEditor::group() const
{
    return m_group >= 0 && m_group < static_cast<int>(m_document->project().groups.size()) ? m_group
                                                                                           : -1;
}

Workload ArrivalEditor::workload() const
{
    return workloadOf(m_document->project(), group());
}

void fillPairTable(QTableWidget *table, const QStringList &tokens, int rows)
{
    table->setRowCount(rows);
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < 2; ++column) {
            auto *item = table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table->setItem(row, column, item);
            }
            item->setText(tokens.value(row * 2 + column));
            item->setData(Qt::ForegroundRole, QVariant());
            item->setToolTip(QString());
        }
    }
}

void ArrivalEditor::refresh()
{
    const Workload current = workload();
    const ArrivalProfile &profile = current.arrivalRate;
    m_refreshing = true;
    // The engine's own text form per number, so the table shows what a save writes.
    const QString text = QString::fromStdString(profile.toString());
    const int rows = static_cast<int>(profile.stages().size());
    fillPairTable(m_table, text.isEmpty() ? QStringList{} : text.split(','), rows);
    const auto typed = ArrivalProfile::parse(m_seed->text().toStdString());
    if (!(m_seed->hasFocus() && typed && typed->stages() == profile.stages()))
        m_seed->setText(text);
    m_seed->setStyleSheet(QString());
    m_preAllocated->setValue(int(std::min<long long>(current.preAllocatedVusers, 1'000'000)));
    m_max->setValue(int(std::min<long long>(current.maxVusers, 1'000'000)));
    m_refreshing = false;

    showError(QString());
    const QString pool =
        profile.empty()
            ? QString()
            : QString::fromStdString(poolProblem(current.preAllocatedVusers, current.maxVusers));
    m_poolMessage->setText(pool);
    m_poolMessage->setVisible(!pool.isEmpty());
    m_chart->setArrivalProfile(profile);
    m_totals->setText(
        tr("Peak <b>%1</b>/s · <b>%2</b> iterations · %3 · %n stage(s)", nullptr, rows)
            .arg(formatNumber(profile.peakRate(), 1))
            .arg(qulonglong(profile.totalArrivals()))
            .arg(formatDuration(profile.totalSeconds())));
    m_remove->setEnabled(m_table->currentRow() >= 0 && m_table->currentRow() < rows);
}

void ArrivalEditor::showError(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void ArrivalEditor::applyStages(const ArrivalProfile &profile, const QString &text, int mergeKey)
{
    Project next = m_document->project();
    Workload changed = workloadOf(next, group());
    changed.arrivalRate = profile;
    setWorkload(next, group(), changed);
    m_document->apply(next, text, mergeKey);
}

void ArrivalEditor::onSeedEdited(const QString &text)
{
    auto profile = ArrivalProfile::parse(text.toStdString());
    if (!profile || profile->empty()) {
        m_seed->setStyleSheet(QStringLiteral("border: 1px solid #d64541;"));
        showError(profile ? tr("An arrival rate needs at least one stage: target,seconds.")
                          : errorText(profile.error()));
        return;
    }
    m_seed->setStyleSheet(QString());
    if (!m_seedMergeKey)
        m_seedMergeKey = ProjectDocument::newMergeKey();
    applyStages(*profile, tr("Edit arrival rate"), m_seedMergeKey);
}

void ArrivalEditor::onCellChanged(int row)
{
    if (m_refreshing)
        return;
    std::vector<ArrivalStage> stages;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString target = m_table->item(r, 0) ? m_table->item(r, 0)->text().trimmed() : "";
        const QString seconds = m_table->item(r, 1) ? m_table->item(r, 1)->text().trimmed() : "";
        // The engine's parser judges each cell, so the message is the one --arrival-rate gives.
        const auto parsed = ArrivalProfile::parse((target + ',' + seconds).toStdString());
        if (!parsed) {
            const int column = parsed.error().position == 2 ? 1 : 0;
            const QString message =
                tr("Stage %1: %2").arg(r + 1).arg(QString::fromStdString(parsed.error().message));
            if (auto *item = m_table->item(r, column)) {
                const bool blocked = m_table->blockSignals(true);
                item->setForeground(QColor(0xd6, 0x45, 0x41));
                item->setToolTip(message);
                m_table->blockSignals(blocked);
            }
            showError(message);
            return;
        }
        stages.push_back(parsed->stages().front());
    }
    auto profile = ArrivalProfile::fromStages(stages);
    if (!profile) {
        showError(errorText(profile.error()));
        return;
    }
    applyStages(*profile, tr("Edit stage %1").arg(row + 1));
}

void ArrivalEditor::onPoolChanged()
{
    if (m_refreshing)
        return;
    if (!m_poolMergeKey)
        m_poolMergeKey = ProjectDocument::newMergeKey();
    Project next = m_document->project();
    Workload changed = workloadOf(next, group());
    changed.preAllocatedVusers = m_preAllocated->value();
    changed.maxVusers = m_max->value();
    setWorkload(next, group(), changed);
    m_document->apply(next, tr("Edit vuser pool"), m_poolMergeKey);
}

void ArrivalEditor::addStage()
{
    std::vector<ArrivalStage> stages = workload().arrivalRate.stages();
    const int row = m_table->currentRow();
    const auto at = row >= 0 && row < int(stages.size()) ? stages.begin() + row + 1 : stages.end();
    // A new stage holds the rate reached so far for a minute.
    const double rate = at == stages.begin() ? 10 : std::prev(at)->target;
    const auto inserted = stages.insert(at, ArrivalStage{rate, 60});
    const int newRow = static_cast<int>(inserted - stages.begin());
    applyStages(ArrivalProfile(stages), tr("Add stage"));
    m_table->setCurrentCell(newRow, 0);
}

void ArrivalEditor::removeStage()
{
    std::vector<ArrivalStage> stages = workload().arrivalRate.stages();
    const int row = m_table->currentRow();
    // The open model needs a stage: the last one stays (switch to vusers to leave it).
    if (row < 0 || row >= static_cast<int>(stages.size()) || stages.size() == 1)
        return;
    stages.erase(stages.begin() + row);
    applyStages(ArrivalProfile(stages), tr("Remove stage %1").arg(row + 1));
    m_table->setCurrentCell(std::min(row, static_cast<int>(stages.size()) - 1), 0);
}

} // namespace Loadwizard::Ui
