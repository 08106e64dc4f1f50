#include "runcontroller.h"

#include <loadwizard/crashguard.h>
#include <loadwizard/scenariocompiler.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QStandardPaths>
#include <QThreadPool>

namespace Loadwizard::Ui {

namespace {

/// Runs `work` on the global pool, then `done` on the UI thread unless `self` is gone by then.
template <typename Work, typename Done>
void offUiThread(QPointer<RunController> self, Work work, Done done)
{
    QThreadPool::globalInstance()->start([self, work = std::move(work), done = std::move(done)] {
        auto result = work();
        QMetaObject::invokeMethod(
            qApp,
            [self, done, result = std::move(result)]() mutable {
                if (self)
                    done(*self, std::move(result));
            },
            Qt::QueuedConnection);
    });
}

} // namespace

RunController::RunController(QObject *parent)
    : QObject(parent)
{
    connect(&m_bridge, &SnapshotBridge::snapshotReady, this, &RunController::onSnapshot);
    m_crashWatch.setInterval(200);
    connect(&m_crashWatch, &QTimer::timeout, this, &RunController::checkForCrash);
}

void RunController::checkForCrash()
{
    if (m_crashSeen || !CrashGuard::crashed())
        return;
    m_crashSeen = true;
    m_crashWatch.stop();
    if (m_state == State::Preparing || !m_session) {
        // In create() or init(): no run to end, only the user to tell.
        ++m_generation;
        setState(State::Failed);
        emit scenarioCrashed(QString::fromStdString(CrashGuard::description()));
        return;
    }
    // The crashed thread is parked; the rest of the run ends now, and its numbers are shown.
    m_session->abort();
    if (m_state == State::Running)
        setState(State::Stopping);
}

RunController::~RunController()
{
    ++m_generation;
    // Dropping the last reference aborts a run still going and waits for it (the bridge it
    // reports to dies with us); a flush in flight keeps its own reference to a finished run.
    if (m_session && !m_flushing)
        m_session->abort();
    m_session.reset();
}

bool RunController::isActive() const
{
    return m_state == State::Preparing || m_state == State::Running || m_state == State::Stopping;
}

void RunController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RunController::start(const Project &project, const Parameters &overrides)
{
    if (isActive())
        return;
    m_session.reset();
    m_flushing = false;
    m_final.reset();
    m_verdict.clear();
    m_warnings.clear();
    m_resultsFolder.clear();
    m_project = project;
    const quint64 generation = ++m_generation;
    setState(State::Preparing);
    m_crashWatch.start(); // init() is scenario code too
    RunSessionOptions options{overrides, {}, m_flushTimeout};
    options.trace = m_trace;
    options.results.save = m_saveResults;
    options.results.field = "results folder";
    // A project never saved has no folder of its own, and a bundled one (the demo, installed
    // read-only) no folder the user may write: their results go to the user's data.
    if (project.path.empty() ||
        !QFileInfo(QFileInfo(QString::fromStdString(project.path)).absolutePath()).isWritable())
        options.results.baseFolder =
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).toStdString();
    options.keepHistograms = true; // the Distribution tab
    // Called on the preparing thread: posted to this object (dropped if it is gone by then).
    QPointer<RunController> self(this);
    options.compile.onCompiling = [self](const std::string &path) {
        QMetaObject::invokeMethod(
            qApp,
            [self, path = QString::fromStdString(path)] {
                if (self)
                    emit self->compiling(path);
            },
            Qt::QueuedConnection);
    };
    options.compile.onWarnings = [self](const std::string &path, const std::string &output) {
        QMetaObject::invokeMethod(
            qApp,
            [self, path = QString::fromStdString(path), output = QString::fromStdString(output)] {
                if (self)
                    emit self->compileWarnings(path, output);
            },
            Qt::QueuedConnection);
    };
    // Off the UI thread: loading may compile the scenario, and init() is the plugin's code.
    offUiThread(
        this,
        [project, options] {
            return std::make_shared<Prepared>(RunSession::prepare(project, options));
        },
        [generation](RunController &self, std::shared_ptr<Prepared> result) {
            self.onPrepared(generation, std::move(result));
        });
}

void RunController::onPrepared(quint64 generation, std::shared_ptr<Prepared> result)
{
    if (generation != m_generation || m_state != State::Preparing)
        return;
    if (!*result) {
        setState(State::Failed);
        emit failed(QString::fromStdString(result->error().toString()));
        return;
    }
    m_session = std::shared_ptr<RunSession>(std::move(**result));
    m_warnings = m_session->warnings();
    m_header = m_session->header();
    m_session->addObserver(m_bridge.observer());
    // Again just before the start: this exit() trap runs before the scenario's own exit handlers.
    CrashGuard::install(crashGraceSeconds, true);
    if (auto started = m_session->start(); !started) {
        m_session.reset();
        setState(State::Failed);
        emit failed(QString::fromStdString(started.error().toString()));
        return;
    }
    m_resultsFolder = QString::fromStdString(m_session->resultsFolder());
    setState(State::Running);
}

void RunController::onSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot || !m_session || m_flushing)
        return;
    emit snapshotReady(snapshot);
    if (snapshot->final) {
        m_final = snapshot;
        m_flushing = !m_session->outputNames().empty();
        if (m_state == State::Running)
            setState(State::Stopping);
        if (m_flushing)
            emit flushingOutputs();
        const quint64 generation = m_generation;
        // Off the UI thread: the outputs get up to the flush timeout, all at once.
        offUiThread(
            this, [session = m_session] { return (session->finish(), 0); },
            [generation](RunController &self, int) { self.onSessionFinished(generation); });
    } else if (snapshot->state == RunState::Stopping && m_state == State::Running) {
        setState(State::Stopping);
    }
}

void RunController::onSessionFinished(quint64 generation)
{
    if (generation != m_generation || !m_session)
        return;
    m_flushing = false;
    m_crashWatch.stop();
    m_header = m_session->header();
    m_verdict = QString::fromStdString(m_session->verdict());
    setState(State::Finished);
    emit finished(m_final);
    if (CrashGuard::crashed())
        emit scenarioCrashed(QString::fromStdString(CrashGuard::description()));
    else if (m_session->abandonedWorkers())
        emit workerLeftBehind(QString::fromStdString(m_final ? m_final->incomplete : ""));
}

std::vector<ThresholdResult> RunController::thresholdResults() const
{
    if (m_state == State::Finished)
        return m_header.thresholds;
    return m_session ? m_session->thresholdResults() : std::vector<ThresholdResult>{};
}

std::vector<OutputStats> RunController::outputStats() const
{
    return m_session ? m_session->outputStats() : std::vector<OutputStats>{};
}

void RunController::stop()
{
    if (m_state == State::Preparing) {
        ++m_generation; // nothing started yet: forget the preparation
        cancelCompilation();
        setState(State::Idle);
        return;
    }
    if (m_session && m_state == State::Running) {
        m_session->stop();
        setState(State::Stopping);
    }
}

void RunController::abort()
{
    if (m_state == State::Preparing) {
        ++m_generation;
        cancelCompilation();
        setState(State::Idle);
        return;
    }
    if (m_session && isActive()) {
        m_session->abort();
        setState(State::Stopping);
    }
}

void RunController::adjustVusers(long long delta)
{
    if (m_session && m_state == State::Running)
        m_session->adjustVusers(delta);
}

void RunController::setPaused(bool paused)
{
    if (m_session && m_state == State::Running)
        m_session->setPaused(paused);
}

bool RunController::isPaused() const
{
    return m_session && m_session->paused();
}

} // namespace Loadwizard::Ui
