#pragma once

#include "download/rangeset.h"

#include <QByteArray>

#include <optional>

namespace mistudio {

// The smallest piece a file is split into (aria2c's -k1M): below it, a request's round trip
// costs more than the balance it buys.
constexpr qint64 kMinPieceBytes = 1024 * 1024;

// The next range for a free connection to fetch: from the first byte nobody has claimed, of
// unclaimed / connections bytes, at most maxPiece, at least kMinPieceBytes (guided
// self-scheduling). Pieces shrink as the file nears its end, so the connections finish together
// and the digest, which follows the file's contiguous prefix, is never far behind the last
// byte. A sliver smaller than kMinPieceBytes is never left over in a gap. Nothing when every
// byte of [0, fileSize) is claimed.
std::optional<RangeSet::Range> planPiece(const RangeSet &claimed, qint64 fileSize, int connections, qint64 maxPiece);

// "bytes=a-b" for [begin, end).
QByteArray rangeHeader(qint64 begin, qint64 end);

// Parses "bytes a-b/total" (RFC 7233). Returns false on anything else, including "*/total".
bool parseContentRange(const QByteArray &value, qint64 *first, qint64 *last, qint64 *total);

} // namespace mistudio
