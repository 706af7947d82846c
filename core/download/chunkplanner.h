#pragma once

#include "download/rangeset.h"

#include <QByteArray>

#include <optional>

namespace mistudio {

// The smallest piece a file is split into (aria2c's -k1M): below it, a request's round trip
// costs more than the balance it buys.
constexpr qint64 kMinPieceBytes = 1024 * 1024;
// Once every byte is claimed, an idle connection takes the second half of the piece in flight
// with the most bytes left (aria2c's end game), if each half keeps at least this much.
constexpr qint64 kMinSplitBytes = 512 * 1024;

// The next range for a free connection to fetch: from the first byte nobody has claimed, of
// unclaimed / (2 x connections) bytes, at most maxPiece, at least kMinPieceBytes (guided
// self-scheduling). Pieces shrink as the file nears its end, so the connections finish together.
// Half of an even share, because the digest follows the file's contiguous prefix: a piece sized
// for the whole rest would end with the rest and leave everything after it to be hashed after
// the last byte (bench/download measured 112 MB, 70-170 ms, with unclaimed / connections); at
// half, it ends halfway and the digest catches up while bytes still arrive. A sliver smaller
// than kMinPieceBytes is never left over in a gap. Nothing when every byte of [0, fileSize) is
// claimed.
std::optional<RangeSet::Range> planPiece(const RangeSet &claimed, qint64 fileSize, int connections, qint64 maxPiece);

// "bytes=a-b" for [begin, end).
QByteArray rangeHeader(qint64 begin, qint64 end);

// Parses "bytes a-b/total" (RFC 7233). Returns false on anything else, including "*/total".
bool parseContentRange(const QByteArray &value, qint64 *first, qint64 *last, qint64 *total);

} // namespace mistudio
