#include <loadwizard/runsession.h>

#include <loadwizard/outputset.h>
#include <loadwizard/run.h>

namespace Loadwizard {

tl::expected<std::unique_ptr<RunSession>, Error> RunSession::prepare(const Project &project,
                                                                     RunSessionOptions options)
{
    auto prepared = prepareRun(project, options.overrides, options.compile);
    if (!prepared)
        return tl::make_unexpected(prepared.error());
    std::unique_ptr<RunSession> session(new RunSession);
    session->m_project = project;
    session->m_prepared = std::move(*prepared);
    session->m_header = SummaryHeader{project.name, session->m_prepared.config.scenarioId,
                                      project.arrivalRate.empty()
                                          ? project.profile.toString()
                                          : "arrival rate " + project.arrivalRate.toString()};
    // Outputs are built (and their settings checked) before anything runs, so a typo in one
    // costs no test time.
    auto outputs = OutputSet::create(project.outputs, project.path, options.outputFlags,
                                     OutputSet::runInfo(project.name, session->m_header.scenario));
    if (!outputs)
        return tl::make_unexpected(outputs.error());
    session->m_outputs = std::move(*outputs);
    session->m_prepared.config.iterationsPerVuser = options.iterationsPerVuser;
    session->m_prepared.config.trace = options.trace;
    session->m_options = std::move(options);
    session->m_run = std::make_unique<Run>(session->m_prepared.config);
    return session;
}

RunSession::~RunSession()
{
    // A session dropped mid-run (the GUI closed, a failed start) must not leave threads running
    // plugin code whose library is about to be unloaded.
    if (m_started && !m_finished) {
        m_run->abort();
        m_run->wait();
    }
    // A worker left behind in scenario code keeps what it needs: ~Run leaves it all alive.
    m_run.reset();
}

std::vector<std::string> RunSession::outputNames() const
{
    return m_outputs->names();
}

void RunSession::addObserver(SnapshotObserver observer)
{
    m_run->addObserver(std::move(observer));
}

tl::expected<void, Error> RunSession::start()
{
    if (m_started)
        return tl::make_unexpected(Error{"the run was already started"});
    if (!m_outputs->empty())
        m_run->addObserver(m_outputs->observer());
    auto started = m_run->start();
    m_started = started.has_value();
    return started;
}

void RunSession::stop()
{
    m_run->stop();
}

void RunSession::abort()
{
    // Abort means now: the run, and the outputs' flush if it has begun or is still to come.
    m_aborted = true;
    m_run->abort();
    m_outputs->cutFlush();
}

void RunSession::adjustVusers(long long delta)
{
    m_run->adjustVusers(delta);
}

void RunSession::setPaused(bool paused)
{
    m_run->setPaused(paused);
}

bool RunSession::paused() const
{
    return m_run->paused();
}

bool RunSession::runFinished() const
{
    return m_run->finished();
}

bool RunSession::abandonedWorkers() const
{
    return m_run->abandonedWorkers();
}

std::shared_ptr<const Snapshot> RunSession::finish()
{
    if (m_finished || !m_started)
        return m_final;
    m_final = m_run->wait();
    m_header.outputs = m_outputs->finish(m_aborted ? 0.0 : m_options.flushTimeoutSeconds);
    m_finished = true;
    return m_final;
}

std::vector<OutputStats> RunSession::outputStats() const
{
    return m_outputs->stats();
}

std::string RunSession::summaryText() const
{
    return m_final ? formatSummary(*m_final, m_header) : std::string();
}

std::string RunSession::summaryJson() const
{
    return m_final ? Loadwizard::summaryJson(*m_final, m_header) : std::string();
}

} // namespace Loadwizard
