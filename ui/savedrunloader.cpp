#include "savedrunloader.h"

#include "format.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace Loadwizard::Ui {

namespace {

struct Outcome
{
    std::vector<SavedRunPtr> runs;
    QString failedFolder;
    QString message;
};

} // namespace

SavedRunLoader::SavedRunLoader(QObject *parent)
    : QObject(parent)
{}

SavedRunLoader::~SavedRunLoader() = default;

void SavedRunLoader::cancel()
{
    ++m_generation;
    m_busy = false;
}

void SavedRunLoader::load(const QStringList &folders)
{
    const quint64 generation = ++m_generation;
    m_busy = true;
    QPointer<SavedRunLoader> self(this);
    QThreadPool::globalInstance()->start([self, generation, folders] {
        auto outcome = std::make_shared<Outcome>();
        for (const QString &folder : folders) {
            auto run = loadResults(folder.toStdString());
            if (!run) {
                outcome->failedFolder = folder;
                outcome->message = errorText(run.error());
                outcome->runs.clear();
                break;
            }
            outcome->runs.push_back(std::make_shared<const SavedRun>(std::move(*run)));
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, outcome] {
                if (!self || generation != self->m_generation)
                    return;
                self->m_busy = false;
                if (outcome->message.isEmpty())
                    emit self->loaded(outcome->runs);
                else
                    emit self->failed(outcome->failedFolder, outcome->message);
            },
            Qt::QueuedConnection);
    });
}

} // namespace Loadwizard::Ui
