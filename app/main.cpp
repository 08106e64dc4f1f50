#include "headless.h"

#include <sys/resource.h>

int main(int argc, char **argv)
{
    // Every vuser keeps a connection open: allow as many descriptors as the hard limit does
    // (the soft default, 1024, would cap a run at about a thousand vusers).
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    // Decided from plain argv: headless commands never create a QApplication, so they need
    // no display. (The GUI lands with the workbench; until then everything is headless.)
    const auto mode = Loadwizard::App::scanMode(argc, argv);
    (void)mode;
    return Loadwizard::App::runHeadless(argc, argv);
}
