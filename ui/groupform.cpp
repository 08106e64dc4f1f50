#include "groupform.h"

#include "groupedits.h"
#include "groupplan.h"
#include "profileeditor.h"
#include "projectdocument.h"
#include "scenariocatalog.h"
#include "secretdelegate.h"

#include <loadwizard/secrets.h>

#include <QBoxLayout>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>

namespace Loadwizard::Ui {

namespace {

QDoubleSpinBox *secondsBox(QWidget *parent, double max)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, max);
    box->setDecimals(1);
    box->setSuffix(QObject::tr(" s"));
    box->setAccelerated(true);
    return box;
}

} // namespace

GroupForm::GroupForm(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_catalog(catalog)
    , m_name(new QLineEdit(this))
    , m_nameMessage(new QLabel(this))
    , m_scenario(new QComboBox(this))
    , m_browse(new QPushButton(tr("&Browse…"), this))
    , m_inline(new QLabel(this))
    , m_editSteps(new QPushButton(tr("Edit &steps…"), this))
    , m_workload(new QComboBox(this))
    , m_weight(new QDoubleSpinBox(this))
    , m_startDelay(secondsBox(this, 366.0 * 24 * 3600))
    , m_pacingMin(secondsBox(this, 3600))
    , m_pacingMax(secondsBox(this, 3600))
    , m_tabs(new QTabWidget(this))
    , m_profile(new ProfileEditor(document, this))
    , m_weightedNote(new QLabel(this))
    , m_parameters(new QTableWidget(0, 2, this))
    , m_addParameter(new QToolButton(this))
    , m_removeParameter(new QToolButton(this))
{
    m_name->setAccessibleName(tr("Group name"));
    m_name->setToolTip(tr("Unique in the project; letters, digits, '_', '-' and '.'. Metrics, "
                          "outputs and thresholds ({group=NAME}) use it."));
    m_nameMessage->setWordWrap(true);
    m_nameMessage->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_nameMessage->hide();
    m_scenario->setEditable(true);
    m_scenario->setInsertPolicy(QComboBox::NoInsert);
    m_scenario->setAccessibleName(tr("Group scenario"));
    m_scenario->setToolTip(tr("A .so, .cpp or .yaml scenario; relative to the project file"));
    m_inline->setForegroundRole(QPalette::PlaceholderText);
    m_inline->hide();
    m_editSteps->setToolTip(tr("Edit this group's declarative scenario in the Scenario section"));
    m_editSteps->hide();
    m_workload->addItem(tr("A share of the project's profile (weight)"));
    m_workload->addItem(tr("Its own profile"));
    m_workload->setAccessibleName(tr("Group workload"));
    m_weight->setRange(0, 1'000'000);
    m_weight->setDecimals(2);
    m_weight->setToolTip(tr("Against the other weighted groups' weights: 70, 25 and 5 split 10 "
                            "vusers 7, 3 and 0 (Sainte-Laguë: a growing total never takes a "
                            "vuser from a group)"));
    m_startDelay->setToolTip(tr("The group's own profile starts this long after the run"));
    m_pacingMin->setToolTip(tr("Closed model: the shortest time from one iteration's start to "
                               "the next's (0 and 0: no pacing)"));
    m_pacingMax->setToolTip(tr("Closed model: the longest time from one iteration's start to "
                               "the next's"));

    auto *scenarioRow = new QHBoxLayout;
    scenarioRow->addWidget(m_scenario, 1);
    scenarioRow->addWidget(m_browse);
    auto *pacingRow = new QHBoxLayout;
    pacingRow->addWidget(m_pacingMin);
    pacingRow->addWidget(new QLabel(tr("to"), this));
    pacingRow->addWidget(m_pacingMax);
    pacingRow->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_nameMessage);
    // A row whose field is a layout has no buddy by itself: the mnemonic needs one.
    auto *scenarioLabel = new QLabel(tr("S&cenario:"), this);
    scenarioLabel->setBuddy(m_scenario);
    auto *pacingLabel = new QLabel(tr("&Pacing:"), this);
    pacingLabel->setBuddy(m_pacingMin);
    form->addRow(scenarioLabel, scenarioRow);
    auto *inlineRow = new QHBoxLayout;
    inlineRow->addWidget(m_inline, 1);
    inlineRow->addWidget(m_editSteps);
    form->addRow(QString(), inlineRow);
    form->addRow(tr("&Workload:"), m_workload);
    form->addRow(tr("W&eight:"), m_weight);
    form->addRow(tr("Start &delay:"), m_startDelay);
    form->addRow(pacingLabel, pacingRow);

    m_parameters->setHorizontalHeaderLabels({tr("Parameter"), tr("Value")});
    m_parameters->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_parameters->verticalHeader()->hide();
    m_parameters->setAccessibleName(tr("Group parameters"));
    m_parameters->setToolTip(tr("On top of the project's parameters: the group's win"));
    m_parameters->setItemDelegateForColumn(
        1, new SecretDelegate(
               [this](const QModelIndex &index) {
                   const auto *name = m_parameters->item(index.row(), 0);
                   return name && looksSecret(name->text().toStdString());
               },
               this));
    m_addParameter->setText(tr("Add"));
    m_addParameter->setAutoRaise(true);
    m_removeParameter->setText(tr("Remove"));
    m_removeParameter->setAutoRaise(true);
    auto *parameterPage = new QWidget(this);
    auto *parameterLayout = new QVBoxLayout(parameterPage);
    parameterLayout->addWidget(m_parameters, 1);
    auto *parameterButtons = new QHBoxLayout;
    parameterButtons->addWidget(m_addParameter);
    parameterButtons->addWidget(m_removeParameter);
    parameterButtons->addStretch();
    parameterLayout->addLayout(parameterButtons);

    m_weightedNote->setWordWrap(true);
    m_weightedNote->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_weightedNote->setText(
        tr("This group takes its weight's share of the project's profile "
           "(the Profile section). Choose \"Its own profile\" to give it one."));
    auto *profilePage = new QWidget(this);
    auto *profileLayout = new QVBoxLayout(profilePage);
    profileLayout->setContentsMargins(0, 0, 0, 0);
    profileLayout->addWidget(m_weightedNote);
    profileLayout->addWidget(m_profile, 1);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(profilePage, tr("Profile"));
    m_tabs->addTab(parameterPage, tr("Parameters"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_tabs, 1);

    connect(m_name, &QLineEdit::textEdited, this, &GroupForm::onNameEdited);
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        m_mergeKeys.remove(m_name);
        // An invalid name typed is dropped: the field shows the group's again.
        m_nameMessage->hide();
        m_name->setStyleSheet(QString());
        refresh();
    });
    connect(m_scenario, &QComboBox::activated, this,
            [this](int index) { onScenarioChosen(m_scenario->itemData(index).toString()); });
    connect(m_scenario->lineEdit(), &QLineEdit::editingFinished, this, [this] {
        if (m_scenario->lineEdit()->isModified())
            onScenarioChosen(m_scenario->currentText());
        m_scenario->lineEdit()->setModified(false);
    });
    connect(m_browse, &QPushButton::clicked, this, &GroupForm::browseScenario);
    connect(m_editSteps, &QPushButton::clicked, this, [this] {
        if (valid())
            emit editStepsRequested(m_group);
    });
    connect(m_workload, &QComboBox::activated, this, &GroupForm::onWorkloadChosen);
    connect(m_weight, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        edit(
            tr("Edit weight"), [value](ProjectGroup &g) { g.weight = value; },
            mergeKeyFor(m_weight));
    });
    connect(m_startDelay, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        edit(
            tr("Edit start delay"), [value](ProjectGroup &g) { g.startDelaySeconds = value; },
            mergeKeyFor(m_startDelay));
    });
    connect(m_pacingMin, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        edit(
            tr("Edit pacing"), [value](ProjectGroup &g) { g.pacing.minSeconds = value; },
            mergeKeyFor(m_pacingMin));
    });
    connect(m_pacingMax, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        edit(
            tr("Edit pacing"), [value](ProjectGroup &g) { g.pacing.maxSeconds = value; },
            mergeKeyFor(m_pacingMax));
    });
    for (QDoubleSpinBox *box : {m_weight, m_startDelay, m_pacingMin, m_pacingMax})
        connect(box, &QDoubleSpinBox::editingFinished, this,
                [this, box] { m_mergeKeys.remove(box); });
    connect(m_parameters, &QTableWidget::cellChanged, this, &GroupForm::onParameterChanged);
    connect(m_addParameter, &QToolButton::clicked, this, &GroupForm::addParameter);
    connect(m_removeParameter, &QToolButton::clicked, this, &GroupForm::removeParameter);
    connect(m_catalog, &ScenarioCatalog::entriesReset, this, &GroupForm::refreshScenarios);
    connect(m_catalog, &ScenarioCatalog::entryChanged, this, &GroupForm::refreshScenarios);
    connect(m_document, &ProjectDocument::projectChanged, this, &GroupForm::refresh);
    refreshScenarios();
    setGroup(-1);
}

