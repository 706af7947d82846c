#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"

#include <QMutex>
#include <QWaitCondition>

#include <chrono>
#include <functional>
#include <optional>

namespace mistudio {

// One download of a DownloadSession as its caller sees it, from any thread (a job's pool
// thread): it waits for progress and the end on a condition, never in an event loop, and asks
// the download to stop. Shared by the caller and the session.
class SessionDownload final
{
public:
    // How to stop. A stronger request replaces a weaker one: Pause < Cancel < Abandon.
    enum class Stop {
        Pause,   // stop; what was written is journaled and the partials stay for a resume
        Cancel,  // stop and delete everything of the download: nothing is left
        Abandon, // stop at once and touch no file again: another process owns the download now
    };
    struct Update
    {
        std::optional<DownloadProgress> progress; // newer than the one handed out before
        bool ended = false;
    };

    SessionDownload() = default;
    Q_DISABLE_COPY_MOVE(SessionDownload)

    // Blocks until there is news (a newer progress, or the end) or `timeout` passed.
    Update waitForUpdate(std::chrono::milliseconds timeout);
    bool isEnded() const;
    // Once ended: ok (every file verified and in place), or the typed cause; a stop ends with
    // ErrorCode::Cancelled.
    Status status() const;
    // What the source resolved (the pinned commit and its files); empty until then.
    PinnedDownload resolved() const;

    // Any thread. Ignored once the download ended.
    void stop(Stop how);

private:
    friend class DownloadSession;
    // The session's side (its thread).
    void bind(std::function<void(Stop)> stopper);
    void setResolved(const PinnedDownload &download);
    void publish(const DownloadProgress &progress);
    void finish(const Status &status);

    mutable QMutex m_mutex;
    QWaitCondition m_changed;
    std::function<void(Stop)> m_stopper; // posts the request to the session thread
    std::optional<Stop> m_requested;
    std::optional<DownloadProgress> m_progress;
    bool m_fresh = false; // m_progress not handed out yet
    bool m_ended = false;
    Status m_status;
    PinnedDownload m_resolved;
};

} // namespace mistudio
