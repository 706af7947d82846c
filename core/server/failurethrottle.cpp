#include "server/failurethrottle.h"

namespace mistudio {

FailureThrottle::FailureThrottle(int maxFailures, int windowSeconds, int lockoutSeconds)
    : m_maxFailures(maxFailures)
    , m_windowMs(qint64(windowSeconds) * 1000)
    , m_lockoutMs(qint64(lockoutSeconds) * 1000)
{
}

int FailureThrottle::lockedForSeconds(const QHostAddress &address, qint64 nowMs)
{
    const auto it = m_entries.constFind(address.toString());
    if (it == m_entries.cend() || it->lockedUntilMs <= nowMs)
        return 0;
    return int((it->lockedUntilMs - nowMs + 999) / 1000);
}

void FailureThrottle::recordFailure(const QHostAddress &address, qint64 nowMs)
{
    // Bound the table: forget entries that neither count nor lock any more.
    if (m_entries.size() > 10000) {
        for (auto it = m_entries.begin(); it != m_entries.end();) {
            if (it->lockedUntilMs <= nowMs && nowMs - it->windowStartMs > m_windowMs)
                it = m_entries.erase(it);
            else
                ++it;
        }
    }
    Entry &e = m_entries[address.toString()];
    if (nowMs - e.windowStartMs > m_windowMs) {
        e.windowStartMs = nowMs;
        e.failures = 0;
    }
    if (++e.failures >= m_maxFailures) {
        e.lockedUntilMs = nowMs + m_lockoutMs;
        e.failures = 0;
        e.windowStartMs = nowMs;
    }
}

} // namespace mistudio
