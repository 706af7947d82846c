#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"
#include "download/guardedpath.h"
#include "download/transferworker.h"
#include "download/urlresolver.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <memory>
#include <vector>

class QThreadPool;
class QTimer;

namespace mistudio {

class FileSink;
class TokenBucket;
class TransferPool;

// Everything one file needs from its download, shared by the files of that download.
struct FileContext
{
    PinnedDownload download;
    DownloadOptions options;
    safefs::GuardedRoot root; // download.targetDir: every file of the download is reached through it
    TransferPool *transfers = nullptr;
    TokenBucket *bucket = nullptr;
    UrlResolver *resolver = nullptr;
    QThreadPool *blockingPool = nullptr; // fdatasync, hashing, fallocate, renames
};

// One file of a download, from resolve to the atomic rename into place: schedules its chunks
// on the transfer pool (up to connectionsPerFile at once), retries each failed chunk on its own,
// re-resolves an expired signed URL, commits finished chunks to the journal off the engine
// thread, verifies the digest and publishes the file. Lives in the engine's thread.
class FileDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDownload)
public:
    enum class StopMode { Pause, Cancel };

    FileDownload(std::shared_ptr<const FileContext> ctx, RemoteFile file, QObject *parent = nullptr);
    ~FileDownload() override;

    void start();
    // Stops every transfer; Cancel also deletes the partials and the finished file. `stopped`
    // follows once nothing of this file is running any more.
    void stop(StopMode mode);

    GuardedPath finalPath() const;
    const RemoteFile &file() const { return m_file; }
    FileProgress progress() const;
    bool isRunning() const { return m_running; }

    // For the benchmark and tests: chunks fetched again after a restart are visible here.
    bool resumedFromJournal() const { return m_resumed; }

Q_SIGNALS:
    void finished(const mistudio::Status &status); // ok = verified and in place
    void stopped();

private:
    enum class ChunkState { Pending, Active, Committing, Committed };
    struct Chunk
    {
        ChunkState state = ChunkState::Pending;
        int failures = 0;
        qint64 notBeforeMs = 0;
        quint64 transferId = 0;
    };

    void checkExisting();
    void resolve();
    void handleResolved(Result<ResolvedFile> r);
    void prepare();
    void handlePrepared(Result<std::shared_ptr<FileSink>> sink);
    void dispatch();
    void handleChunkEnded(const ChunkResult &r);
    void continueAfterTransferEvent();
    void chunkFailed(int chunk, const ChunkResult &r, ErrorCode code, const QString &cause, int waitMs = -1);
    void requestReresolve(int status);
    void queueCommit(int chunk);
    void runCommit();
    void verify();
    void fail(const Error &error);
    void finishIfDrained();
    bool busy() const;
    void setState(FileState s, const QString &cause = QString());

    std::shared_ptr<const FileContext> m_ctx;
    RemoteFile m_file;
    std::shared_ptr<FileSink> m_sink;
    ResolvedFile m_resolved;
    std::vector<Chunk> m_chunks;
    std::vector<int> m_commitQueue;
    QTimer *m_retryTimer = nullptr;
    QElapsedTimer m_clock;

    FileState m_state = FileState::Queued;
    QString m_cause;
    QString m_lastCause;
    int m_retries = 0;
    bool m_running = false;
    bool m_resolving = false;
    bool m_preparing = false;
    bool m_commitRunning = false;
    bool m_verifying = false;
    bool m_wholeFile = false;    // the server ignores Range: one plain GET
    bool m_switchingToWhole = false;
    bool m_refetched = false;    // after one checksum mismatch
    bool m_resumed = false;
    int m_active = 0;
    int m_resolves = 0;
    int m_resolveFailures = 0;
    std::optional<StopMode> m_stopMode;
    std::optional<Error> m_failure;
    bool m_done = false;
};

} // namespace mistudio
