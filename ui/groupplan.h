#pragma once

#include <loadwizard/project.h>

#include <vector>

namespace Loadwizard::Ui {

/// The workload fields of the project (group < 0, or with groups: the total that weighted groups
/// share) or of one group, so one editor serves both.
struct Workload
{
    RampProfile profile;
    ArrivalProfile arrivalRate;
    long long preAllocatedVusers = 0;
    long long maxVusers = 0;

    bool open() const { return !arrivalRate.empty(); }
    bool operator==(const Workload &) const = default;
};

/// The workload of `group` (< 0 or out of range: the project's own fields).
Workload workloadOf(const Project &project, int group);
/// Sets the workload of `group` (< 0 or out of range: the project's own fields).
void setWorkload(Project &project, int group, const Workload &workload);

/// A group that takes a share of the project's profile: a weight and no profile of its own.
bool isWeighted(const ProjectGroup &group);

/// A group that plans arrivals (iterations per second), not vusers: its own arrival rate, or a
/// weight in a project whose shared profile is an arrival rate.
bool isOpenGroup(const Project &project, const ProjectGroup &group);

/// Planned rate (iterations per second) of each group at `seconds` since the start, as the
/// runtime schedules it: a group's own arrival rate shifted by its start delay (0 before it and
/// from its end on), a weighted open group's share of the project's arrival rate (its weight
/// against every weighted group's). Closed-model groups: 0.
std::vector<double> plannedGroupRatesAt(const Project &project, double seconds);

/// Planned whole vusers of each group at `seconds` since the start, as the runtime's schedule
/// plans them: a group's own closed profile shifted by its start delay (0 before it and from its
/// end on), weighted groups' share of the project's closed profile split by the engine's
/// splitByWeights() (Sainte-Laguë, ties to the earlier group; 0 from the profile's end
/// on). Open-model groups (arrival rate) plan no vuser count: 0.
std::vector<long long> plannedGroupVusersAt(const Project &project, double seconds);

/// The run's planned vusers at `seconds`: the profile's (a real number) without groups, the sum
/// of plannedGroupVusersAt() with groups.
double plannedTotalVusersAt(const Project &project, double seconds);
/// The most vusers the run plans at once (closed-model parts only).
double plannedPeakVusers(const Project &project);

/// When the last group's plan ends (start delay included).
double groupsPlanSeconds(const Project &project);

/// The times at which plannedGroupVusersAt() and plannedGroupRatesAt() are worth sampling for a
/// chart: 0, every step or stage boundary of every group (delays included), the end, and a regular
/// grid of at most `maxSamples` points in between; sorted, without duplicates.
std::vector<double> groupsSampleTimes(const Project &project, int maxSamples = 600);

} // namespace Loadwizard::Ui
