#include <loadwizard/runsession.h>

#include <loadwizard/crashguard.h>
#include <loadwizard/junitreport.h>
#include <loadwizard/outputset.h>
#include <loadwizard/run.h>
#include <loadwizard/secrets.h>

#include <algorithm>
#include <filesystem>
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

/// Whether a group of the run follows an arrival rate: its own, or the shared one it weighs in.
bool groupIsOpen(const GroupConfig &group, const RunConfig &config)
{
    return !group.arrivalRate.empty() || (group.weight > 0 && !config.arrivalRate.empty());
}

/// Whether what a threshold reads (the run, or its {group=NAME}) runs the open model, the only
/// one with a latency from the intended start.
bool readsOpenModel(const ThresholdExpression &expression, const RunConfig &config)
{
    const auto open = [&](const GroupConfig &group) { return groupIsOpen(group, config); };
    if (config.groups.empty())
        return !config.arrivalRate.empty();
    if (expression.group.empty())
        return std::all_of(config.groups.begin(), config.groups.end(), open);
    const auto group =
        std::find_if(config.groups.begin(), config.groups.end(),
                     [&](const GroupConfig &g) { return g.name == expression.group; });
    return group != config.groups.end() && open(*group);
}

/// A literal secret in a copy of the project: a value whose key says it is one, unless it is
/// only a ${VAR} reference (which names the secret, never holds it).
std::string redactedValue(std::string_view key, const std::string &value)
{
    const bool reference = value.size() > 3 && value.rfind("${", 0) == 0 && value.back() == '}' &&
                           value.find("${", 2) == std::string::npos;
    return looksSecret(key) && !reference && !value.empty() ? "<redacted>"
                                                            : redactUrlCredentials(value);
}

std::string absoluteIn(const std::string &folder, const std::string &path)
{
    if (path.empty() || path.find("${") != std::string::npos || folder.empty())
        return path;
    const std::filesystem::path p(path);
    return p.is_absolute() ? path : (std::filesystem::path(folder) / p).lexically_normal().string();
}

} // namespace

std::string projectAsRunYaml(const Project &project, const Parameters &overrides,
                             const std::vector<ThresholdSettings> &thresholds)
{
    Project copy = project;
    const std::string folder = project.folder();
    for (const auto &[key, value] : overrides)
        copy.parameters[key] = value;
    copy.thresholds.insert(copy.thresholds.end(), thresholds.begin(), thresholds.end());
    for (auto &[key, value] : copy.parameters)
        value = redactedValue(key, value);
    copy.http.baseUrl = redactUrlCredentials(copy.http.baseUrl);
    for (OutputConfig &output : copy.outputs) {
        output.target = redactUrlCredentials(output.target);
        for (auto &[key, value] : output.options)
            value = redactedValue(key, value);
    }
    if (!copy.scenario.empty())
        copy.scenario = absoluteIn(folder, copy.scenario);
    for (DataSourceSettings &data : copy.data)
        data.file = absoluteIn(folder, data.file);
    for (ProjectGroup &group : copy.groups) {
        if (!group.scenario.empty())
            group.scenario = absoluteIn(folder, group.scenario);
        for (auto &[key, value] : group.parameters)
            value = redactedValue(key, value);
        for (DataSourceSettings &data : group.data)
            data.file = absoluteIn(folder, data.file);
    }
    return redactSecrets(projectToYaml(copy));
}

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
    session->m_prepared.config.keepIntervalHistograms = options.results.save;
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
    if (m_options.results.save) {
        const ResultsOptions &options = m_options.results;
        ResultsManifest manifest;
        manifest.toolVersion = LOADWIZARD_VERSION;
        manifest.commandLine = redactCommandLine(options.commandLine);
        const RunInfo info = OutputSet::runInfo(m_project.name, m_header.scenario);
        manifest.host = info.instance;
        manifest.runId = info.runId;
        manifest.project = m_project.name;
        manifest.projectFile = m_project.path.empty()
                                   ? std::string()
                                   : std::filesystem::absolute(m_project.path).string();
        manifest.scenario = m_header.scenario;
        const auto &config = m_prepared.config;
        bool open = !config.arrivalRate.empty(), closed = !open;
        if (!config.groups.empty()) {
            open = closed = false;
            for (const GroupConfig &group : config.groups) {
                (groupIsOpen(group, config) ? open : closed) = true;
                manifest.groups.push_back(group.name);
            }
        }
        manifest.model = open && closed ? "mixed" : open ? "open" : "closed";
        manifest.started = m_startedAt;
        manifest.plannedSeconds = m_run->plannedSeconds();
        const bool chosen = !options.folder.empty();
        auto writer = ResultsWriter::create(
            chosen ? options.folder
                   : defaultResultsFolder(options.baseFolder.empty() ? m_project.folder()
                                                                     : options.baseFolder,
                                          m_project.name, m_startedAt),
            !chosen, std::move(manifest),
            projectAsRunYaml(m_project, m_options.overrides, m_options.thresholds),
            chosen ? options.field : std::string());
        if (!writer) {
            Error error = writer.error();
            if (!options.hint.empty() && !chosen)
                error.message += " (" + options.hint + ")";
            return tl::make_unexpected(std::move(error));
        }
        m_results = std::move(*writer);
        m_run->addObserver([writer = m_results.get()](const std::shared_ptr<const Snapshot> &s) {
            writer->push(s);
        });
    }
    auto started = m_run->start();
    m_started = started.has_value();
    if (!started && m_results) {
        // Nothing ran: the folder would only say so.
        const std::string folder = m_results->folder();
        m_results.reset();
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
    }
    return started;
}

