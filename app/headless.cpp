#include "headless.h"

#include "importcommand.h"
#include "newproject.h"
#include "profiling.h"
#include "reportcommand.h"
#include "signals.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/crashguard.h>
#include <loadwizard/datafile.h>
#include <loadwizard/paths.h>
#include <loadwizard/preparedrun.h>
#include <loadwizard/project.h>
#include <loadwizard/rampprofile.h>
#include <loadwizard/runsession.h>
#include <loadwizard/scenariocompiler.h>
#include <loadwizard/secrets.h>
#include <loadwizard/stepsyaml.h>
#include <loadwizard/summary.h>
#include <loadwizard/targetserver.h>
#include <loadwizard/yamlreader.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

namespace Loadwizard::App {

namespace {

struct Options
{
    std::string project;
    std::string scenario;
    std::string rampup;
    std::string arrivalRate;     ///< `--arrival-rate SPEC`: the open model
    long long preAllocated = -1; ///< `--pre-allocated-vusers N`
    long long maxVusers = -1;    ///< `--max-vusers N`
    std::string pacing;          ///< `--pacing 2` or `--pacing 1-3` (seconds)
    std::vector<std::string> params;
    std::vector<std::string> data;
    int workers = -1;
    double gracefulStop = -1;
    std::string baseUrl;
    std::string summaryJson;
    std::string junit;
    std::vector<std::string> thresholds; ///< `--threshold EXPR[;abort][;grace=D]`
    std::vector<std::string> outputs;
    double flushTimeout = 10;
    bool quiet = false;
    std::string cpuProfile;
    std::string memProfile;
    std::string listen = "127.0.0.1:8080";
    bool verbose = false;
    std::string httpDebug; ///< "", "headers" or "full"
    std::uint64_t iterations = 0;
    long long vus = 0;
    std::string duration;
    std::string newName; ///< `loadwizard new NAME`
    std::string results; ///< `--results DIR`
    bool noResults = false;
    /// Where the default results folder goes instead of next to the project (the demo's
    /// project is bundled, maybe read-only: its results go to the current folder).
    bool resultsInCurrentFolder = false;
    std::vector<std::string> commandLine; ///< argv, for the results manifest
};

/// Seconds from "30s", "2m", "1h", "1500ms", "1m30s" or plain "45" (k6's durations).
tl::expected<double, Error> parseDuration(const std::string &text, const char *field)
{
    const auto bad = [&](const std::string &why) {
        return tl::make_unexpected(Error{"\"" + shortened(text) + "\" " + why +
                                             " (expected e.g. 30s, 2m, 1h30m or plain seconds)",
                                         {},
                                         0,
                                         0,
                                         field});
    };
    if (text.empty())
        return bad("is empty");
    double total = 0;
    const char *at = text.data();
    const char *end = text.data() + text.size();
    while (at < end) {
        double value = 0;
        const auto [next, ec] = std::from_chars(at, end, value);
        if (ec != std::errc() || !std::isfinite(value) || value < 0)
            return bad("is not a duration");
        at = next;
        double unit = 1;
        if (end - at >= 2 && at[0] == 'm' && at[1] == 's') {
            unit = 0.001;
            at += 2;
        } else if (at < end && (*at == 's' || *at == 'm' || *at == 'h')) {
            unit = *at == 's' ? 1 : *at == 'm' ? 60 : 3600;
            ++at;
        } else if (at != end) {
            return bad("has an unknown unit");
        } else if (total > 0) {
            return bad("needs a unit after every number");
        }
        total += value * unit;
    }
    if (!(total > 0))
        return bad("is not longer than zero");
    if (total < 0.1)
        return bad("is shorter than 100 ms");
    if (total > RampProfile::maxSeconds)
        return bad("is longer than a year");
    return total;
}

/// k6's `--vus N --duration D`: N vusers started at once (within a millisecond per thousand)
/// and held for D.
tl::expected<RampProfile, Error> flatProfile(long long vus, double seconds)
{
    const double n = double(vus);
    const double rate = std::min(RampProfile::maxVusers, n * 1000);
    const double rise = n / rate;
    auto profile = seconds <= rise ? RampProfile::fromSteps({{n / seconds, seconds}})
                                   : RampProfile::fromSteps({{rate, rise}, {0, seconds - rise}});
    if (!profile)
        return tl::make_unexpected(Error{"too short for --vus " + std::to_string(vus) + " (" +
                                             profile.error().message + ")",
                                         {},
                                         0,
                                         0,
                                         "--duration"});
    return profile;
}

/// How long `--iterations` without `--duration` may run at most (k6's default too).
constexpr double iterationsMaxSeconds = 600;

// The seed took Go-style single-dash long flags (-rampup 2,60); keep them working.
std::vector<std::string> normalizedArguments(int argc, char **argv)
{
    static const char *seedFlags[] = {"-rampup",  "-scenario", "-cpuprofile", "-memprofile",
                                      "-workers", "-param",    "-headless",   "-quiet"};
    std::vector<std::string> out;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        for (const char *flag : seedFlags) {
            if (arg == flag || arg.starts_with(std::string(flag) + "="))
                arg = "-" + arg;
        }
        out.push_back(arg);
    }
    // The seed ran without a subcommand: "-scenario x -rampup y" means run.
    const bool hasCommand = !out.empty() && !out.front().starts_with("-");
    bool seedStyle = false;
    for (const auto &arg : out)
        seedStyle = seedStyle || arg.starts_with("--scenario") || arg == "--headless";
    if (!hasCommand && seedStyle) {
        std::erase(out, std::string("--headless"));
        out.insert(out.begin(), "run");
    }
    return out;
}

std::string demoProjectPath()
{
    return Paths::demoProject();
}

/// Prints progress: a line rewritten every second on a terminal, a plain line every 10 s
/// otherwise (CI logs).
/// `text` for the terminal: control bytes but line breaks and tabs shown as '.', as
/// --http-debug shows a body (a `log:` of an extracted value must not drive the terminal).
std::string terminalText(std::string_view text)
{
    std::string out(text);
    for (char &c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f)
            c = '.';
    }
    return out;
}

