#pragma once

#include <QDateTime>
#include <QHash>
#include <QHostAddress>

namespace mistudio {

// Counts failed authentications per remote address; after too many within a window the
// address is locked out for a while: its further failures are answered 429 instead of 401.
// Only failures count; a success neither unlocks nor resets an address.
class FailureThrottle final
{
public:
    FailureThrottle(int maxFailures, int windowSeconds, int lockoutSeconds);

    // Seconds the address must still wait, 0 when it may try.
    int lockedForSeconds(const QHostAddress &address, qint64 nowMs);
    void recordFailure(const QHostAddress &address, qint64 nowMs);

private:
    struct Entry
    {
        int failures = 0;
        qint64 windowStartMs = 0;
        qint64 lockedUntilMs = 0;
    };
    int m_maxFailures;
    qint64 m_windowMs;
    qint64 m_lockoutMs;
    QHash<QString, Entry> m_entries;
};

} // namespace mistudio
