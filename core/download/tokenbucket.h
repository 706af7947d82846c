#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QtGlobal>

#include <atomic>

namespace mistudio {

// A bandwidth cap, safe to call from any thread. Rate 0 = unlimited. The rate can change at any
// time (live setting). Buckets nest: a download's own cap has the session's global one as its
// parent, and a grant takes from both (the smaller wins), so every download stays under its own
// cap and all of them together under the global one.
class TokenBucket final
{
public:
    // `parent` (optional) must outlive this bucket.
    explicit TokenBucket(qint64 bytesPerSecond = 0, TokenBucket *parent = nullptr);
    Q_DISABLE_COPY_MOVE(TokenBucket)

    void setRate(qint64 bytesPerSecond);
    qint64 rate() const;
    TokenBucket *parent() const { return m_parent; }

    // Grants up to `wanted` bytes now (possibly 0), from this bucket and its parents.
    qint64 take(qint64 wanted);
    // Every byte granted so far (the bytes that went through: the session's total received).
    qint64 granted() const { return m_granted.load(std::memory_order_relaxed); }
    // Milliseconds until at least `bytes` (capped at one burst) can be granted by this bucket and
    // its parents; 0 if now.
    int msUntilAvailable(qint64 bytes) const;

    // For tests: drive the clock by hand instead of the monotonic timer.
    void setManualClock(bool manual);
    void advanceManualClock(qint64 ms);

private:
    void refillLocked() const;
    qint64 burstLocked() const;
    qint64 nowMsLocked() const;
    int msUntilAvailableHere(qint64 bytes) const;

    TokenBucket *const m_parent;
    std::atomic<qint64> m_granted{0};
    mutable QMutex m_mutex;
    qint64 m_rate = 0;
    mutable double m_tokens = 0;
    mutable qint64 m_lastMs = 0;
    QElapsedTimer m_clock;
    bool m_manual = false;
    qint64 m_manualMs = 0;
};

} // namespace mistudio
