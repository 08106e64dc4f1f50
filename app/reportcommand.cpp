#include "reportcommand.h"

#include "headless.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/comparison.h>
#include <loadwizard/report.h>
#include <loadwizard/results.h>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace Loadwizard::App {

namespace {

namespace fs = std::filesystem;

void printError(const std::string &message)
{
    std::fprintf(stderr, "loadwizard: %s\n", message.c_str());
}

/// The saved run in `folder`, or an error worth showing as it is.
tl::expected<SavedRun, std::string> load(const std::string &folder)
{
    std::error_code ec;
    if (!fs::exists(folder, ec))
        return tl::make_unexpected(folder + ": no such folder");
    if (!fs::is_directory(folder, ec))
        return tl::make_unexpected(folder + ": not a folder (give a run's results folder)");
    if (!fs::exists(fs::path(folder) / "manifest.json", ec)) {
        // A project's folder, or its results/: name the newest saved run.
        for (const fs::path &results : {fs::path(folder) / "results", fs::path(folder)}) {
            const auto runs = listSavedRuns(results.string());
            if (!runs.empty())
                return tl::make_unexpected(
                    folder + ": not a results folder, but " + results.string() + " holds " +
                    std::to_string(runs.size()) + " saved run" + (runs.size() == 1 ? "" : "s") +
                    ", the newest " + runs.front().folder);
        }
        return tl::make_unexpected(folder + ": not a results folder (no manifest.json; runs save "
                                            "theirs under results/ next to the project)");
    }
    auto run = loadResults(folder);
    if (!run)
        return tl::make_unexpected(run.error().toString());
    return std::move(*run);
}

/// The same file, whether or not it exists yet (symlinks and ".." resolved).
bool sameFile(const fs::path &a, const fs::path &b)
{
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec))
        return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

/// Refuses an output that would overwrite what it reads: a file of a results folder, or the
/// project a run copied.
tl::expected<void, std::string> checkOutput(const std::string &output,
                                            const std::vector<const SavedRun *> &runs)
{
    std::error_code ec;
    if (fs::is_directory(output, ec))
        return tl::make_unexpected(output + ": is a folder (give a file name, e.g. report.html)");
    for (const SavedRun *run : runs) {
        for (const char *name :
             {"manifest.json", "project.yaml", "series.jsonl", "histograms.jsonl",
              "histograms.jsonl.gz", "events.jsonl", "summary.json"}) {
            if (sameFile(output, fs::path(run->folder) / name))
                return tl::make_unexpected(output + ": is the results folder's own " + name +
                                           " (write the report elsewhere)");
        }
        if (!run->manifest.projectFile.empty() && sameFile(output, run->manifest.projectFile))
            return tl::make_unexpected(output + ": is the run's project file (write the report "
                                                "elsewhere)");
    }
    return {};
}

int write(const std::string &output, const std::string &page,
          const std::vector<const SavedRun *> &runs)
{
    if (auto ok = checkOutput(output, runs); !ok) {
        printError(ok.error());
        return BadInput;
    }
    if (auto written = writeFileAtomically(output, page); !written) {
        printError("cannot write the report: " + written.error().toString());
        return BadInput;
    }
    std::printf("report written to %s (%zu KB)\n", output.c_str(), (page.size() + 1023) / 1024);
    return Success;
}

std::string label(const SavedRun &run)
{
    std::string text = run.folder + " (" + runEndingLabel(run.manifest.status, true);
    if (!run.manifest.verdict.empty())
        text += ", " + run.manifest.verdict;
    return text + ")";
}

} // namespace

void ReportCommands::addTo(CLI::App &app)
{
    report = app.add_subcommand(
        "report", "Write a saved run's results folder as one self-contained HTML report");
    report->add_option("folder", folder, "The run's results folder (results/DATE-TIME-PROJECT)")
        ->required();
    report->add_option("-o,--output", output, "The HTML file (default: FOLDER/report.html)");

    compare = app.add_subcommand(
        "compare", "Compare two saved runs name by name (A the baseline, B the new run)");
    compare->add_option("a", baseline, "Results folder A (the baseline)")->required();
    compare->add_option("b", candidate, "Results folder B")->required();
    compare->add_option("--html", html, "Also write the comparison as an HTML report");
    compare->add_option("--fail-if", failIf,
                        "Exit 99 when B is worse than A by more than this: 'p95 +10%', "
                        "'p99 +50ms', 'error_rate +1%', 'rps -5%', 'p95{request:GET /x} +10%' "
                        "(repeatable; docs/report.md)");
    compare->footer("Exit codes: 0 compared (and every --fail-if rule holds), 2 bad input, 99 a "
                    "--fail-if rule is broken.");
}

