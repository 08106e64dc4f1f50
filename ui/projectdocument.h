#pragma once

#include <loadwizard/error.h>
#include <loadwizard/project.h>

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <tl/expected.hpp>

namespace Loadwizard::Ui {

/// What File > New starts from: a profile to look at and the defaults of everything else.
Project newProjectTemplate();

/// The project being edited: the engine's Project value, its file and the one undo stack every
/// editor pushes to. Editors never change the project directly; they hand a modified copy to
/// apply(), so each edit is undoable and every view refreshes from projectChanged().
class ProjectDocument : public QObject
{
    Q_OBJECT

public:
    explicit ProjectDocument(QObject *parent = nullptr);

    const Project &project() const { return m_project; }
    /// The file it was loaded from or saved to; empty for a new project.
    QString filePath() const { return m_filePath; }
    /// The file name for the title ("untitled.yaml" for a new project).
    QString displayName() const;
    bool isModified() const { return !m_undoStack.isClean(); }
    QUndoStack *undoStack() { return &m_undoStack; }

    /// Replaces the project by `next` as one undoable step named `text`. Consecutive edits with
    /// the same non-zero `mergeKey` (one drag, one typing session) become one step.
    void apply(const Project &next, const QString &text, int mergeKey = 0);
    /// A fresh key for apply()'s merging.
    static int newMergeKey();

    /// Starts over with `project` (undo history cleared). `modified` marks it unsaved (restored
    /// from a recovery file).
    void reset(const Project &project, const QString &filePath, bool modified = false);
    /// Loads through the engine; on error the current project stays.
    tl::expected<void, Error> load(const QString &filePath, std::vector<Error> *warnings = nullptr);
    /// Saves through the engine's atomic save and marks the document clean.
    tl::expected<void, Error> save(const QString &filePath);

signals:
    void projectChanged();
    void filePathChanged(const QString &filePath);
    void modifiedChanged(bool modified);

private:
    friend class ProjectEditCommand;
    void setProjectFromCommand(const Project &project);

    Project m_project;
    QString m_filePath;
    QUndoStack m_undoStack;
};

} // namespace Loadwizard::Ui
