#include "download/filedownload.h"

#include "download/blockingtask.h"
#include "download/chunkplanner.h"
#include "download/contenthasher.h"
#include "download/filesink.h"
#include "download/partialfile.h"
#include "common/retrypolicy.h"
#include "download/tokenbucket.h"
#include "download/transferpool.h"
#include "download/transferverdict.h"

#include <QRandomGenerator>
#include <QThreadPool>
#include <QTimer>

#include <atomic>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

std::atomic<quint64> g_nextTransferId{1};

} // namespace

FileDownload::FileDownload(std::shared_ptr<const FileContext> ctx, RemoteFile file, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(ctx))
    , m_file(std::move(file))
    , m_retryTimer(new QTimer(this))
    , m_checkpointTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &FileDownload::dispatch);
    m_checkpointTimer->setInterval(qMax(10, m_ctx->options.checkpointIntervalMs));
    connect(m_checkpointTimer, &QTimer::timeout, this, &FileDownload::handleCheckpointTick);
    connect(m_ctx->transfers, &TransferPool::chunkEnded, this, &FileDownload::handleChunkEnded);
    connect(m_ctx->transfers, &TransferPool::splitDone, this, &FileDownload::handleSplitDone);
    m_clock.start();
}

FileDownload::~FileDownload() = default;

GuardedPath FileDownload::finalPath() const
{
    return GuardedPath{m_ctx->root, m_file.path};
}

void FileDownload::loadBaseline()
{
    const GuardedPath path = finalPath();
    struct stat st {};
    if (path.stat(&st) == 0 && S_ISREG(st.st_mode) && qint64(st.st_size) == m_file.size)
        m_baseline = m_file.size; // kept if its digest still matches (checkExisting)
    else
        m_baseline = DownloadJournal::peekDoneBytes(FileSink::journalPath(path), FileSink::identityFor(m_file, false));
}

FileProgress FileDownload::progress() const
{
    FileProgress p;
    p.path = m_file.path;
    p.bytesTotal = qMax<qint64>(0, m_file.size);
    p.bytesDone = m_done ? p.bytesTotal : (m_sink ? m_sink->durableBytes() : m_baseline);
    p.state = m_state;
    p.retryCause = m_cause;
    p.retries = m_retries;
    p.lastRetryCause = m_lastCause;
    return p;
}

void FileDownload::setState(FileState s, const QString &cause)
{
    m_state = s;
    m_cause = cause;
    if (s == FileState::Retrying) {
        ++m_retries;
        m_lastCause = cause;
    }
}

qint64 FileDownload::bytesReceived() const
{
    return m_receivedEarlier + (m_sink ? m_sink->bytesWritten() : 0);
}

bool FileDownload::busy() const
{
    return m_active > 0 || m_resolving || m_preparing || m_checkpointRunning || m_catchUpRunning || m_verifying;
}

void FileDownload::dropSink()
{
    if (m_sink)
        m_receivedEarlier += m_sink->bytesWritten();
    m_sink.reset();
    m_pieces.clear();
}

void FileDownload::start()
{
    m_running = true;
    m_stopMode.reset();
    m_failure.reset();
    m_lastCheckpointTried = false;
    m_endGameCheckpointed = false;
    m_abandoned = false;
    setState(FileState::Downloading);
    if (m_sink && m_resolved.url.isValid()) { // resumed after a pause in this process
        dispatch();
        return;
    }
    checkExisting();
}

