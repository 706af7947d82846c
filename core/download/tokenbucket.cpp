#include "download/tokenbucket.h"

#include <QMutexLocker>

#include <cmath>

namespace mistudio {

TokenBucket::TokenBucket(qint64 bytesPerSecond, TokenBucket *parent) : m_parent(parent)
{
    m_clock.start();
    setRate(bytesPerSecond);
}

void TokenBucket::setRate(qint64 bytesPerSecond)
{
    QMutexLocker lock(&m_mutex);
    refillLocked();
    m_rate = qMax<qint64>(0, bytesPerSecond);
    // A lowered cap takes effect at once: no hoard from the old rate survives.
    m_tokens = qMin(m_tokens, double(burstLocked()));
}

qint64 TokenBucket::rate() const
{
    QMutexLocker lock(&m_mutex);
    return m_rate;
}

qint64 TokenBucket::burstLocked() const
{
    // 100 ms of traffic (at least 16 KiB) keeps the cap smooth at a 10 Hz scale.
    return qMax<qint64>(16 * 1024, m_rate / 10);
}

qint64 TokenBucket::nowMsLocked() const
{
    return m_manual ? m_manualMs : m_clock.elapsed();
}

void TokenBucket::refillLocked() const
{
    const qint64 now = nowMsLocked();
    const qint64 dt = now - m_lastMs;
    m_lastMs = now;
    if (m_rate > 0 && dt > 0)
        m_tokens = qMin(double(burstLocked()), m_tokens + double(m_rate) * double(dt) / 1000.0);
}

qint64 TokenBucket::take(qint64 wanted)
{
    // Child before parent, always: the lock order that keeps nested buckets deadlock-free.
    QMutexLocker lock(&m_mutex);
    qint64 granted = wanted;
    if (m_rate > 0) {
        refillLocked();
        granted = qBound<qint64>(0, qint64(m_tokens), wanted);
    }
    if (m_parent && granted > 0)
        granted = m_parent->take(granted); // what the parent refuses stays in this bucket
    if (m_rate > 0)
        m_tokens -= double(granted);
    m_granted.fetch_add(granted, std::memory_order_relaxed);
    return granted;
}

int TokenBucket::msUntilAvailableHere(qint64 bytes) const
{
    if (m_rate == 0)
        return 0;
    refillLocked();
    const double need = double(qMin(bytes, burstLocked())) - m_tokens;
    if (need <= 0)
        return 0;
    return qMax(1, int(std::ceil(need * 1000.0 / double(m_rate))));
}

int TokenBucket::msUntilAvailable(qint64 bytes) const
{
    QMutexLocker lock(&m_mutex);
    const int here = msUntilAvailableHere(bytes);
    return m_parent ? qMax(here, m_parent->msUntilAvailable(bytes)) : here;
}

void TokenBucket::setManualClock(bool manual)
{
    QMutexLocker lock(&m_mutex);
    m_manual = manual;
    m_manualMs = m_lastMs;
}

void TokenBucket::advanceManualClock(qint64 ms)
{
    QMutexLocker lock(&m_mutex);
    m_manualMs += ms;
}

} // namespace mistudio
