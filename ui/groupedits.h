#pragma once

#include <loadwizard/project.h>

#include <QString>
#include <QStringList>

namespace Loadwizard::Ui {

/// Why `name` cannot name group `index` of `project` (empty, a character outside letters,
/// digits, '_', '-', '.', or another group's name); empty when it can.
QString groupNameProblem(const Project &project, int index, const QString &name);

/// `base` when no group has that name, else `base` followed by the first free number from 2.
QString uniqueGroupName(const Project &project, const QString &base);

/// A new group with its own closed profile (the new-project template's) and `scenario`.
ProjectGroup newGroup(const QString &name, const std::string &scenario = {});

/// `project` made what the project reader accepts where the editor can tell what the user
/// meant: a group with a profile of its own has no weight, a weighted one no start delay, an
/// open one no pacing; the project's profile (the total weighted groups share) is the new-project
/// template's when a group has a weight and there is none, and empty when no group has one.
/// Every groups edit goes through it, so a saved mix loads back.
Project consistentMix(Project project);

/// What still keeps the mix from running, one line each (a group without a scenario); empty
/// when nothing does or the project has no groups.
QStringList mixProblems(const Project &project);

/// "Add group" on a project without groups: the project becomes one group named "default" that
/// takes its scenario, pacing and profile (closed or open); the parameters and data stay at the
/// top level, shared by every group. A project that already has groups is returned unchanged.
Project convertedToGroups(const Project &project);

/// The way back for a project with exactly one group: the group's scenario, pacing and profile
/// (the project's total when it is weighted) become the project's, its parameters win over the
/// shared ones and its data follow the shared data. Other projects are returned unchanged.
Project convertedToSingleGroup(const Project &project);

} // namespace Loadwizard::Ui
