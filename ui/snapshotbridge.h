#pragma once

#include <loadwizard/run.h>
#include <loadwizard/snapshot.h>

#include <QMetaType>
#include <QObject>

#include <memory>

namespace Loadwizard::Ui {

using SnapshotPtr = std::shared_ptr<const Snapshot>;

/// Turns the engine's snapshot callbacks, which arrive on its reporter thread, into a queued
/// signal on this object's thread (the UI thread). The reporter only posts a pointer.
class SnapshotBridge : public QObject
{
    Q_OBJECT

public:
    explicit SnapshotBridge(QObject *parent = nullptr);

    /// For Run::addObserver(); this bridge must outlive the run.
    SnapshotObserver observer();

signals:
    void snapshotReady(const Loadwizard::Ui::SnapshotPtr &snapshot);
};

} // namespace Loadwizard::Ui

Q_DECLARE_METATYPE(Loadwizard::Ui::SnapshotPtr)
