#include "tryrunner.h"

#include "format.h"

namespace Loadwizard::Ui {

TryRunner::TryRunner(QObject *parent)
    : QObject(parent)
{}

TryRunner::~TryRunner()
{
    cancel();
    join();
}

void TryRunner::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

void TryRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

bool TryRunner::start(const Project &project, const TryOptions &options)
{
    if (m_running)
        return false;
    join();
    m_running = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    emit started();
    // Everything reaches the UI thread through queued calls on `this`: Qt drops the pending
    // ones if the runner is gone by then (the destructor joins the thread first anyway).
    TryOptions run = options;
    run.cancel = m_cancel.get();
    run.trace = [this](const Steps::StepEvent &event) {
        QMetaObject::invokeMethod(
            this, [this, event] { emit stepEvent(event); }, Qt::QueuedConnection);
    };
    run.traceLine = [this](const TraceLine &line) {
        const QString text = QString::fromStdString(line.text);
        QMetaObject::invokeMethod(
            this, [this, text] { emit traceLine(text); }, Qt::QueuedConnection);
    };
    run.logEvent = [this](const LogEvent &event) {
        const QString level = QString::fromStdString(event.level);
        const QString message = QString::fromStdString(event.message);
        QMetaObject::invokeMethod(
            this, [this, level, message] { emit logLine(level, message); }, Qt::QueuedConnection);
    };
    m_thread = std::thread([this, project, run, cancel = m_cancel] {
        auto result = tryOneIteration(project, run);
        const QString error = result ? QString() : errorText(result.error());
        const TryResult value = result ? *result : TryResult{};
        QMetaObject::invokeMethod(
            this,
            [this, error, value] {
                m_running = false;
                emit finished(error, value);
            },
            Qt::QueuedConnection);
    });
    return true;
}

} // namespace Loadwizard::Ui
