#include "common/retrypolicy.h"

#include <QList>

#include <algorithm>

namespace mistudio {

int backoffDelayMs(int attempt, int baseMs, int maxMs, double jitter01)
{
    const int shift = std::clamp(attempt - 1, 0, 20);
    const qint64 raw = qMin<qint64>(qint64(baseMs) << shift, maxMs);
    const double factor = 0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0);
    return int(double(raw) * factor);
}

std::optional<int> rateLimitWaitMs(const QByteArray &rateLimit, const QByteArray &retryAfter)
{
    if (!rateLimit.isEmpty()) {
        std::optional<qint64> r, t;
        const QList<QByteArray> parts = rateLimit.split(';');
        for (const QByteArray &raw : parts) {
            const QByteArray p = raw.trimmed();
            bool ok = false;
            if (p.startsWith("r=")) {
                const qint64 v = p.mid(2).toLongLong(&ok);
                if (ok)
                    r = v;
            } else if (p.startsWith("t=")) {
                const qint64 v = p.mid(2).toLongLong(&ok);
                if (ok)
                    t = v;
            }
        }
        if (r && *r == 0 && t && *t >= 0)
            return int(qMin<qint64>((*t + 1) * 1000, 24 * 3600 * 1000));
    }
    if (!retryAfter.isEmpty()) {
        bool ok = false;
        const qint64 s = retryAfter.trimmed().toLongLong(&ok);
        if (ok && s >= 0)
            return int(qMin<qint64>((s + 1) * 1000, 24 * 3600 * 1000));
    }
    return std::nullopt;
}

} // namespace mistudio
