#include "runsession.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace Loadwizard::Ui {

RunSession::RunSession(QObject *parent)
    : QObject(parent)
{
    connect(&m_bridge, &SnapshotBridge::snapshotReady, this, &RunSession::onSnapshot);
}

RunSession::~RunSession()
{
    ++m_generation;
    if (m_run) {
        m_run->abort();
        m_run->wait();
    }
    m_run.reset(); // before the plugin and the bridge it reports to
}

bool RunSession::isActive() const
{
    return m_state == State::Preparing || m_state == State::Running || m_state == State::Stopping;
}

void RunSession::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RunSession::start(const Project &project, const Parameters &overrides)
{
    if (isActive())
        return;
    if (m_run) {
        m_run->wait();
        m_run.reset();
    }
    m_plugin.reset();
    m_outputs.reset();
    m_flushing = false;
    m_final.reset();
    m_warnings.clear();
    m_project = project;
    m_stopRequested = false;
    const quint64 generation = ++m_generation;
    setState(State::Preparing);
    QPointer<RunSession> self(this);
    QThreadPool::globalInstance()->start([self, generation, project, overrides] {
        // Off the UI thread: loading may compile the scenario, and init() is the plugin's code.
        auto result =
            std::make_shared<tl::expected<PreparedRun, Error>>(prepareRun(project, overrides));
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, result] {
                if (self)
                    self->onPrepared(generation, result);
            },
            Qt::QueuedConnection);
    });
}

void RunSession::onPrepared(quint64 generation,
                            std::shared_ptr<tl::expected<PreparedRun, Error>> result)
{
    if (generation != m_generation || m_state != State::Preparing)
        return;
    if (!*result) {
        setState(State::Failed);
        emit failed(QString::fromStdString(result->error().toString()));
        return;
    }
    PreparedRun &prepared = **result;
    m_plugin = prepared.plugin;
    m_warnings = prepared.warnings;
    m_header =
        SummaryHeader{m_project.name, prepared.plugin->info().id, m_project.profile.toString()};
    auto outputs = OutputSet::create(m_project.outputs, m_project.path, {},
                                     OutputSet::runInfo(m_project.name, m_header.scenario));
    if (!outputs) {
        setState(State::Failed);
        emit failed(QString::fromStdString(outputs.error().toString()));
        return;
    }
    m_outputs = std::move(*outputs);
    m_run = std::make_unique<Run>(prepared.config);
    m_run->addObserver(m_bridge.observer());
    m_run->addObserver(m_outputs->observer());
    if (auto started = m_run->start(); !started) {
        m_run.reset();
        setState(State::Failed);
        emit failed(QString::fromStdString(started.error().toString()));
        return;
    }
    setState(m_stopRequested ? State::Stopping : State::Running);
    if (m_stopRequested)
        m_run->stop();
}

void RunSession::onSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot || !m_run)
        return;
    emit snapshotReady(snapshot);
    if (snapshot->final) {
        m_final = snapshot;
        if (m_outputs && !m_outputs->empty() && !m_flushing) {
            flushOutputs();
            return;
        }
        setState(State::Finished);
        emit finished(snapshot);
    } else if (snapshot->state == RunState::Stopping && m_state == State::Running) {
        setState(State::Stopping);
    }
}

void RunSession::flushOutputs()
{
    m_flushing = true;
    if (m_state == State::Running)
        setState(State::Stopping);
    emit flushingOutputs();
    QPointer<RunSession> self(this);
    const quint64 generation = m_generation;
    // Off the UI thread, all outputs at once within one timeout (as the headless run).
    QThreadPool::globalInstance()->start(
        [self, generation, outputs = m_outputs, timeout = m_flushTimeout] {
            const std::vector<OutputStats> stats = outputs->finish(timeout);
            QMetaObject::invokeMethod(
                qApp,
                [self, generation, stats] {
                    if (self)
                        self->onOutputsFlushed(generation, stats);
                },
                Qt::QueuedConnection);
        });
}

void RunSession::onOutputsFlushed(quint64 generation, const std::vector<OutputStats> &stats)
{
    if (generation != m_generation || !m_flushing)
        return;
    m_flushing = false;
    m_header.outputs = stats;
    setState(State::Finished);
    emit finished(m_final);
}

std::vector<OutputStats> RunSession::outputStats() const
{
    return m_outputs ? m_outputs->stats() : std::vector<OutputStats>{};
}

void RunSession::stop()
{
    if (m_state == State::Preparing) {
        m_stopRequested = true;
        ++m_generation; // nothing started yet: forget the preparation
        setState(State::Idle);
        return;
    }
    if (m_run && m_state == State::Running) {
        m_run->stop();
        setState(State::Stopping);
    }
}

void RunSession::abort()
{
    if (m_state == State::Preparing) {
        ++m_generation;
        setState(State::Idle);
        return;
    }
    if (m_run && isActive()) {
        m_run->abort();
        setState(State::Stopping);
    }
}

void RunSession::adjustVusers(long long delta)
{
    if (m_run && m_state == State::Running)
        m_run->adjustVusers(delta);
}

void RunSession::setPaused(bool paused)
{
    if (m_run && m_state == State::Running)
        m_run->setPaused(paused);
}

bool RunSession::isPaused() const
{
    return m_run && m_run->paused();
}

} // namespace Loadwizard::Ui
