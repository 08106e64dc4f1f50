#include <loadwizard/paths.h>

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace Loadwizard::Paths {

namespace {

std::string environment(const char *name)
{
    const char *value = std::getenv(name);
    return value ? value : "";
}

// $HOME first, as every XDG tool does; the password database covers daemons started without it.
fs::path homeDir()
{
    if (auto home = environment("HOME"); !home.empty())
        return home;
    std::array<char, 4096> buffer;
    passwd entry{};
    passwd *found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_dir)
        return found->pw_dir;
    return {};
}

// The XDG base directory rule: the variable when it holds an absolute path (a relative one is
// to be ignored), else the fallback under the home folder.
fs::path xdgDir(const char *variable, const fs::path &fallbackUnderHome)
{
    if (fs::path dir = environment(variable); dir.is_absolute())
        return dir;
    const fs::path home = homeDir();
    return home.empty() ? fs::path() : home / fallbackUnderHome;
}

std::string besideExecutable(const fs::path &relative)
{
    const std::string exeDir = executableDir();
    if (exeDir.empty())
        return {};
    return (fs::path(exeDir) / relative).lexically_normal().string();
}

} // namespace

std::string executableDir()
{
    std::error_code ec;
    const fs::path executable = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : executable.parent_path().string();
}

std::string sdkIncludeDir()
{
    if (auto fromEnvironment = environment("LOADWIZARD_SDK_INCLUDE"); !fromEnvironment.empty())
        return fromEnvironment;
    return besideExecutable("../include");
}

std::string bundledScenariosDir()
{
    return besideExecutable("../share/loadwizard/scenarios");
}

std::string demoProject()
{
    if (auto fromEnvironment = environment("LOADWIZARD_DEMO"); !fromEnvironment.empty())
        return fromEnvironment;
    const std::string bundled = bundledScenariosDir();
    return bundled.empty() ? std::string() : (fs::path(bundled) / "demo.yaml").string();
}

std::string userScenariosDir()
{
    const fs::path data = xdgDir("XDG_DATA_HOME", fs::path(".local") / "share");
    return data.empty() ? std::string() : (data / "loadwizard" / "scenarios").string();
}

std::string cacheDir()
{
    const fs::path cache = xdgDir("XDG_CACHE_HOME", ".cache");
    return cache.empty() ? std::string() : (cache / "loadwizard").string();
}

} // namespace Loadwizard::Paths