/// An error may quote what the user gave (a flag, a file's line): never raw control bytes.
void printError(const std::string &message)
{
    std::fprintf(stderr, "loadwizard: %s\n", terminalText(message).c_str());
}

class Progress
{
public:
    Progress(bool quiet, bool trace)
        : m_quiet(quiet)
        , m_trace(trace)
        , m_tty(isatty(STDERR_FILENO))
    {}

    void operator()(const std::shared_ptr<const Snapshot> &snapshot)
    {
        std::lock_guard lock(m_mutex);
        // Trace lines (-v, --http-debug) even with --quiet: they were asked for by name.
        if (m_trace && (!snapshot->trace.empty() || snapshot->traceDropped)) {
            if (m_tty && m_progressShown)
                std::fprintf(stderr, "\r\033[K");
            printTrace(*snapshot);
        }
        if (m_quiet) {
            std::fflush(stderr);
            return;
        }
        m_progressShown = true;
        const std::string line = formatProgress(*snapshot);
        if (m_tty) {
            std::fprintf(stderr, "\r\033[K%s", line.c_str());
            if (snapshot->final)
                std::fputc('\n', stderr);
        } else if (snapshot->final || snapshot->elapsedSeconds >= m_nextPlain) {
            std::fprintf(stderr, "%s\n", line.c_str());
            m_nextPlain = snapshot->elapsedSeconds + 10;
        }
        for (const auto &event : snapshot->events) {
            // Warnings are the engine's own and rare (a cap reached, a worker lagging): always.
            if (event.level == "warning") {
                if (m_tty)
                    std::fprintf(stderr, "\r\033[K");
                std::fprintf(stderr, "  [%6.1fs] warning: %s\n", event.elapsedSeconds,
                             terminalText(event.message).c_str());
            } else if (event.level == "error" && m_errorsShown < 20) {
                if (m_tty)
                    std::fprintf(stderr, "\r\033[K");
                std::fprintf(stderr, "  [%6.1fs] vuser %llu: %s\n", event.elapsedSeconds,
                             (unsigned long long)event.vuser, terminalText(event.message).c_str());
                if (++m_errorsShown == 20)
                    std::fprintf(stderr, "  (further errors are counted, not shown)\n");
            }
        }
        std::fflush(stderr);
    }

private:
    static void printTrace(const Snapshot &snapshot)
    {
        std::string out;
        for (const TraceLine &traced : snapshot.trace) {
            const std::string text = terminalText(traced.text);
            char head[64];
            std::snprintf(head, sizeof head, "  [%6.1fs] vuser %llu ", traced.elapsedSeconds,
                          (unsigned long long)traced.vuser);
            out += head;
            // An HTTP exchange: its header and body lines indented under the request's line.
            for (std::size_t start = 0; start <= text.size();) {
                auto end = text.find('\n', start);
                if (end == std::string::npos)
                    end = text.size();
                if (start > 0)
                    out += "      ";
                out.append(text, start, end - start).push_back('\n');
                start = end + 1;
            }
        }
        if (snapshot.traceDropped > 0)
            out += "  … " + std::to_string(snapshot.traceDropped) +
                   " log lines dropped (more than a worker may hold between two reports)\n";
        std::fwrite(out.data(), 1, out.size(), stderr);
    }

    bool m_quiet;
    bool m_trace;
    bool m_tty;
    bool m_progressShown = false;
    std::mutex m_mutex;
    double m_nextPlain = 0;
    int m_errorsShown = 0;
};

tl::expected<Parameters, Error> parseParams(const std::vector<std::string> &params)
{
    Parameters out;
    for (const auto &param : params) {
        const auto eq = param.find('=');
        if (eq == std::string::npos || eq == 0) {
            return tl::make_unexpected(
                Error{"expected key=value, got \"" + param + "\"", {}, 0, 0, "--param"});
        }
        out[param.substr(0, eq)] = param.substr(eq + 1);
    }
    return out;
}

/// Project from a file, or from --scenario/--rampup alone; command-line values win.
/// `loadwizard run shop.yaml` with a scenario of YAML steps, or `loadwizard run shop.cpp` (.so):
/// as `--scenario shop.yaml`, and one iteration of one vuser when nothing says how long (as k6
/// runs a script).
void takeStepScenarioArgument(Options &options)
{
    const std::string extension = std::filesystem::path(options.project).extension().string();
    const bool code =
        extension == ".cpp" || extension == ".cc" || extension == ".cxx" || extension == ".so";
    if (options.project.empty() || !options.scenario.empty() ||
        !(code || Steps::isStepScenarioFile(options.project)))
        return;
    options.scenario = std::exchange(options.project, {});
    if (options.iterations == 0 && options.rampup.empty() && options.vus == 0 &&
        options.duration.empty() && options.arrivalRate.empty())
        options.iterations = 1;
}

Error optionError(std::string message, const char *option)
{
    return Error{std::move(message), {}, 0, 0, option};
}

/// `--pacing 2` (seconds) or `--pacing 1-3` (a random range).
tl::expected<PacingSettings, Error> parsePacing(const std::string &text)
{
    const auto dash = text.find('-', 1); // not a leading minus: that is a bad number
    auto seconds = [&](const std::string &part) -> tl::expected<double, Error> {
        const auto value = Yaml::toNumber<double>(part);
        if (!value || *value < 0 || *value > 86400)
            return tl::make_unexpected(
                optionError("\"" + shortened(part) +
                                "\" is not a pacing in seconds (0 to 86400; e.g. 2 or 1-3)",
                            "--pacing"));
        return *value;
    };
    const auto min = seconds(text.substr(0, dash));
    if (!min)
        return tl::make_unexpected(min.error());
    if (dash == std::string::npos)
        return PacingSettings{*min, *min};
    const auto max = seconds(text.substr(dash + 1));
    if (!max)
        return tl::make_unexpected(max.error());
    if (*max < *min)
        return tl::make_unexpected(
            optionError("the range \"" + shortened(text) + "\" ends below its start", "--pacing"));
    return PacingSettings{*min, *max};
}