bool GroupForm::valid() const
{
    return m_group >= 0 && m_group < static_cast<int>(m_document->project().groups.size());
}

void GroupForm::setGroup(int group)
{
    m_group = group;
    m_mergeKeys.clear();
    m_profile->setGroup(valid() ? group : -1);
    refresh();
}

int GroupForm::mergeKeyFor(QWidget *widget)
{
    auto it = m_mergeKeys.find(widget);
    if (it == m_mergeKeys.end())
        it = m_mergeKeys.insert(widget, ProjectDocument::newMergeKey());
    return *it;
}

void GroupForm::edit(const QString &text, const std::function<void(ProjectGroup &)> &change,
                     int mergeKey)
{
    if (m_refreshing || !valid())
        return;
    Project next = m_document->project();
    change(next.groups[std::size_t(m_group)]);
    m_document->apply(consistentMix(std::move(next)), text, mergeKey);
}

void GroupForm::refreshScenarios()
{
    const bool blocked = m_scenario->blockSignals(true);
    const QString text = m_scenario->currentText();
    m_scenario->clear();
    for (const ScenarioEntry &entry : m_catalog->entries()) {
        const QString title = entry.state == ScenarioEntry::State::Loaded
                                  ? QString::fromStdString(entry.info.name)
                                  : QFileInfo(entry.path).fileName();
        m_scenario->addItem(tr("%1 — %2").arg(title, entry.path), entry.path);
    }
    m_scenario->setEditText(text);
    m_scenario->blockSignals(blocked);
}

