#include <loadwizard/plugin.h>

#include <loadwizard/crashguard.h>

#include <dlfcn.h>

#include <exception>
#include <filesystem>
#include <system_error>
#include <utility>

namespace Loadwizard {

namespace {

struct LibraryCloser
{
    void operator()(void *handle) const { dlclose(handle); }
};
using LibraryHandle = std::unique_ptr<void, LibraryCloser>;

tl::unexpected<Error> pluginError(const std::string &path, std::string message)
{
    Error error;
    error.message = std::move(message);
    error.file = path;
    return tl::unexpected(std::move(error));
}

// dlerror() repeats the path ("/x/y.so: invalid ELF header"); Error::file already says it.
std::string dlopenReason(const std::string &openedPath)
{
    const char *text = dlerror();
    std::string reason = text ? text : "unknown dynamic loader error";
    const std::string prefix = openedPath + ": ";
    if (reason.starts_with(prefix))
        reason.erase(0, prefix.size());
    return reason;
}

std::string describeException(std::exception_ptr exception)
{
    try {
        std::rethrow_exception(std::move(exception));
    } catch (const std::exception &e) {
        return e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

} // namespace

Plugin::Plugin(void *handle, const lw_plugin_info *entry, PluginInfo info)
    : m_handle(handle)
    , m_entry(entry)
    , m_info(std::move(info))
{}

Plugin::~Plugin()
{
    // Every Scenario holds a shared_ptr to its Plugin, so no plugin code is still referenced.
    // dlclose() runs the plugin's static destructors: scenario code.
    CrashGuard::ScenarioCall scenarioCode(m_info.id, "in its static destructors");
    dlclose(m_handle);
}

tl::expected<std::shared_ptr<Plugin>, Error> Plugin::load(const std::string &path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status))
        return pluginError(path, "no such plugin file");
    if (std::filesystem::is_directory(status))
        return pluginError(path, "is a directory, not a plugin");

    // Without a slash dlopen() would search the library path instead of opening this file.
    const std::string openPath = path.find('/') == std::string::npos ? "./" + path : path;
    dlerror();
    LibraryHandle handle(dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL));
    if (!handle)
        return pluginError(path, "is not a Loadwizard plugin: " + dlopenReason(openPath));

    dlerror();
    void *symbol = dlsym(handle.get(), LOADWIZARD_PLUGIN_SYMBOL);
    if (!symbol) {
        return pluginError(path, "does not export " LOADWIZARD_PLUGIN_SYMBOL
                                 " — is it built with LOADWIZARD_PLUGIN?");
    }
    const auto entryPoint = reinterpret_cast<lw_plugin_entry>(symbol);

    const lw_plugin_info *entry = nullptr;
    try {
        entry = entryPoint();
    } catch (...) {
        return pluginError(path, LOADWIZARD_PLUGIN_SYMBOL "() threw: " +
                                     describeException(std::current_exception()));
    }
    if (!entry)
        return pluginError(path, LOADWIZARD_PLUGIN_SYMBOL "() returned no plugin information");
    // Check the version before touching any other field: their layout may differ.
    if (entry->api_version != LOADWIZARD_API_VERSION) {
        return pluginError(path, "built for plugin API " + std::to_string(entry->api_version) +
                                     ", this Loadwizard speaks " +
                                     std::to_string(LOADWIZARD_API_VERSION) + ": rebuild it");
    }
    const std::pair<bool, const char *> required[] = {
        {entry->id != nullptr, "an id"},
        {entry->name != nullptr, "a name"},
        {entry->create != nullptr, "a create function"},
        {entry->destroy != nullptr, "a destroy function"}};
    for (const auto &[present, what] : required) {
        if (!present)
            return pluginError(path, std::string("plugin information lacks ") + what);
    }
    if (entry->param_count > 0 && !entry->params) {
        return pluginError(path, "declares " + std::to_string(entry->param_count) +
                                     " parameters but no parameter table");
    }

    PluginInfo info;
    info.path = path;
    info.id = entry->id;
    info.name = entry->name;
    info.description = entry->description ? entry->description : "";
    info.apiVersion = entry->api_version;
    for (std::size_t i = 0; i < entry->param_count; ++i) {
        const lw_param &param = entry->params[i];
        if (!param.name || !*param.name)
            return pluginError(path, "parameter " + std::to_string(i + 1) + " has no name");
        info.parameters.push_back({param.name, param.default_value ? param.default_value : "",
                                   param.help ? param.help : ""});
    }

    return std::shared_ptr<Plugin>(new Plugin(handle.release(), entry, std::move(info)));
}

tl::expected<std::shared_ptr<Scenario>, Error> Plugin::createScenario() const
{
    Scenario *scenario = nullptr;
    try {
        scenario = m_entry->create();
    } catch (...) {
        return pluginError(m_info.path, "creating scenario '" + m_info.id + "' failed: " +
                                            describeException(std::current_exception()));
    }
    if (!scenario)
        return pluginError(m_info.path, "create() of scenario '" + m_info.id + "' returned null");

    // The deleter is engine code and keeps the library loaded until after destroy() returned;
    // should allocating the control block throw, shared_ptr calls the deleter itself.
    auto destroy = m_entry->destroy;
    return std::shared_ptr<Scenario>(scenario, [plugin = shared_from_this(), destroy](Scenario *s) {
        // The scenario's destructor: a crash in it is the scenario's.
        CrashGuard::ScenarioCall scenarioCode(plugin->info().id, "while it was destroyed");
        try {
            destroy(s);
        } catch (...) {
            // A destructor that throws across the plugin boundary: nothing left to recover.
        }
    });
}

Parameters Plugin::defaultParameters() const
{
    Parameters parameters;
    for (const auto &param : m_info.parameters)
        parameters.emplace(param.name, param.defaultValue);
    return parameters;
}

} // namespace Loadwizard
