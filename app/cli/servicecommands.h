#pragma once

#include "cli/command.h"
#include "service/servicetypes.h"

namespace mistudio::cli {

// `mistudio models quantize ID --mode ...`: re-quantizes a catalogue model (by id, id prefix or
// repo id) through the service, the way the API's POST /models/{id}/quantize does. The DIR
// form of the command (app/cli/cmd_quantize.cpp) hands non-directories over to it.
int quantizeCatalogueModel(Context &ctx, const QString &idOrRepo, const QuantizeRequest &request,
                           bool jsonProgress);

} // namespace mistudio::cli
