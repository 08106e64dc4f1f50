#include "gui.h"
#include "headless.h"
#include "signals.h"

#include <QApplication>

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

/// Started with stdin, stdout or stderr closed (`loadwizard run … >&-`), the next file opened
/// would become that descriptor, and the progress lines would land in the --summary-json file
/// or a file output. /dev/null takes the closed places first.
void occupyClosedStandardDescriptors()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        const int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (opened < 0)
            _exit(2);       // not even /dev/null: nothing sensible can be written anywhere
        if (opened != fd) { // cannot happen (the lowest free descriptor is fd), but be sure
            dup2(opened, fd);
            close(opened);
        }
    }
}

sigset_t terminationSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

void occupyAtPreInit(int, char **, char **)
{
    occupyClosedStandardDescriptors();
    // Blocked before the libraries' initializers (Qt's take tens of milliseconds), so a SIGTERM
    // from then on waits for headless mode's SignalWatcher, which says what it does, instead of
    // killing the process silently. main() unblocks them for the GUI.
    const sigset_t set = terminationSignals();
    sigprocmask(SIG_BLOCK, &set, nullptr);
}

} // namespace

// Before main() is too late: the shared libraries' initializers open files and pipes (one of
// them a pipe that would become a read-only stdout). The executable's .preinit_array runs before
// any of them.
__attribute__((section(".preinit_array"),
               used)) static void (*const preInit)(int, char **, char **) = &occupyAtPreInit;

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
    if (mode.headless) {
        // Before any thread exists and before the slow work (the plugin compile, the project):
        // a SIGINT/SIGTERM from now on waits for the SignalWatcher's thread, which says so.
        Loadwizard::App::SignalWatcher::blockSignals();
        return Loadwizard::App::runHeadless(argc, argv);
    }
    const sigset_t set = terminationSignals();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    QApplication app(argc, argv);
    return Loadwizard::App::runGui(app, mode);
}
