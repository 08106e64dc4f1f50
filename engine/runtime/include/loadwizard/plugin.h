#pragma once

#include <loadwizard/error.h>
#include <loadwizard/scenario.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace Loadwizard {

/// One parameter a plugin declares, copied out of its lw_param table.
struct ParameterInfo
{
    std::string name;
    std::string defaultValue;
    std::string help;
};

/// A plugin's metadata, read without creating a scenario (the GUI lists it).
struct PluginInfo
{
    std::string path;
    std::string id;
    std::string name;
    std::string description;
    std::vector<ParameterInfo> parameters;
    std::uint32_t apiVersion = 0;
};

/// A loaded scenario plugin (a shared library exporting loadwizard_plugin_v1). The library stays
/// loaded while the Plugin or any Scenario it created is alive. Coroutines (Tasks) started from a
/// scenario run plugin code, so the engine must destroy them before it releases the scenario.
class Plugin : public std::enable_shared_from_this<Plugin>
{
public:
    /// Opens `path` and validates its entry point and metadata; nothing is created yet.
    static tl::expected<std::shared_ptr<Plugin>, Error> load(const std::string &path);

    Plugin(const Plugin &) = delete;
    Plugin &operator=(const Plugin &) = delete;
    ~Plugin();

    /// The metadata read at load time.
    const PluginInfo &info() const { return m_info; }
    /// A new scenario; an exception thrown by the plugin's create() becomes an Error.
    tl::expected<std::shared_ptr<Scenario>, Error> createScenario() const;
    /// Each declared parameter with its default value.
    Parameters defaultParameters() const;

private:
    Plugin(void *handle, const lw_plugin_info *entry, PluginInfo info);

    void *m_handle;
    const lw_plugin_info *m_entry;
    PluginInfo m_info;
};

} // namespace Loadwizard