bool ReportCommands::parsed() const
{
    return (report && report->parsed()) || (compare && compare->parsed());
}

int ReportCommands::run() const
{
    // Headless mode blocks the termination signals for its run's watcher; a report has no run
    // to stop gracefully: Ctrl-C ends it (a big folder can take a while).
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    try {
        return report->parsed() ? runReport() : runCompare();
    } catch (const std::exception &e) {
        // A value of the wrong type in a hand-edited file that the reader let through.
        printError(std::string("cannot read the results: ") + e.what());
        return BadInput;
    }
}

int ReportCommands::runReport() const
{
    auto run = load(folder);
    if (!run) {
        printError(run.error());
        return BadInput;
    }
    for (const std::string &warning : run->warnings)
        printError(folder + ": " + warning);
    const std::string target =
        output.empty() ? (fs::path(folder) / "report.html").string() : output;
    // A folder from elsewhere (a CI artifact) may hold a link where the report goes: written
    // through, it would overwrite whatever it points at.
    std::error_code ec;
    if (output.empty() && fs::is_symlink(target, ec)) {
        printError(target + ": is a symbolic link: refused (give -o FILE)");
        return BadInput;
    }
    return write(target, renderReport(*run), {&*run});
}

int ReportCommands::runCompare() const
{
    std::vector<FailRule> rules;
    for (const std::string &text : failIf) {
        auto rule = parseFailRule(text);
        if (!rule) {
            printError(rule.error().toString());
            return BadInput;
        }
        rules.push_back(std::move(*rule));
    }
    auto a = load(baseline);
    if (!a) {
        printError(a.error());
        return BadInput;
    }
    auto b = load(candidate);
    if (!b) {
        printError(b.error());
        return BadInput;
    }
    // The page's target is checked before the comparison is printed, not after.
    if (!html.empty()) {
        if (auto ok = checkOutput(html, {&*a, &*b}); !ok) {
            printError(ok.error());
            return BadInput;
        }
    }
    const RunFigures figuresA = runFigures(*a);
    const RunFigures figuresB = runFigures(*b);

    // Every rule is checked before anything is written: a typo in a scoped name is bad input.
    std::vector<std::pair<const FailRule *, std::vector<RuleBreach>>> outcomes;
    for (const FailRule &rule : rules) {
        auto breaches = checkRule(rule, figuresA, figuresB);
        if (!breaches) {
            printError(breaches.error().toString());
            return BadInput;
        }
        outcomes.emplace_back(&rule, std::move(*breaches));
    }

    std::fputs(formatComparison(figuresA, figuresB, label(*a), label(*b)).c_str(), stdout);
    bool broken = false;
    if (!outcomes.empty())
        std::puts("\n  FAIL-IF RULES");
    for (const auto &[rule, breaches] : outcomes) {
        if (breaches.empty()) {
            std::printf("  ✓ %s\n", rule->text.c_str());
            continue;
        }
        broken = true;
        std::printf("  ✗ %s: broken by %zu name%s\n", rule->text.c_str(), breaches.size(),
                    breaches.size() == 1 ? "" : "s");
        for (const RuleBreach &breach : breaches)
            std::printf("      %s: %s\n", breach.where.c_str(), breach.explanation.c_str());
    }
    // A gate must not pass on a run that did not run its course: its numbers cover part of it.
    const RunEnding endingB = b->manifest.status;
    const bool completeB =
        endingB == RunEnding::Completed || endingB == RunEnding::FailedThresholds;
    if (!outcomes.empty() && !completeB) {
        broken = true;
        std::printf("  ✗ B did not complete (%s): the rules cannot pass on part of a run\n",
                    runEndingLabel(endingB, true).c_str());
    }
    std::fflush(stdout);

    if (!html.empty()) {
        std::vector<RuleOutcome> shown;
        for (const auto &[rule, breaches] : outcomes) {
            RuleOutcome &outcome = shown.emplace_back();
            outcome.rule = rule->text;
            for (const RuleBreach &breach : breaches)
                outcome.breaches.push_back(breach.where + ": " + breach.explanation);
            if (!completeB)
                outcome.breaches.push_back("B did not complete (" +
                                           runEndingLabel(b->manifest.status, true) + ")");
        }
        if (const int code = write(html, renderComparisonReport(*a, *b, {}, shown), {&*a, &*b});
            code)
            return code;
    }
    return broken ? ThresholdsFailed : Success;
}

} // namespace Loadwizard::App
