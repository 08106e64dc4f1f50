#include "stepdocument.h"

#include "format.h"
#include "projectdocument.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/stepsyaml.h>

#include <QFileInfo>
#include <QUndoCommand>

namespace Loadwizard::Ui {

/// An edit of a scenario file's steps: the whole scenario before and after (scenarios are
/// small), merged with the next one of the same key.
class ScenarioFileCommand : public QUndoCommand
{
public:
    ScenarioFileCommand(StepDocument *document, QString filePath, Steps::StepScenario before,
                        Steps::StepScenario after, const QString &text, int mergeKey)
        : QUndoCommand(text)
        , m_document(document)
        , m_filePath(std::move(filePath))
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_mergeKey(mergeKey)
    {}

    void undo() override { apply(m_before); }
    void redo() override { apply(m_after); }
    int id() const override { return m_mergeKey ? 2 : -1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *edit = static_cast<const ScenarioFileCommand *>(other);
        if (edit->m_mergeKey != m_mergeKey || edit->m_filePath != m_filePath)
            return false;
        m_after = edit->m_after;
        return true;
    }

private:
    void apply(const Steps::StepScenario &scenario)
    {
        // The stack outlives a project switch; a command of another file no longer applies.
        if (m_document->filePath() == m_filePath)
            m_document->setFromCommand(scenario);
        else
            m_document->setPending(m_filePath, scenario);
    }

    StepDocument *m_document;
    QString m_filePath;
    Steps::StepScenario m_before;
    Steps::StepScenario m_after;
    int m_mergeKey;
};

namespace {

bool isScenarioFile(const std::string &path)
{
    const QString suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
    return suffix == QLatin1String("yaml") || suffix == QLatin1String("yml");
}

} // namespace

StepDocument::StepDocument(ProjectDocument *document, QObject *parent)
    : QObject(parent)
    , m_document(document)
{
    connect(m_document, &ProjectDocument::projectChanged, this, &StepDocument::reload);
    reload();
}

void StepDocument::setTargetGroup(std::function<int()> group)
{
    m_targetGroup = std::move(group);
    updateTarget();
}

int StepDocument::targetGroup() const
{
    const int group = m_targetGroup ? m_targetGroup() : -1;
    return group >= 0 && group < static_cast<int>(m_document->project().groups.size()) ? group : -1;
}

bool StepDocument::mixWithoutTarget() const
{
    return !m_document->project().groups.empty() && targetGroup() < 0;
}

void StepDocument::updateTarget()
{
    if (targetGroup() == m_shownGroup)
        return;
    emit aboutToChangeTarget();
    reload();
}

void StepDocument::reload()
{
    const Project &project = m_document->project();
    if (m_document->undoStack()->count() == 0)
        m_pending.clear(); // another project (its edits were saved or discarded when asked)
    // The scenario shown: the project's, or in a mix the target group's (none without one).
    const int group = targetGroup();
    m_shownGroup = group;
    const std::optional<Steps::StepScenario> *inlineScenario = &project.inlineScenario;
    std::string scenario = project.scenario;
    std::string scenarioPath = scenario.empty() ? std::string() : project.scenarioPath();
    if (group >= 0) {
        const ProjectGroup &g = project.groups[std::size_t(group)];
        inlineScenario = &g.inlineScenario;
        scenario = g.scenario;
        scenarioPath = scenario.empty() ? std::string() : g.scenarioPath(project.folder());
    } else if (!project.groups.empty()) {
        static const std::optional<Steps::StepScenario> none;
        inlineScenario = &none;
        scenario.clear();
    }
    // Leaving a file with unsaved steps (the project names a .cpp, another file, inline steps):
    // they stay, to be shown again or saved.
    const auto keepPending = [this](const QString &next) {
        if (m_source == Source::File && next != m_filePath && fileModified())
            m_pending[m_filePath] = m_scenario;
    };
    if (*inlineScenario) {
        keepPending({});
        m_source = Source::Inline;
        m_filePath.clear();
        m_loadError.clear();
        m_saved.reset();
        m_scenario = **inlineScenario;
    } else if (!scenario.empty() && isScenarioFile(scenario)) {
        const QString path = QFileInfo(QString::fromStdString(scenarioPath)).absoluteFilePath();
        // An undo or redo of a project edit keeps the file's unsaved edits: read it only when the
        // project names another file, or was just opened (its undo history is empty).
        if (m_source != Source::File || path != m_filePath ||
            m_document->undoStack()->count() == 0) {
            keepPending(path);
            m_source = Source::File;
            m_filePath = path;
            m_loadError.clear();
            auto loaded = Steps::loadStepScenario(path.toStdString());
            if (loaded) {
                m_scenario = *loaded;
                m_saved = *loaded;
                if (const auto pending = m_pending.find(path); pending != m_pending.end()) {
                    m_scenario = pending->second;
                    m_pending.erase(pending);
                }
            } else {
                m_scenario = {};
                m_saved.reset();
                m_loadError = errorText(loaded.error());
            }
        }
    } else {
        keepPending({});
        m_source = Source::None;
        m_filePath.clear();
        m_loadError.clear();
        m_saved.reset();
        m_scenario = {};
    }
    emit scenarioChanged();
}

void StepDocument::apply(const Steps::StepScenario &next, const QString &text, int mergeKey)
{
    if (!isEditable() || next == m_scenario)
        return;
    if (m_source == Source::Inline) {
        Project project = m_document->project();
        if (m_shownGroup >= 0 && m_shownGroup < static_cast<int>(project.groups.size()))
            project.groups[std::size_t(m_shownGroup)].inlineScenario = next;
        else
            project.inlineScenario = next;
        m_document->apply(project, text, mergeKey);
        return;
    }
    m_document->undoStack()->push(
        new ScenarioFileCommand(this, m_filePath, m_scenario, next, text, mergeKey));
}

bool StepDocument::makeInline(const Steps::StepScenario &scenario, const QString &text)
{
    Project project = m_document->project();
    if (const int group = targetGroup(); group >= 0) {
        // A mix has no scenario of its own: the target group gets it.
        ProjectGroup &g = project.groups[std::size_t(group)];
        g.scenario.clear();
        g.inlineScenario = scenario;
    } else if (!project.groups.empty()) {
        return false;
    } else {
        project.scenario.clear();
        project.inlineScenario = scenario;
    }
    m_document->apply(project, text);
    return true;
}

bool StepDocument::fileModified() const
{
    return m_source == Source::File && m_loadError.isEmpty() && m_saved != m_scenario;
}

void StepDocument::setPending(const QString &path, const Steps::StepScenario &scenario)
{
    m_pending[path] = scenario;
}

tl::expected<void, Error> StepDocument::saveFile()
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        auto written =
            writeFileAtomically(it->first.toStdString(), Steps::stepScenarioToYaml(it->second));
        if (!written)
            return written;
        it = m_pending.erase(it);
    }
    if (!fileModified())
        return {};
    auto written =
        writeFileAtomically(m_filePath.toStdString(), Steps::stepScenarioToYaml(m_scenario));
    if (!written)
        return written;
    m_saved = m_scenario;
    return {};
}

void StepDocument::setFromCommand(const Steps::StepScenario &scenario)
{
    m_scenario = scenario;
    emit scenarioChanged();
}

} // namespace Loadwizard::Ui
