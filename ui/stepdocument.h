#pragma once

#include <loadwizard/error.h>
#include <loadwizard/steps.h>

#include <QObject>
#include <QString>

#include <map>
#include <optional>

#include <tl/expected.hpp>

namespace Loadwizard::Ui {

class ProjectDocument;

/// The declarative scenario the step editor edits: the project's inline steps, or the `.yaml`
/// scenario file the project names. Every edit is one command on the project's undo stack (for
/// inline steps a project edit; for a file its own command), and saving the project saves the
/// file too (saveFile()).
class StepDocument : public QObject
{
    Q_OBJECT

public:
    enum class Source
    {
        None,   ///< a compiled scenario (or none): nothing to edit
        Inline, ///< Project::inlineScenario
        File    ///< Project::scenario names a .yaml file
    };

    explicit StepDocument(ProjectDocument *document, QObject *parent = nullptr);

    ProjectDocument *projectDocument() const { return m_document; }
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
    /// Makes the project's scenario an inline one holding `scenario` (one undoable step).
    void makeInline(const Steps::StepScenario &scenario, const QString &text);

    /// File mode: whether the file differs from what the editor holds.
    bool fileModified() const;
    /// File mode: writes the scenario file when it changed (atomically); nothing otherwise.
    tl::expected<void, Error> saveFile();

signals:
    /// The scenario or its source changed (after an edit, an undo, another project).
    void scenarioChanged();

private:
    friend class ScenarioFileCommand;
    void reload();
    void setFromCommand(const Steps::StepScenario &scenario);
    /// An undo or redo of an edit of `path` while the project names another scenario.
    void setPending(const QString &path, const Steps::StepScenario &scenario);

    ProjectDocument *m_document;
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
