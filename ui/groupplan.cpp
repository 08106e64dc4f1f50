#include "groupplan.h"

#include <loadwizard/weights.h>

#include <algorithm>
#include <cmath>

namespace Loadwizard::Ui {

Workload workloadOf(const Project &project, int group)
{
    if (group >= 0 && group < static_cast<int>(project.groups.size())) {
        const ProjectGroup &g = project.groups[std::size_t(group)];
        return {g.profile, g.arrivalRate, g.preAllocatedVusers, g.maxVusers};
    }
    return {project.profile, project.arrivalRate, project.preAllocatedVusers, project.maxVusers};
}

void setWorkload(Project &project, int group, const Workload &workload)
{
    if (group >= 0 && group < static_cast<int>(project.groups.size())) {
        ProjectGroup &g = project.groups[std::size_t(group)];
        g.profile = workload.profile;
        g.arrivalRate = workload.arrivalRate;
        g.preAllocatedVusers = workload.preAllocatedVusers;
        g.maxVusers = workload.maxVusers;
        return;
    }
    project.profile = workload.profile;
    project.arrivalRate = workload.arrivalRate;
    project.preAllocatedVusers = workload.preAllocatedVusers;
    project.maxVusers = workload.maxVusers;
}

bool isWeighted(const ProjectGroup &group)
{
    return group.weight > 0 && group.profile.empty() && group.arrivalRate.empty();
}

bool isOpenGroup(const Project &project, const ProjectGroup &group)
{
    return !group.arrivalRate.empty() || (isWeighted(group) && !project.arrivalRate.empty());
}

std::vector<double> plannedGroupRatesAt(const Project &project, double seconds)
{
    std::vector<double> rates(project.groups.size(), 0.0);
    double weights = 0; // as the runtime: a weighted group's share is against every weight
    for (const ProjectGroup &group : project.groups) {
        if (isWeighted(group))
            weights += group.weight;
    }
    for (std::size_t i = 0; i < project.groups.size(); ++i) {
        const ProjectGroup &group = project.groups[i];
        if (!isOpenGroup(project, group))
            continue;
        const bool weighted = isWeighted(group);
        const ArrivalProfile &profile = weighted ? project.arrivalRate : group.arrivalRate;
        // The delay is a leading pause of the group's own profile; a share has none.
        const double local = weighted ? seconds : seconds - group.startDelaySeconds;
        if (local < 0 || local >= profile.totalSeconds())
            continue;
        rates[i] = profile.rateAt(local) * (weighted ? group.weight / weights : 1.0);
    }
    return rates;
}

std::vector<long long> plannedGroupVusersAt(const Project &project, double seconds)
{
    std::vector<long long> vusers(project.groups.size(), 0);
    std::vector<double> weights; // of the weighted groups, in order
    std::vector<std::size_t> weighted;
    for (std::size_t i = 0; i < project.groups.size(); ++i) {
        const ProjectGroup &group = project.groups[i];
        if (isWeighted(group)) {
            weights.push_back(group.weight);
            weighted.push_back(i);
            continue;
        }
        if (!group.arrivalRate.empty() || group.profile.empty())
            continue;
        // As the runtime: the delay is a leading hold at 0, the group stops at its end.
        const double local = seconds - group.startDelaySeconds;
        if (local < 0 || local >= group.profile.totalSeconds())
            continue;
        vusers[i] = group.profile.plannedWholeVusersAt(local);
    }
    if (weights.empty() || !project.arrivalRate.empty())
        return vusers;
    const long long total = seconds < 0 || seconds >= project.profile.totalSeconds()
                                ? 0
                                : project.profile.plannedWholeVusersAt(seconds);
    const std::vector<long long> shares = splitByWeights(total, weights);
    for (std::size_t k = 0; k < weighted.size(); ++k)
        vusers[weighted[k]] = shares[k];
    return vusers;
}

double plannedTotalVusersAt(const Project &project, double seconds)
{
    if (project.groups.empty())
        return project.profile.plannedVusersAt(seconds);
    long long sum = 0;
    for (long long vusers : plannedGroupVusersAt(project, seconds))
        sum += vusers;
    return double(sum);
}

double plannedPeakVusers(const Project &project)
{
    if (project.groups.empty())
        return project.profile.peakVusers();
    double peak = 0;
    for (double t : groupsSampleTimes(project))
        peak = std::max(peak, plannedTotalVusersAt(project, t));
    return peak;
}

double groupsPlanSeconds(const Project &project)
{
    double end = 0;
    bool anyWeighted = false;
    for (const ProjectGroup &group : project.groups) {
        if (isWeighted(group)) {
            anyWeighted = true;
            continue;
        }
        const double own = group.arrivalRate.empty() ? group.profile.totalSeconds()
                                                     : group.arrivalRate.totalSeconds();
        end = std::max(end, group.startDelaySeconds + own);
    }
    if (anyWeighted)
        end = std::max(end, project.arrivalRate.empty() ? project.profile.totalSeconds()
                                                        : project.arrivalRate.totalSeconds());
    return end;
}

std::vector<double> groupsSampleTimes(const Project &project, int maxSamples)
{
    const double end = groupsPlanSeconds(project);
    std::vector<double> times{0, end};
    const auto addSteps = [&times](const RampProfile &profile, double start) {
        times.push_back(start);
        for (const RampStep &step : profile.steps()) {
            start += step.seconds;
            times.push_back(start);
        }
    };
    const auto addStages = [&times](const ArrivalProfile &profile, double start) {
        times.push_back(start);
        for (const ArrivalStage &stage : profile.stages()) {
            start += stage.seconds;
            times.push_back(start);
        }
    };
    for (const ProjectGroup &group : project.groups) {
        if (!isWeighted(group)) {
            addSteps(group.profile, group.startDelaySeconds);
            addStages(group.arrivalRate, group.startDelaySeconds);
        }
    }
    addSteps(project.profile, 0);
    addStages(project.arrivalRate, 0);
    // Whole vusers change every time the plan passes a whole number: a grid of whole seconds
    // (or coarser for long plans) shows the steps without thousands of points.
    const int samples = std::max(1, maxSamples);
    const double stride = std::max(1.0, std::ceil(end / samples));
    for (double t = stride; t < end; t += stride)
        times.push_back(t);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    times.erase(
        std::remove_if(times.begin(), times.end(), [end](double t) { return t < 0 || t > end; }),
        times.end());
    return times;
}

} // namespace Loadwizard::Ui
