#include "snapshotbridge.h"

namespace Loadwizard::Ui {

SnapshotBridge::SnapshotBridge(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<SnapshotPtr>();
}

SnapshotObserver SnapshotBridge::observer()
{
    return [this](const SnapshotPtr &snapshot) {
        // Called on the reporter thread: post, never touch widgets here.
        QMetaObject::invokeMethod(
            this, [this, snapshot] { emit snapshotReady(snapshot); }, Qt::QueuedConnection);
    };
}

} // namespace Loadwizard::Ui
