#include "download/filedownload.h"

#include "download/contenthasher.h"
#include "download/filesink.h"
#include "download/partialfile.h"
#include "common/retrypolicy.h"
#include "download/tokenbucket.h"
#include "download/transferpool.h"

#include <QFile>
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

// Runs `work` on `pool` and hands its result to `done` on `ctx`'s thread.
template<class Work, class Done>
void runBlocking(QThreadPool *pool, QObject *ctx, Work work, Done done)
{
    pool->start([ctx, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(ctx, [done = std::move(done), result = std::move(result)]() mutable {
            done(std::move(result));
        }, Qt::QueuedConnection);
    });
}

Result<QString> hashExisting(const GuardedPath &path, const RemoteFile &file)
{
    const safefs::Opened fd = path.open(O_RDONLY);
    if (!fd.ok())
        return path.error(fd.error, u"Reading"_s);
    QFile f;
    if (!f.open(fd.fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd.fd);
        return Error::make(ErrorCode::IoError, u"Cannot read '%1'"_s.arg(path.display()));
    }
    ContentHasher h(ContentHasher::kindFor(file), f.size());
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = f.read(buf.data(), buf.size());
        if (n < 0)
            return Error::make(ErrorCode::IoError, u"Cannot read '%1'"_s.arg(path.display()));
        if (n == 0)
            break;
        h.update(buf.constData(), n);
    }
    return h.finalHex();
}

} // namespace

FileDownload::FileDownload(std::shared_ptr<const FileContext> ctx, RemoteFile file, QObject *parent)
    : QObject(parent), m_ctx(std::move(ctx)), m_file(std::move(file)), m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &FileDownload::dispatch);
    connect(m_ctx->transfers, &TransferPool::chunkEnded, this, &FileDownload::handleChunkEnded);
    m_clock.start();
}

FileDownload::~FileDownload() = default;

GuardedPath FileDownload::finalPath() const
{
    return GuardedPath{m_ctx->root, m_file.path};
}

FileProgress FileDownload::progress() const
{
    FileProgress p;
    p.path = m_file.path;
    p.bytesTotal = qMax<qint64>(0, m_file.size);
    p.bytesDone = m_done ? p.bytesTotal : (m_sink ? m_sink->bytesOnDisk() : 0);
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

bool FileDownload::busy() const
{
    return m_active > 0 || m_resolving || m_preparing || m_commitRunning || m_verifying;
}

void FileDownload::start()
{
    m_running = true;
    m_stopMode.reset();
    m_failure.reset();
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
        return hashExisting(path, file);
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
        setState(FileState::Downloading);
        resolve();
    });
}

