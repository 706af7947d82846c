#include "cli/command.h"

namespace mistudio::cli {

// `mistudio models ...`: list/add/show/rm land with the catalogue (core/store).
void registerModelsCommands(Registry &)
{
}

} // namespace mistudio::cli
