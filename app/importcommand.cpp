#include "importcommand.h"

#include "headless.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/cppwriter.h>
#include <loadwizard/curlimport.h>
#include <loadwizard/harimport.h>
#include <loadwizard/stepsyaml.h>

#include <CLI/CLI.hpp>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace Loadwizard::App {

using namespace Loadwizard::Import;

namespace {

/// curl commands come from arguments, files or stdin: at most this much text.
constexpr std::size_t maxCurlBytes = 16u << 20;

void printError(const std::string &message)
{
    std::fprintf(stderr, "loadwizard: %s\n", message.c_str());
}

tl::expected<std::string, Error> readText(const std::string &path, std::istream &in)
{
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, std::size_t(in.gcount()));
        if (text.size() > maxCurlBytes)
            return tl::make_unexpected(Error{
                "more than " + std::to_string(maxCurlBytes >> 20) + " MiB of curl commands", path});
    }
    if (in.bad())
        return tl::make_unexpected(Error{"cannot read", path});
    return text;
}

/// The plugin id of a C++ output: its file name's stem, as an identifier-ish word.
std::string pluginId(const std::string &output, const std::string &fallback)
{
    std::string stem = output.empty() ? fallback : std::filesystem::path(output).stem().string();
    std::string id;
    for (char c : stem)
        id += std::isalnum((unsigned char)c) ? char(std::tolower((unsigned char)c)) : '_';
    return id.empty() ? std::string("imported") : id;
}

} // namespace

void ImportCommand::addTo(CLI::App &app)
{
    command = app.add_subcommand(
        "import", "Turn a browser recording (HAR) or curl commands into a scenario (YAML or C++)");
    command->require_subcommand(1);
    const auto common = [this](CLI::App *sub) {
        sub->add_option("-o,--output", output,
                        "Write the scenario to FILE (default: standard output)");
        sub->add_flag("--force", force, "Overwrite the output file when it exists");
        sub->add_option("--base-url", baseUrl,
                        "Requests to this origin become relative (default: the first request's "
                        "origin)");
        sub->add_option("--to", to, "Output: yaml (a declarative scenario) or cpp (C++ SDK)")
            ->check(CLI::IsMember({"yaml", "cpp"}));
    };
    har =
        command->add_subcommand("har", "Import a HAR 1.2 file (browser devtools: Save all as HAR)");
    har->add_option("file", harFile, "The .har file")->required();
    har->add_option("--exclude", exclude,
                    "Leave out requests whose URL this ECMAScript regex finds");
    har->add_flag("--include-static", includeStatic,
                  "Keep images, CSS, fonts, scripts, media and favicons");
    har->add_flag("--no-correlation", noCorrelation,
                  "Keep recorded tokens as they are (no extract + ${var})");
    common(har);
    curl = command->add_subcommand(
        "curl", "Import curl commands (Copy as cURL): command lines, files holding them, or - "
                "for standard input");
    curl->add_option("commands", curlInputs, "'curl …' texts, files, or -")->required();
    common(curl);
}

bool ImportCommand::parsed() const
{
    return command && command->parsed();
}

int ImportCommand::run() const
{
    ImportOptions options;
    options.baseUrl = baseUrl;
    options.exclude = exclude;
    options.includeStatic = includeStatic;
    options.correlate = !noCorrelation;

    // Checked first: a long import must not end in "exists".
    std::error_code ec;
    if (!output.empty() && !force && std::filesystem::exists(output, ec)) {
        printError(output + ": exists (--force overwrites it)");
        return BadInput;
    }

    tl::expected<ImportResult, Error> result;
    if (har->parsed()) {
        result = importHarFile(harFile, options);
    } else {
        std::vector<std::string> texts;
        std::vector<std::string> sources;
        for (const auto &input : curlInputs) {
            const auto first = input.find_first_not_of(" \t\r\n");
            if (input == "-") {
                auto text = readText("standard input", std::cin);
                if (!text) {
                    printError(text.error().toString());
                    return BadInput;
                }
                texts.push_back(std::move(*text));
                sources.push_back("standard input");
            } else if (first != std::string::npos && input.compare(first, 4, "curl") == 0 &&
                       !std::filesystem::is_regular_file(input, ec)) {
                texts.push_back(input);
                sources.push_back("argument " + std::to_string(texts.size()));
            } else {
                errno = 0;
                std::ifstream in(input, std::ios::binary);
                if (!in || std::filesystem::is_directory(input, ec)) {
                    printError(input + ": neither a curl command nor a readable file" +
                               (errno ? std::string(" (") + std::strerror(errno) + ")" : ""));
                    return BadInput;
                }
                auto text = readText(input, in);
                if (!text) {
                    printError(text.error().toString());
                    return BadInput;
                }
                texts.push_back(std::move(*text));
                sources.push_back(input);
            }
        }
        options.sourceName = sources.size() == 1 && sources.front() != "standard input" &&
                                     !sources.front().starts_with("argument ")
                                 ? std::filesystem::path(sources.front()).filename().string()
                                 : "curl";
        result = importCurl(texts, sources, options);
    }
    if (!result) {
        printError(result.error().toString());
        return BadInput;
    }
    for (const auto &warning : result->warnings)
        std::fprintf(stderr, "loadwizard: warning: %s\n", warning.c_str());
    if (har->parsed() && options.correlate)
        std::fputs(result->correlation.toText().c_str(), stderr);

    std::string text;
    if (to == "cpp") {
        auto cpp = stepScenarioToCpp(result->scenario, pluginId(output, result->scenario.name));
        if (!cpp) {
            printError(cpp.error().toString());
            return BadInput;
        }
        text = std::move(*cpp);
    } else {
        text = Steps::stepScenarioToYaml(result->scenario);
    }
    std::fprintf(
        stderr, "loadwizard: %d request%s imported%s%s\n", result->requests,
        result->requests == 1 ? "" : "s", result->baseUrl.empty() ? "" : ", relative to ",
        result->baseUrl.empty()
            ? ""
            : (result->baseUrl + " (run with --base-url " + result->baseUrl + ")").c_str());
    if (output.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (std::fflush(stdout) != 0 && errno != EPIPE) {
            printError(std::string("cannot write to standard output: ") + std::strerror(errno));
            return RunFailed;
        }
        return Success;
    }
    auto file = AtomicFile::open(output);
    if (!file) {
        printError(file.error().toString());
        return BadInput;
    }
    auto written = file->write(text);
    if (written)
        written = file->commit();
    if (!written) {
        printError(written.error().toString());
        return RunFailed;
    }
    return Success;
}

} // namespace Loadwizard::App
