#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QStringList>

#include <memory>

class QThreadPool;
class QTimer;

namespace mistudio {

class DownloadJob;
class HeadResolver;
class TokenBucket;
class TransferPool;
class UrlResolver;

// The download engine: a global queue of downloads, each the selected files of one
// pinned commit, fetched as parallel Range requests into preallocated `.incomplete` files with
// a crash-safe journal, verified (sha256 / git blob sha1) and renamed into place. See
// docs/download.md. Lives in one thread (any thread with an event loop, not necessarily the GUI
// thread); all network and disk work runs on its own threads.
class DownloadEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadEngine)
public:
    enum class State { Queued, Running, Paused };
    Q_ENUM(State)

    explicit DownloadEngine(QObject *parent = nullptr);
    ~DownloadEngine() override;

    // The resolver HEADs are sent through; by default a HeadResolver owned by the engine. The
    // engine does not take ownership of `resolver`.
    void setResolver(UrlResolver *resolver);
    // Options for downloads enqueued from now on.
    void setDefaultOptions(const DownloadOptions &options);
    DownloadOptions defaultOptions() const { return m_options; }

    // Live settings: apply at once to everything queued and running.
    void setMaxConcurrentDownloads(int n);
    int maxConcurrentDownloads() const { return m_maxConcurrent; }
    void setBandwidthLimit(qint64 bytesPerSecond); // 0 = unlimited, shared by all connections
    qint64 bandwidthLimit() const;

    // Queues a download; returns its id. Starts as soon as a slot is free.
    QString enqueue(const PinnedDownload &download);
    QString enqueue(const PinnedDownload &download, const DownloadOptions &options);

    void pause(const QString &id);  // stops transfers, keeps partials
    void resume(const QString &id); // back into the queue
    void cancel(const QString &id); // stops transfers, deletes partials and files: nothing left

    bool contains(const QString &id) const { return m_jobs.contains(id); }
    State state(const QString &id) const;
    QStringList ids() const { return m_order; }

Q_SIGNALS:
    // Per download, at most every options.progressIntervalMs (≥ 100 ms), and once more just
    // before downloadFinished. Guaranteed by construction: two events of one download are always
    // at least the interval apart on the engine's monotonic clock (progress.emittedAtMs), the
    // final one included (it is deferred rather than sent early).
    void progressUpdated(const QString &id, const mistudio::DownloadProgress &progress);
    void stateChanged(const QString &id, mistudio::DownloadEngine::State state);
    // ok: every file verified and in place. Otherwise the typed cause (cancelled included).
    void downloadFinished(const QString &id, const mistudio::Status &status);

private:
    struct Entry
    {
        DownloadJob *job = nullptr;
        State state = State::Queued;
        int intervalMs = 100;        // max(100, the download's progressIntervalMs)
        qint64 lastEmitMs = -1;      // engine clock; -1: never emitted
        qint64 runningSinceMs = 0;   // the first tick comes one interval after the start
        bool finishing = false;      // the job ended; its final event waits for the interval
        Status finalStatus;
    };
    void schedule();
    void armTick();
    void handleTick();
    void handleJobFinished(const QString &id, const Status &status);
    void finishWhenDue(const QString &id);
    // Emits unless the previous event of `id` is less than the interval ago; false then.
    bool emitProgressIfDue(const QString &id, Entry &e);
    qint64 msUntilEmitAllowed(const Entry &e) const;

    DownloadOptions m_options;
    int m_maxConcurrent = 2;
    std::unique_ptr<TokenBucket> m_bucket;
    TransferPool *m_transfers = nullptr;
    HeadResolver *m_defaultResolver = nullptr;
    UrlResolver *m_resolver = nullptr;
    QThreadPool *m_blockingPool = nullptr;
    QTimer *m_tick = nullptr;
    QHash<QString, Entry> m_jobs;
    QStringList m_order; // queue order
    QElapsedTimer m_clock; // monotonic: the ≤ 10 Hz guard and progress.emittedAtMs
};

} // namespace mistudio

Q_DECLARE_METATYPE(mistudio::DownloadProgress)
