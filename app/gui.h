#pragma once

#include "headless.h"

class QApplication;

namespace Loadwizard::App {

/// The desktop workbench: `loadwizard [project.yaml]`, or `loadwizard demo` with a display.
int runGui(QApplication &app, const Mode &mode);

} // namespace Loadwizard::App
