#pragma once

#include <loadwizard/steps.h>

#include <QString>

#include <vector>

namespace Loadwizard::Ui {

/// Where a step lives in a StepScenario: a chain of (list, index) from the top. The first list is
/// Init or Steps; the later ones are a step's Steps or (for `if`) Else.
struct StepPath
{
    enum class List
    {
        Init,
        Steps,
        Else
    };
    struct Segment
    {
        List list = List::Steps;
        int index = 0;
        bool operator==(const Segment &) const = default;
    };
    std::vector<Segment> segments;

    bool isEmpty() const { return segments.empty(); }
    /// The path of the step that owns this step's list (empty for a top-level step).
    StepPath owner() const;
    StepPath child(List list, int index) const;
    /// "init[0]", "steps[2].steps[1]", "steps[2].else[0]": the interpreter's StepEvent::path.
    QString toString() const;
    bool operator==(const StepPath &) const = default;
};

/// A list of steps: the owner step's list (owner empty: a top-level list, Init or Steps).
struct StepList
{
    StepPath owner;
    StepPath::List list = StepPath::List::Steps;
    bool operator==(const StepList &) const = default;
};

/// The step at `path`, nullptr when there is none.
Steps::Step *stepAt(Steps::StepScenario &scenario, const StepPath &path);
const Steps::Step *stepAt(const Steps::StepScenario &scenario, const StepPath &path);
/// The list, nullptr when there is none (the owner cannot hold that list).
std::vector<Steps::Step> *listAt(Steps::StepScenario &scenario, const StepList &list);
/// The list that holds `path`.
StepList parentList(const StepPath &path);
/// Whether a step of this kind holds steps (transaction, repeat, if).
bool holdsSteps(Steps::Step::Kind kind);

/// Structural edits; each returns the new path of the step it placed, empty when it could not.
StepPath insertStep(Steps::StepScenario &scenario, const StepList &list, int row, Steps::Step step);
bool removeStep(Steps::StepScenario &scenario, const StepPath &path);
StepPath duplicateStep(Steps::StepScenario &scenario, const StepPath &path);
/// Moves a step into `list` before `row` (row -1 or past the end: appended); never into itself.
StepPath moveStep(Steps::StepScenario &scenario, const StepPath &from, const StepList &list,
                  int row);
/// One place up or down within its list (delta -1 or +1).
StepPath shiftStep(Steps::StepScenario &scenario, const StepPath &path, int delta);

/// A step of `kind` with the fields a user expects to fill first (a request: GET /).
Steps::Step starterStep(Steps::Step::Kind kind);
/// The project's "New declarative scenario": GET /health with a status check.
Steps::StepScenario starterScenario();

} // namespace Loadwizard::Ui
