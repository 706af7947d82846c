#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"

#include <QByteArray>

namespace mistudio::hub {

// Largest header both Hub clients accept (huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH), the
// very value of core/quant's kMaxHeaderLength (checked at compile time): the preview and the
// quantizer refuse the same files.
inline constexpr qint64 kMaxSafetensorsHeader = 25'000'000;

// Qt-side adapters over core/quant's strict safetensors parser, so the preview and the
// quantizer accept and reject exactly the same headers.
// N from the first 8 bytes (little-endian u64); an error when fewer than 8 bytes, N is too big, or
// (with the file's size) N runs past the end of the file.
Result<quint64> safetensorsHeaderLength(const QByteArray &firstBytes, qint64 fileSize = -1);
// Bytes [8, 8+N) of a safetensors file; invalid_checkpoint / unsupported_checkpoint naming the
// tensor. With the file's size, every tensor's data offsets must lie inside the file and the data
// end exactly at its end (a 128-byte file cannot claim a trillion parameters).
Result<SafetensorsHeader> parseSafetensorsHeaderJson(const QString &file, const QByteArray &json,
                                                     qint64 fileSize = -1);

} // namespace mistudio::hub
