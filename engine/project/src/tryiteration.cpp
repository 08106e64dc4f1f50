#include <loadwizard/tryiteration.h>

#include <loadwizard/preparedrun.h>
#include <loadwizard/run.h>
#include <loadwizard/runsession.h>

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

/// A declarative scenario: prepared with the trace set (a run never traces steps) and run
/// without outputs.
tl::expected<TryResult, Error> tryDeclarative(const Project &project, const TryOptions &options)
{
    auto prepared = prepareRun(project, options.overrides, {}, options.trace);
    if (!prepared)
        return tl::make_unexpected(prepared.error());
    RunConfig config = std::move(prepared->config);
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
    Project single = project;
    single.profile = oneVuser(options.maxSeconds);
    // One iteration of one vuser, whatever the model: no arrival rate, no pacing.
    single.arrivalRate = {};
    single.preAllocatedVusers = single.maxVusers = 0;
    single.pacing = {};
    // A try shows what the requests do: think times would only make the user wait (pacing and
    // rendezvous timeouts still apply).
    single.thinkTime.multiplier = 0;
    if (!options.baseUrl.empty())
        single.http.baseUrl = options.baseUrl;
    if (project.inlineScenario || isStepFile(project.scenario)) {
        // Unsaved edits of a scenario file run as if inline (file names in errors: the project).
        if (options.editedSteps && !project.inlineScenario) {
            single.inlineScenario = options.editedSteps;
            single.scenario.clear();
        }
        return tryDeclarative(single, options);
    }
    return tryCompiled(single, options);
}

} // namespace Loadwizard