/// --arrival-rate, --pre-allocated-vusers, --max-vusers and --pacing over the project's values.
tl::expected<void, Error> applyWorkloadOptions(const Options &options, Project &project)
{
    if (!options.arrivalRate.empty()) {
        auto profile = ArrivalProfile::parse(options.arrivalRate);
        if (!profile) {
            auto error = profile.error();
            error.field = "--arrival-rate";
            return tl::make_unexpected(error);
        }
        if (profile->totalArrivals() == 0)
            return tl::make_unexpected(optionError("the arrival rate never starts an iteration (" +
                                                       shortened(profile->toString()) + ")",
                                                   "--arrival-rate"));
        project.arrivalRate = *profile;
        project.profile = {};
    }
    const bool pool = options.preAllocated >= 0 || options.maxVusers >= 0;
    if (pool && project.arrivalRate.empty())
        return tl::make_unexpected(
            optionError("sizes the vuser pool of an arrival rate: give --arrival-rate SPEC too",
                        options.maxVusers >= 0 ? "--max-vusers" : "--pre-allocated-vusers"));
    if (options.preAllocated >= 0)
        project.preAllocatedVusers = options.preAllocated;
    if (options.maxVusers >= 0)
        project.maxVusers = options.maxVusers;
    if (!project.arrivalRate.empty()) {
        if (const std::string problem = poolProblem(project.preAllocatedVusers, project.maxVusers);
            !problem.empty())
            return tl::make_unexpected(optionError(problem, "--max-vusers"));
    }
    if (!options.pacing.empty()) {
        auto pacing = parsePacing(options.pacing);
        if (!pacing)
            return tl::make_unexpected(pacing.error());
        project.pacing = *pacing;
    }
    if (project.pacing.enabled() && !project.arrivalRate.empty()) {
        // Name where the pacing came from: the flag, or the project file's key.
        Error error = optionError(
            "pacing spaces a vuser's iterations in the closed model; with an arrival rate the "
            "profile plans every iteration's start itself",
            "--pacing");
        if (options.pacing.empty()) {
            error.file = project.path;
            error.field = "pacing";
            error.message += " (remove the project's pacing to run it with --arrival-rate)";
        }
        return tl::make_unexpected(error);
    }
    return {};
}

tl::expected<Project, Error> projectFor(const Options &options)
{
    Project project;
    if (!options.project.empty()) {
        std::vector<Error> warnings;
        auto loaded = loadProject(options.project, &warnings);
        if (!loaded)
            return tl::make_unexpected(loaded.error());
        for (const auto &warning : warnings)
            std::fprintf(stderr, "loadwizard: warning: %s\n", warning.toString().c_str());
        project = std::move(*loaded);
    }
    const bool grouped = !project.groups.empty();
    if (grouped) {
        // A mix's groups each have their scenario; the profile flags replace the total the
        // weighted groups share, and only that.
        bool weighted = false;
        for (const ProjectGroup &group : project.groups)
            weighted = weighted || group.weight > 0;
        const char *flag = !options.scenario.empty()      ? "--scenario"
                           : !options.pacing.empty()      ? "--pacing"
                           : weighted                     ? nullptr
                           : !options.rampup.empty()      ? "--rampup"
                           : options.vus > 0              ? "--vus"
                           : !options.duration.empty()    ? "--duration"
                           : !options.arrivalRate.empty() ? "--arrival-rate"
                                                          : nullptr;
        if (flag)
            return tl::make_unexpected(Error{
                std::string("the project is a mix of groups (groups:), each with its own ") +
                    (flag == std::string_view("--scenario") ? "scenario"
                     : flag == std::string_view("--pacing") ? "pacing"
                                                            : "profile") +
                    ": edit the groups in " + options.project +
                    (flag == std::string_view("--scenario") || flag == std::string_view("--pacing")
                         ? std::string()
                         : std::string(" (these flags replace the profile that groups with a "
                                       "weight: share, and no group has one)")),
                {},
                0,
                0,
                flag});
    }
    if (!options.scenario.empty()) {
        project.inlineScenario.reset(); // --scenario replaces steps written in the project
        project.scenario = std::filesystem::absolute(options.scenario).string();
        if (project.name.empty())
            project.name = std::filesystem::path(options.scenario).stem().string();
    }
    const bool flat = options.vus > 0 || !options.duration.empty();
    // Before what --vus needs: the combination is the mistake, not a missing --duration.
    if (!options.arrivalRate.empty() && (!options.rampup.empty() || flat || options.iterations > 0))
        return tl::make_unexpected(optionError(
            "cannot be combined with --rampup, --vus, --duration or --iterations (the open "
            "model's profile sets how many iterations start, and when)",
            "--arrival-rate"));
    if (flat && !options.rampup.empty())
        return tl::make_unexpected(
            Error{"cannot be combined with --vus or --duration (give one or the other)",
                  {},
                  0,
                  0,
                  "--rampup"});
    if (flat) {
        double seconds = iterationsMaxSeconds;
        if (!options.duration.empty()) {
            auto parsed = parseDuration(options.duration, "--duration");
            if (!parsed)
                return tl::make_unexpected(parsed.error());
            seconds = *parsed;
        } else if (options.iterations == 0) {
            return tl::make_unexpected(Error{"needs --duration D or --iterations N (how long "
                                             "the vusers run)",
                                             {},
                                             0,
                                             0,
                                             "--vus"});
        }
        auto profile = flatProfile(std::max(1LL, options.vus), seconds);
        if (!profile)
            return tl::make_unexpected(profile.error());
        project.profile = *profile;
    } else if (options.iterations > 0 && project.profile.empty() && options.rampup.empty() &&
               !grouped) {
        // `--scenario x.cpp --iterations 1`: one vuser, as k6 does.
        project.profile = *flatProfile(1, iterationsMaxSeconds);
    }
    if (!options.rampup.empty()) {
        auto profile = RampProfile::parse(options.rampup);
        if (!profile) {
            auto error = profile.error();
            error.field = "--rampup";
            return tl::make_unexpected(error);
        }
        if (profile->peakVusers() <= 1e-9)
            return tl::make_unexpected(optionError("the profile never starts a vuser (" +
                                                       shortened(profile->toString()) + ")",
                                                   "--rampup"));
        project.profile = *profile;
        project.arrivalRate = {}; // the command line's closed model wins over the file's
    }
    if (flat || (!options.rampup.empty()))
        project.arrivalRate = {};
    if (auto workload = applyWorkloadOptions(options, project); !workload)
        return tl::make_unexpected(workload.error());
    if (project.scenario.empty() && !project.inlineScenario && !options.project.empty() && !grouped)
        return tl::make_unexpected(Error{"the project names no scenario (add \"scenario: FILE\" "
                                         "or give --scenario FILE)",
                                         options.project, 0, 0, "scenario"});
    if (project.scenario.empty() && !project.inlineScenario && !grouped)
        return tl::make_unexpected(Error{"no scenario: give a project file or --scenario FILE"});
    if (project.profile.empty() && project.arrivalRate.empty() && !grouped)
        return tl::make_unexpected(
            Error{"no ramp-up profile: give --rampup SPEC (e.g. 2,60,0,200), --vus N --duration D, "
                  "or --iterations N"});
    for (const auto &spec : options.data) {
        if (auto overridden = overrideDataFile(project, spec); !overridden)
            return tl::make_unexpected(overridden.error());
    }
    if (options.workers >= 0)
        project.workers = options.workers;
    if (options.gracefulStop >= 0)
        project.gracefulStopSeconds = options.gracefulStop;
    if (!options.baseUrl.empty())
        project.http.baseUrl = options.baseUrl;
    return project;
}

