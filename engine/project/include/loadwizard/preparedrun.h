#pragma once

#include <loadwizard/error.h>
#include <loadwizard/plugin.h>
#include <loadwizard/project.h>
#include <loadwizard/run.h>
#include <loadwizard/scenariocompiler.h>
#include <loadwizard/stepscenario.h>

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
    std::shared_ptr<Plugin> plugin; ///< null for a declarative scenario (YAML steps)
    /// A project with groups: the plugins of the groups' compiled scenarios.
    std::vector<std::shared_ptr<Plugin>> groupPlugins;
    bool compileCacheHit = false;
    std::vector<std::string> warnings;
};

/// `compile`: how a .cpp scenario is compiled, and whom to tell (its callbacks). `trace`: what
/// a declarative scenario's steps report as they run (single-vuser debugging only).
tl::expected<PreparedRun, Error> prepareRun(const Project &project,
                                            const Parameters &overrides = {},
                                            const CompileOptions &compile = {},
                                            const Steps::StepTrace &trace = {});

} // namespace Loadwizard
