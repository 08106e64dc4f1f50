#pragma once

#include <loadwizard/error.h>
#include <loadwizard/plugin.h>
#include <loadwizard/project.h>
#include <loadwizard/run.h>
#include <loadwizard/scenariocompiler.h>

#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// A project turned into what the runtime takes: plugin loaded (a .cpp compiled), parameters
/// resolved (plugin defaults < project < overrides, ${VAR} expanded), scenario created and
/// initialised. Shared by the headless runner and the GUI.
struct PreparedRun
{
    RunConfig config;
    std::shared_ptr<Plugin> plugin;
    bool compileCacheHit = false;
    std::vector<std::string> warnings;
};

/// `compile`: how a .cpp scenario is compiled, and whom to tell (its callbacks).
tl::expected<PreparedRun, Error> prepareRun(const Project &project,
                                            const Parameters &overrides = {},
                                            const CompileOptions &compile = {});

} // namespace Loadwizard
