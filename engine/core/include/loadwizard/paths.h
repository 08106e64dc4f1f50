#pragma once

#include <string>

/// Where Loadwizard finds what it ships and what it keeps. Every bundled file is found relative
/// to the executable (`<exe dir>/../include`, `<exe dir>/../share/loadwizard`), never through a
/// path compiled into the binary: the build tree mirrors the install layout with symlinks
/// (cmake/BuildTreeLayout.cmake), so the same lookup works installed and in the build tree.
namespace Loadwizard::Paths {

/// The folder of the running executable; empty when /proc/self/exe cannot be read.
std::string executableDir();

/// The scenario SDK headers (the folder holding loadwizard/scenario.h): $LOADWIZARD_SDK_INCLUDE,
/// else `<exe dir>/../include`, whether or not it exists.
std::string sdkIncludeDir();

/// The scenarios shipped with the binary: `<exe dir>/../share/loadwizard/scenarios`, whether or
/// not it exists.
std::string bundledScenariosDir();

/// The demo project: $LOADWIZARD_DEMO, else demo.yaml in bundledScenariosDir().
std::string demoProject();

/// The user's own scenarios: $XDG_DATA_HOME/loadwizard/scenarios, else
/// ~/.local/share/loadwizard/scenarios; empty when there is no home folder.
std::string userScenariosDir();

/// The compile cache: $XDG_CACHE_HOME/loadwizard, else ~/.cache/loadwizard; empty when there is
/// no home folder.
std::string cacheDir();

} // namespace Loadwizard::Paths
