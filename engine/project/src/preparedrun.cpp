#include <loadwizard/preparedrun.h>

#include <loadwizard/crashguard.h>
#include <loadwizard/datafile.h>
#include <loadwizard/scenariocompiler.h>
#include <loadwizard/stepsyaml.h>
#include <loadwizard/suggest.h>
#include <loadwizard/variables.h>

#include <filesystem>
#include <set>

namespace Loadwizard {

namespace {

bool isStepScenarioPath(const std::string &path)
{
    const std::string extension = std::filesystem::path(path).extension().string();
    return extension == ".yaml" || extension == ".yml";
}

/// One scenario made ready: a group's, or the project's own.
struct ScenarioSource
{
    std::string path;                                  ///< resolved, ${VAR} not yet expanded
    const std::optional<Steps::StepScenario> *inlined; ///< or the steps written inline
    /// Parameter layers, weakest first: {values, origin, field prefix, shared}. A shared
    /// layer's names may be declared by another group's scenario only.
    struct Layer
    {
        const std::map<std::string, std::string, std::less<>> *values;
        std::string origin; ///< "project", "group \"x\"", "--param"
        std::string field;  ///< "parameters", "groups[1].parameters", "--param"
        bool shared = false;
    };
    std::vector<Layer> layers;
    std::string fieldPrefix; ///< "" or "groups[1]."
};

struct ReadyScenario
{
    std::shared_ptr<Scenario> scenario;
    std::string id;
    Parameters parameters;
    std::shared_ptr<Plugin> plugin;
};

tl::expected<ReadyScenario, Error>
prepareScenario(const Project &project, const ScenarioSource &source,
                const std::vector<DataFeed> &feeds, const CompileOptions &compile,
                const Steps::StepTrace &trace, PreparedRun &prepared,
                std::set<std::string> &sharedNamesUsed)
{
    ReadyScenario ready;
    std::string scenarioPath;
    if (!*source.inlined) {
        auto expanded = expandVariables(source.path, source.fieldPrefix + "scenario");
        if (!expanded)
            return tl::make_unexpected(expanded.error());
        scenarioPath = std::move(*expanded);
    }
    // A declarative scenario (inline, or a .yaml file) or a plugin (.so, or .cpp compiled).
    std::optional<Steps::StepScenario> steps = *source.inlined;
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
    Parameters &parameters = ready.parameters;
    std::string &scenarioId = ready.id;
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
        ready.plugin = *plugin;
        parameters = ready.plugin->defaultParameters();
        scenarioId = ready.plugin->info().id;
    }

    for (const ScenarioSource::Layer &layer : source.layers) {
        for (const auto &[key, raw] : *layer.values) {
            const std::string field =
                layer.field == "--param" ? layer.field : layer.field + "." + key;
            if (!parameters.contains(key)) {
                if (layer.shared)
                    continue; // another group's scenario may declare it (checked after all)
                // An error, not a warning: a mistyped name would silently run with the default.
                std::vector<std::string_view> declared;
                for (const auto &[name, value] : parameters)
                    declared.push_back(name);
                Error error{layer.origin + " parameter \"" + key +
                            "\" is not declared by scenario \"" + scenarioId + "\"" +
                            (declared.empty() ? std::string(" (it declares none)")
                                              : suggestionFor(key, declared))};
                error.field = field;
                if (layer.field != "--param")
                    error.file = project.path;
                return tl::make_unexpected(error);
            }
            if (layer.shared)
                sharedNamesUsed.insert(layer.field + "\n" + key);
            auto value = expandVariables(raw, layer.field == "--param" ? "--param " + key : field);
            if (!value) {
                auto error = value.error();
                error.file = project.path;
                return tl::make_unexpected(error);
            }
            parameters[key] = *value;
        }
    }

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
        ready.scenario = std::move(*compiled);
    } else {
        // Scenario code: a crash or exit() in it is the scenario's (crashguard.h).
        CrashGuard::ScenarioCall scenarioCode(scenarioId);
        auto scenario = ready.plugin->createScenario();
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
        ready.scenario = std::move(*scenario);
    }
    return ready;
}

/// A run that starts nobody would "pass" for its whole length (-5,10 or 0,0 or 1e-320,1).
std::optional<Error> workloadProblem(const Project &project, const RampProfile &profile,
                                     const ArrivalProfile &arrivalRate, long long preAllocated,
                                     long long max, const std::string &prefix)
{
    if (!arrivalRate.empty()) {
        if (arrivalRate.totalArrivals() == 0)
            return Error{"the arrival rate never starts an iteration (" +
                             shortened(arrivalRate.toString()) + ")",
                         project.path, 0, 0, prefix + "profile.arrival_rate"};
        if (const std::string problem = poolProblem(preAllocated, max); !problem.empty())
            return Error{problem, project.path, 0, 0, prefix + "profile.pool"};
    } else if (profile.peakVusers() <= 1e-9) {
        return Error{"the profile never starts a vuser (" + shortened(profile.toString()) + ")",
                     project.path, 0, 0, prefix + "profile"};
    }
    return std::nullopt;
}

tl::expected<std::vector<DataFeed>, Error> loadFeeds(const std::vector<DataSourceSettings> &data,
                                                     const Project &project)
{
    std::vector<DataFeed> feeds;
    for (const DataSourceSettings &source : data) {
        auto table = loadDataFile(source, project.folder());
        if (!table)
            return tl::make_unexpected(table.error());
        feeds.push_back({source.name, *table, source.strategy, source.effectiveExhaustion()});
    }
    return feeds;
}

} // namespace

