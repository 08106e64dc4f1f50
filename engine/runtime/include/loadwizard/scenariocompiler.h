#pragma once

#include <loadwizard/error.h>
#include <loadwizard/plugin.h>

#include <tl/expected.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Loadwizard {

/// How a `.cpp` scenario is turned into a plugin. Every empty field means "the default".
struct CompileOptions
{
    std::string compiler;                ///< empty: $CXX, else the compiler that built us, else c++
    std::vector<std::string> extraFlags; ///< appended after the standard flags
    std::string cacheDir;                ///< empty: Paths::cacheDir()
    std::string sdkIncludeDir;           ///< empty: Paths::sdkIncludeDir()
    /// Called just before the compiler starts (never on a cache hit), with the source's path:
    /// to say "compiling x.cpp…" during the seconds it takes.
    std::function<void(const std::string &cppPath)> onCompiling;
    /// Called after a successful compile that printed something (warnings), with the compiler's
    /// whole output; a cache hit reuses the library silently, so warnings show once.
    std::function<void(const std::string &cppPath, const std::string &output)> onWarnings;
};

/// The flags every scenario plugin is built with, by compileScenario() and by the installed
/// CMake package's loadwizard_add_scenario() alike: C++20, hidden symbols, and a discarded
/// awaitable ([[nodiscard]]: a forgotten co_await) as an error.
const std::vector<std::string> &scenarioCompileFlags();

/// Adds "did you forget co_await?" to a compiler's unused-result ([[nodiscard]]) diagnostics.
std::string withCoAwaitHints(const std::string &compilerOutput);

/// Compiles `cppPath` into `<cacheDir>/<stem>-<key>.so` unless that file is already cached; the key
/// covers the source, the SDK headers, the compiler and its version, the flags and the API version.
/// Only `cppPath` itself is hashed: headers it includes from its own folder are not tracked.
/// When the compiler fails, the Error holds its whole output as the message and each of its
/// messages in Error::diagnostics (the scenario's path as `cppPath` was given).
tl::expected<std::string, Error> compileScenario(const std::string &cppPath,
                                                 const CompileOptions &options = {},
                                                 bool *cacheHit = nullptr);

/// From any thread (a signal handler's): ends the compiler running now, if any; the compile in
/// progress then fails ("was killed by signal 9").
void cancelCompilation();

/// Loads a plugin: `.cpp`, `.cc` and `.cxx` files are compiled (cached) first.
tl::expected<std::shared_ptr<Plugin>, Error> loadScenarioPlugin(const std::string &path,
                                                                const CompileOptions &options = {},
                                                                bool *cacheHit = nullptr);

} // namespace Loadwizard
