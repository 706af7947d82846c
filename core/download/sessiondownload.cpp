#include "download/sessiondownload.h"

#include <QDeadlineTimer>
#include <QMutexLocker>

namespace mistudio {

SessionDownload::Update SessionDownload::waitForUpdate(std::chrono::milliseconds timeout)
{
    QMutexLocker lock(&m_mutex);
    const QDeadlineTimer deadline(timeout);
    while (!m_fresh && !m_ended) {
        if (!m_changed.wait(&m_mutex, deadline))
            break;
    }
    Update u;
    if (m_fresh) {
        u.progress = m_progress;
        m_fresh = false;
    }
    u.ended = m_ended;
    return u;
}

bool SessionDownload::isEnded() const
{
    QMutexLocker lock(&m_mutex);
    return m_ended;
}

Status SessionDownload::status() const
{
    QMutexLocker lock(&m_mutex);
    return m_status;
}

PinnedDownload SessionDownload::resolved() const
{
    QMutexLocker lock(&m_mutex);
    return m_resolved;
}

void SessionDownload::stop(Stop how)
{
    // Posted under the lock: the session finishes every download (under this lock) before it
    // goes, so the stopper never reaches a session that is gone.
    QMutexLocker lock(&m_mutex);
    if (m_ended || (m_requested && int(*m_requested) >= int(how)))
        return;
    m_requested = how;
    if (m_stopper)
        m_stopper(how);
}

void SessionDownload::bind(std::function<void(Stop)> stopper)
{
    QMutexLocker lock(&m_mutex);
    m_stopper = std::move(stopper);
    if (m_requested) // asked before the session took it up
        m_stopper(*m_requested);
}

void SessionDownload::setResolved(const PinnedDownload &download)
{
    QMutexLocker lock(&m_mutex);
    m_resolved = download;
}

void SessionDownload::publish(const DownloadProgress &progress)
{
    QMutexLocker lock(&m_mutex);
    if (m_ended)
        return;
    m_progress = progress;
    m_fresh = true;
    m_changed.wakeAll();
}

void SessionDownload::finish(const Status &status)
{
    QMutexLocker lock(&m_mutex);
    if (m_ended)
        return;
    m_ended = true;
    m_status = status;
    m_stopper = nullptr;
    m_changed.wakeAll();
}

} // namespace mistudio
