#pragma once

#include "common/result.h"

#include <QString>

namespace mistudio {

// The server's API token: read from `path`, or generated (256 random bits, hex) on first
// start and written there with 0600 permissions. A file readable by others is refused.
Result<QString> loadOrCreateApiToken(const QString &path);

// The token file's place: DATA_DIR/server/api-token.
QString apiTokenPath(const QString &dataDir);

} // namespace mistudio