/// Says "compiling x.cpp…" while a .cpp scenario compiles, and shows the warnings of a compile
/// (once: a cached plugin is reused silently).
CompileOptions compileOptions(const Options &options)
{
    CompileOptions compile;
    if (!options.quiet) {
        compile.onCompiling = [](const std::string &path) {
            std::fprintf(stderr, "loadwizard: compiling %s…\n", path.c_str());
            std::fflush(stderr);
        };
    }
    compile.onWarnings = [](const std::string &path, const std::string &output) {
        std::string text = output;
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        std::fprintf(stderr, "loadwizard: warning: %s compiled with warnings:\n%s\n", path.c_str(),
                     text.c_str());
        std::fflush(stderr);
    };
    return compile;
}

/// True when `output` would replace the file `input` (a report written over the project or the
/// scenario, or two reports over each other). Devices and pipes are written in place, in turn:
/// two reports may share /dev/stdout.
bool sameRegularFile(const std::string &output, const std::string &input)
{
    namespace fs = std::filesystem;
    if (output.empty() || input.empty())
        return false;
    std::error_code error;
    const auto status = fs::status(output, error);
    if (fs::exists(status) && !fs::is_regular_file(status))
        return false;
    if (fs::exists(status) && fs::exists(input, error))
        return fs::equivalent(output, input, error);
    return fs::weakly_canonical(output, error) == fs::weakly_canonical(input, error);
}

/// Ends the process with `code` in `seconds` from now, unless it ended before.
void endWithin(double seconds, int code, const std::string &scenario)
{
    std::thread([seconds, code, scenario] {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        std::fprintf(stderr,
                     "loadwizard: scenario \"%s\" still cleans up %.0f s after the summary "
                     "(its destructor or static destructors do not return): ending\n",
                     scenario.c_str(), seconds);
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(code);
    }).detach();
}

