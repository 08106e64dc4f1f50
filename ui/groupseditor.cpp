#include "groupseditor.h"

#include "groupedits.h"
#include "groupform.h"
#include "groupplan.h"
#include "groupschartview.h"
#include "icons.h"
#include "projectdocument.h"

#include <QBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>

namespace Loadwizard::Ui {

namespace {

QToolButton *button(const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *result = new QToolButton(parent);
    result->setText(text);
    result->setToolTip(toolTip);
    result->setAccessibleName(toolTip);
    result->setAutoRaise(true);
    return result;
}

QString groupSummary(const Project &project, const ProjectGroup &group)
{
    if (isWeighted(group))
        return QObject::tr("weight %1").arg(group.weight);
    if (!group.arrivalRate.empty())
        return QObject::tr("%1/s").arg(group.arrivalRate.peakRate());
    if (!group.profile.empty()) {
        const QString vusers = QObject::tr("%1 vusers").arg(group.profile.peakVusers());
        return group.startDelaySeconds > 0
                   ? QObject::tr("%1 from %2 s").arg(vusers).arg(group.startDelaySeconds)
                   : vusers;
    }
    Q_UNUSED(project)
    return QObject::tr("no workload");
}

} // namespace

GroupsEditor::GroupsEditor(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_pages(new QStackedWidget(this))
    , m_convert(new QPushButton(tr("&Add group"), this))
    , m_list(new QListWidget(this))
    , m_add(button(tr("Add"), tr("Add a group"), this))
    , m_duplicate(button(tr("Duplicate"), tr("Duplicate the selected group"), this))
    , m_remove(button(tr("Remove"), tr("Remove the selected group"), this))
    , m_up(button(QString(), tr("Move the group up"), this))
    , m_down(button(QString(), tr("Move the group down"), this))
    , m_single(button(tr("Back to one group"), tr("Make the project one group again"), this))
    , m_form(new GroupForm(document, catalog, this))
    , m_chart(new GroupsChartView(this))
    , m_chartNote(new QLabel(this))
    , m_problems(new QLabel(this))
{
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_problems->hide();
    m_up->setIcon(Icons::icon(Icons::Glyph::Up));
    m_down->setIcon(Icons::icon(Icons::Glyph::Down));

    // Without groups: what a group is and the way in.
    auto *single = new QWidget(this);
    auto *singleLayout = new QVBoxLayout(single);
    auto *explanation = new QLabel(
        tr("<h3>Groups</h3><p>This project is one group: its scenario runs with the Profile "
           "section's workload.</p><p>Groups mix user types in one run: each group has its own "
           "scenario, parameters and workload (its own profile, or a weight: a share of the "
           "project's profile), and its metrics are reported apart.</p><p><b>Add group</b> "
           "makes today's scenario, pacing and profile the first group, named "
           "<i>default</i>; the parameters and data stay shared by every group.</p>"),
        single);
    explanation->setWordWrap(true);
    singleLayout->addWidget(explanation);
    singleLayout->addWidget(m_convert, 0, Qt::AlignLeft);
    singleLayout->addStretch();

    // With groups: list | form, the chart below.
    m_list->setAccessibleName(tr("Groups"));
    m_list->setMinimumWidth(180);
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(2);
    for (QToolButton *b : {m_add, m_duplicate, m_remove})
        buttons->addWidget(b);
    buttons->addStretch();
    buttons->addWidget(m_up);
    buttons->addWidget(m_down);
    auto *listBox = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(new QLabel(tr("<h3>Groups</h3>"), listBox));
    listLayout->addWidget(m_list, 1);
    listLayout->addLayout(buttons);
    listLayout->addWidget(m_single, 0, Qt::AlignLeft);
    listLayout->addWidget(m_problems);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(listBox);
    top->addWidget(m_form);
    top->setStretchFactor(1, 1);
    top->setSizes({220, 800});
    top->setChildrenCollapsible(false);

    m_chartNote->setWordWrap(true);
    m_chartNote->setForegroundRole(QPalette::PlaceholderText);
    auto *chartBox = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_chart, 1);
    chartLayout->addWidget(m_chartNote);

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(top);
    vertical->addWidget(chartBox);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    vertical->setChildrenCollapsible(false);

    m_pages->addWidget(single);
    m_pages->addWidget(vertical);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(m_convert, &QPushButton::clicked, this, &GroupsEditor::addGroup);
    connect(m_add, &QToolButton::clicked, this, &GroupsEditor::addGroup);
    connect(m_duplicate, &QToolButton::clicked, this, &GroupsEditor::duplicateGroup);
    connect(m_remove, &QToolButton::clicked, this, &GroupsEditor::removeGroup);
    connect(m_up, &QToolButton::clicked, this, [this] { moveGroup(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { moveGroup(1); });
    connect(m_single, &QToolButton::clicked, this, &GroupsEditor::backToOneGroup);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (!m_refreshing)
            m_form->setGroup(row);
        updateButtons();
    });
    connect(m_form, &GroupForm::editStepsRequested, this, &GroupsEditor::editStepsRequested);
    connect(m_document, &ProjectDocument::projectChanged, this, &GroupsEditor::refresh);
    refresh();
}

int GroupsEditor::currentGroup() const
{
    return m_list->currentRow();
}

void GroupsEditor::selectGroup(int index)
{
    m_list->setCurrentRow(index);
    m_form->setGroup(m_list->currentRow());
}

void GroupsEditor::refresh()
{
    const Project &project = m_document->project();
    const int count = static_cast<int>(project.groups.size());
    m_pages->setCurrentIndex(count > 0 ? 1 : 0);
    m_refreshing = true;
    const int current = m_list->currentRow();
    while (m_list->count() > count)
        delete m_list->takeItem(m_list->count() - 1);
    for (int i = 0; i < count; ++i) {
        const ProjectGroup &group = project.groups[std::size_t(i)];
        QListWidgetItem *item = m_list->item(i);
        if (!item)
            item = new QListWidgetItem(m_list);
        item->setText(QStringLiteral("%1  ·  %2")
                          .arg(QString::fromStdString(group.name), groupSummary(project, group)));
        QPixmap swatch(12, 12);
        swatch.fill(GroupsChartView::groupColor(i));
        item->setIcon(QIcon(swatch));
    }
    const int selected = count == 0 ? -1 : std::clamp(current < 0 ? 0 : current, 0, count - 1);
    m_list->setCurrentRow(selected);
    m_refreshing = false;
    if (m_form->group() != selected)
        m_form->setGroup(selected);

    m_chart->setProject(project);
    QStringList open;
    bool closed = false;
    for (const ProjectGroup &group : project.groups) {
        if (isOpenGroup(project, group))
            open << QString::fromStdString(group.name);
        else
            closed = true;
    }
    const QStringList problems = mixProblems(project);
    m_problems->setText(problems.join('\n'));
    m_problems->setVisible(!problems.isEmpty());
    // Vusers and iterations/s are different units: open groups get their own axis, never a place
    // in the stack.
    const QString closedText = tr("Planned vusers of each closed group, stacked (left axis); the "
                                  "solid line is their total.");
    const QString openText = tr("Groups with an arrival rate plan iterations per second, not "
                                "vusers: dashed lines on the right axis (%1).")
                                 .arg(open.join(QStringLiteral(", ")));
    m_chartNote->setText(open.isEmpty() ? closedText
                         : closed       ? closedText + QLatin1Char(' ') + openText
                                        : openText);
    updateButtons();
}

void GroupsEditor::updateButtons()
{
    const int row = m_list->currentRow();
    const int count = m_list->count();
    m_duplicate->setEnabled(row >= 0);
    m_remove->setEnabled(row >= 0 && count > 1);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < count);
    m_single->setVisible(count == 1);
}

