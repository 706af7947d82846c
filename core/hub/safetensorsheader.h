#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"

#include <QByteArray>

namespace mistudio::hub {

// Largest header both Hub clients accept (SAFETENSORS_MAX_HEADER_LENGTH).
inline constexpr quint64 kMaxSafetensorsHeader = 25'000'000;

// Qt-side adapters over core/quant's strict safetensors parser, so the preview and the
// quantizer accept and reject exactly the same headers.
// N from the first 8 bytes (little-endian u64); an error when fewer than 8 bytes or N is too big.
Result<quint64> safetensorsHeaderLength(const QByteArray &firstBytes);
// Bytes [8, 8+N) of a safetensors file; invalid_checkpoint / unsupported_checkpoint naming the tensor.
Result<SafetensorsHeader> parseSafetensorsHeaderJson(const QString &file, const QByteArray &json);

} // namespace mistudio::hub
