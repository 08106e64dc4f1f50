#include "steppath.h"

#include <QStringList>

#include <algorithm>

namespace Loadwizard::Ui {

using Steps::Step;
using Steps::StepScenario;

StepPath StepPath::owner() const
{
    StepPath path = *this;
    if (!path.segments.empty())
        path.segments.pop_back();
    return path;
}

StepPath StepPath::child(List list, int index) const
{
    StepPath path = *this;
    path.segments.push_back({list, index});
    return path;
}

QString StepPath::toString() const
{
    QStringList parts;
    for (const Segment &segment : segments) {
        const char *name = segment.list == List::Init   ? "init"
                           : segment.list == List::Else ? "else"
                                                        : "steps";
        parts << QStringLiteral("%1[%2]").arg(QLatin1String(name)).arg(segment.index);
    }
    return parts.join(QLatin1Char('.'));
}

bool holdsSteps(Step::Kind kind)
{
    return kind == Step::Kind::Transaction || kind == Step::Kind::Repeat || kind == Step::Kind::If;
}

std::vector<Step> *listAt(StepScenario &scenario, const StepList &list)
{
    if (list.owner.isEmpty()) {
        if (list.list == StepPath::List::Init)
            return &scenario.init;
        return list.list == StepPath::List::Steps ? &scenario.steps : nullptr;
    }
    Step *owner = stepAt(scenario, list.owner);
    if (!owner || !holdsSteps(owner->kind) || list.list == StepPath::List::Init)
        return nullptr;
    if (list.list == StepPath::List::Else)
        return owner->kind == Step::Kind::If ? &owner->elseSteps : nullptr;
    return &owner->steps;
}

Step *stepAt(StepScenario &scenario, const StepPath &path)
{
    if (path.isEmpty())
        return nullptr;
    std::vector<Step> *steps = listAt(scenario, parentList(path));
    const int index = path.segments.back().index;
    if (!steps || index < 0 || index >= int(steps->size()))
        return nullptr;
    return &(*steps)[index];
}

const Step *stepAt(const StepScenario &scenario, const StepPath &path)
{
    return stepAt(const_cast<StepScenario &>(scenario), path);
}

StepList parentList(const StepPath &path)
{
    if (path.isEmpty())
        return {};
    return {path.owner(), path.segments.back().list};
}

StepPath insertStep(StepScenario &scenario, const StepList &list, int row, Step step)
{
    std::vector<Step> *steps = listAt(scenario, list);
    if (!steps)
        return {};
    if (row < 0 || row > int(steps->size()))
        row = int(steps->size());
    steps->insert(steps->begin() + row, std::move(step));
    return list.owner.child(list.list, row);
}

bool removeStep(StepScenario &scenario, const StepPath &path)
{
    std::vector<Step> *steps = listAt(scenario, parentList(path));
    const int index = path.isEmpty() ? -1 : path.segments.back().index;
    if (!steps || index < 0 || index >= int(steps->size()))
        return false;
    steps->erase(steps->begin() + index);
    return true;
}

StepPath duplicateStep(StepScenario &scenario, const StepPath &path)
{
    const Step *step = stepAt(scenario, path);
    if (!step)
        return {};
    Step copy = *step;
    return insertStep(scenario, parentList(path), path.segments.back().index + 1, std::move(copy));
}

StepPath moveStep(StepScenario &scenario, const StepPath &from, const StepList &list, int row)
{
    const Step *step = stepAt(scenario, from);
    if (!step || !listAt(scenario, list))
        return {};
    // Never into itself: the destination's owner must not lie under the moved step.
    const auto &own = list.owner.segments;
    if (own.size() >= from.segments.size() &&
        std::equal(from.segments.begin(), from.segments.end(), own.begin()))
        return {};
    Step moved = *step;
    removeStep(scenario, from);
    // Removing shifts the later siblings of `from`: fix the destination's path to match.
    StepList target = list;
    const std::size_t depth = from.segments.size() - 1;
    const auto &gone = from.segments.back();
    auto &segments = target.owner.segments;
    const bool samePrefix =
        segments.size() > depth &&
        std::equal(from.segments.begin(), from.segments.begin() + depth, segments.begin());
    if (samePrefix && segments[depth].list == gone.list && segments[depth].index > gone.index)
        --segments[depth].index;
    if (target == parentList(from) && row > gone.index)
        --row;
    return insertStep(scenario, target, row, std::move(moved));
}

StepPath shiftStep(StepScenario &scenario, const StepPath &path, int delta)
{
    std::vector<Step> *steps = listAt(scenario, parentList(path));
    if (!steps || path.isEmpty())
        return {};
    const int index = path.segments.back().index;
    const int to = index + delta;
    if (index < 0 || index >= int(steps->size()) || to < 0 || to >= int(steps->size()))
        return {};
    std::swap((*steps)[index], (*steps)[to]);
    StepPath moved = path;
    moved.segments.back().index = to;
    return moved;
}

Step starterStep(Step::Kind kind)
{
    Step step;
    step.kind = kind;
    switch (kind) {
    case Step::Kind::Request:
        step.request.method = "GET";
        step.request.url = "/";
        break;
    case Step::Kind::Think:
        step.seconds = 1;
        break;
    case Step::Kind::Pace:
        step.seconds = 10;
        break;
    case Step::Kind::Transaction:
        step.text = "transaction";
        break;
    case Step::Kind::Rendezvous:
        step.text = "meet";
        break;
    case Step::Kind::Repeat:
        step.text = "2";
        break;
    case Step::Kind::If:
        step.text = "${variable}";
        break;
    case Step::Kind::Log:
        step.text = "iteration ${iteration}";
        break;
    case Step::Kind::Set:
        step.assignments = {{"variable", "value"}};
        break;
    }
    return step;
}

StepScenario starterScenario()
{
    StepScenario scenario;
    Step health = starterStep(Step::Kind::Request);
    health.request.url = "/health";
    Steps::Check status;
    status.subject = Steps::Check::Subject::Status;
    status.op = Steps::Check::Op::OneOf;
    status.statuses = {200};
    health.request.checks.push_back(status);
    scenario.steps.push_back(std::move(health));
    return scenario;
}

} // namespace Loadwizard::Ui
