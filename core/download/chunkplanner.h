#pragma once

#include <QByteArray>

#include <vector>

namespace mistudio {

// One Range request's worth of a file: bytes [begin, end) (end exclusive; the header sends end-1).
struct ChunkRange
{
    int index = 0;
    qint64 begin = 0;
    qint64 end = 0;

    qint64 size() const { return end - begin; }
    friend bool operator==(const ChunkRange &, const ChunkRange &) = default;
};

// Splits [0, fileSize) into consecutive chunks of chunkSize bytes; the last one is clamped to
// the file end (never a range past the last byte, docs/hub.md H8). Empty file → no chunk.
std::vector<ChunkRange> planChunks(qint64 fileSize, qint64 chunkSize);

// "bytes=a-b" for [begin, end).
QByteArray rangeHeader(qint64 begin, qint64 end);

// Parses "bytes a-b/total" (RFC 7233). Returns false on anything else, including "*/total".
bool parseContentRange(const QByteArray &value, qint64 *first, qint64 *last, qint64 *total);

} // namespace mistudio
