#include "headless.h"

#include <cstdlib>
#include <string_view>

namespace Loadwizard::App {

namespace {

bool set(const char *name)
{
    const char *value = std::getenv(name);
    return value && *value;
}

} // namespace

Mode scanMode(int argc, char **argv)
{
    // No display, no GUI: creating a QApplication would abort. QT_QPA_PLATFORM (offscreen,
    // vnc) counts as one when given explicitly.
    const bool display = set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
    Mode mode;
    mode.headless = !display;
    if (argc < 2)
        return mode; // no subcommand: the GUI when there is a display, else the help text

    const std::string_view first = argv[1];
    if (first == "run" || first == "validate" || first == "target" || first == "new" ||
        first == "import" || first == "report" || first == "compare")
        mode.headless = true;
    // `demo` alone opens the workbench on the demo project (a real display only: an offscreen
    // GUI would never end); with run options (--quiet, --rampup, …) it stays headless.
    if (first == "demo")
        mode.headless = argc > 2 || !(set("DISPLAY") || set("WAYLAND_DISPLAY"));
    // The seed's flags ("-scenario x -rampup y") and every flag mean the command line.
    if (first.starts_with("-"))
        mode.headless = true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--headless" || arg == "--help" || arg == "-h" || arg == "--version")
            mode.headless = true;
    }
    return mode;
}

} // namespace Loadwizard::App
