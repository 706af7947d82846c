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
struct FilePiece;
class TokenBucket;
class TransferPool;

// Everything one file needs from its download, shared by the files of that download.
struct FileContext
{
    PinnedDownload download;
    DownloadOptions options;
    safefs::GuardedRoot root; // download.targetDir: every file of the download is reached through it
    TransferPool *transfers = nullptr;
    std::shared_ptr<TokenBucket> bucket; // this download's cap, nested in the global one
    UrlResolver *resolver = nullptr;
    QThreadPool *blockingPool = nullptr; // fdatasync, hashing, fallocate, renames
};

// One file of a download, from resolve to the atomic rename into place: plans the file's pieces
// and fetches them on the transfer pool (up to connectionsPerFile at once), retries each failed
// piece on its own from its last byte, re-resolves an expired signed URL, journals what landed
// off the engine thread (a checkpoint every checkpointIntervalMs while bytes arrive), verifies
// the digest and publishes the file. Lives in the engine's thread.
class FileDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDownload)
public:
    enum class StopMode {
        Pause,   // stop the transfers, journal what they wrote, keep the partials
        Abandon, // stop the transfers and touch nothing more (the job went to another process)
        Cancel,  // stop, then delete the partials and the finished file
    };

    FileDownload(std::shared_ptr<const FileContext> ctx, RemoteFile file, QObject *parent = nullptr);
    ~FileDownload() override;

    // What an earlier run left (journaled bytes, or a finished file of the right size): the
    // progress this file reports until its partial is open. Reads the journal; call once the
    // names were checked.
    void loadBaseline();
    void start();
    // Stops every transfer; `stopped` follows once nothing of this file is running any more.
    void stop(StopMode mode);
    // Journals what was written, now, on this thread: for the engine's destructor, once no
    // transfer runs any more.
    void checkpointNow();

    GuardedPath finalPath() const;
    const RemoteFile &file() const { return m_file; }
    // bytesDone: journaled (durable) bytes, never more: what a restart resumes from.
    FileProgress progress() const;
    // Bytes received by this process (the speed's measure).
    qint64 bytesReceived() const;
    bool isRunning() const { return m_running; }

    // For the benchmark and tests: ranges fetched again after a restart are visible here.
    bool resumedFromJournal() const { return m_resumed; }

Q_SIGNALS:
    void finished(const mistudio::Status &status); // ok = verified and in place
    void stopped();

private:
    enum class PieceState { Pending, Active, Written };
    struct Piece
    {
        std::shared_ptr<FilePiece> range;
        PieceState state = PieceState::Pending;
        int failures = 0;
        qint64 notBeforeMs = 0;
        quint64 transferId = 0;
        bool splitAsked = false; // its transfer was asked to leave half of what it has left
        bool unsplittable = false;
    };

    void checkExisting();
    void resolve();
    void handleResolved(Result<ResolvedFile> r);
    void prepare();
    void handlePrepared(Result<std::shared_ptr<FileSink>> sink);
    void dispatch();
    void startTransfer(int index);
    void handleChunkEnded(const ChunkResult &r);
    void handleSplitDone(quint64 transferId, bool split);
    // Every byte is claimed: idle connections take half of the pieces with the most left.
    void splitForIdleConnections(int limit);
    void continueAfterTransferEvent();
    void chunkFailed(int piece, const ChunkResult &r, ErrorCode code, const QString &cause, int waitMs = -1);
    void requestReresolve(int status);
    void handleCheckpointTick();
    void runCheckpoint();
    void runCatchUp();
    void verify();
    void fail(const Error &error);
    void finishIfDrained();
    void dropSink();
    bool busy() const;
    void setState(FileState s, const QString &cause = QString());

    std::shared_ptr<const FileContext> m_ctx;
    RemoteFile m_file;
    std::shared_ptr<FileSink> m_sink;
    ResolvedFile m_resolved;
    std::vector<Piece> m_pieces;
    QTimer *m_retryTimer = nullptr;
    QTimer *m_checkpointTimer = nullptr;
    QElapsedTimer m_clock;

    FileState m_state = FileState::Queued;
    QString m_cause;
    QString m_lastCause;
    int m_retries = 0;
    qint64 m_baseline = 0;         // reported until the partial is open
    qint64 m_receivedEarlier = 0;  // by sinks this file dropped (a restart from scratch)
    bool m_running = false;
    bool m_resolving = false;
    bool m_preparing = false;
    bool m_checkpointRunning = false;
    bool m_catchUpRunning = false;
    bool m_catchUpAgain = false;
    bool m_lastCheckpointTried = false; // the one after a stop or a failure
    bool m_abandoned = false;           // stopped for another process: no file is touched again
    bool m_endGameCheckpointed = false; // the checkpoint when the last bytes were claimed
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
