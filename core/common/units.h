#pragma once

#include <QString>
#include <optional>

namespace mistudio {

// "1.5 GB" (decimal units, as the Hub shows sizes).
QString formatBytes(qint64 bytes);
// "2.6B", "124M", "950K": the base preview's `parameters` string.
QString formatParamCount(qint64 count);
// "50M", "1.5G", "800k", "12345" → bytes (decimal, case-insensitive suffix, optional "B"/"iB").
std::optional<qint64> parseByteSize(QStringView text);

} // namespace mistudio