void FileDownload::resolve()
{
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
    const qint64 chunkSize = m_ctx->options.chunkSize;
    const bool prealloc = m_ctx->options.preallocate;
    const bool whole = m_wholeFile;
    runBlocking(m_ctx->blockingPool, this, [=]() -> Result<std::shared_ptr<FileSink>> {
        if (const int rc = path.makeParents(); rc != 0)
            return path.error(rc, u"Creating the folder of"_s);
        return FileSink::open(path, file, chunkSize, prealloc, whole);
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
    m_sink->setDurable(m_ctx->options.durable);
    m_resumed = m_resumed || m_sink->resumed();
    m_chunks.assign(m_sink->chunks().size(), Chunk{});
    for (const ChunkRange &c : m_sink->chunks()) {
        if (m_sink->isCommitted(c.index))
            m_chunks[size_t(c.index)].state = ChunkState::Committed;
        else
            m_sink->rewindChunk(c.index); // unjournaled bytes prove nothing: fetch the chunk again
    }
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
    bool allCommitted = true;
    const int limit = m_wholeFile ? 1 : qMax(1, m_ctx->options.connectionsPerFile);
    for (size_t i = 0; i < m_chunks.size(); ++i) {
        Chunk &c = m_chunks[i];
        if (c.state != ChunkState::Committed)
            allCommitted = false;
        if (c.state != ChunkState::Pending)
            continue;
        if (c.notBeforeMs > now) {
            nextWake = nextWake < 0 ? c.notBeforeMs : qMin(nextWake, c.notBeforeMs);
            continue;
        }
        if (m_active >= limit)
            continue;
        if (m_wholeFile)
            m_sink->rewindChunk(int(i)); // no Range: every attempt starts at byte 0
        ChunkTransfer t;
        t.id = g_nextTransferId.fetch_add(1);
        t.sink = m_sink;
        t.chunk = int(i);
        t.url = m_resolved.url;
        if (m_resolved.sendToken && !m_ctx->download.token.isEmpty())
            t.authorization = "Bearer " + m_ctx->download.token.toUtf8();
        t.endpoint = m_ctx->download.endpoint;
        t.allowOffLoopback = m_ctx->options.allowOffLoopbackRedirects;
        t.wholeFile = m_wholeFile;
        t.stallTimeoutMs = m_ctx->options.stallTimeoutMs;
        t.bucket = m_ctx->bucket;
        c.state = ChunkState::Active;
        c.transferId = t.id;
        ++m_active;
        m_ctx->transfers->start(t);
    }
    if (nextWake >= 0 && m_active < limit)
        m_retryTimer->start(int(qMax<qint64>(1, nextWake - now)));
    if (allCommitted && !m_commitRunning && m_commitQueue.empty())
        verify();
}

void FileDownload::handleChunkEnded(const ChunkResult &r)
{
    if (r.chunk < 0 || size_t(r.chunk) >= m_chunks.size() || m_chunks[size_t(r.chunk)].transferId != r.id
        || m_chunks[size_t(r.chunk)].state != ChunkState::Active)
        return; // another file's transfer (the pool's signal goes to every file)
    Chunk &c = m_chunks[size_t(r.chunk)];
    --m_active;
    c.transferId = 0;
    c.state = ChunkState::Pending;
    if (r.bytes > 0)
        c.failures = 0; // progress resets the budget, as huggingface_hub does

    using O = ChunkResult::Outcome;
    switch (r.outcome) {
    case O::Ok:
        if (m_state == FileState::Retrying)
            setState(FileState::Downloading);
        c.state = ChunkState::Committing;
        queueCommit(r.chunk);
        break;
    case O::Cancelled:
        break;
    case O::WriteFailed:
    case O::Refused:
        fail(r.error);
        break;
    case O::RangeIgnored:
        if (!m_wholeFile && !m_switchingToWhole) {
            // Switch the whole file to one plain GET: partial chunks of a server that ignores
            // Range cannot be trusted to line up.
            m_switchingToWhole = true;
            setState(FileState::Retrying, u"range_ignored"_s);
            for (const Chunk &other : m_chunks)
                if (other.state == ChunkState::Active)
                    m_ctx->transfers->abort(other.transferId);
        }
        break;
    case O::HttpError: {
        const int s = r.httpStatus;
        if (s == 403 || s == 401 || s == 404 || s == 410) {
            requestReresolve(s); // the signed URL expired (or the CDN lost it): fresh HEAD
        } else if (s == 416) {
            fail(Error::make(ErrorCode::SizeMismatch, u"%1: the server has fewer bytes than the Hub listed"_s.arg(m_file.path)));
        } else if (s == 429) {
            chunkFailed(r.chunk, r, ErrorCode::RateLimited, u"http_429"_s,
                        rateLimitWaitMs(r.rateLimit, r.retryAfter).value_or(-1));
        } else if (s == 408) {
            chunkFailed(r.chunk, r, ErrorCode::Timeout, u"http_408"_s);
        } else if (s >= 500) {
            chunkFailed(r.chunk, r, ErrorCode::ServerError, u"http_%1"_s.arg(s));
        } else {
            fail(Error::make(ErrorCode::InvalidResponse, u"%1: unexpected HTTP %2"_s.arg(m_file.path).arg(s),
                             {{u"http_status"_s, s}}));
        }
        break;
    }
    case O::NetworkError:
        chunkFailed(r.chunk, r, ErrorCode::NetworkError, u"network"_s);
        break;
    case O::Stalled:
        chunkFailed(r.chunk, r, ErrorCode::Timeout, u"stall"_s);
        break;
    case O::ShortBody:
        chunkFailed(r.chunk, r, ErrorCode::NetworkError, u"short_body"_s);
        break;
    case O::BadResponse:
        chunkFailed(r.chunk, r, ErrorCode::InvalidResponse, u"bad_content_range"_s);
        break;
    }

    continueAfterTransferEvent();
}

void FileDownload::continueAfterTransferEvent()
{
    if (m_switchingToWhole && m_active == 0 && !m_commitRunning && !m_stopMode && !m_failure) {
        m_switchingToWhole = false;
        m_wholeFile = true;
        m_sink.reset();
        FileSink::removePartials(finalPath());
        prepare();
        return;
    }
    dispatch();
}

void FileDownload::chunkFailed(int chunk, const ChunkResult &r, ErrorCode code, const QString &cause, int waitMs)
{
    Chunk &c = m_chunks[size_t(chunk)];
    if (++c.failures > m_ctx->options.maxRetries) {
        fail(Error::make(code, u"%1: chunk %2 failed %3 times in a row, last: %4"_s.arg(m_file.path).arg(chunk)
                                   .arg(c.failures).arg(r.detail.isEmpty() ? cause : r.detail),
                         {{u"path"_s, m_file.path}, {u"cause"_s, cause}}));
        return;
    }
    if (waitMs < 0)
        waitMs = backoffDelayMs(c.failures, m_ctx->options.backoffBaseMs, m_ctx->options.backoffMaxMs,
                                QRandomGenerator::global()->generateDouble());
    c.notBeforeMs = m_clock.elapsed() + qMin(waitMs, m_ctx->options.maxRetryAfterMs);
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

void FileDownload::queueCommit(int chunk)
{
    m_commitQueue.push_back(chunk);
    if (!m_commitRunning)
        runCommit();
}

void FileDownload::runCommit()
{
    m_commitRunning = true;
    std::vector<int> batch;
    batch.swap(m_commitQueue);
    runBlocking(m_ctx->blockingPool, this, [sink = m_sink, batch]() { return std::make_pair(batch, sink->commit(batch)); },
                [this](std::pair<std::vector<int>, Status> done) {
        m_commitRunning = false;
        if (!done.second.ok()) {
            for (int k : done.first)
                m_chunks[size_t(k)].state = ChunkState::Pending;
            fail(done.second.error());
            return;
        }
        for (int k : done.first)
            m_chunks[size_t(k)].state = ChunkState::Committed;
        // Chunks already on disk are journaled even after a failure: a resume then skips them.
        if (!m_commitQueue.empty())
            runCommit();
        continueAfterTransferEvent();
    });
}

void FileDownload::verify()
{
    m_verifying = true;
    setState(FileState::Verifying);
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
        m_verifying = false;
        if (st.ok()) {
            m_sink.reset();
            m_done = true;
            m_running = false;
            setState(FileState::Done);
            Q_EMIT finished(Status());
            return;
        }
        if (st.error().code == ErrorCode::ChecksumMismatch && !m_refetched && !m_stopMode) {
            // Wrong bytes on disk: throw them away and fetch the file once more from scratch.
            m_refetched = true;
            m_sink.reset();
            FileSink::removePartials(finalPath());
            setState(FileState::Retrying, u"checksum_mismatch"_s);
            prepare();
            return;
        }
        if (st.error().code == ErrorCode::ChecksumMismatch) {
            m_sink.reset();
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
    for (const Chunk &c : m_chunks)
        if (c.state == ChunkState::Active)
            m_ctx->transfers->abort(c.transferId);
    finishIfDrained();
}

void FileDownload::stop(StopMode mode)
{
    if (!m_running && !(mode == StopMode::Cancel)) {
        Q_EMIT stopped();
        return;
    }
    m_stopMode = mode;
    m_retryTimer->stop();
    for (const Chunk &c : m_chunks)
        if (c.state == ChunkState::Active)
            m_ctx->transfers->abort(c.transferId);
    finishIfDrained();
}

void FileDownload::finishIfDrained()
{
    if (busy() || (!m_running && !m_stopMode))
        return;
    if (m_stopMode) {
        const StopMode mode = *m_stopMode;
        m_running = false;
        if (mode == StopMode::Cancel) {
            m_sink.reset();
            m_chunks.clear();
            FileSink::removePartials(finalPath());
            finalPath().remove();
            m_done = false;
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
