#include "projectdocument.h"

#include <loadwizard/stepsyaml.h>

#include <QFileInfo>
#include <QUndoCommand>

#include <atomic>

namespace Loadwizard::Ui {

Project newProjectTemplate()
{
    Project project;
    project.name = "Untitled";
    project.profile = RampProfile({{1, 10}, {0, 50}});
    return project;
}

/// One edit: the whole project before and after. Projects are small, so a copy per step is
/// cheaper to get right than a command per field.
class ProjectEditCommand : public QUndoCommand
{
public:
    ProjectEditCommand(ProjectDocument *document, Project before, Project after,
                       const QString &text, int mergeKey)
        : QUndoCommand(text)
        , m_document(document)
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_mergeKey(mergeKey)
    {}

    void undo() override { m_document->setProjectFromCommand(m_before); }
    void redo() override { m_document->setProjectFromCommand(m_after); }
    int id() const override { return m_mergeKey ? 1 : -1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *edit = static_cast<const ProjectEditCommand *>(other);
        if (edit->m_mergeKey != m_mergeKey)
            return false;
        m_after = edit->m_after;
        // A typing session back where it began (an invalid text reverted) is no step at all.
        setObsolete(m_after == m_before);
        return true;
    }

private:
    ProjectDocument *m_document;
    Project m_before;
    Project m_after;
    int m_mergeKey;
};

ProjectDocument::ProjectDocument(QObject *parent)
    : QObject(parent)
{
    connect(&m_undoStack, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });
}

QString ProjectDocument::displayName() const
{
    return m_filePath.isEmpty() ? tr("untitled.yaml") : QFileInfo(m_filePath).fileName();
}

void ProjectDocument::apply(const Project &next, const QString &text, int mergeKey)
{
    if (next == m_project)
        return;
    m_undoStack.push(new ProjectEditCommand(this, m_project, next, text, mergeKey));
}

int ProjectDocument::newMergeKey()
{
    static std::atomic<int> key{0};
    return ++key;
}

void ProjectDocument::reset(const Project &project, const QString &filePath, bool modified)
{
    const bool wasModified = isModified();
    m_undoStack.clear();
    m_project = project;
    m_project.path = filePath.toStdString();
    if (m_filePath != filePath) {
        m_filePath = filePath;
        emit filePathChanged(m_filePath);
    }
    if (modified)
        m_undoStack.resetClean(); // no state is clean: the restored text is not on disk
    if (wasModified != isModified())
        emit modifiedChanged(isModified());
    emit projectChanged();
}

tl::expected<void, Error> ProjectDocument::load(const QString &filePath,
                                                std::vector<Error> *warnings)
{
    if (Steps::isStepScenarioFile(filePath.toStdString())) {
        // A scenario of YAML steps (what `loadwizard import` writes): opened as a new project
        // that runs it, to be saved under a name of the user's choice; the file stays as it is.
        std::vector<Error> scenarioWarnings;
        auto steps = Steps::loadStepScenario(filePath.toStdString(), &scenarioWarnings);
        if (!steps)
            return tl::make_unexpected(steps.error());
        if (warnings)
            warnings->insert(warnings->end(), scenarioWarnings.begin(), scenarioWarnings.end());
        Project project = newProjectTemplate();
        project.name = QFileInfo(filePath).completeBaseName().toStdString();
        project.scenario = QFileInfo(filePath).absoluteFilePath().toStdString();
        reset(project, QString(), true);
        return {};
    }
    auto loaded = loadProject(filePath.toStdString(), warnings);
    if (!loaded)
        return tl::make_unexpected(loaded.error());
    reset(*loaded, QFileInfo(filePath).absoluteFilePath());
    return {};
}

tl::expected<void, Error> ProjectDocument::save(const QString &filePath)
{
    const QString absolute = QFileInfo(filePath).absoluteFilePath();
    if (auto saved = saveProject(m_project, absolute.toStdString()); !saved)
        return saved;
    m_project.path = absolute.toStdString();
    if (m_filePath != absolute) {
        m_filePath = absolute;
        emit filePathChanged(m_filePath);
    }
    m_undoStack.setClean();
    return {};
}

void ProjectDocument::setProjectFromCommand(const Project &project)
{
    m_project = project;
    m_project.path = m_filePath.toStdString();
    emit projectChanged();
}

} // namespace Loadwizard::Ui
