#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

class QThreadPool;
class QTimer;

namespace mistudio {

class DownloadJob;
class HeadResolver;
class TokenBucket;
class TransferPool;
class UrlResolver;

// The download engine: downloads, each the selected files of one pinned commit,
// fetched as parallel Range requests into preallocated `.incomplete` files with a crash-safe
// journal, verified (sha256 / git blob sha1) and renamed into place. See docs/download.md.
// It runs what it is given at once: deciding what runs when is its caller's (the job worker's,
// through the DownloadSession). Lives in one thread (any thread with an event loop, not
// necessarily the GUI thread); all network and disk work runs on its own threads.
class DownloadEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadEngine)
public:
    enum class State { Running, Paused };
    Q_ENUM(State)

    explicit DownloadEngine(QObject *parent = nullptr);
    ~DownloadEngine() override;

    // The resolver HEADs are sent through when a download names none; by default a HeadResolver
    // owned by the engine. The engine does not take ownership of `resolver`.
    void setResolver(UrlResolver *resolver);
    // Options for downloads started from now on.
    void setDefaultOptions(const DownloadOptions &options);
    DownloadOptions defaultOptions() const { return m_options; }

    // The global cap, live: every connection of every download together (0 = unlimited). A
    // download's own cap (DownloadOptions::maxBytesPerSecond) applies besides it.
    void setBandwidthLimit(qint64 bytesPerSecond);
    qint64 bandwidthLimit() const;
    // Every byte received by every download so far (any thread): a total speed's measure.
    qint64 bytesReceived() const;

    // Starts a download now; returns its id. `resolver` (not owned; default: the engine's) must
    // outlive the download.
    QString start(const PinnedDownload &download);
    QString start(const PinnedDownload &download, const DownloadOptions &options, UrlResolver *resolver = nullptr);

    void pause(const QString &id);   // stops transfers, journals what they wrote, keeps partials
    void abandon(const QString &id); // stops transfers, then touches no file (another process owns them)
    void resume(const QString &id);  // a paused download runs again
    void cancel(const QString &id);  // stops transfers, deletes partials and files: nothing left
    void forget(const QString &id);  // drops a paused download; its partials stay for a later run

    bool contains(const QString &id) const { return m_jobs.contains(id); }
    State state(const QString &id) const;
    QStringList ids() const { return m_order; }
    // The download's progress now (what the next progressUpdated would carry), if it is known.
    std::optional<DownloadProgress> snapshot(const QString &id);

Q_SIGNALS:
    // Per download, at most every options.progressIntervalMs (≥ 100 ms), and once more just
    // before downloadFinished. Guaranteed by construction: two events of one download are always
    // at least the interval apart on the engine's monotonic clock (progress.emittedAtMs), the
    // final one included (it is deferred rather than sent early).
    void progressUpdated(const QString &id, const mistudio::DownloadProgress &progress);
    void stateChanged(const QString &id, mistudio::DownloadEngine::State state);
    // The outcome, the moment it is known (files in place, or the failure); the final progress
    // event and downloadFinished follow once the interval allows.
    void downloadSettled(const QString &id, const mistudio::Status &status);
    // ok: every file verified and in place. Otherwise the typed cause (cancelled included).
    void downloadFinished(const QString &id, const mistudio::Status &status);

private:
    struct Entry
    {
        DownloadJob *job = nullptr;
        State state = State::Running;
        int intervalMs = 100;        // max(100, the download's progressIntervalMs)
        qint64 lastEmitMs = -1;      // engine clock; -1: never emitted
        qint64 runningSinceMs = 0;   // the first tick comes one interval after the start
        bool finishing = false;      // the job ended; its final event waits for the interval
        Status finalStatus;
    };
    void run(const QString &id, Entry &e);
    void armTick();
    void handleTick();
    void handleJobFinished(const QString &id, const Status &status);
    void finishWhenDue(const QString &id);
    // Emits unless the previous event of `id` is less than the interval ago; false then.
    bool emitProgressIfDue(const QString &id, Entry &e);
    qint64 msUntilEmitAllowed(const Entry &e) const;

    DownloadOptions m_options;
    std::unique_ptr<TokenBucket> m_bucket;
    TransferPool *m_transfers = nullptr;
    HeadResolver *m_defaultResolver = nullptr;
    UrlResolver *m_resolver = nullptr;
    QThreadPool *m_blockingPool = nullptr;
    QTimer *m_tick = nullptr;
    QHash<QString, Entry> m_jobs;
    QStringList m_order; // start order
    QElapsedTimer m_clock; // monotonic: the ≤ 10 Hz guard and progress.emittedAtMs
};

} // namespace mistudio

Q_DECLARE_METATYPE(mistudio::DownloadProgress)
