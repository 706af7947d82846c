#pragma once

#include <QByteArray>

namespace mistudio::fakehub {

// CRC-32 (IEEE, as zip and gzip use it).
quint32 crc32(QByteArrayView data);
// A gzip member (RFC 1952) of `data`: the deflate stream of qCompress between a gzip header and trailer.
QByteArray gzipCompress(const QByteArray &data);

} // namespace mistudio::fakehub