void GroupForm::refresh()
{
    const bool ok = valid();
    setEnabled(ok);
    m_profile->setGroup(ok ? m_group : -1);
    if (!ok)
        return;
    const ProjectGroup &group = m_document->project().groups[std::size_t(m_group)];
    m_refreshing = true;
    if (!(m_name->hasFocus() && m_nameMessage->isVisible()))
        m_name->setText(QString::fromStdString(group.name));
    if (!m_name->hasFocus())
        m_nameMessage->hide();
    if (!m_scenario->lineEdit()->hasFocus())
        m_scenario->setEditText(QString::fromStdString(group.scenario));
    m_inline->setVisible(group.inlineScenario.has_value());
    if (group.inlineScenario)
        m_inline->setText(tr("Inline declarative scenario: %n step(s), saved in the project file",
                             nullptr, int(group.inlineScenario->steps.size())));
    const QString suffix = QFileInfo(QString::fromStdString(group.scenario)).suffix().toLower();
    m_editSteps->setVisible(group.inlineScenario || suffix == QLatin1String("yaml") ||
                            suffix == QLatin1String("yml"));
    const bool weighted = isWeighted(group);
    const bool ownProfile = !group.profile.empty() || !group.arrivalRate.empty();
    m_workload->setCurrentIndex(ownProfile ? 1 : 0);
    m_weight->setValue(group.weight);
    m_weight->setEnabled(!ownProfile);
    m_startDelay->setValue(group.startDelaySeconds);
    m_startDelay->setEnabled(ownProfile); // the engine ignores it with a weight
    m_pacingMin->setValue(group.pacing.minSeconds);
    m_pacingMax->setValue(group.pacing.maxSeconds);
    const bool open =
        !group.arrivalRate.empty() || (weighted && !m_document->project().arrivalRate.empty());
    m_pacingMin->setEnabled(!open);
    m_pacingMax->setEnabled(!open);
    m_profile->setVisible(ownProfile);
    m_weightedNote->setVisible(!ownProfile);

    const int current = m_parameters->currentRow();
    m_parameters->setRowCount(static_cast<int>(group.parameters.size()));
    int row = 0;
    for (const auto &[name, value] : group.parameters) {
        m_parameters->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(name)));
        m_parameters->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(value)));
        ++row;
    }
    if (current >= 0 && current < row)
        m_parameters->setCurrentCell(current, 0);
    m_removeParameter->setEnabled(row > 0);
    m_refreshing = false;
}

