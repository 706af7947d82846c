#pragma once

#include "download/downloadsource.h"
#include "download/downloadtypes.h"
#include "download/sessiondownload.h"

#include <QThread>

#include <atomic>
#include <memory>

namespace mistudio {

// The process's one download session (qBittorrent's Session shape): a DownloadEngine in a
// thread of its own for the life of the process, the global bandwidth cap (live), and every
// download's sources (each with its own Hub client and token) in that thread. It runs what it is
// given at once; which downloads run when is the job worker's decision, not the session's.
// Callable from any thread; a caller waits for its download through the SessionDownload handle
// (a condition, no event loop).
class DownloadSession final
{
public:
    explicit DownloadSession(qint64 bandwidthLimit = 0);
    // Stops every download (partials kept and journaled) and ends the thread; handles still held
    // end with ErrorCode::Cancelled.
    ~DownloadSession();
    Q_DISABLE_COPY_MOVE(DownloadSession)

    // Every connection of every download together, from now on (0 = unlimited).
    void setBandwidthLimit(qint64 bytesPerSecond);
    qint64 bandwidthLimit() const { return m_limit.load(); }
    // Every byte received by every download of the session so far (any thread): what a total
    // download speed is computed from.
    qint64 bytesReceived() const;

    // Starts a download: `source` is made and resolved in the session thread, then its files
    // are fetched with `options` (their maxBytesPerSecond is this download's own cap).
    std::shared_ptr<SessionDownload> start(DownloadSourceFactory source, const DownloadOptions &options);

private:
    class Core;
    QThread m_thread;
    Core *m_core = nullptr; // lives in m_thread
    std::atomic<qint64> m_limit{0};
};

} // namespace mistudio
