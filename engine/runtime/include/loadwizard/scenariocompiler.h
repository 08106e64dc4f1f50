#pragma once

#include <loadwizard/error.h>
#include <loadwizard/plugin.h>

#include <tl/expected.hpp>

#include <memory>
#include <string>
#include <vector>

namespace Loadwizard {

/// How a `.cpp` scenario is turned into a plugin. Every empty field means "the default".
struct CompileOptions
{
    std::string compiler;                ///< empty: $CXX, else the compiler that built us, else c++
    std::vector<std::string> extraFlags; ///< appended after the standard flags
    std::string cacheDir;      ///< empty: $XDG_CACHE_HOME/loadwizard or ~/.cache/loadwizard
    std::string sdkIncludeDir; ///< empty: sdkIncludeDir()
};

/// Where the scenario SDK headers are: $LOADWIZARD_SDK_INCLUDE, else `<exe dir>/../include` when it
/// holds loadwizard/scenario.h (installed layout), else the source tree this engine was built from.
std::string sdkIncludeDir();

/// Compiles `cppPath` into `<cacheDir>/<stem>-<key>.so` unless that file is already cached; the key
/// covers the source, the SDK headers, the compiler and its version, the flags and the API version.
/// Only `cppPath` itself is hashed: headers it includes from its own folder are not tracked.
tl::expected<std::string, Error> compileScenario(const std::string &cppPath,
                                                 const CompileOptions &options = {},
                                                 bool *cacheHit = nullptr);

/// Loads a plugin: `.cpp`, `.cc` and `.cxx` files are compiled (cached) first.
tl::expected<std::shared_ptr<Plugin>, Error> loadScenarioPlugin(const std::string &path,
                                                                const CompileOptions &options = {},
                                                                bool *cacheHit = nullptr);

} // namespace Loadwizard
