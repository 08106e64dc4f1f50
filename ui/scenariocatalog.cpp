#include "scenariocatalog.h"

#include <loadwizard/paths.h>
#include <loadwizard/scenariocompiler.h>

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>

#include <algorithm>

namespace Loadwizard::Ui {

namespace {

const QString addedFilesKey = QStringLiteral("scenarios/addedFiles");

QString canonical(const QString &path)
{
    const QFileInfo info(path);
    const QString resolved = info.canonicalFilePath();
    return resolved.isEmpty() ? info.absoluteFilePath() : resolved;
}

} // namespace

ScenarioCatalog::ScenarioCatalog(QObject *parent)
    : QObject(parent)
    , m_bundledFolders(defaultBundledFolders())
    , m_userFolder(userFolder())
{
    m_pool.setMaxThreadCount(1);
    m_addedFiles = QSettings().value(addedFilesKey).toStringList();
}

ScenarioCatalog::~ScenarioCatalog()
{
    ++m_generation; // results still in flight are ignored
    m_pool.clear();
    m_pool.waitForDone();
}

QStringList ScenarioCatalog::defaultBundledFolders()
{
    const QString bundled = QString::fromStdString(Paths::bundledScenariosDir());
    if (bundled.isEmpty() || !QFileInfo::exists(bundled))
        return {};
    return {canonical(bundled)};
}

QString ScenarioCatalog::userFolder()
{
    return QString::fromStdString(Paths::userScenariosDir());
}

void ScenarioCatalog::setFolders(const QStringList &bundled, const QString &user)
{
    m_bundledFolders = bundled;
    m_userFolder = user;
}

void ScenarioCatalog::addFile(const QString &path)
{
    const QString file = canonical(path);
    if (!m_addedFiles.contains(file)) {
        m_addedFiles << file;
        QSettings().setValue(addedFilesKey, m_addedFiles);
    }
    if (indexOf(file) < 0) {
        addEntry(file, ScenarioEntry::Source::Added);
        emit entriesReset();
        load(int(m_entries.size()) - 1);
    }
}

void ScenarioCatalog::removeFile(const QString &path)
{
    m_addedFiles.removeAll(canonical(path));
    QSettings().setValue(addedFilesKey, m_addedFiles);
    rescan();
}

void ScenarioCatalog::setProjectScenario(const QString &path)
{
    const QString file = path.isEmpty() ? QString() : canonical(path);
    if (file == m_projectScenario)
        return;
    m_projectScenario = file;
    if (!file.isEmpty() && indexOf(file) < 0) {
        addEntry(file, ScenarioEntry::Source::Project);
        emit entriesReset();
        load(int(m_entries.size()) - 1);
    }
}

void ScenarioCatalog::rescan()
{
    ++m_generation;
    m_pool.clear();
    m_pending = 0;
    m_entries.clear();
    const QStringList patterns{QStringLiteral("*.so"), QStringLiteral("*.cpp")};
    for (const QString &folder : m_bundledFolders) {
        for (const QFileInfo &file : QDir(folder).entryInfoList(patterns, QDir::Files, QDir::Name))
            addEntry(canonical(file.filePath()), ScenarioEntry::Source::Bundled);
    }
    for (const QFileInfo &file :
         QDir(m_userFolder).entryInfoList(patterns, QDir::Files, QDir::Name))
        addEntry(canonical(file.filePath()), ScenarioEntry::Source::User);
    for (const QString &file : m_addedFiles)
        addEntry(file, ScenarioEntry::Source::Added);
    if (!m_projectScenario.isEmpty())
        addEntry(m_projectScenario, ScenarioEntry::Source::Project);
    emit entriesReset();
    emit busyChanged(false, QString());
    for (int i = 0; i < m_entries.size(); ++i)
        load(i);
}

void ScenarioCatalog::reload(const QString &path)
{
    const int index = indexOf(path);
    if (index >= 0)
        load(index);
}

int ScenarioCatalog::indexOf(const QString &path) const
{
    const QString file = canonical(path);
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].path == file)
            return i;
    }
    return -1;
}

void ScenarioCatalog::addEntry(const QString &path, ScenarioEntry::Source source)
{
    if (indexOf(path) >= 0)
        return;
    ScenarioEntry entry;
    entry.path = path;
    entry.source = source;
    m_entries << entry;
}

void ScenarioCatalog::load(int index)
{
    ScenarioEntry &entry = m_entries[index];
    entry.state = ScenarioEntry::State::Pending;
    emit entryChanged(index);
    ++m_pending;
    const QString path = entry.path;
    const quint64 generation = m_generation;
    QPointer<ScenarioCatalog> self(this);
    m_pool.start([self, path, generation] {
        if (self) {
            QMetaObject::invokeMethod(
                self, [self, path] { emit self->busyChanged(true, path); }, Qt::QueuedConnection);
        }
        ScenarioEntry result;
        // Runs on the pool's thread: may compile for seconds. Only values cross back.
        auto plugin = loadScenarioPlugin(path.toStdString());
        if (plugin) {
            result.state = ScenarioEntry::State::Loaded;
            result.info = (*plugin)->info();
        } else {
            result.state = ScenarioEntry::State::Rejected;
            result.error = plugin.error();
        }
        if (self) {
            QMetaObject::invokeMethod(
                self,
                [self, generation, path, result] {
                    if (self)
                        self->finishLoad(generation, path, result);
                },
                Qt::QueuedConnection);
        }
    });
}

void ScenarioCatalog::finishLoad(quint64 generation, const QString &path,
                                 const ScenarioEntry &result)
{
    if (generation != m_generation)
        return;
    m_pending = std::max(0, m_pending - 1);
    const int index = indexOf(path);
    if (index >= 0) {
        ScenarioEntry &entry = m_entries[index];
        entry.state = result.state;
        entry.info = result.info;
        entry.error = result.error;
        emit entryChanged(index);
    }
    if (m_pending == 0)
        emit busyChanged(false, QString());
}

} // namespace Loadwizard::Ui