void FileDownload::checkExisting()
{
    const GuardedPath path = finalPath();
    struct stat st {};
    if (const int rc = path.stat(&st); rc != 0) {
        if (rc == ENOENT) {
            resolve();
            return;
        }
        fail(path.error(rc, u"Checking"_s));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        // Never ours (finished files are regular files): a link or a folder someone put there.
        fail(path.error(S_ISLNK(st.st_mode) ? safefs::kUnsafePath : EEXIST, u"Replacing"_s));
        return;
    }
    // A finished file from an earlier run: trusted only if its digest still matches.
    m_preparing = true;
    setState(FileState::Verifying);
    const RemoteFile file = m_file;
    const qint64 size = qint64(st.st_size);
    runBlocking(m_ctx->blockingPool, this, [path, file, size]() -> Result<QString> {
        if (size != file.size)
            return QString();
        return ContentHasher::hashFile(path, file);
    }, [this, path](Result<QString> digest) {
        m_preparing = false;
        if (m_stopMode) {
            finishIfDrained();
            return;
        }
        if (digest.ok() && *digest == ContentHasher::expectedFor(m_file)) {
            m_done = true;
            m_running = false;
            setState(FileState::Done);
            Q_EMIT finished(Status());
            return;
        }
        path.remove();
        m_baseline = 0;
        setState(FileState::Downloading);
        resolve();
    });
}

void FileDownload::resolve()
{
    qCDebug(lcDownloadTiming, "%s: resolve", qPrintable(m_file.path));
    m_resolving = true;
    ++m_resolves;
    m_ctx->resolver->resolve(m_ctx->download, m_file, [self = QPointer<FileDownload>(this)](Result<ResolvedFile> r) {
        if (self)
            self->handleResolved(std::move(r));
    });
}

void FileDownload::handleResolved(Result<ResolvedFile> r)
{
    m_resolving = false;
    if (m_stopMode || m_failure) {
        finishIfDrained();
        return;
    }
    if (!r.ok()) {
        const Error &e = r.error();
        if (isRetryableError(e.code) && ++m_resolveFailures <= m_ctx->options.maxRetries) {
            int wait = e.details.value(u"retry_after_ms"_s).toInt(-1);
            if (wait < 0)
                wait = backoffDelayMs(m_resolveFailures, m_ctx->options.backoffBaseMs, m_ctx->options.backoffMaxMs,
                                      QRandomGenerator::global()->generateDouble());
            wait = qMin(wait, m_ctx->options.maxRetryAfterMs);
            setState(FileState::Retrying, e.codeName());
            --m_resolves; // a failed HEAD is not a fresh URL
            m_resolving = true;
            QTimer::singleShot(wait, this, [this] {
                m_resolving = false;
                if (m_stopMode || m_failure)
                    finishIfDrained();
                else
                    resolve();
            });
            return;
        }
        fail(e);
        return;
    }
    m_resolveFailures = 0;
    const ResolvedFile &rf = *r;
    const QString expected = ContentHasher::expectedFor(m_file);
    if (rf.size != m_file.size) {
        fail(Error::make(ErrorCode::SizeMismatch,
                         u"%1: the Hub reports %2 bytes, the file list %3"_s.arg(m_file.path).arg(rf.size).arg(m_file.size),
                         {{u"path"_s, m_file.path}, {u"expected"_s, m_file.size}, {u"actual"_s, rf.size}}));
        return;
    }
    if (!m_ctx->download.commit.isEmpty() && rf.commit != m_ctx->download.commit) {
        fail(Error::make(ErrorCode::InvalidResponse,
                         u"%1: the Hub answered for commit %2, not the pinned %3"_s.arg(m_file.path, rf.commit,
                                                                                       m_ctx->download.commit)));
        return;
    }
    if (!expected.isEmpty() && rf.etag != expected) {
        fail(Error::make(ErrorCode::InvalidResponse,
                         u"%1: the Hub's ETag %2 differs from the listed hash %3"_s.arg(m_file.path, rf.etag, expected)));
        return;
    }
    m_resolved = rf;
    qCDebug(lcDownloadTiming, "%s: resolved", qPrintable(m_file.path));
    setState(FileState::Downloading);
    if (m_sink)
        dispatch();
    else
        prepare();
}

