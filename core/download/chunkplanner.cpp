#include "download/chunkplanner.h"

#include <QStringBuilder>

namespace mistudio {

std::optional<RangeSet::Range> planPiece(const RangeSet &claimed, qint64 fileSize, int connections, qint64 maxPiece)
{
    const std::optional<RangeSet::Range> gap = claimed.firstGap(0, fileSize);
    if (!gap)
        return std::nullopt;
    const qint64 unclaimed = claimed.uncovered(fileSize);
    const qint64 want = qBound(kMinPieceBytes, unclaimed / (2 * qMax(1, connections)), qMax(kMinPieceBytes, maxPiece));
    const qint64 room = gap->second - gap->first;
    // Take the whole gap rather than leave a sliver behind.
    const qint64 size = room - want < kMinPieceBytes ? room : want;
    return RangeSet::Range{gap->first, gap->first + size};
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
