#pragma once

#include <string>

namespace Loadwizard::App {

/// `loadwizard new NAME`: writes the starter folder NAME/ (project, scenario, CMakeLists.txt,
/// README.md); refuses an existing folder. Returns an exit code.
int commandNew(const std::string &path);

} // namespace Loadwizard::App