void FileDownload::prepare()
{
    m_preparing = true;
    const GuardedPath path = finalPath();
    const RemoteFile file = m_file;
    const bool prealloc = m_ctx->options.preallocate;
    const bool whole = m_wholeFile;
    runBlocking(m_ctx->blockingPool, this, [=]() -> Result<std::shared_ptr<FileSink>> {
        if (const int rc = path.makeParents(); rc != 0)
            return path.error(rc, u"Creating the folder of"_s);
        return FileSink::open(path, file, prealloc, whole);
    }, [this](Result<std::shared_ptr<FileSink>> sink) { handlePrepared(std::move(sink)); });
}

void FileDownload::handlePrepared(Result<std::shared_ptr<FileSink>> sink)
{
    m_preparing = false;
    if (!sink.ok()) {
        fail(sink.error());
        return;
    }
    m_sink = std::move(*sink);
    qCDebug(lcDownloadTiming, "%s: prepared, %lld bytes journaled", qPrintable(m_file.path), m_sink->durableBytes());
    m_sink->setDurable(m_ctx->options.durable);
    m_resumed = m_resumed || m_sink->resumed();
    m_pieces.clear(); // planned afresh from what the journal lacks
    if (m_stopMode || m_failure) {
        finishIfDrained();
        return;
    }
    dispatch();
}

void FileDownload::dispatch()
{
    if (m_stopMode || m_failure || m_switchingToWhole || !m_sink || m_resolving || m_verifying) {
        finishIfDrained();
        return;
    }
    const qint64 now = m_clock.elapsed();
    qint64 nextWake = -1;
    const int limit = m_wholeFile ? 1 : qMax(1, m_ctx->options.connectionsPerFile);
    // Interrupted pieces first (each from its last byte), then new ones from the unclaimed bytes.
    bool allWritten = true;
    for (size_t i = 0; i < m_pieces.size(); ++i) {
        Piece &p = m_pieces[i];
        if (p.state != PieceState::Written)
            allWritten = false;
        if (p.state != PieceState::Pending)
            continue;
        if (p.notBeforeMs > now) {
            nextWake = nextWake < 0 ? p.notBeforeMs : qMin(nextWake, p.notBeforeMs);
            continue;
        }
        if (m_active < limit)
            startTransfer(int(i));
    }
    if (m_wholeFile && m_pieces.empty() && m_sink->size() > 0) {
        m_pieces.push_back(Piece{m_sink->addPiece(0, m_sink->size())});
        startTransfer(0);
        allWritten = false;
    }
    while (!m_wholeFile && m_active < limit) {
        const std::optional<RangeSet::Range> r =
            planPiece(m_sink->claimed(), m_sink->size(), limit, m_ctx->options.chunkSize);
        if (!r) {
            // The end game: every byte is claimed. Journal what landed so far now, so that the
            // flush after the last byte has only these last moments left to write.
            if (!m_endGameCheckpointed && !m_checkpointRunning && m_sink->hasUnjournaled()) {
                m_endGameCheckpointed = true;
                runCheckpoint();
            }
            if (nextWake < 0)
                splitForIdleConnections(limit);
            break;
        }
        m_pieces.push_back(Piece{m_sink->addPiece(r->first, r->second)});
        startTransfer(int(m_pieces.size()) - 1);
        allWritten = false;
    }
    if (nextWake >= 0 && m_active < limit)
        m_retryTimer->start(int(qMax<qint64>(1, nextWake - now)));
    if (m_active > 0 && !m_checkpointTimer->isActive())
        m_checkpointTimer->start();
    if (!allWritten || m_active > 0)
        return;
    // Every byte is in the file: journal the rest at once, then verify.
    qCDebug(lcDownloadTiming, "%s: every byte written", qPrintable(m_file.path));
    m_checkpointTimer->stop();
    if (m_sink->isComplete() && !m_catchUpRunning)
        verify();
    else if (!m_sink->isComplete() && !m_checkpointRunning)
        runCheckpoint();
}