tl::expected<PreparedRun, Error> prepareRun(const Project &project, const Parameters &overrides,
                                            const CompileOptions &compile,
                                            const Steps::StepTrace &trace)
{
    PreparedRun prepared;
    const bool grouped = !project.groups.empty();
    if (!grouped && project.scenario.empty() && !project.inlineScenario)
        return tl::make_unexpected(Error{"no scenario given", project.path, 0, 0, "scenario"});
    const bool shared = !project.profile.empty() || !project.arrivalRate.empty();
    if (!grouped || shared) {
        if (auto problem = workloadProblem(project, project.profile, project.arrivalRate,
                                           project.preAllocatedVusers, project.maxVusers, ""))
            return tl::make_unexpected(std::move(*problem));
    }
    for (std::size_t g = 0; g < project.groups.size(); ++g) {
        const ProjectGroup &group = project.groups[g];
        if (group.weight > 0)
            continue;
        if (auto problem =
                workloadProblem(project, group.profile, group.arrivalRate, group.preAllocatedVusers,
                                group.maxVusers, "groups[" + std::to_string(g) + "]."))
            return tl::make_unexpected(std::move(*problem));
    }

    // Data files before the scenario compiles: a bad row fails in a moment, not after 5 s.
    auto feeds = loadFeeds(project.data, project);
    if (!feeds)
        return tl::make_unexpected(feeds.error());
    std::set<std::string> sharedNamesUsed;
    auto &config = prepared.config;
    if (!grouped) {
        ScenarioSource source{project.scenarioPath(), &project.inlineScenario, {}, ""};
        source.layers.push_back({&project.parameters, "project", "parameters", false});
        source.layers.push_back({&overrides, "--param", "--param", false});
        auto ready =
            prepareScenario(project, source, *feeds, compile, trace, prepared, sharedNamesUsed);
        if (!ready)
            return tl::make_unexpected(ready.error());
        prepared.plugin = ready->plugin;
        config.scenario = std::move(ready->scenario);
        config.scenarioId = ready->id;
        config.parameters = std::move(ready->parameters);
        config.pacing = project.pacing;
    }
    for (std::size_t g = 0; g < project.groups.size(); ++g) {
        const ProjectGroup &group = project.groups[g];
        const std::string prefix = "groups[" + std::to_string(g) + "].";
        auto own = loadFeeds(group.data, project);
        if (!own)
            return tl::make_unexpected(own.error());
        std::vector<DataFeed> visible = *own;
        visible.insert(visible.end(), feeds->begin(), feeds->end());
        ScenarioSource source{
            group.scenarioPath(project.folder()), &group.inlineScenario, {}, prefix};
        source.layers.push_back({&project.parameters, "project", "parameters", true});
        source.layers.push_back(
            {&group.parameters, "group \"" + group.name + "\"", prefix + "parameters", false});
        source.layers.push_back({&overrides, "--param", "--param", true});
        auto ready =
            prepareScenario(project, source, visible, compile, trace, prepared, sharedNamesUsed);
        if (!ready) {
            // Say which group, whether the error is placed in the project file or in the
            // scenario's (a scenario file that does not open, an init() that throws).
            Error error = ready.error();
            if (error.message.find("group \"") == std::string::npos)
                error.message = "group \"" + group.name + "\": " + error.message;
            if (error.line == 0 && error.field.empty() && error.diagnostics.empty()) {
                // Nothing placed it: the project's key names it (groups[1].scenario), and the
                // message the scenario file.
                if (!error.file.empty() && error.file != project.path &&
                    error.message.find(error.file) == std::string::npos)
                    error.message += " (" + error.file + ")";
                error.field = prefix + "scenario";
                error.file = project.path;
            }
            return tl::make_unexpected(std::move(error));
        }
        if (ready->plugin)
            prepared.groupPlugins.push_back(ready->plugin);
        GroupConfig &run = config.groups.emplace_back();
        run.name = group.name;
        run.scenario = std::move(ready->scenario);
        run.scenarioId = ready->id;
        run.parameters = std::move(ready->parameters);
        run.profile = group.profile;
        run.arrivalRate = group.arrivalRate;
        run.preAllocatedVusers = group.preAllocatedVusers;
        run.maxVusers = group.maxVusers;
        run.weight = group.weight;
        run.startDelaySeconds = group.startDelaySeconds;
        run.pacing = group.pacing;
        run.data = std::move(*own);
    }
    if (grouped) {
        // A shared parameter no group's scenario declares is a typo, as in a project without
        // groups.
        const auto check = [&](const auto &values, const std::string &field,
                               const char *origin) -> tl::expected<void, Error> {
            for (const auto &[key, value] : values) {
                if (!sharedNamesUsed.contains(field + "\n" + key)) {
                    Error error{std::string(origin) + " parameter \"" + key +
                                "\" is declared by no group's scenario"};
                    error.field = field == "--param" ? field : field + "." + key;
                    if (field != "--param")
                        error.file = project.path;
                    return tl::make_unexpected(std::move(error));
                }
            }
            return {};
        };
        if (auto ok = check(project.parameters, "parameters", "project"); !ok)
            return tl::make_unexpected(ok.error());
        if (auto ok = check(overrides, "--param", "--param"); !ok)
            return tl::make_unexpected(ok.error());
    }

    // Only the project's own texts are ${VAR}-expanded below. An inline scenario's steps
    // (project.inlineScenario) never are: their ${...} are step templates, and ${env.NAME} is
    // how a step reads the environment.
    config.profile = project.profile;
    config.arrivalRate = project.arrivalRate;
    config.preAllocatedVusers = project.preAllocatedVusers;
    config.maxVusers = project.maxVusers;
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
    config.data = std::move(*feeds);
    config.projectDir = project.folder();
    config.gracefulStopSeconds = project.gracefulStopSeconds;
    config.workers = project.workers;
    return prepared;
}

} // namespace Loadwizard
