#pragma once

#include <loadwizard/error.h>
#include <loadwizard/plugin.h>

#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace Loadwizard::Ui {

/// A scenario plugin the picker can offer, with its metadata or the reason it was rejected.
struct ScenarioEntry
{
    enum class Source
    {
        Bundled,
        User,
        Added,
        Project
    };
    enum class State
    {
        Pending,
        Loading,
        Loaded,
        Rejected
    };

    QString path;
    Source source = Source::Bundled;
    State state = State::Pending;
    PluginInfo info; ///< when Loaded
    Error error;     ///< when Rejected; a .cpp that failed to compile has error.diagnostics
};

/// Finds scenario plugins (bundled, the user's folder, files added by hand, the project's own)
/// and reads their metadata on a background thread: a .cpp is compiled first (cached), which
/// can take seconds, so the UI thread never waits for the loader.
class ScenarioCatalog : public QObject
{
    Q_OBJECT

public:
    explicit ScenarioCatalog(QObject *parent = nullptr);
    ~ScenarioCatalog() override;

    /// Folders searched for *.so and *.cpp, by source. Defaults: Paths::bundledScenariosDir()
    /// and Paths::userScenariosDir().
    static QStringList defaultBundledFolders();
    static QString userFolder();
    void setFolders(const QStringList &bundled, const QString &user);

    /// Files added by hand, remembered in QSettings.
    void addFile(const QString &path);
    void removeFile(const QString &path);
    /// The project's scenario, listed even when it lives elsewhere.
    void setProjectScenario(const QString &path);

    /// Lists the folders again and reloads every entry's metadata.
    void rescan();
    /// Loads one entry again (after its file changed).
    void reload(const QString &path);

    const QList<ScenarioEntry> &entries() const { return m_entries; }
    int indexOf(const QString &path) const;
    bool isBusy() const { return m_pending > 0; }

signals:
    void entriesReset();
    void entryChanged(int index);
    /// `file` is what is being loaded or compiled now; empty when idle.
    void busyChanged(bool busy, const QString &file);

private:
    void addEntry(const QString &path, ScenarioEntry::Source source);
    void load(int index);
    void finishLoad(quint64 generation, const QString &path, const ScenarioEntry &result);

    QStringList m_bundledFolders;
    QString m_userFolder;
    QStringList m_addedFiles;
    QString m_projectScenario;
    QList<ScenarioEntry> m_entries;
    QThreadPool m_pool; ///< one thread: compiles run one after another
    quint64 m_generation = 0;
    int m_pending = 0;
};

} // namespace Loadwizard::Ui
