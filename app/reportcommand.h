#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace Loadwizard::App {

/// `loadwizard report DIR` and `loadwizard compare A B`: options, filled by CLI11
/// (docs/report.md).
struct ReportCommands
{
    std::string folder;
    std::string output;
    std::string baseline;
    std::string candidate;
    std::string html;
    std::vector<std::string> failIf;

    CLI::App *report = nullptr;
    CLI::App *compare = nullptr;

    /// Adds the `report` and `compare` subcommands to `app`.
    void addTo(CLI::App &app);
    /// After parsing: true when one of them was given.
    bool parsed() const;
    /// Runs it; an exit code (headless.h): 0, 2 bad input, 99 a --fail-if rule broken.
    int run() const;

private:
    int runReport() const;
    int runCompare() const;
};

} // namespace Loadwizard::App
