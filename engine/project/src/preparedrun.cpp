#include <loadwizard/preparedrun.h>

#include <loadwizard/crashguard.h>
#include <loadwizard/datafile.h>
#include <loadwizard/scenariocompiler.h>
#include <loadwizard/stepsyaml.h>
#include <loadwizard/suggest.h>
#include <loadwizard/variables.h>

#include <filesystem>

namespace Loadwizard {

namespace {

bool isStepScenarioPath(const std::string &path)
{
    const std::string extension = std::filesystem::path(path).extension().string();
    return extension == ".yaml" || extension == ".yml";
}

} // namespace

tl::expected<PreparedRun, Error> prepareRun(const Project &project, const Parameters &overrides,
                                            const CompileOptions &compile,
                                            const Steps::StepTrace &trace)
{
    PreparedRun prepared;
    if (project.scenario.empty() && !project.inlineScenario)
        return tl::make_unexpected(Error{"no scenario given", project.path, 0, 0, "scenario"});
    // A run that starts nobody would "pass" for its whole length (-5,10 or 0,0 or 1e-320,1).
    if (!project.arrivalRate.empty()) {
        if (project.arrivalRate.totalArrivals() == 0)
            return tl::make_unexpected(Error{"the arrival rate never starts an iteration (" +
                                                 shortened(project.arrivalRate.toString()) + ")",
                                             project.path, 0, 0, "profile.arrival_rate"});
        if (const std::string problem = poolProblem(project.preAllocatedVusers, project.maxVusers);
            !problem.empty())
            return tl::make_unexpected(Error{problem, project.path, 0, 0, "profile.pool"});
    } else if (project.profile.peakVusers() <= 1e-9)
        return tl::make_unexpected(Error{"the profile never starts a vuser (" +
                                             shortened(project.profile.toString()) + ")",
                                         project.path, 0, 0, "profile"});
    std::string scenarioPath;
    if (!project.inlineScenario) {
        auto expanded = expandVariables(project.scenarioPath(), "scenario");
        if (!expanded)
            return tl::make_unexpected(expanded.error());
        scenarioPath = std::move(*expanded);
    }

    // Data files before the scenario compiles: a bad row fails in a moment, not after 5 s.
    std::vector<DataFeed> feeds;
    for (const DataSourceSettings &source : project.data) {
        auto table = loadDataFile(source, project.folder());
        if (!table)
            return tl::make_unexpected(table.error());
        feeds.push_back({source.name, *table, source.strategy, source.effectiveExhaustion()});
    }

    // A declarative scenario (inline, or a .yaml file) or a plugin (.so, or .cpp compiled).
    std::optional<Steps::StepScenario> steps = project.inlineScenario;
    std::string stepsFile = project.path, stepsFolder = project.folder();
    if (!steps && isStepScenarioPath(scenarioPath)) {
        std::vector<Error> warnings;
        auto loaded = Steps::loadStepScenario(scenarioPath, &warnings);
        if (!loaded)
            return tl::make_unexpected(loaded.error());
        for (const Error &warning : warnings)
            prepared.warnings.push_back(warning.toString());
        steps = std::move(*loaded);
        stepsFile = scenarioPath;
        stepsFolder = std::filesystem::absolute(scenarioPath).parent_path().string();
    }
    Parameters parameters;
    std::string scenarioId;
    if (steps) {
        for (const auto &[name, value] : steps->parameters)
            parameters[name] = value;
        scenarioId = !steps->name.empty()    ? steps->name
                     : !scenarioPath.empty() ? std::filesystem::path(scenarioPath).stem().string()
                                             : std::string("steps");
    } else {
        auto plugin = loadScenarioPlugin(scenarioPath, compile, &prepared.compileCacheHit);
        if (!plugin)
            return tl::make_unexpected(plugin.error());
        prepared.plugin = *plugin;
        parameters = prepared.plugin->defaultParameters();
        scenarioId = prepared.plugin->info().id;
    }

    auto apply = [&](const auto &source, const char *origin) -> tl::expected<void, Error> {
        for (const auto &[key, raw] : source) {
            if (!parameters.contains(key)) {
                // An error, not a warning: a mistyped name would silently run with the default.
                std::vector<std::string_view> declared;
                for (const auto &[name, value] : parameters)
                    declared.push_back(name);
                Error error{std::string(origin) + " parameter \"" + key +
                            "\" is not declared by scenario \"" + scenarioId + "\"" +
                            (declared.empty() ? std::string(" (it declares none)")
                                              : suggestionFor(key, declared))};
                if (origin == std::string_view("project")) {
                    error.file = project.path;
                    error.field = "parameters." + key;
                } else {
                    error.field = "--param";
                }
                return tl::make_unexpected(error);
            }
            auto value = expandVariables(raw, "parameters." + key);
            if (!value) {
                auto error = value.error();
                error.file = project.path;
                return tl::make_unexpected(error);
            }
            parameters[key] = *value;
        }
        return {};
    };
    if (auto ok = apply(project.parameters, "project"); !ok)
        return tl::make_unexpected(ok.error());
    if (auto ok = apply(overrides, "--param"); !ok)
        return tl::make_unexpected(ok.error());

    std::shared_ptr<Scenario> created;
    if (steps) {
        Steps::StepContext context;
        context.fileName = stepsFile;
        context.folder = stepsFolder;
        context.parameters = parameters;
        for (const DataFeed &feed : feeds)
            context.feeders[feed.name] = feed.table->columns();
        context.trace = trace;
        auto compiled = Steps::compileStepScenario(*steps, context);
        if (!compiled)
            return tl::make_unexpected(compiled.error());
        created = std::move(*compiled);
    } else {
        // Scenario code: a crash or exit() in it is the scenario's (crashguard.h).
        CrashGuard::ScenarioCall scenarioCode(scenarioId);
        auto scenario = prepared.plugin->createScenario();
        if (!scenario)
            return tl::make_unexpected(scenario.error());
        try {
            (*scenario)->init(parameters);
        } catch (const std::exception &e) {
            return tl::make_unexpected(
                Error{std::string("scenario refused its parameters: ") + e.what(), scenarioPath});
        } catch (...) {
            return tl::make_unexpected(
                Error{"scenario refused its parameters (unknown exception)", scenarioPath});
        }
        created = std::move(*scenario);
    }

    // Only the project's own texts are ${VAR}-expanded below. An inline scenario's steps
    // (project.inlineScenario) never are: their ${...} are step templates, and ${env.NAME} is
    // how a step reads the environment.
    auto &config = prepared.config;
    config.scenario = std::move(created);
    config.scenarioId = scenarioId;
    config.parameters = std::move(parameters);
    config.profile = project.profile;
    config.arrivalRate = project.arrivalRate;
    config.preAllocatedVusers = project.preAllocatedVusers;
    config.maxVusers = project.maxVusers;
    config.pacing = project.pacing;
    config.thinkTime = project.thinkTime;
    config.http = project.http;
    auto expand = [&](std::string &text, const std::string &field) -> tl::expected<void, Error> {
        auto value = expandVariables(text, field);
        if (!value) {
            auto error = value.error();
            error.file = project.path;
            return tl::make_unexpected(error);
        }
        text = *value;
        return {};
    };
    if (auto ok = expand(config.http.userAgent, "http.user_agent"); !ok)
        return tl::make_unexpected(ok.error());
    if (auto ok = expand(config.http.baseUrl, "http.base_url"); !ok)
        return tl::make_unexpected(ok.error());
    for (auto &[name, value] : config.http.headers) {
        if (auto ok = expand(value, "http.headers." + name); !ok)
            return tl::make_unexpected(ok.error());
        // Checked again once ${VAR} is expanded: the environment must not add header lines.
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            return tl::make_unexpected(Error{"the value has a line break or NUL once ${VAR} is "
                                             "expanded",
                                             project.path, 0, 0, "http.headers." + name});
        }
    }
    if (config.http.baseUrl.find_first_of(std::string_view(" \t\r\n\0", 5)) != std::string::npos) {
        return tl::make_unexpected(Error{"the base URL has white space, a line break or NUL",
                                         project.path, 0, 0, "http.base_url"});
    }
    config.rendezvous = project.rendezvous;
    config.data = std::move(feeds);
    config.projectDir = project.folder();
    config.gracefulStopSeconds = project.gracefulStopSeconds;
    config.workers = project.workers;
    return prepared;
}

} // namespace Loadwizard
