#include <loadwizard/tryiteration.h>

#include <loadwizard/datafile.h>
#include <loadwizard/run.h>
#include <loadwizard/runsession.h>
#include <loadwizard/stepsyaml.h>
#include <loadwizard/variables.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace Loadwizard {

namespace {

bool isStepFile(const std::string &path)
{
    auto extension = std::filesystem::path(path).extension().string();
    for (char &c : extension)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return extension == ".yaml" || extension == ".yml";
}

/// One vuser, started at once, for as long as one iteration may take.
RampProfile oneVuser(double seconds)
{
    return *RampProfile::fromSteps({{1000, 0.001}, {0, std::max(seconds, 1.0)}});
}

/// Waits for the run, aborting it on cancel or after maxSeconds.
bool waitFor(const TryOptions &options, const std::function<bool()> &finished,
             const std::function<void()> &abort)
{
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(std::max(options.maxSeconds, 0.1));
    while (!finished()) {
        if ((options.cancel && options.cancel->load()) ||
            std::chrono::steady_clock::now() > deadline) {
            abort();
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

SnapshotObserver forward(const TryOptions &options)
{
    return [traceLine = options.traceLine,
            logEvent = options.logEvent](const std::shared_ptr<const Snapshot> &snapshot) {
        if (traceLine)
            for (const TraceLine &line : snapshot->trace)
                traceLine(line);
        if (logEvent)
            for (const LogEvent &event : snapshot->events)
                logEvent(event);
    };
}

TryResult resultOf(const Snapshot *snapshot, bool declarative, bool aborted)
{
    TryResult result;
    result.declarative = declarative;
    result.aborted = aborted;
    if (snapshot) {
        result.requests = snapshot->total.requests;
        result.failedRequests = snapshot->total.requestErrors;
        result.checksFailed = snapshot->total.checksFailed;
        result.iterationsFailed = snapshot->total.iterationsFailed;
    }
    return result;
}

/// A compiled scenario: the session the CLI uses, with `-v --http-debug=full`.
tl::expected<TryResult, Error> tryCompiled(const Project &project, const TryOptions &options)
{
    RunSessionOptions sessionOptions;
    sessionOptions.overrides = options.overrides;
    sessionOptions.iterationsPerVuser = 1;
    sessionOptions.trace.verbose = true;
    sessionOptions.trace.http = TraceSettings::Http::Full;
    Project single = project;
    single.outputs.clear(); // a try sends no metrics anywhere
    auto session = RunSession::prepare(single, std::move(sessionOptions));
    if (!session)
        return tl::make_unexpected(session.error());
    (*session)->addObserver(forward(options));
    if (auto started = (*session)->start(); !started)
        return tl::make_unexpected(started.error());
    const bool aborted = waitFor(
        options, [&] { return (*session)->runFinished(); }, [&] { (*session)->abort(); });
    auto final = (*session)->finish();
    return resultOf(final.get(), false, aborted);
}

tl::expected<std::string, Error> expanded(const std::string &text, const std::string &field,
                                          const Project &project)
{
    auto value = expandVariables(text, field);
    if (!value) {
        auto error = value.error();
        error.file = project.path;
        return tl::make_unexpected(error);
    }
    return *value;
}

/// A declarative scenario, compiled here with the trace set (a run never traces steps).
tl::expected<TryResult, Error> tryDeclarative(const Project &project, const TryOptions &options)
{
    Steps::StepContext context;
    Steps::StepScenario steps;
    if (project.inlineScenario) {
        steps = *project.inlineScenario;
        context.fileName = project.path;
        context.folder = project.folder();
    } else {
        auto path = expanded(project.scenarioPath(), "scenario", project);
        if (!path)
            return tl::make_unexpected(path.error());
        if (options.editedSteps) {
            steps = *options.editedSteps;
        } else {
            auto loaded = Steps::loadStepScenario(*path);
            if (!loaded)
                return tl::make_unexpected(loaded.error());
            steps = std::move(*loaded);
        }
        context.fileName = *path;
        context.folder = std::filesystem::absolute(*path).parent_path().string();
    }
    for (const auto &[name, value] : steps.parameters)
        context.parameters[name] = value;
    for (const auto &[name, raw] : project.parameters) {
        auto value = expanded(raw, "parameters." + name, project);
        if (!value)
            return tl::make_unexpected(value.error());
        context.parameters[name] = *value;
    }
    for (const auto &[name, value] : options.overrides)
        context.parameters[name] = value;

    RunConfig config;
    for (const DataSourceSettings &source : project.data) {
        auto table = loadDataFile(source, project.folder());
        if (!table)
            return tl::make_unexpected(table.error());
        context.feeders[source.name] = (*table)->columns();
        config.data.push_back({source.name, *table, source.strategy, source.effectiveExhaustion()});
    }
    context.trace = options.trace;
    auto scenario = Steps::compileStepScenario(steps, context);
    if (!scenario)
        return tl::make_unexpected(scenario.error());
    Parameters parameters(context.parameters.begin(), context.parameters.end());
    try {
        (*scenario)->init(parameters);
    } catch (const std::exception &e) {
        return tl::make_unexpected(
            Error{std::string("scenario refused its parameters: ") + e.what(), context.fileName});
    }

    config.scenario = *scenario;
    config.scenarioId = steps.name.empty() ? std::string("steps") : steps.name;
    config.parameters = std::move(parameters);
    config.profile = oneVuser(options.maxSeconds);
    config.thinkTime = project.thinkTime;
    config.http = project.http;
    if (!options.baseUrl.empty())
        config.http.baseUrl = options.baseUrl;
    for (auto *text : {&config.http.baseUrl, &config.http.userAgent}) {
        auto value = expanded(
            *text, text == &config.http.baseUrl ? "http.base_url" : "http.user_agent", project);
        if (!value)
            return tl::make_unexpected(value.error());
        *text = *value;
    }
    for (auto &[name, raw] : config.http.headers) {
        auto value = expanded(raw, "http.headers." + name, project);
        if (!value)
            return tl::make_unexpected(value.error());
        raw = *value;
    }
    config.rendezvous = project.rendezvous;
    config.projectDir = project.folder();
    config.gracefulStopSeconds = 0;
    config.workers = 1;
    config.iterationsPerVuser = 1;
    config.reportIntervalSeconds = 0.2;
    Run run(std::move(config));
    run.addObserver(forward({.traceLine = {}, .logEvent = options.logEvent}));
    if (auto started = run.start(); !started)
        return tl::make_unexpected(started.error());
    const bool aborted = waitFor(
        options, [&] { return run.finished(); }, [&] { run.abort(); });
    auto final = run.wait();
    return resultOf(final.get(), true, aborted);
}

} // namespace

tl::expected<TryResult, Error> tryOneIteration(const Project &project, const TryOptions &options)
{
    if (project.inlineScenario || isStepFile(project.scenario))
        return tryDeclarative(project, options);
    Project single = project;
    single.profile = oneVuser(options.maxSeconds);
    if (!options.baseUrl.empty())
        single.http.baseUrl = options.baseUrl;
    return tryCompiled(single, options);
}

} // namespace Loadwizard