void FileDownload::splitForIdleConnections(int limit)
{
    int asked = 0;
    for (const Piece &p : m_pieces)
        asked += p.splitAsked ? 1 : 0;
    for (int idle = limit - m_active - asked; idle > 0; --idle) {
        Piece *best = nullptr;
        qint64 most = 0;
        for (Piece &p : m_pieces) {
            const qint64 left = p.range->end.load() - p.range->next();
            if (p.state == PieceState::Active && !p.splitAsked && !p.unsplittable && left > most) {
                best = &p;
                most = left;
            }
        }
        if (!best || most < 2 * kMinSplitBytes)
            return;
        best->splitAsked = true;
        m_ctx->transfers->split(best->transferId);
    }
}

void FileDownload::handleSplitDone(quint64 transferId, bool split)
{
    for (Piece &p : m_pieces) {
        if (p.transferId != transferId || !p.splitAsked)
            continue;
        p.splitAsked = false;
        p.unsplittable = !split;
        if (split)
            qCDebug(lcDownloadTiming, "%s: split at %lld", qPrintable(m_file.path), p.range->end.load());
        dispatch(); // the freed half is unclaimed now: an idle connection takes it
        return;
    }
}

void FileDownload::startTransfer(int index)
{
    Piece &p = m_pieces[size_t(index)];
    if (m_wholeFile)
        m_sink->rewindPiece(*p.range); // no Range: every attempt starts at byte 0
    ChunkTransfer t;
    t.id = g_nextTransferId.fetch_add(1);
    t.sink = m_sink;
    t.piece = p.range;
    t.pieceIndex = index;
    t.url = m_resolved.url;
    if (m_resolved.sendToken && !m_ctx->download.token.isEmpty())
        t.authorization = "Bearer " + m_ctx->download.token.toUtf8();
    t.endpoint = m_ctx->download.endpoint;
    t.allowOffLoopback = m_ctx->options.allowOffLoopbackRedirects;
    t.wholeFile = m_wholeFile;
    t.stallTimeoutMs = m_ctx->options.stallTimeoutMs;
    t.bucket = m_ctx->bucket.get();
    p.state = PieceState::Active;
    p.transferId = t.id;
    p.splitAsked = false;
    p.unsplittable = false;
    ++m_active;
    m_ctx->transfers->start(t);
}

void FileDownload::handleChunkEnded(const ChunkResult &r)
{
    if (r.pieceIndex < 0 || size_t(r.pieceIndex) >= m_pieces.size() || m_pieces[size_t(r.pieceIndex)].transferId != r.id
        || m_pieces[size_t(r.pieceIndex)].state != PieceState::Active)
        return; // another file's transfer (the pool's signal goes to every file)
    Piece &p = m_pieces[size_t(r.pieceIndex)];
    --m_active;
    p.transferId = 0;
    p.splitAsked = false; // a split asked too late is refused by a transfer that is gone
    p.state = PieceState::Pending;
    if (r.bytes > 0)
        p.failures = 0; // progress resets the budget, as huggingface_hub does

    const TransferVerdict v = judgeTransfer(r, m_file.path);
    switch (v.action) {
    case TransferVerdict::Action::Written:
        if (m_state == FileState::Retrying)
            setState(FileState::Downloading);
        p.state = PieceState::Written;
        runCatchUp(); // the digest follows the prefix as pieces complete, not all at the end
        break;
    case TransferVerdict::Action::Nothing:
        break;
    case TransferVerdict::Action::Fail:
        fail(v.error);
        break;
    case TransferVerdict::Action::SwitchToWholeFile:
        if (!m_wholeFile && !m_switchingToWhole) {
            m_switchingToWhole = true;
            setState(FileState::Retrying, u"range_ignored"_s);
            for (const Piece &other : m_pieces)
                if (other.state == PieceState::Active)
                    m_ctx->transfers->abort(other.transferId);
        }
        break;
    case TransferVerdict::Action::Reresolve:
        requestReresolve(v.httpStatus);
        break;
    case TransferVerdict::Action::Retry:
        chunkFailed(r.pieceIndex, r, v.code, v.cause, v.waitMs);
        break;
    }

    continueAfterTransferEvent();
}

