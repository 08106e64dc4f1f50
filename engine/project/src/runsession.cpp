#include <loadwizard/runsession.h>

#include <loadwizard/crashguard.h>
#include <loadwizard/junitreport.h>
#include <loadwizard/outputset.h>
#include <loadwizard/run.h>

#include <algorithm>
#include <set>

namespace Loadwizard {

namespace {

/// The summary's scenario: the run's, or in a run with groups each group's ("browse: shop,
/// buy: checkout").
std::string scenarioLabel(const RunConfig &config)
{
    if (config.groups.empty())
        return config.scenarioId;
    std::string label;
    for (const GroupConfig &group : config.groups)
        label += (label.empty() ? "" : ", ") + group.name + ": " + group.scenarioId;
    return label;
}

/// Whether what a threshold reads (the run, or its {group=NAME}) runs the open model, the only
/// one with a latency from the intended start.
bool readsOpenModel(const ThresholdExpression &expression, const RunConfig &config)
{
    const auto open = [&](const GroupConfig &group) {
        return !group.arrivalRate.empty() || (group.weight > 0 && !config.arrivalRate.empty());
    };
    if (config.groups.empty())
        return !config.arrivalRate.empty();
    if (expression.group.empty())
        return std::all_of(config.groups.begin(), config.groups.end(), open);
    const auto group =
        std::find_if(config.groups.begin(), config.groups.end(),
                     [&](const GroupConfig &g) { return g.name == expression.group; });
    return group != config.groups.end() && open(*group);
}

} // namespace

std::optional<Error> intendedThresholdProblem(const Project &project,
                                              const std::vector<ThresholdSettings> &flagged,
                                              const RunConfig &config)
{
    const std::vector<std::string> groups = project.groupNames();
    std::vector<ThresholdSettings> all = project.thresholds;
    all.insert(all.end(), flagged.begin(), flagged.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto expression = parseThreshold(all[i].expression, groups);
        if (!expression || !expression->fromIntended || readsOpenModel(*expression, config))
            continue;
        const bool flag = i >= project.thresholds.size();
        Error error;
        error.field = flag ? "--threshold" : "thresholds[" + std::to_string(i) + "]";
        error.file = flag ? std::string() : project.path;
        error.message =
            "\"" + all[i].expression + "\": from=intended reads the latency from the intended " +
            "start, which only the open model (an arrival rate) has; " +
            (expression->group.empty()
                 ? std::string(config.groups.empty() ? "this run is closed (vusers)"
                                                     : "not every group of this run is open")
                 : "group \"" + expression->group + "\" is closed (vusers)");
        return error;
    }
    return std::nullopt;
}

tl::expected<std::unique_ptr<RunSession>, Error> RunSession::prepare(const Project &project,
                                                                     RunSessionOptions options)
{
    // Thresholds first: a typo in one costs no compile and no test time.
    // A {group=NAME} names one of the project's groups ("default" without groups).
    const std::vector<std::string> groups = project.groupNames();
    auto thresholds = ThresholdEvaluator::create(project.thresholds, groups);
    if (!thresholds)
        return tl::make_unexpected(thresholds.error());
    auto flagged = ThresholdEvaluator::create(options.thresholds, groups);
    if (!flagged) {
        Error error = flagged.error();
        error.field = "--threshold";
        return tl::make_unexpected(std::move(error));
    }
    std::vector<ThresholdSettings> allThresholds = project.thresholds;
    allThresholds.insert(allThresholds.end(), options.thresholds.begin(), options.thresholds.end());
    auto prepared = prepareRun(project, options.overrides, options.compile);
    if (!prepared)
        return tl::make_unexpected(prepared.error());
    std::unique_ptr<RunSession> session(new RunSession);
    session->m_project = project;
    session->m_prepared = std::move(*prepared);
    session->m_header = SummaryHeader{project.name, scenarioLabel(session->m_prepared.config),
                                      project.arrivalRate.empty()
                                          ? project.profile.toString()
                                          : "arrival rate " + project.arrivalRate.toString()};
    if (!project.groups.empty()) {
        // A mix: its scenarios, and its groups for the profile.
        std::string scenarios, groups;
        std::set<std::string> seen;
        for (const GroupConfig &group : session->m_prepared.config.groups) {
            if (seen.insert(group.scenarioId).second)
                scenarios += (scenarios.empty() ? "" : ", ") + group.scenarioId;
        }
        for (const ProjectGroup &group : project.groups)
            groups += (groups.empty() ? "" : "; ") + group.name + ": " +
                      describeGroupWorkload(project, group);
        session->m_header.scenario = scenarios;
        session->m_header.profile = project.profile.empty() && project.arrivalRate.empty()
                                        ? std::string()
                                        : session->m_header.profile;
        session->m_header.profileLabel =
            std::to_string(project.groups.size()) + " groups (" + groups + ")";
    }
    // Outputs are built (and their settings checked) before anything runs, so a typo in one
    // costs no test time.
    auto outputs = OutputSet::create(project.outputs, project.path, options.outputFlags,
                                     OutputSet::runInfo(project.name, session->m_header.scenario));
    if (!outputs)
        return tl::make_unexpected(outputs.error());
    session->m_outputs = std::move(*outputs);
    session->m_prepared.config.iterationsPerVuser = options.iterationsPerVuser;
    session->m_prepared.config.trace = options.trace;
    session->m_thresholds = *ThresholdEvaluator::create(allThresholds, groups);
    // Latency from the intended start exists only in the open model: refused before the run.
    if (auto problem =
            intendedThresholdProblem(project, options.thresholds, session->m_prepared.config))
        return tl::make_unexpected(std::move(*problem));
    session->m_prepared.config.keepHistograms =
        options.keepHistograms || session->m_thresholds.needsHistograms();
    session->m_options = std::move(options);
    session->m_run = std::make_unique<Run>(session->m_prepared.config);
    if (!session->m_thresholds.empty()) {
        // First of the observers, so that the others (the GUI) read this snapshot's results.
        RunSession *self = session.get();
        session->m_run->addObserver(
            [self](const std::shared_ptr<const Snapshot> &snapshot) { self->evaluate(*snapshot); });
    }
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

void RunSession::evaluate(const Snapshot &snapshot)
{
    auto results = m_thresholds.evaluate(snapshot);
    bool stopNow = false;
    {
        std::lock_guard lock(m_thresholdMutex);
        if (!m_abortedBy && !snapshot.final) {
            m_abortedBy = ThresholdEvaluator::abortingThreshold(results, snapshot.elapsedSeconds);
            stopNow = m_abortedBy.has_value();
        }
        if (m_abortedBy)
            results[*m_abortedBy].aborted = true;
        m_thresholdResults = std::move(results);
    }
    // As a first Ctrl-C does: in-flight iterations get the graceful stop.
    if (stopNow)
        m_run->stop();
}

std::vector<ThresholdResult> RunSession::thresholdResults() const
{
    std::lock_guard lock(m_thresholdMutex);
    return m_thresholdResults;
}

std::size_t RunSession::failedThresholdCount() const
{
    return m_final ? failedThresholds(thresholdResults(), true) : 0;
}

std::string RunSession::verdict() const
{
    return m_final ? runVerdict(*m_final, thresholdResults(), m_header.stopped) : std::string();
}

RunEnding RunSession::howEnded() const
{
    if (CrashGuard::crashed())
        return RunEnding::Crashed;
    bool thresholdAborted;
    {
        std::lock_guard lock(m_thresholdMutex);
        thresholdAborted = m_abortedBy.has_value();
    }
    if (thresholdAborted)
        return RunEnding::FailedThresholds;
    if (m_aborted)
        return RunEnding::Aborted;
    if (m_stoppedByUser)
        return RunEnding::StoppedByUser;
    if (failedThresholdCount() > 0)
        return RunEnding::FailedThresholds;
    return RunEnding::Completed;
}

std::string RunSession::junitXml() const
{
    if (!m_final)
        return {};
    // The run's own problems; the thresholds' are their own test cases.
    return junitReport(*m_final, thresholdResults(),
                       JUnitRun{m_project.name.empty() ? m_header.scenario : m_project.name,
                                m_startedAt,
                                {},
                                runVerdict(*m_final, {}, m_header.stopped)});
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
    m_startedAt = std::chrono::system_clock::now();
    auto started = m_run->start();
    m_started = started.has_value();
    return started;
}

bool RunSession::stillRunning() const
{
    // Not after the profile's end: a Ctrl-C during the graceful stop cuts nothing planned.
    const auto latest = m_run->latest();
    return !m_run->finished() && (!latest || latest->state == RunState::Running);
}

void RunSession::stop()
{
    if (stillRunning())
        m_stoppedByUser = true;
    m_run->stop();
}

void RunSession::abort()
{
    // Abort means now: the run, and the outputs' flush if it has begun or is still to come.
    m_aborted = true;
    if (stillRunning())
        m_stoppedByUser = true;
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
    if (m_final && !m_thresholds.empty()) {
        // The final snapshot was evaluated by the observer; a run that ended without one
        // (an early failure) still gets its results.
        std::lock_guard lock(m_thresholdMutex);
        auto results = m_thresholds.evaluate(*m_final);
        if (m_abortedBy)
            results[*m_abortedBy].aborted = true;
        m_thresholdResults = std::move(results);
        m_header.thresholds = m_thresholdResults;
    }
    if (m_stoppedByUser)
        m_header.stopped = "stopped before the end of the profile";
    m_header.outputs = m_outputs->finish(m_aborted ? 0.0 : m_options.flushTimeoutSeconds);
    m_finished = true;
    m_header.ending = howEnded();
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
