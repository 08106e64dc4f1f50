#include "groupedits.h"

#include "groupplan.h"
#include "projectdocument.h"

#include <QCoreApplication>

namespace Loadwizard::Ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Loadwizard::Ui::GroupEdits", text);
}

bool isNameCharacter(QChar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

} // namespace

QString groupNameProblem(const Project &project, int index, const QString &name)
{
    if (name.isEmpty())
        return tr("A group needs a name.");
    for (int i = 0; i < name.size(); ++i) {
        if (!isNameCharacter(name[i]))
            return tr("\"%1\" at position %2 is not allowed: use letters, digits, '_', '-' or '.'.")
                .arg(name[i])
                .arg(i + 1);
    }
    for (int i = 0; i < static_cast<int>(project.groups.size()); ++i) {
        if (i != index && QString::fromStdString(project.groups[std::size_t(i)].name) == name)
            return tr("Group %1 is already named \"%2\".").arg(i + 1).arg(name);
    }
    return {};
}

QString uniqueGroupName(const Project &project, const QString &base)
{
    const auto taken = [&project](const QString &name) {
        for (const ProjectGroup &group : project.groups) {
            if (QString::fromStdString(group.name) == name)
                return true;
        }
        return false;
    };
    if (!taken(base))
        return base;
    for (int n = 2;; ++n) {
        const QString name = base + QString::number(n);
        if (!taken(name))
            return name;
    }
}

ProjectGroup newGroup(const QString &name, const std::string &scenario)
{
    ProjectGroup group;
    group.name = name.toStdString();
    group.scenario = scenario;
    group.profile = newProjectTemplate().profile;
    return group;
}

Project consistentMix(Project project)
{
    if (project.groups.empty())
        return project;
    bool anyWeighted = false;
    for (ProjectGroup &group : project.groups) {
        const bool own = !group.profile.empty() || !group.arrivalRate.empty();
        if (own)
            group.weight = 0;
        else
            group.startDelaySeconds = 0;
        if (!group.arrivalRate.empty())
            group.pacing = {};
        anyWeighted = anyWeighted || isWeighted(group);
    }
    const Workload total = workloadOf(project, -1);
    if (!anyWeighted)
        setWorkload(project, -1, {});
    else if (total.profile.empty() && total.arrivalRate.empty())
        project.profile = newProjectTemplate().profile;
    return project;
}

QStringList mixProblems(const Project &project)
{
    QStringList problems;
    for (const ProjectGroup &group : project.groups) {
        if (group.scenario.empty() && !group.inlineScenario)
            problems
                << tr("Group \"%1\" needs a scenario.").arg(QString::fromStdString(group.name));
        if (!isWeighted(group) && group.profile.empty() && group.arrivalRate.empty())
            problems << tr("Group \"%1\" needs a weight or a profile of its own.")
                            .arg(QString::fromStdString(group.name));
    }
    return problems;
}

Project convertedToGroups(const Project &project)
{
    if (!project.groups.empty())
        return project;
    Project next = project;
    ProjectGroup group;
    group.name = "default"; // what thresholds call the implicit group: {group=default} still works
    group.scenario = project.scenario;
    group.inlineScenario = project.inlineScenario;
    group.pacing = project.pacing;
    group.profile = project.profile;
    group.arrivalRate = project.arrivalRate;
    group.preAllocatedVusers = project.preAllocatedVusers;
    group.maxVusers = project.maxVusers;
    next.groups.push_back(std::move(group));
    next.scenario.clear();
    next.inlineScenario.reset();
    next.pacing = {};
    setWorkload(next, -1, {});
    return next;
}

Project convertedToSingleGroup(const Project &project)
{
    if (project.groups.size() != 1)
        return project;
    const ProjectGroup &group = project.groups.front();
    Project next = project;
    next.groups.clear();
    next.scenario = group.scenario;
    next.inlineScenario = group.inlineScenario;
    next.pacing = group.pacing;
    if (!isWeighted(group))
        setWorkload(next, -1, workloadOf(project, 0));
    for (const auto &[name, value] : group.parameters)
        next.parameters[name] = value;
    next.data.insert(next.data.end(), group.data.begin(), group.data.end());
    return next;
}

} // namespace Loadwizard::Ui