void FileDownload::continueAfterTransferEvent()
{
    if (m_switchingToWhole && !busy() && !m_stopMode && !m_failure) {
        m_switchingToWhole = false;
        m_wholeFile = true;
        m_checkpointTimer->stop();
        dropSink();
        FileSink::removePartials(finalPath());
        prepare();
        return;
    }
    dispatch();
}

void FileDownload::chunkFailed(int piece, const ChunkResult &r, ErrorCode code, const QString &cause, int waitMs)
{
    Piece &p = m_pieces[size_t(piece)];
    if (++p.failures > m_ctx->options.maxRetries) {
        fail(Error::make(code, u"%1: bytes %2-%3 failed %4 times in a row, last: %5"_s.arg(m_file.path)
                                   .arg(p.range->next()).arg(p.range->end.load() - 1).arg(p.failures)
                                   .arg(r.detail.isEmpty() ? cause : r.detail),
                         {{u"path"_s, m_file.path}, {u"cause"_s, cause}}));
        return;
    }
    if (waitMs < 0)
        waitMs = backoffDelayMs(p.failures, m_ctx->options.backoffBaseMs, m_ctx->options.backoffMaxMs,
                                QRandomGenerator::global()->generateDouble());
    p.notBeforeMs = m_clock.elapsed() + qMin(waitMs, m_ctx->options.maxRetryAfterMs);
    setState(FileState::Retrying, cause);
}

void FileDownload::requestReresolve(int status)
{
    if (m_resolving)
        return;
    if (m_resolves >= m_ctx->options.maxResolves) {
        fail(Error::make(status == 404 || status == 410 ? ErrorCode::EntryNotFound : ErrorCode::Forbidden,
                         u"%1: the download URL keeps being refused (HTTP %2) after %3 fresh HEADs"_s
                             .arg(m_file.path).arg(status).arg(m_resolves),
                         {{u"http_status"_s, status}}));
        return;
    }
    setState(FileState::Retrying, u"url_expired"_s);
    resolve();
}

void FileDownload::handleCheckpointTick()
{
    if (m_active == 0)
        m_checkpointTimer->stop(); // nothing arrives: the next transfer starts the timer again
    if (m_sink && !m_checkpointRunning && !m_verifying && m_sink->hasUnjournaled())
        runCheckpoint();
}

void FileDownload::runCheckpoint()
{
    m_checkpointRunning = true;
    runBlocking(m_ctx->blockingPool, this, [sink = m_sink]() { return sink->checkpoint(); }, [this](Status st) {
        m_checkpointRunning = false;
        if (!st.ok()) {
            fail(st.error());
            return;
        }
        continueAfterTransferEvent();
    });
}

void FileDownload::runCatchUp()
{
    if (m_catchUpRunning) {
        m_catchUpAgain = true;
        return;
    }
    m_catchUpRunning = true;
    m_catchUpAgain = false;
    runBlocking(m_ctx->blockingPool, this, [sink = m_sink]() { return sink->catchUpDigest(); }, [this](Status st) {
        m_catchUpRunning = false;
        if (!st.ok()) {
            fail(st.error());
            return;
        }
        if (m_catchUpAgain && !m_stopMode && !m_failure)
            runCatchUp();
        else
            continueAfterTransferEvent();
    });
}

