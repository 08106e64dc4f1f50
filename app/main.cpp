#include "headless.h"

int main(int argc, char **argv)
{
    // Decided from plain argv: headless commands never create a QApplication, so they need
    // no display. (The GUI lands with the workbench; until then everything is headless.)
    const auto mode = Loadwizard::App::scanMode(argc, argv);
    (void)mode;
    return Loadwizard::App::runHeadless(argc, argv);
}
