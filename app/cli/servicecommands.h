#pragma once

#include "cli/command.h"
#include "common/appconfig.h"
#include "common/error.h"
#include "service/servicetypes.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>

#include <functional>
#include <memory>

namespace mistudio::cli {

// What the service commands (serve, models download, worker: cmd_serve.cpp, cmd_worker.cpp)
// share: the catalogue options, the configuration they give, error exits, SIGINT/SIGTERM and
// the service stack.
void addCatalogueOptions(QCommandLineParser &p); // --data-dir, --database-url, --help
AppConfig configFrom(const QCommandLineParser &p, const AppConfig &base);
int fail(Context &ctx, const Error &e);
// SIGINT/SIGTERM call `onSignal` in the event loop (once per signal).
void quitOnSignals(std::function<void()> onSignal);
Result<std::unique_ptr<ServiceStack>> buildService(const AppConfig &config, StackRole role,
                                                   bool noWorker = false);

// `mistudio models quantize ID --mode ...`: re-quantizes a catalogue model (by id, id prefix or
// repo id) through the service, the way the API's POST /models/{id}/quantize does. The DIR
// form of the command (app/cli/cmd_quantize.cpp) hands non-directories over to it.
int quantizeCatalogueModel(Context &ctx, const QString &idOrRepo, const QuantizeRequest &request,
                           bool jsonProgress);

} // namespace mistudio::cli