void GroupsEditor::addGroup()
{
    Project next = convertedToGroups(m_document->project());
    const bool converting = m_document->project().groups.empty();
    // Converting makes "default" and a second group in one step: a mix of one is no mix.
    // The selected group's scenario (a mix often runs one scenario with other parameters).
    const int row = converting ? 0 : currentGroup();
    const std::string scenario =
        row >= 0 && row < int(next.groups.size()) ? next.groups[std::size_t(row)].scenario : "";
    const QString name =
        uniqueGroupName(next, QStringLiteral("group%1").arg(next.groups.size() + 1));
    next.groups.push_back(newGroup(name, scenario));
    const int added = static_cast<int>(next.groups.size()) - 1;
    m_document->apply(consistentMix(std::move(next)),
                      converting ? tr("Convert to groups") : tr("Add group"));
    selectGroup(added);
}

void GroupsEditor::duplicateGroup()
{
    const int row = currentGroup();
    Project next = m_document->project();
    if (row < 0 || row >= static_cast<int>(next.groups.size()))
        return;
    ProjectGroup copy = next.groups[std::size_t(row)];
    copy.name = uniqueGroupName(next, QString::fromStdString(copy.name) + "-copy").toStdString();
    next.groups.insert(next.groups.begin() + row + 1, copy);
    m_document->apply(next, tr("Duplicate group %1").arg(row + 1));
    selectGroup(row + 1);
}

void GroupsEditor::removeGroup()
{
    const int row = currentGroup();
    Project next = m_document->project();
    if (row < 0 || row >= static_cast<int>(next.groups.size()) || next.groups.size() < 2)
        return;
    next.groups.erase(next.groups.begin() + row);
    const int left = static_cast<int>(next.groups.size());
    m_document->apply(consistentMix(std::move(next)), tr("Remove group %1").arg(row + 1));
    selectGroup(std::min(row, left - 1));
}

void GroupsEditor::moveGroup(int delta)
{
    const int row = currentGroup();
    const int target = row + delta;
    Project next = m_document->project();
    if (row < 0 || target < 0 || target >= static_cast<int>(next.groups.size()))
        return;
    std::swap(next.groups[std::size_t(row)], next.groups[std::size_t(target)]);
    m_document->apply(next, tr("Move group %1").arg(row + 1));
    selectGroup(target);
}

void GroupsEditor::backToOneGroup()
{
    if (m_document->project().groups.size() != 1)
        return;
    m_document->apply(convertedToSingleGroup(m_document->project()), tr("Back to one group"));
}

} // namespace Loadwizard::Ui
