#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QtGlobal>

namespace mistudio {

// The global bandwidth cap: one bucket shared by every connection of every download, safe to
// call from any thread. Rate 0 = unlimited. The rate can change at any time (live setting).
class TokenBucket final
{
public:
    explicit TokenBucket(qint64 bytesPerSecond = 0);
    Q_DISABLE_COPY_MOVE(TokenBucket)

    void setRate(qint64 bytesPerSecond);
    qint64 rate() const;

    // Grants up to `wanted` bytes now (possibly 0). Unlimited → always `wanted`.
    qint64 take(qint64 wanted);
    // Milliseconds until at least `bytes` (capped at one burst) can be granted; 0 if now.
    int msUntilAvailable(qint64 bytes) const;

    // For tests: drive the clock by hand instead of the monotonic timer.
    void setManualClock(bool manual);
    void advanceManualClock(qint64 ms);

private:
    void refillLocked() const;
    qint64 burstLocked() const;
    qint64 nowMsLocked() const;

    mutable QMutex m_mutex;
    qint64 m_rate = 0;
    mutable double m_tokens = 0;
    mutable qint64 m_lastMs = 0;
    QElapsedTimer m_clock;
    bool m_manual = false;
    qint64 m_manualMs = 0;
};

} // namespace mistudio
