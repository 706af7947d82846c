#pragma once

#include "common/error.h"

namespace mistudio {

// THE mapping from an error code to an HTTP status: every error the API returns goes
// through here (docs/api.md lists the table).
int httpStatusFor(ErrorCode code);

} // namespace mistudio
