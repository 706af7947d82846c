#pragma once

#include "common/appconfig.h"
#include "engines/realengines.h"
#include "service/servicetypes.h"

#include <QProcessEnvironment>

class QSettings;

namespace mistudio {

// Which face a process is. It names the process in the workers registry and decides whether it
// runs jobs by default: a Reader (the CLI's catalogue commands) never does.
enum class StackRole { Desktop, Serve, Cli, Worker, Reader };
QString stackRoleName(StackRole role); // "desktop", "serve", "cli", "worker", "reader"

// Everything a process's service stack is built from, read once at start-up with one precedence
// (command line > environment > settings > built-in default), so that the GUI, `serve`, the CLI
// and workers honour the same settings (bandwidth cap, concurrency, Hub endpoint, leases, ...).
struct StackConfig
{
    AppConfig app;
    StackRole role = StackRole::Desktop;
    HubSettings engines;    // Hub access, download options, bandwidth cap, quantization device
    ServiceOptions service; // data dir, concurrency, whether it runs jobs, leases, role

    static StackConfig read(const AppConfig &app, StackRole role, const QSettings *settings,
                            const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
};

} // namespace mistudio