std::string RunSession::resultsFolder() const
{
    return m_results ? m_results->folder() : std::string();
}

void RunSession::recordExitCode(int code)
{
    if (m_results && m_finished) {
        if (auto written = m_results->recordExitCode(code); !written && !m_resultsError)
            m_resultsError = written.error();
    }
}

void RunSession::decideEnding()
{
    m_ending = RunEnding::Completed;
    m_endingReason.clear();
    std::optional<std::size_t> abortedBy;
    {
        std::lock_guard lock(m_thresholdMutex);
        abortedBy = m_abortedBy;
    }
    if (CrashGuard::crashed()) {
        m_ending = RunEnding::Crashed;
        m_endingReason = CrashGuard::description();
    } else if (m_run->abandonedWorkers() || (m_final && !m_final->incomplete.empty())) {
        m_ending = RunEnding::Crashed;
        m_endingReason = m_final && !m_final->incomplete.empty()
                             ? m_final->incomplete
                             : "a worker never came back from scenario code";
    } else if (abortedBy) {
        m_ending = RunEnding::Aborted;
        const auto results = thresholdResults();
        m_endingReason = "threshold \"" +
                         (*abortedBy < results.size() ? results[*abortedBy].settings.expression
                                                      : std::string()) +
                         "\" aborted the run";
    } else if (m_aborted) {
        m_ending = RunEnding::Aborted;
        m_endingReason = "aborted by the user";
    } else if (m_stoppedByUser) {
        m_ending = RunEnding::Stopped; // "Stopped by user" says it all
    } else {
        // Ended as planned; its data may have ended it (a feeder with on_exhausted: stop-run).
        if (m_final && !m_final->stoppedByData.empty())
            m_endingReason = "data feeder \"" + m_final->stoppedByData + "\" ran out";
        if (failedThresholdCount() > 0)
            m_ending = RunEnding::FailedThresholds; // the verdict says which
    }
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
    decideEnding();
    m_header.ending = m_ending;
    if (m_results) {
        std::string verdict = this->verdict();
        auto written = m_results->finish(m_ending, m_endingReason,
                                         verdict.empty() ? "passed" : verdict, summaryJson());
        if (!written)
            m_resultsError = written.error();
    }
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
