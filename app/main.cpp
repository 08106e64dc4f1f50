#include "gui.h"
#include "headless.h"

#include <QApplication>

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
    // no display.
    const auto mode = Loadwizard::App::scanMode(argc, argv);
    if (mode.headless)
        return Loadwizard::App::runHeadless(argc, argv);
    QApplication app(argc, argv);
    return Loadwizard::App::runGui(app, mode);
}