void GroupForm::onNameEdited(const QString &text)
{
    if (!valid())
        return;
    const QString problem = groupNameProblem(m_document->project(), m_group, text);
    m_nameMessage->setText(problem);
    m_nameMessage->setVisible(!problem.isEmpty());
    m_name->setStyleSheet(problem.isEmpty() ? QString()
                                            : QStringLiteral("border: 1px solid #d64541;"));
    if (!problem.isEmpty())
        return;
    edit(
        tr("Rename group"), [&text](ProjectGroup &g) { g.name = text.toStdString(); },
        mergeKeyFor(m_name));
}

void GroupForm::onScenarioChosen(const QString &path)
{
    // Relative to the project file when it sits beside or below it, as the Scenario section does.
    QString stored = path.trimmed();
    if (!stored.isEmpty() && !m_document->filePath().isEmpty() && QFileInfo(stored).isAbsolute()) {
        const QString relative = QFileInfo(m_document->filePath()).dir().relativeFilePath(stored);
        if (!relative.startsWith(QLatin1String("..")))
            stored = relative;
    }
    edit(tr("Use scenario %1").arg(QFileInfo(stored).fileName()), [&stored](ProjectGroup &g) {
        g.scenario = stored.toStdString();
        if (!stored.isEmpty())
            g.inlineScenario.reset();
    });
    refresh();
}

void GroupForm::browseScenario()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Scenario of the group"), QFileInfo(m_document->filePath()).absolutePath(),
        tr("Scenarios (*.so *.cpp *.yaml *.yml)"));
    if (!path.isEmpty())
        onScenarioChosen(path);
}

void GroupForm::onWorkloadChosen(int index)
{
    if (!valid())
        return;
    const ProjectGroup &group = m_document->project().groups[std::size_t(m_group)];
    const bool ownProfile = !group.profile.empty() || !group.arrivalRate.empty();
    if ((index == 1) == ownProfile)
        return;
    if (index == 1) {
        edit(tr("Give the group its own profile"),
             [](ProjectGroup &g) { g.profile = newProjectTemplate().profile; });
    } else {
        // consistentMix() gives the project a total to share when it has none.
        edit(tr("Share the project's profile"), [](ProjectGroup &g) {
            g.profile = {};
            g.arrivalRate = {};
            g.preAllocatedVusers = 0;
            g.maxVusers = 0;
            g.weight = 1;
        });
    }
}

void GroupForm::onParameterChanged(int row, int column)
{
    if (m_refreshing || !valid())
        return;
    // Rebuilt from the table: a renamed parameter is the old one removed and the new one set.
    std::map<std::string, std::string, std::less<>> parameters;
    for (int r = 0; r < m_parameters->rowCount(); ++r) {
        const auto *name = m_parameters->item(r, 0);
        const auto *value = m_parameters->item(r, 1);
        if (name && !name->text().trimmed().isEmpty())
            parameters[name->text().trimmed().toStdString()] =
                value ? value->text().toStdString() : std::string();
    }
    Q_UNUSED(column)
    edit(tr("Edit parameter %1").arg(row + 1),
         [&parameters](ProjectGroup &g) { g.parameters = parameters; });
}

void GroupForm::addParameter()
{
    if (!valid())
        return;
    QString name = QStringLiteral("name");
    const auto &existing = m_document->project().groups[std::size_t(m_group)].parameters;
    for (int n = 2; existing.count(name.toStdString()); ++n)
        name = QStringLiteral("name%1").arg(n);
    edit(tr("Add parameter"), [&name](ProjectGroup &g) { g.parameters[name.toStdString()] = ""; });
}

void GroupForm::removeParameter()
{
    const int row = m_parameters->currentRow();
    if (!valid() || row < 0 || !m_parameters->item(row, 0))
        return;
    const std::string name = m_parameters->item(row, 0)->text().toStdString();
    edit(tr("Remove parameter"), [&name](ProjectGroup &g) { g.parameters.erase(name); });
}

} // namespace Loadwizard::Ui