int runProject(const Project &project, const Parameters &overrides, const Options &options)
{
    std::vector<ThresholdSettings> thresholds;
    for (const auto &flag : options.thresholds) {
        auto threshold = parseThresholdFlag(flag, project.groupNames());
        if (!threshold) {
            printError(threshold.error().toString() + " in \"" + shortened(flag) + "\"");
            return BadInput;
        }
        thresholds.push_back(std::move(*threshold));
    }
    // Opened now so an unwritable path fails before the test, not after it.
    const auto claim = [](const std::string &path, const char *flag,
                          std::optional<AtomicFile> &slot) {
        if (path.empty())
            return true;
        auto file = AtomicFile::open(path);
        if (!file) {
            auto error = file.error();
            error.field = flag;
            printError(error.toString());
            return false;
        }
        slot.emplace(std::move(*file));
        return true;
    };
    // A report written over the project or the scenario would destroy what the user made.
    const std::vector<std::pair<std::string, std::string>> reports{
        {"--summary-json", options.summaryJson}, {"--junit", options.junit}};
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const auto &[flag, path] = reports[i];
        std::string clash;
        if (sameRegularFile(path, project.path))
            clash = "the project file " + project.path;
        else if (sameRegularFile(path, project.scenarioPath()))
            clash = "the scenario " + project.scenarioPath();
        for (std::size_t j = 0; j < i && clash.empty(); ++j) {
            if (sameRegularFile(path, reports[j].second))
                clash = "the file " + reports[j].first + " writes";
        }
        if (!clash.empty()) {
            printError(flag + ": " + path + " is " + clash + ": give the report a file of its own");
            return BadInput;
        }
    }
    std::optional<AtomicFile> summaryFile, junitFile;
    if (!claim(options.summaryJson, "--summary-json", summaryFile) ||
        !claim(options.junit, "--junit", junitFile))
        return BadInput;
    // Watched from before the preparation: a .cpp scenario may take long to compile, and Ctrl-C
    // must end that too. The handlers run on the watcher's thread.
    std::mutex activeMutex; // held while a handler uses the session, so it cannot go meanwhile
    RunSession *active = nullptr;
    bool crashHandled = false;
    std::atomic<long long> hardStopNs{0}; ///< after an abort: when to end whatever still blocks
    const auto steadyNs = [] {
        return (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    // A crash in scenario code parks the crashed thread for this long while the run ends and
    // its summary is written (crashguard.h).
    constexpr double crashGraceSeconds = 5;
    // After the summary: how long the scenario's destruction and the process's end may take.
    constexpr double cleanUpSeconds = 2;
    CrashGuard::install(crashGraceSeconds);
    SignalWatcher signals(
        [&] {
            std::lock_guard lock(activeMutex);
            RunSession *run = active;
            if (!run) {
                std::fprintf(stderr, "\nloadwizard: interrupted before the run started\n");
                cancelCompilation();
            } else if (run->runFinished()) {
                std::fprintf(stderr, "\nloadwizard: the run is over; the outputs are delivering "
                                     "what they hold (again to stop them)\n");
            } else {
                std::fprintf(stderr, "\nloadwizard: stopping gracefully (again to abort)\n");
                run->stop();
            }
        },
        [&] {
            std::lock_guard lock(activeMutex);
            std::fprintf(stderr, "\nloadwizard: aborting\n");
            // Whatever may still block (an output or stdout nobody reads): 2 s, then the end.
            if (hardStopNs == 0)
                hardStopNs = steadyNs() + 2'000'000'000LL;
            if (RunSession *run = active) {
                run->abort();
            } else {
                // Nothing ran, and the preparation may be stuck in a scenario's init(): no
                // summary to write, nothing to wait for.
                cancelCompilation();
                std::fflush(stderr);
                std::_Exit(Interrupted);
            }
        },
        [&] {
            // A crashed worker is parked in the crash handler: abort the rest of the run, whose
            // summary the main thread then writes.
            if (hardStopNs != 0 && steadyNs() > hardStopNs) {
                std::fprintf(stderr, "loadwizard: still blocked 2 s after the abort (an output "
                                     "or a pipe nobody reads): ending without the rest\n");
                std::_Exit(Interrupted);
            }
            std::lock_guard lock(activeMutex);
            if (!crashHandled && active && CrashGuard::crashed()) {
                crashHandled = true;
                active->abort();
            }
        });
    RunSessionOptions sessionOptions{overrides, options.outputs, options.flushTimeout};
    sessionOptions.compile = compileOptions(options);
    sessionOptions.iterationsPerVuser = options.iterations;
    sessionOptions.thresholds = std::move(thresholds);
    sessionOptions.results.save = !options.noResults;
    sessionOptions.results.folder = options.results;
    if (options.resultsInCurrentFolder)
        sessionOptions.results.baseFolder = std::filesystem::current_path().string();
    sessionOptions.results.commandLine = options.commandLine;
    sessionOptions.results.hint = "give the results another folder with --results DIR, or none "
                                  "with --no-results";
    sessionOptions.trace.verbose = options.verbose || !options.httpDebug.empty();
    sessionOptions.trace.http = options.httpDebug == "full"      ? TraceSettings::Http::Full
                                : options.httpDebug == "headers" ? TraceSettings::Http::Headers
                                                                 : TraceSettings::Http::Off;
    auto session = RunSession::prepare(project, std::move(sessionOptions));
    if (signals.signalled())
        return Interrupted; // nothing ran: no summary to write
    if (!session) {
        printError(session.error().toString());
        return BadInput;
    }
    RunSession &run = **session;
    // Cleared before the session goes: the watcher may still see a late signal.
    struct Clear
    {
        std::mutex &mutex;
        RunSession *&active;
        ~Clear()
        {
            std::lock_guard lock(mutex);
            active = nullptr;
        }
    } clear{activeMutex, active};
    {
        std::lock_guard lock(activeMutex);
        active = &run;
    }
    for (const auto &warning : run.warnings())
        std::fprintf(stderr, "loadwizard: warning: %s\n", warning.c_str());
    // A flat profile from --vus/--iterations reads better as what was asked for.
    const bool flat =
        options.vus > 0 || !options.duration.empty() ||
        (options.iterations > 0 && options.rampup.empty() && project.profile.steps().size() == 2 &&
         project.profile.totalSeconds() == iterationsMaxSeconds);
    std::string profile = run.header().profile;
    if (flat)
        profile = "flat";
    if (options.iterations > 0)
        profile += ", " + std::to_string(options.iterations) + " iteration" +
                   (options.iterations == 1 ? "" : "s") + " per vuser";
    if (flat || options.iterations > 0) {
        char peak[64];
        std::snprintf(peak, sizeof peak, " (%.0f vusers)",
                      std::ceil(project.profile.peakVusers() - 1e-9));
        run.setProfileLabel(profile + (flat ? peak : ""));
    }
    if (!options.quiet) {
        if (!project.groups.empty()) {
            std::fprintf(stderr, "loadwizard %s: %zu groups\n", LOADWIZARD_VERSION,
                         project.groups.size());
            for (const ProjectGroup &group : project.groups)
                std::fprintf(stderr, "loadwizard: group %s: %s\n", group.name.c_str(),
                             describeGroupWorkload(project, group).c_str());
        } else if (!project.arrivalRate.empty())
            std::fprintf(stderr,
                         "loadwizard %s: scenario %s, %s (%.0f s, peak %g/s, %lld arrivals, "
                         "pool %lld to %lld vusers)\n",
                         LOADWIZARD_VERSION, run.header().scenario.c_str(), profile.c_str(),
                         project.arrivalRate.totalSeconds(), project.arrivalRate.peakRate(),
                         (long long)project.arrivalRate.totalArrivals(), project.preAllocatedVusers,
                         std::max(project.preAllocatedVusers, project.maxVusers));
        else
            std::fprintf(stderr,
                         "loadwizard %s: scenario %s, profile %s (%s%.0f s, peak %.0f vusers)\n",
                         LOADWIZARD_VERSION, run.header().scenario.c_str(), profile.c_str(),
                         options.iterations > 0 ? "at most " : "", project.profile.totalSeconds(),
                         std::ceil(project.profile.peakVusers() - 1e-9));
        for (const auto &name : run.outputNames())
            std::fprintf(stderr, "loadwizard: output %s\n", name.c_str());
        if (const auto placeholders = secretPlaceholders(); !placeholders.empty()) {
            std::string list;
            for (const auto &placeholder : placeholders)
                list += (list.empty() ? "" : ", ") + placeholder;
            std::fprintf(stderr,
                         "loadwizard: values from the environment are redacted in all output: "
                         "shown as %s\n",
                         list.c_str());
        }
    }

    Profiling profiling(options.cpuProfile, options.memProfile);
    if (auto ok = profiling.start(); !ok) {
        printError(ok.error().toString());
        return BadInput;
    }

    Progress progress(options.quiet, options.verbose || !options.httpDebug.empty());
    run.addObserver([&progress](const auto &snapshot) { progress(snapshot); });
    if (signals.signalled())
        return Interrupted;
    // Again: this exit() trap runs before the exit handlers the scenario registers from now on.
    CrashGuard::install(crashGraceSeconds);
    if (auto started = run.start(); !started) {
        printError(started.error().toString());
        return BadInput;
    }
    if (!options.quiet && !run.resultsFolder().empty())
        std::fprintf(stderr, "loadwizard: results in %s\n", run.resultsFolder().c_str());
    const auto final = run.finish();
    profiling.stop();
    if (!final) {
        printError("the run produced no results");
        return RunFailed;
    }
    int code = signals.signalled() ? Interrupted : Success;
    std::fputs(run.summaryText().c_str(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        // A closed pipe (`| head -1`) is the reader's choice; a full disk or a broken file is not.
        if (errno != EPIPE) {
            printError(std::string("cannot write the summary to standard output: ") +
                       std::strerror(errno));
            code = RunFailed;
        }
    }
    const auto writeOut = [&code](std::optional<AtomicFile> &file, const std::string &text) {
        if (!file)
            return;
        auto written = file->write(text);
        if (written)
            written = file->commit();
        if (!written) {
            printError(written.error().toString());
            code = RunFailed;
        }
    };
    writeOut(summaryFile, run.summaryJson());
    writeOut(junitFile, run.junitXml());
    if (const auto &error = run.resultsError()) {
        printError("the results folder is incomplete: " + error->toString());
        code = code == Success ? RunFailed : code;
    }
    // The exit status the process will have, as far as it is known here.
    const auto recordExit = [&run](int status) {
        run.recordExitCode(status);
        if (!run.resultsFolder().empty() && !run.resultsError())
            std::fprintf(stderr, "loadwizard: results saved in %s\n", run.resultsFolder().c_str());
    };
    if (const std::string verdict = run.verdict(); !verdict.empty())
        std::fprintf(stderr, "loadwizard: finished — %s\n", verdict.c_str());
    // The least severe failure: a crash (3), a run that could not complete (1) or an interrupt
    // (130) say more than a missed objective.
    if (code == Success && run.failedThresholdCount() > 0)
        code = ThresholdsFailed;
    if (CrashGuard::crashed()) {
        recordExit(CrashGuard::crashStatus);
        // Said by the crash handler and in the summary (INCOMPLETE): only the ending is left.
        std::fflush(stderr);
        CrashGuard::endProcess();
    }
    if (run.abandonedWorkers()) {
        // A thread still spins in scenario code: end the process without waiting for it (and
        // without exit handlers that could run into it).
        printError("a worker never came back from scenario code and was left behind; the "
                   "summary covers the run until its last report");
        code = code == Success || code == ThresholdsFailed ? RunFailed : code;
        recordExit(code);
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(code);
    }
    recordExit(code);
    // What is left runs no guarded path: the scenario's destructor, its plugin's static
    // destructors, the process's exit. A scenario that hangs there must not hang the process
    // after its summary was written.
    endWithin(cleanUpSeconds, code, run.header().scenario);
    return code;
}

int commandRun(const Options &given)
{
    Options options = given;
    takeStepScenarioArgument(options);
    auto overrides = parseParams(options.params);
    if (!overrides) {
        printError(overrides.error().toString());
        return BadInput;
    }
    auto project = projectFor(options);
    if (!project) {
        printError(project.error().toString());
        return BadInput;
    }
    return runProject(*project, *overrides, options);
}

int commandValidate(const Options &options)
{
    CrashGuard::install(0); // init() runs: a crash or exit() in it must not read as success
    std::vector<Error> warnings;
    tl::expected<Project, Error> project;
    if (Steps::isStepScenarioFile(options.project)) {
        // A scenario of YAML steps alone: compiled as one vuser would run it.
        project = Project{};
        project->scenario = std::filesystem::absolute(options.project).string();
        project->profile = *RampProfile::parse("1,1");
    } else {
        project = loadProject(options.project, &warnings);
    }
    for (const auto &warning : warnings)
        std::fprintf(stderr, "loadwizard: warning: %s\n", warning.toString().c_str());
    if (!project) {
        printError(project.error().toString());
        return BadInput;
    }
    auto prepared = prepareRun(*project, {}, compileOptions(options));
    if (!prepared) {
        printError(prepared.error().toString());
        return BadInput;
    }
    for (const auto &warning : prepared->warnings)
        std::fprintf(stderr, "loadwizard: warning: %s\n", warning.c_str());
    if (auto problem = intendedThresholdProblem(*project, {}, prepared->config)) {
        printError(problem->toString()); // as `run` refuses it
        return BadInput;
    }
    if (!project->groups.empty()) {
        double seconds = 0;
        for (const ProjectGroup &group : project->groups) {
            const double own = group.weight > 0 ? std::max(project->profile.totalSeconds(),
                                                           project->arrivalRate.totalSeconds())
                               : group.arrivalRate.empty() ? group.profile.totalSeconds()
                                                           : group.arrivalRate.totalSeconds();
            seconds = std::max(seconds, own + (group.weight > 0 ? 0 : group.startDelaySeconds));
        }
        std::printf("%s: ok (%zu groups, %.0f s)\n", options.project.c_str(),
                    project->groups.size(), seconds);
        for (std::size_t g = 0; g < project->groups.size(); ++g)
            std::printf("  group %s: scenario %s, %s\n", project->groups[g].name.c_str(),
                        prepared->config.groups[g].scenarioId.c_str(),
                        describeGroupWorkload(*project, project->groups[g]).c_str());
    } else if (!project->arrivalRate.empty())
        std::printf("%s: ok (scenario %s, arrival rate %s: %.0f s, peak %g/s, pool %lld to %lld "
                    "vusers)\n",
                    options.project.c_str(), prepared->config.scenarioId.c_str(),
                    project->arrivalRate.toString().c_str(), project->arrivalRate.totalSeconds(),
                    project->arrivalRate.peakRate(), (long long)project->preAllocatedVusers,
                    (long long)std::max(project->maxVusers, project->preAllocatedVusers));
    else
        std::printf("%s: ok (scenario %s, %zu profile steps, %.0f s, peak %.0f vusers)\n",
                    options.project.c_str(), prepared->config.scenarioId.c_str(),
                    project->profile.steps().size(), project->profile.totalSeconds(),
                    std::ceil(project->profile.peakVusers() - 1e-9));
    for (const ThresholdSettings &threshold : project->thresholds) {
        std::string onFailure;
        if (threshold.abort && threshold.graceSeconds > 0) {
            char grace[64];
            std::snprintf(grace, sizeof grace, " (abort after %g s)", threshold.graceSeconds);
            onFailure = grace;
        } else if (threshold.abort)
            onFailure = " (abort)";
        std::printf("  threshold %s%s\n", threshold.expression.c_str(), onFailure.c_str());
    }
    for (const DataFeed &feed : prepared->config.data)
        std::printf("  data %s: %zu rows, columns %s (%s)\n", feed.name.c_str(),
                    feed.table->rowCount(), feed.table->columnList().c_str(),
                    std::string(dataStrategyName(feed.strategy)).c_str());
    return Success;
}

tl::expected<std::pair<std::string, int>, Error> parseListen(const std::string &listen)
{
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        return tl::make_unexpected(
            Error{"expected HOST:PORT, got \"" + listen + "\"", {}, 0, 0, "--listen"});
    std::string host = listen.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = 0;
    try {
        std::size_t used = 0;
        port = std::stoi(listen.substr(colon + 1), &used);
        if (used != listen.size() - colon - 1 || port < 0 || port > 65535)
            throw std::out_of_range("port");
    } catch (const std::exception &) {
        return tl::make_unexpected(Error{"bad port in \"" + listen + "\"", {}, 0, 0, "--listen"});
    }
    return std::pair{host, port};
}

int commandTarget(const Options &options)
{
    auto listen = parseListen(options.listen);
    if (!listen) {
        printError(listen.error().toString());
        return BadInput;
    }
    TargetServer server;
    if (auto ok = server.start(listen->first, listen->second); !ok) {
        printError(ok.error().toString());
        return BadInput;
    }
    std::printf("loadwizard target listening on %s (Ctrl-C to stop)\n", server.baseUrl().c_str());
    std::fflush(stdout);
    SignalWatcher signals([&server] { server.stop(); }, [&server] { server.stop(); });
    server.wait();
    return Success;
}

int commandDemo(Options options)
{
    TargetServer server;
    if (auto ok = server.start("127.0.0.1", 0); !ok) {
        printError(ok.error().toString());
        return RunFailed;
    }
    options.project = demoProjectPath();
    options.resultsInCurrentFolder = true;
    auto project = projectFor(options);
    if (!project) {
        printError(project.error().toString());
        return BadInput;
    }
    auto overrides = parseParams(options.params);
    if (!overrides) {
        printError(overrides.error().toString());
        return BadInput;
    }
    const bool builtIn = overrides->try_emplace("base_url", server.baseUrl()).second;
    std::fprintf(stderr, "loadwizard: demo project %s against %s%s\n", options.project.c_str(),
                 builtIn ? "the built-in target at " : "", overrides->at("base_url").c_str());
    return runProject(*project, *overrides, options);
}

/// CLI::Range lets NaN through (every comparison with it is false).
const CLI::Validator finite(
    [](std::string &text) -> std::string {
        double value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size())
            return "\"" + shortened(text) + "\" is not a number";
        return std::isfinite(value) ? std::string() : "must be a finite number";
    },
    "SECONDS", "finite");

/// `--junit ''` (an unset variable in a CI script) is a mistake, not "no report".
const CLI::Validator nonEmpty(
    [](std::string &text) -> std::string {
        return text.empty() ? "is empty (an unset variable?)" : std::string();
    },
    "", "non-empty");

void addRunOptions(CLI::App *command, Options &options)
{
    command->add_option("--rampup", options.rampup,
                        "Ramp-up profile: pairs of (vusers added per second, seconds), "
                        "e.g. 2,60,0,200");
    command->add_option("--arrival-rate", options.arrivalRate,
                        "Open model: iterations per second as target,seconds pairs from 0/s, "
                        "e.g. 0,0,2000,10,2000,60 (up to 2000/s in 10 s, then 60 s at 2000/s)");
    command
        ->add_option("--pre-allocated-vusers", options.preAllocated,
                     "Open model: vusers initialised before the first arrival")
        ->check(CLI::Range(0LL, (long long)RampProfile::maxVusers));
    command
        ->add_option("--max-vusers", options.maxVusers,
                     "Open model: the pool grows up to N vusers; an arrival finding none idle "
                     "then is dropped and counted (default: the pre-allocated count)")
        ->check(CLI::Range(0LL, (long long)RampProfile::maxVusers));
    command->add_option("--pacing", options.pacing,
                        "Closed model: at least SECONDS between a vuser's iteration starts, or "
                        "a random MIN-MAX range (e.g. 2 or 1-3)");
    command->add_option("--param", options.params, "Scenario parameter key=value (repeatable)");
    command->add_option("--base-url", options.baseUrl,
                        "Base URL for the scenario's relative URLs (the project's http.base_url)");
    command->add_option("--data", options.data,
                        "Data feeder NAME=FILE: read FILE instead (repeatable)");
    command->add_option("--workers", options.workers, "Worker threads (default: one per core)")
        ->check(CLI::Range(0, maxWorkers));
    command
        ->add_option("--graceful-stop", options.gracefulStop,
                     "Seconds in-flight iterations get at the end (default 30)")
        ->check(finite & CLI::Range(0.0, 86400.0));
    command->add_option("--summary-json", options.summaryJson, "Write the summary as JSON");
    command->add_option("--junit", options.junit,
                        "Write a JUnit XML report: one test case per threshold and per check");
    command->add_option("--threshold", options.thresholds,
                        "Pass/fail criterion, e.g. 'p95(requests) < 500ms' (repeatable); append "
                        "';abort' to stop the run when it fails, ';grace=10s' to wait first");
    command->add_option("--out", options.outputs,
                        "Send metrics to KIND=TARGET[?key=value&...] (repeatable): influxdb, "
                        "graphite, elasticsearch, logstash, json, csv");
    command
        ->add_option("--flush-timeout", options.flushTimeout,
                     "Seconds the outputs get to deliver what is queued at the end (default 10)")
        ->check(finite & CLI::Range(0.0, 3600.0));
    command->add_flag("--quiet,-q", options.quiet, "No progress output");
    command->add_flag("--verbose,-v", options.verbose,
                      "Show vu.log() lines and one line per request on stderr");
    command
        ->add_flag("--http-debug{headers}", options.httpDebug,
                   "Show each request and response with headers; --http-debug=full adds "
                   "bodies (cut at 4 KiB). Implies -v")
        ->check(CLI::IsMember({"headers", "full"}));
    command
        ->add_option("--iterations", options.iterations,
                     "Each vuser runs N iterations, then stops; the run ends when all are done "
                     "(at most 10 min without --duration)")
        ->check(CLI::Range(std::uint64_t(1), std::uint64_t(1) << 53));
    command
        ->add_option("--vus", options.vus,
                     "Shorthand for a flat profile: N vusers at once (with --duration or "
                     "--iterations)")
        ->check(CLI::Range(1LL, (long long)RampProfile::maxVusers));
    command->add_option("--duration", options.duration,
                        "How long the --vus run: 30s, 2m, 1h30m or plain seconds");
    auto *results = command->add_option(
        "--results", options.results,
        "Save the results in DIR (default: results/DATE-TIME-PROJECT/ next to the project)");
    command->add_flag("--no-results", options.noResults, "Do not save a results folder")
        ->excludes(results);
    command->add_option("--cpuprofile", options.cpuProfile, "gperftools CPU profile (pprof)");
    command->add_option("--memprofile", options.memProfile, "gperftools heap profile (pprof)");
    for (const char *name : {"--rampup", "--arrival-rate", "--pacing", "--param", "--base-url",
                             "--data", "--summary-json", "--junit", "--threshold", "--out",
                             "--duration", "--cpuprofile", "--memprofile", "--results"})
        command->get_option(name)->check(nonEmpty);
}

} // namespace

