#pragma once

#include "common/error.h"

#include <QJsonObject>
#include <QTextStream>

namespace mistudio::cli {

// The CLI's one rendering of an error for --json output: Error::toJson() with `request_id`
// always present (null when the error did not come from the Hub), as docs/cli.md promises.
QJsonObject errorJson(const Error &error);

// Prints {"error": errorJson(e)} as one compact line.
void printJsonError(QTextStream &out, const Error &error);

} // namespace mistudio::cli
