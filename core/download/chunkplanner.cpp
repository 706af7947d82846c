#include "download/chunkplanner.h"

#include <QByteArray>
#include <QStringBuilder>

namespace mistudio {

std::vector<ChunkRange> planChunks(qint64 fileSize, qint64 chunkSize)
{
    std::vector<ChunkRange> chunks;
    if (fileSize <= 0)
        return chunks;
    chunkSize = qMax<qint64>(1, chunkSize);
    chunks.reserve(size_t((fileSize + chunkSize - 1) / chunkSize));
    int index = 0;
    for (qint64 begin = 0; begin < fileSize; begin += chunkSize)
        chunks.push_back(ChunkRange{index++, begin, qMin(fileSize, begin + chunkSize)});
    return chunks;
}

QByteArray rangeHeader(qint64 begin, qint64 end)
{
    return QByteArray("bytes=") + QByteArray::number(begin) + '-' + QByteArray::number(end - 1);
}

bool parseContentRange(const QByteArray &value, qint64 *first, qint64 *last, qint64 *total)
{
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes "))
        return false;
    const qsizetype dash = v.indexOf('-', 6);
    const qsizetype slash = v.indexOf('/', 6);
    if (dash < 0 || slash < dash)
        return false;
    bool ok1 = false, ok2 = false, ok3 = false;
    const qint64 a = v.mid(6, dash - 6).trimmed().toLongLong(&ok1);
    const qint64 b = v.mid(dash + 1, slash - dash - 1).trimmed().toLongLong(&ok2);
    const qint64 t = v.mid(slash + 1).trimmed().toLongLong(&ok3);
    if (!ok1 || !ok2 || !ok3 || a < 0 || b < a || t <= b)
        return false;
    *first = a;
    *last = b;
    *total = t;
    return true;
}

} // namespace mistudio
