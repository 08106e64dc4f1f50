#include "groupplan.h"

#include <algorithm>
#include <cmath>
#include <numeric>

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

std::vector<long long> splitByLargestRemainder(long long total, const std::vector<double> &weights)
{
    std::vector<long long> parts(weights.size(), 0);
    double sum = 0;
    for (double weight : weights)
        sum += weight > 0 ? weight : 0;
    if (total <= 0 || !(sum > 0))
        return parts;
    std::vector<double> remainders(weights.size(), -1);
    long long given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!(weights[i] > 0))
            continue;
        const double quota = double(total) * weights[i] / sum;
        parts[i] = static_cast<long long>(std::floor(quota));
        remainders[i] = quota - double(parts[i]);
        given += parts[i];
    }
    // stable_sort keeps the groups' order among equal remainders: the earlier group wins a tie.
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
    for (std::size_t i = 0; given < total && i < order.size(); ++i) {
        if (remainders[order[i]] < 0)
            break;
        ++parts[order[i]];
        ++given;
    }
    return parts;
}

std::vector<long long> plannedGroupVusersAt(const Project &project, double seconds)
{
    std::vector<long long> vusers(project.groups.size(), 0);
    std::vector<double> weights(project.groups.size(), 0);
    bool anyWeighted = false;
    for (std::size_t i = 0; i < project.groups.size(); ++i) {
        const ProjectGroup &group = project.groups[i];
        if (isWeighted(group)) {
            weights[i] = group.weight;
            anyWeighted = true;
            continue;
        }
        if (!group.arrivalRate.empty() || group.profile.empty())
            continue;
        const double local = seconds - group.startDelaySeconds;
        if (local < 0 || local > group.profile.totalSeconds())
            continue;
        vusers[i] = group.profile.plannedWholeVusersAt(local);
    }
    if (anyWeighted && project.arrivalRate.empty() && seconds >= 0 &&
        seconds <= project.profile.totalSeconds()) {
        const auto shares =
            splitByLargestRemainder(project.profile.plannedWholeVusersAt(seconds), weights);
        for (std::size_t i = 0; i < shares.size(); ++i) {
            if (weights[i] > 0)
                vusers[i] = shares[i];
        }
    }
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
    for (const ProjectGroup &group : project.groups) {
        if (!isWeighted(group))
            addSteps(group.profile, group.startDelaySeconds);
    }
    addSteps(project.profile, 0);
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
