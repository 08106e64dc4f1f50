#pragma once

#include <loadwizard/scenario.h>

#include <memory>

namespace Loadwizard::Engine {

/// Per-vuser storage for scenarios built into the engine (the declarative interpreter keeps
/// its variables here across iterations). Lives as long as the vuser; empty until set. Only for
/// vusers the runtime created (every Vuser a Scenario is handed), on the vuser's own thread.
std::shared_ptr<void> &engineState(Vuser &vuser);

} // namespace Loadwizard::Engine
