#include "recoveryfile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

namespace Loadwizard::Ui {

namespace {

QString lockPath(const QString &path)
{
    return path + QStringLiteral(".lock");
}

/// The project file a recovery file was edited from, next to it (the project file itself is
/// the engine's format, with no room for it).
QString originPath(const QString &path)
{
    return path + QStringLiteral(".origin");
}

/// A lock that only a dead process's crash makes stale: a live window may hold its lock for
/// days, longer than QLockFile's default 30 s.
std::shared_ptr<QLockFile> newLock(const QString &path)
{
    auto lock = std::make_shared<QLockFile>(lockPath(path));
    lock->setStaleLockTime(0);
    return lock;
}

} // namespace

RecoveryFile::RecoveryFile()
    : m_key(QUuid::createUuid().toString(QUuid::Id128).left(12))
{}

RecoveryFile::~RecoveryFile() = default; // the lock goes; a crash would have left it stale

QString RecoveryFile::directory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/recovery");
}

QString RecoveryFile::newPath(const QString &origin) const
{
    const QString name =
        origin.isEmpty() ? QStringLiteral("untitled") : QFileInfo(origin).completeBaseName();
    return directory() + QLatin1Char('/') + name + QLatin1Char('-') + m_key +
           QStringLiteral(".yaml");
}

bool RecoveryFile::write(const Project &project, const QString &origin)
{
    // One file per document: a window that opened another project starts a new one, and
    // drops the old one only once the new one is written.
    const QString path = newPath(origin);
    std::shared_ptr<QLockFile> lock = m_lock;
    if (path != m_path || !lock) {
        QDir().mkpath(directory());
        lock = newLock(path);
        if (!lock->tryLock(0))
            return false;
    }
    QSaveFile originFile(originPath(path));
    if (!originFile.open(QIODevice::WriteOnly))
        return false;
    originFile.write(origin.toUtf8());
    // The engine's atomic save: a crash mid-write never leaves half a recovery file.
    if (!originFile.commit() || !saveProject(project, path.toStdString())) {
        if (lock != m_lock)
            QFile::remove(originPath(path));
        return false;
    }
    if (lock != m_lock) {
        remove();
        m_path = path;
        m_lock = std::move(lock);
    }
    return true;
}

void RecoveryFile::adopt(Orphan orphan)
{
    remove();
    m_path = orphan.path;
    m_lock = std::move(orphan.lock);
}

void RecoveryFile::remove()
{
    if (m_path.isEmpty())
        return;
    QFile::remove(m_path);
    QFile::remove(originPath(m_path));
    m_path.clear();
    m_lock.reset(); // unlocks last, so nobody sees the file unlocked
}

void RecoveryFile::discard(const Orphan &orphan)
{
    QFile::remove(orphan.path);
    QFile::remove(originPath(orphan.path));
}

std::vector<RecoveryFile::Orphan> RecoveryFile::orphans()
{
    std::vector<Orphan> found;
    const QFileInfoList files =
        QDir(directory()).entryInfoList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Time);
    for (const QFileInfo &file : files) {
        // Held by a live window of this or another instance: not ours to offer or delete.
        auto lock = newLock(file.absoluteFilePath());
        if (!lock->tryLock(0))
            continue;
        QFile origin(originPath(file.absoluteFilePath()));
        QString originText;
        if (origin.open(QIODevice::ReadOnly))
            originText = QString::fromUtf8(origin.readAll());
        found.push_back({file.absoluteFilePath(), originText, std::move(lock)});
    }
    return found;
}

} // namespace Loadwizard::Ui
