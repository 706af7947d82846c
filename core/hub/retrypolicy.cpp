#include "hub/retrypolicy.h"

#include <algorithm>

namespace mistudio::hub {

std::optional<qint64> rateLimitResetSeconds(const QByteArray &rateLimit)
{
    // e.g. "resolvers";r=0;t=2 — parameters are ';'-separated key=value pairs.
    for (const QByteArray &part : rateLimit.split(';')) {
        const QByteArray p = part.trimmed();
        if (p.startsWith("t=")) {
            bool ok = false;
            const qint64 t = p.mid(2).toLongLong(&ok);
            if (ok && t >= 0)
                return t;
        }
    }
    return std::nullopt;
}

qint64 retryWaitMs(const HttpOutcome &o, int attempt)
{
    if (o.status == 429) {
        if (const auto t = rateLimitResetSeconds(o.header("RateLimit")))
            return (*t + 1) * 1000;
        bool ok = false;
        const qint64 s = o.header("Retry-After").trimmed().toLongLong(&ok);
        if (ok && s >= 0)
            return s * 1000;
    }
    const int shift = std::clamp(attempt - 1, 0, 3);
    return qint64(1000) << shift;
}

} // namespace mistudio::hub