int runHeadless(int argc, char **argv)
{
    Profiling::reexecForHeapProfile(argc, argv);
    // Before any thread exists, so SIGINT/SIGTERM reach only the SignalWatcher's thread.
    SignalWatcher::blockSignals();
    Options options;
    options.commandLine.assign(argv, argv + argc);
    CLI::App app{"Loadwizard: a load-test workbench with scenarios in compiled C++", "loadwizard"};
    app.set_version_flag("--version", std::string("loadwizard ") + LOADWIZARD_VERSION);
    app.require_subcommand(0, 1);
    std::string headlessProject;
    app.add_option("--headless", headlessProject, "Run PROJECT.yaml without the GUI (= run)");
    app.footer("Exit codes: 0 success, 1 run failed, 2 bad input or configuration, 3 the "
               "scenario crashed or called exit(), 99 a threshold failed, 130 interrupted.\nDocs: "
               "README.md and docs/ "
               "in the source tree.");

    auto *run = app.add_subcommand("run", "Run a project or a scenario headless");
    run->add_option("project", options.project, "Project file, or a scenario of YAML steps");
    run->add_option("--scenario", options.scenario,
                    "Scenario: .so, .cpp (compiled) or .yaml (steps)")
        ->check(nonEmpty);
    addRunOptions(run, options);

    auto *validate = app.add_subcommand(
        "validate",
        "Check a project file and its scenario (this loads the scenario plugin and runs "
        "its init(): validate only projects whose code you trust)");
    validate->add_option("project", options.project, "Project file, or a scenario of YAML steps")
        ->required();

    auto *target = app.add_subcommand("target", "Serve the built-in HTTP target for demos/tests");
    target->add_option("--listen", options.listen, "HOST:PORT (default 127.0.0.1:8080)");

    auto *demo = app.add_subcommand("demo", "Run the bundled demo against the built-in target");
    addRunOptions(demo, options);

    auto *create = app.add_subcommand(
        "new", "Write a starter folder NAME/: project, scenario .cpp, CMakeLists.txt, README.md");
    create->add_option("name", options.newName, "Folder (and project) name")->required();

    ImportCommand import;
    import.addTo(app);
    ReportCommands reports;
    reports.addTo(app);

    auto arguments = normalizedArguments(argc, argv);
    std::reverse(arguments.begin(), arguments.end()); // CLI11 takes them back to front
    try {
        app.parse(arguments);
    } catch (const CLI::ParseError &e) {
        const int code = app.exit(e);
        return code == 0 ? Success : BadInput;
    }

    if (!headlessProject.empty()) {
        options.project = headlessProject;
        return commandRun(options);
    }
    if (run->parsed())
        return commandRun(options);
    if (validate->parsed())
        return commandValidate(options);
    if (target->parsed())
        return commandTarget(options);
    if (demo->parsed())
        return commandDemo(options);
    if (create->parsed())
        return commandNew(options.newName);
    if (import.parsed())
        return import.run();
    if (reports.parsed())
        return reports.run();
    std::fputs(app.help().c_str(), stdout);
    return Success;
}

} // namespace Loadwizard::App
