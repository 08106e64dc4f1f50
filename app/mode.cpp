#include "headless.h"

#include <string_view>

namespace Loadwizard::App {

Mode scanMode(int argc, char **argv)
{
    Mode mode;
    mode.headless = true; // the GUI arrives with the workbench issue
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "run" || arg == "validate" || arg == "target" || arg == "demo" ||
            arg == "--headless" || arg == "--help" || arg == "-h" || arg == "--version")
            mode.headless = true;
    }
    return mode;
}

} // namespace Loadwizard::App
