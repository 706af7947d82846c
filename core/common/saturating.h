#pragma once

#include <QtGlobal>

#include <limits>

namespace mistudio {

// Sums and products of sizes and counts that come from outside (a Hub's file sizes, a header's
// shapes, a config's dimensions, totals over many shards): clamped to the qint64 range instead of
// overflowing, which is undefined behaviour. A clamped value is absurd anyway; a preview then
// shows a size that does not fit instead of a negative or wrapped one.
inline qint64 saturatingAdd(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (!__builtin_add_overflow(a, b, &r))
        return r;
    return b > 0 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
}

inline qint64 saturatingMul(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (!__builtin_mul_overflow(a, b, &r))
        return r;
    return (a < 0) != (b < 0) ? std::numeric_limits<qint64>::min() : std::numeric_limits<qint64>::max();
}

} // namespace mistudio