void FileDownload::verify()
{
    m_verifying = true;
    setState(FileState::Verifying);
    qCDebug(lcDownloadTiming, "%s: verify", qPrintable(m_file.path));
    const GuardedPath path = finalPath();
    const QString expected = ContentHasher::expectedFor(m_file);
    runBlocking(m_ctx->blockingPool, this, [sink = m_sink, path, expected]() -> Status {
        auto digest = sink->finishDigest();
        if (!digest)
            return digest.error();
        if (*digest != expected)
            return Error::make(ErrorCode::ChecksumMismatch,
                               u"%1: content hash %2, expected %3"_s.arg(sink->file().path, *digest, expected),
                               {{u"path"_s, sink->file().path}, {u"expected"_s, expected}, {u"actual"_s, *digest}});
        // Verified: the only way a final name ever appears.
        if (Status st = atomicRename(FileSink::partialPath(path), path); !st)
            return st;
        FileSink::journalPath(path).remove();
        return {};
    }, [this](Status st) {
        qCDebug(lcDownloadTiming, "%s: published", qPrintable(m_file.path));
        m_verifying = false;
        if (st.ok()) {
            dropSink();
            m_done = true;
            m_running = false;
            setState(FileState::Done);
            Q_EMIT finished(Status());
            return;
        }
        if (st.error().code == ErrorCode::ChecksumMismatch && !m_refetched && !m_stopMode) {
            // Wrong bytes on disk: throw them away and fetch the file once more from scratch.
            m_refetched = true;
            dropSink();
            FileSink::removePartials(finalPath());
            setState(FileState::Retrying, u"checksum_mismatch"_s);
            prepare();
            return;
        }
        if (st.error().code == ErrorCode::ChecksumMismatch) {
            dropSink();
            FileSink::removePartials(finalPath());
        }
        fail(st.error());
    });
}

void FileDownload::fail(const Error &error)
{
    if (m_failure || m_done)
        return;
    m_failure = error;
    setState(FileState::Failed, error.codeName());
    m_retryTimer->stop();
    m_checkpointTimer->stop();
    for (const Piece &p : m_pieces)
        if (p.state == PieceState::Active)
            m_ctx->transfers->abort(p.transferId);
    finishIfDrained();
}

void FileDownload::stop(StopMode mode)
{
    if (!m_running && !(mode == StopMode::Cancel)) {
        Q_EMIT stopped();
        return;
    }
    m_stopMode = mode;
    m_abandoned = mode == StopMode::Abandon;
    m_retryTimer->stop();
    m_checkpointTimer->stop();
    for (const Piece &p : m_pieces)
        if (p.state == PieceState::Active)
            m_ctx->transfers->abort(p.transferId);
    finishIfDrained();
}

void FileDownload::checkpointNow()
{
    if (m_sink && !m_done && !m_abandoned && m_stopMode != StopMode::Cancel && m_sink->hasUnjournaled())
        (void)m_sink->checkpoint(); // best effort: what is not journaled is fetched again
}

void FileDownload::finishIfDrained()
{
    if (busy() || (!m_running && !m_stopMode))
        return;
    // What the stopped (or failed) transfers wrote is journaled once more, so that a resume
    // fetches none of it again; an abandoned file is left exactly as it is.
    const bool keep = m_stopMode ? *m_stopMode == StopMode::Pause : bool(m_failure);
    if (keep && m_sink && !m_lastCheckpointTried && m_sink->hasUnjournaled()) {
        m_lastCheckpointTried = true;
        m_checkpointRunning = true;
        runBlocking(m_ctx->blockingPool, this, [sink = m_sink]() { return sink->checkpoint(); }, [this](Status) {
            m_checkpointRunning = false;
            finishIfDrained();
        });
        return;
    }
    if (m_stopMode) {
        const StopMode mode = *m_stopMode;
        m_running = false;
        if (mode == StopMode::Cancel) {
            dropSink();
            FileSink::removePartials(finalPath());
            finalPath().remove();
            m_done = false;
            m_baseline = 0;
            setState(FileState::Queued);
        } else {
            setState(FileState::Paused);
        }
        m_stopMode.reset();
        Q_EMIT stopped();
        return;
    }
    if (m_failure) {
        m_running = false;
        const Error e = *m_failure;
        Q_EMIT finished(e);
    }
}

} // namespace mistudio
