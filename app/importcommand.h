#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace Loadwizard::App {

/// `loadwizard import har|curl …`: options, filled by CLI11.
struct ImportCommand
{
    std::string harFile;
    std::vector<std::string> curlInputs;
    std::string output;
    std::string baseUrl;
    std::string exclude;
    std::string to = "yaml";
    bool includeStatic = false;
    bool noCorrelation = false;
    bool force = false;

    CLI::App *command = nullptr;
    CLI::App *har = nullptr;
    CLI::App *curl = nullptr;

    /// Adds the `import` subcommand and its two subcommands to `app`.
    void addTo(CLI::App &app);
    /// After parsing: true when `import` was given.
    bool parsed() const;
    /// Runs it; an exit code (headless.h).
    int run() const;
};

} // namespace Loadwizard::App
