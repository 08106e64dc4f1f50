#pragma once

#include <loadwizard/project.h>
#include <loadwizard/stepscenario.h>
#include <loadwizard/tryiteration.h>

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace Loadwizard::Ui {

/// Runs "Try one iteration" on its own thread (tryOneIteration) and reports what happened as
/// queued signals on the UI thread. One try at a time.
class TryRunner : public QObject
{
    Q_OBJECT

public:
    explicit TryRunner(QObject *parent = nullptr);
    ~TryRunner() override;

    bool isRunning() const { return m_running; }
    /// Starts a try of `project`; false when one is running already.
    bool start(const Project &project, const TryOptions &options = {});
    /// Ends the running try early (its events so far stay).
    void cancel();

signals:
    void started();
    void stepEvent(const Loadwizard::Steps::StepEvent &event);
    /// A compiled scenario's trace (a request and its response, a log line).
    void traceLine(const QString &text);
    /// An error or warning the engine logged (a failed check, a transport error).
    void logLine(const QString &level, const QString &message);
    /// `error` empty: the iteration ran (its own failures are in the events).
    void finished(const QString &error, const Loadwizard::TryResult &result);

private:
    void join();

    std::thread m_thread;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_running = false;
};

} // namespace Loadwizard::Ui
