#pragma once

#include <loadwizard/project.h>

#include <QString>

#include <memory>
#include <vector>

class QLockFile;

namespace Loadwizard::Ui {

/// One window's crash-recovery file: its own project file in the recovery folder, held by a
/// QLockFile for as long as the window lives. Another window or instance never offers or deletes
/// a file whose lock a live process holds; a crash leaves the lock stale, so the next start
/// offers the file.
class RecoveryFile
{
public:
    /// A file left behind by a window that is gone, locked by this object while it is offered.
    struct Orphan
    {
        QString path;
        QString origin; ///< the project file it was edited from; empty for an untitled one
        std::shared_ptr<QLockFile> lock;
    };

    RecoveryFile();
    ~RecoveryFile();
    RecoveryFile(const RecoveryFile &) = delete;
    RecoveryFile &operator=(const RecoveryFile &) = delete;

    /// Where every window's recovery files live.
    static QString directory();
    /// The files no live window holds, newest first, each locked for the caller.
    static std::vector<Orphan> orphans();

    /// This window's file, or empty while it has none.
    QString path() const { return m_path; }
    /// Writes `project` (edited from `origin`) to this window's file, taking its lock first.
    bool write(const Project &project, const QString &origin);
    /// Takes over an orphan the user restored: later writes go there, remove() deletes it.
    void adopt(Orphan orphan);
    /// Deletes this window's file (never another's) and releases its lock.
    void remove();
    /// Deletes an orphan the user declined.
    static void discard(const Orphan &orphan);

private:
    QString newPath(const QString &origin) const;

    QString m_key; ///< unique per window and process
    QString m_path;
    std::shared_ptr<QLockFile> m_lock;
};

} // namespace Loadwizard::Ui
