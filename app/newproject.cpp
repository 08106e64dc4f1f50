#include "newproject.h"

#include "headless.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace Loadwizard::App {

namespace {

// @NAME@ is the folder's name, @ID@ the plugin id (lower case).

constexpr const char *projectTemplate =
    R"(# Made by `loadwizard new`. Start the built-in target in another terminal
# (`loadwizard target`), then: loadwizard run @NAME@.yaml
# Project format: docs/project-format.md in the Loadwizard sources.
loadwizard: 1
name: "@NAME@"
description: Starter project made by loadwizard new.
scenario: @NAME@.cpp
http:
  base_url: "http://127.0.0.1:8080" # relative URLs in @NAME@.cpp resolve against it
profile:
  rampup: "1,5,0,10"
graceful_stop: 5s
)";

constexpr const char *scenarioTemplate =
    R"(// @NAME@: a starter scenario made by `loadwizard new`. SDK: docs/scenario-sdk.md.

#include <loadwizard/scenario.h>

namespace {

class Scenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        {
            // Timed as one step; fails when a request or a check inside it fails.
            auto home = vu.transaction("home page");
            // Relative URLs resolve against http.base_url in @NAME@.yaml (or --base-url).
            const auto page = co_await vu.get("/", {.name = "home"});
            vu.check("home page is 200", page.status == 200);
            const auto health = co_await vu.get("/health", {.name = "health"});
            vu.check("health says ok", health.body == "ok");
        }
        {
            auto api = vu.transaction("echo");
            // JSON in, JSON out: .json sets the body and its Content-Type.
            const auto echo = co_await vu.post(
                "/anything/echo", {.json = {{"vuser", vu.id()}, {"iteration", vu.iteration()}}});
            vu.check("echo returns our vuser", echo.ok() && echo.json("/json/vuser") == vu.id());
        }
        if (vu.iteration() == 0)
            vu.log("first iteration done"); // shown with -v
        co_await vu.think(1.0); // a user reading the page, scaled by think_time.multiplier
    }
};

} // namespace

LOADWIZARD_PLUGIN(Scenario, "@ID@", "@NAME@", "Starter scenario made by loadwizard new.",
                  Loadwizard::noParameters)
)";

constexpr const char *cmakeTemplate = R"(# Builds @NAME@.so against the installed Loadwizard SDK:
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<Loadwizard install prefix>
#   cmake --build build
#   loadwizard run @NAME@.yaml --scenario build/@NAME@.so
# (`loadwizard run @NAME@.yaml` alone compiles @NAME@.cpp itself, with the same flags.)
cmake_minimum_required(VERSION 3.20)
# GCC 11.2 to 12.x (Debian 12's) cannot compile a braced list inside co_await, the way request
# options are written: use clang++ when it is installed and no compiler was chosen.
if(NOT DEFINED CMAKE_CXX_COMPILER AND NOT DEFINED ENV{CXX})
    find_program(CLANGXX NAMES clang++)
    if(CLANGXX)
        set(CMAKE_CXX_COMPILER ${CLANGXX})
    endif()
endif()
project(@NAME@ LANGUAGES CXX)

find_package(LoadwizardSDK REQUIRED)
loadwizard_add_scenario(@NAME@ @NAME@.cpp)
)";

constexpr const char *readmeTemplate = R"(# @NAME@

A Loadwizard load test made by `loadwizard new @NAME@`.

| file | what it is |
|---|---|
| `@NAME@.yaml` | the project: scenario, base URL (`http.base_url`), ramp-up profile |
| `@NAME@.cpp` | the scenario: what one virtual user does per iteration |
| `CMakeLists.txt` | builds the scenario as a plugin against the installed SDK |

Try it against the built-in target (start it in another terminal first):

    loadwizard target                      # serves http://127.0.0.1:8080
    loadwizard run @NAME@.yaml --vus 1 --iterations 1 --http-debug
    loadwizard run @NAME@.yaml             # the project's profile

Point it elsewhere with `--base-url http://host:port`. `loadwizard run` compiles
`@NAME@.cpp` itself (cached); to build the plugin with your own toolchain and IDE instead:

    cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/loadwizard/prefix
    cmake --build build
    loadwizard run @NAME@.yaml --scenario build/@NAME@.so
)";

std::string filled(std::string text, const std::string &name, const std::string &id)
{
    const auto replaceAll = [&text](const std::string &from, const std::string &to) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
            text.replace(at, from.size(), to), at += to.size();
    };
    replaceAll("@NAME@", name);
    replaceAll("@ID@", id);
    return text;
}

void printError(const std::string &message)
{
    std::fprintf(stderr, "loadwizard: %s\n", message.c_str());
}

} // namespace

int commandNew(const std::string &path)
{
    fs::path folder(path);
    while (!folder.empty() && !folder.has_filename() && folder.parent_path() != folder)
        folder = folder.parent_path(); // "demo/"
    const std::string name = folder.filename().string();
    // The name becomes a file name, a CMake target, a C++ plugin id and a YAML value: keep it to
    // what all of them take unquoted.
    bool valid = !name.empty() && name.size() <= 64 &&
                 ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
    std::string id;
    for (char c : name) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool other = (c >= '0' && c <= '9') || c == '_' || c == '-';
        valid = valid && (letter || other);
        id += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
    // CMake reserves these target names.
    for (const char *reserved : {"all", "clean", "help", "install", "test", "package"})
        valid = valid && id != reserved;
    if (!valid) {
        printError(
            "new: \"" + name +
            "\" is not a usable name (a letter, then letters, digits, '_' or '-', at most 64; "
            "not a name CMake reserves: all, clean, help, install, package, test)");
        return BadInput;
    }
    std::error_code ec;
    if (fs::exists(fs::symlink_status(folder, ec))) {
        printError("new: " + folder.string() + " already exists; not overwriting it");
        return BadInput;
    }
    if (!fs::create_directories(folder, ec) || ec) {
        printError("new: cannot create " + folder.string() + ": " +
                   (ec ? ec.message() : std::string("unknown error")));
        return BadInput;
    }
    const std::vector<std::pair<std::string, const char *>> files = {
        {name + ".yaml", projectTemplate},
        {name + ".cpp", scenarioTemplate},
        {"CMakeLists.txt", cmakeTemplate},
        {"README.md", readmeTemplate},
    };
    for (const auto &[file, text] : files) {
        const fs::path target = folder / file;
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        out << filled(text, name, id);
        out.close();
        if (!out) {
            printError("new: cannot write " + target.string());
            return RunFailed;
        }
    }
    std::printf("Created %s/ with %s.yaml, %s.cpp, CMakeLists.txt and README.md.\n"
                "Next: start `loadwizard target` in another terminal, then\n"
                "  loadwizard run %s --vus 1 --iterations 1 --http-debug\n",
                folder.string().c_str(), name.c_str(), name.c_str(),
                (folder / (name + ".yaml")).string().c_str());
    return Success;
}

} // namespace Loadwizard::App
