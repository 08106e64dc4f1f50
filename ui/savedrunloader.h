#pragma once

#include <loadwizard/results.h>

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace Loadwizard::Ui {

using SavedRunPtr = std::shared_ptr<const SavedRun>;

/// Reads results folders (loadResults()) on the thread pool, so a long run's folder never
/// freezes the window; the answer comes back on the UI thread. A new load() makes the answer of
/// any load still in flight be dropped.
class SavedRunLoader : public QObject
{
    Q_OBJECT

public:
    explicit SavedRunLoader(QObject *parent = nullptr);
    ~SavedRunLoader() override;

    /// Reads each folder, in order; loaded() with all of them, or failed() for the first that
    /// cannot be read.
    void load(const QStringList &folders);
    /// Forgets the load in flight (its answer is dropped).
    void cancel();
    bool isBusy() const { return m_busy; }

signals:
    void loaded(const std::vector<Loadwizard::Ui::SavedRunPtr> &runs);
    /// `message`: the engine's error, with the file and line.
    void failed(const QString &folder, const QString &message);

private:
    quint64 m_generation = 0;
    bool m_busy = false;
};

} // namespace Loadwizard::Ui
