#pragma once

#include "common/appconfig.h"

namespace mistudio {

// Loads the `mistudio-gui` module and runs the window. Returns the process exit code, or a
// non-zero code with a message on stderr when there is no display or no GUI in this build.
int runGui(int &argc, char **argv, const AppConfig::Overrides &overrides);

} // namespace mistudio
