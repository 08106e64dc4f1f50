#pragma once

#include <loadwizard/error.h>
#include <loadwizard/steps.h>

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <optional>

#include <tl/expected.hpp>

namespace Loadwizard::Ui {

class ProjectDocument;

/// The declarative scenario the step editor edits: the project's inline steps, or the `.yaml`
/// scenario file the project names; in a project with groups, those of the target group (the
/// Groups section's selection, as the Compiled plugins tab's "Use"). Every edit is one command
/// on the project's undo stack (for inline steps a project edit; for a file its own command),
/// and saving the project saves the file too (saveFile()).
class StepDocument : public QObject
{
    Q_OBJECT

public:
    enum class Source
    {
        None,   ///< a compiled scenario (or none): nothing to edit
        Inline, ///< Project::inlineScenario (or the target group's)
        File    ///< Project::scenario (or the target group's) names a .yaml file
    };

    explicit StepDocument(ProjectDocument *document, QObject *parent = nullptr);

    ProjectDocument *projectDocument() const { return m_document; }
    /// For a project with groups: which group's scenario is edited (the Groups section's
    /// selection); with none (-1), a mix has nothing to edit and no scenario to create.
    void setTargetGroup(std::function<int()> group);
    /// The group edited, or -1 (the project's own scenario, or a mix without a selection).
    int targetGroup() const;
    /// The target's choice changed: the document shows the newly chosen group's scenario. Edits
    /// already made stay in the project (inline steps) or pending (an unsaved scenario file).
    void updateTarget();
    /// A project with groups and no target group: nothing to edit, nothing to create.
    bool mixWithoutTarget() const;
    Source source() const { return m_source; }
    /// The scenario file (absolute) in File mode.
    QString filePath() const { return m_filePath; }
    /// Why the scenario file could not be read (File mode), empty when it was.
    QString loadError() const { return m_loadError; }
    /// The scenario as edited (empty in None mode).
    const Steps::StepScenario &scenario() const { return m_scenario; }
    bool isEditable() const { return m_source != Source::None && m_loadError.isEmpty(); }

    /// Replaces the scenario by `next` as one undoable step; consecutive edits with the same
    /// non-zero `mergeKey` (typing in one field) become one.
    void apply(const Steps::StepScenario &next, const QString &text, int mergeKey = 0);
    /// Makes the project's scenario (in a mix: the target group's) an inline one holding
    /// `scenario` (one undoable step). False, and nothing done, in a mix without a target group:
    /// the project reader refuses a top-level scenario next to `groups:`.
    bool makeInline(const Steps::StepScenario &scenario, const QString &text);

    /// File mode: whether the file differs from what the editor holds.
    bool fileModified() const;
    /// File mode: writes the scenario file when it changed (atomically); nothing otherwise.
    tl::expected<void, Error> saveFile();

signals:
    /// The scenario or its source changed (after an edit, an undo, another project).
    void scenarioChanged();
    /// About to show another group's scenario (updateTarget()): the last chance to hand an
    /// edit under way (an open table cell) to the group it was made in.
    void aboutToChangeTarget();

private:
    friend class ScenarioFileCommand;
    void reload();
    void setFromCommand(const Steps::StepScenario &scenario);
    /// An undo or redo of an edit of `path` while the project names another scenario.
    void setPending(const QString &path, const Steps::StepScenario &scenario);

    ProjectDocument *m_document;
    std::function<int()> m_targetGroup;
    int m_shownGroup = -1; ///< the target group reload() last showed
    Source m_source = Source::None;
    QString m_filePath;
    QString m_loadError;
    Steps::StepScenario m_scenario;
    std::optional<Steps::StepScenario> m_saved; ///< File mode: what the file holds
    /// Unsaved steps of scenario files the project no longer names (it was switched to a .cpp
    /// or another file): kept, shown again when it names them again, written by saveFile().
    std::map<QString, Steps::StepScenario> m_pending;
};

} // namespace Loadwizard::Ui
