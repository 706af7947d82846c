#include "download/filesink.h"

#include <QMutexLocker>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

FileSink::~FileSink() = default;

void FileSink::removePartials(const GuardedPath &finalPath)
{
    partialPath(finalPath).remove();
    journalPath(finalPath).remove();
    journalPath(finalPath).withSuffix(u".tmp").remove();
}

DownloadJournal::Identity FileSink::identityFor(const RemoteFile &file, bool wholeFile)
{
    return DownloadJournal::Identity{qMax<qint64>(0, file.size),
                                     (wholeFile ? QByteArray("whole:") : QByteArray())
                                         + ContentHasher::expectedFor(file).toLatin1()};
}

Result<std::shared_ptr<FileSink>> FileSink::open(const GuardedPath &finalPath, const RemoteFile &file,
                                                 bool preallocate, bool wholeFile)
{
    std::shared_ptr<FileSink> s(new FileSink);
    s->m_file = file;
    const qint64 size = s->size();

    bool fresh = true;
    auto journal = DownloadJournal::open(journalPath(finalPath), identityFor(file, wholeFile), &fresh);
    if (!journal)
        return journal.error();
    s->m_journal = std::move(*journal);
    if (fresh)
        partialPath(finalPath).remove(); // data without a journal proves nothing
    auto data = PartialFile::open(partialPath(finalPath));
    if (!data)
        return data.error();
    s->m_data = std::move(*data);
    const std::vector<RangeSet::Range> done = s->m_journal->done().ranges();
    const qint64 journaledEnd = done.empty() ? 0 : done.back().second;
    const qint64 onDisk = s->m_data->currentSize();
    if (!fresh && (onDisk < journaledEnd || onDisk > size)) {
        // The partial was lost or truncated behind the journal's back: start over.
        s->m_data.reset();
        s->m_journal.reset();
        removePartials(finalPath);
        return open(finalPath, file, preallocate, wholeFile);
    }
    // Without a reservation the file grows as pieces land (sparse): a full disk then shows up
    // while writing, and the ranges written before it stay journaled.
    if (fresh && preallocate) {
        if (Status st = s->m_data->allocate(size, true); !st)
            return st.error();
    }
    s->m_resumed = !fresh && s->m_journal->doneBytes() > 0;
    s->m_hasher = std::make_unique<ContentHasher>(ContentHasher::kindFor(file), size);
    {
        QMutexLocker lock(&s->m_hashMutex);
        if (Status st = s->catchUpLocked(); !st)
            return st.error();
    }
    return s;
}

qint64 FileSink::durableBytes() const
{
    return m_journal->doneBytes();
}

RangeSet FileSink::claimed() const
{
    QMutexLocker lock(&m_piecesMutex);
    RangeSet r = m_journal->done();
    for (const auto &p : m_pieces)
        r.add(p->begin, p->end.load());
    return r;
}

RangeSet FileSink::writtenLocked() const
{
    RangeSet r = m_journal->done();
    for (const auto &p : m_pieces)
        r.add(p->begin, p->next());
    return r;
}

std::shared_ptr<FilePiece> FileSink::addPiece(qint64 begin, qint64 end)
{
    auto piece = std::make_shared<FilePiece>(begin, end);
    QMutexLocker lock(&m_piecesMutex);
    m_pieces.push_back(piece);
    return piece;
}

qint64 FileSink::hashedBytes() const
{
    QMutexLocker lock(&m_hashMutex);
    return m_hashedUpTo;
}

void FileSink::rewindPiece(FilePiece &piece)
{
    QMutexLocker lock(&m_hashMutex);
    if (m_hashedUpTo > piece.begin) {
        // The digest already covers bytes of this piece; only a full restart can undo that.
        m_hasher->reset();
        m_hashedUpTo = 0;
    }
    piece.written.store(0);
}

Status FileSink::write(FilePiece &piece, qint64 offset, const char *data, qint64 size)
{
    if (offset != piece.next() || offset + size > piece.end.load())
        return Error::make(ErrorCode::Internal, u"Write outside piece %1-%2 of %3"_s.arg(piece.begin).arg(piece.end.load())
                                                    .arg(m_file.path));
    if (Status st = m_data->writeAt(offset, data, size); !st)
        return st;
    piece.written.store(offset + size - piece.begin);
    m_bytesWritten.fetch_add(size, std::memory_order_relaxed);
    // Each 4 MiB of a piece goes to the disk as soon as it is whole, rather than all at the next
    // checkpoint: the flush at a checkpoint, the last one included, then waits for little.
    if (m_durable && (offset + size) / kWritebackBlock != offset / kWritebackBlock) {
        const qint64 blockEnd = (offset + size) / kWritebackBlock * kWritebackBlock;
        const qint64 blockBegin = qMax(piece.begin, blockEnd - kWritebackBlock);
        m_data->startWriteback(blockBegin, blockEnd - blockBegin);
    }
    m_writeEpoch.fetch_add(1);
    // Hash straight from the network buffer when these bytes extend the hashed prefix. Never
    // wait for the lock: a catch-up task reads them back from the page cache instead.
    if (m_hashMutex.tryLock()) {
        if (offset == m_hashedUpTo) {
            m_hasher->update(data, size);
            m_hashedUpTo += size;
        }
        m_hashMutex.unlock();
    }
    return {};
}

bool FileSink::hasUnjournaled() const
{
    return m_writeEpoch.load() != m_journaledEpoch.load();
}

Status FileSink::checkpoint()
{
    QMutexLocker checkpointLock(&m_checkpointMutex);
    const qint64 epoch = m_writeEpoch.load();
    // What every piece holds *before* the flush: those bytes are in the file, so the flush
    // makes them durable; bytes written meanwhile wait for the next checkpoint.
    std::vector<RangeSet::Range> landed;
    {
        QMutexLocker lock(&m_piecesMutex);
        for (const auto &p : m_pieces)
            if (const qint64 next = p->next(); next > p->begin)
                landed.emplace_back(p->begin, next);
    }
    if (landed.empty()) {
        m_journaledEpoch.store(epoch);
        return {};
    }
    if (m_durable) {
        if (Status st = m_data->syncData(); !st)
            return st;
    }
    QMutexLocker lock(&m_piecesMutex);
    if (Status st = m_journal->record(landed); !st)
        return st;
    // A finished piece is now just journaled bytes.
    std::erase_if(m_pieces, [this](const std::shared_ptr<FilePiece> &p) {
        const qint64 end = p->end.load();
        return p->next() == end && m_journal->isDone(p->begin, end);
    });
    m_journaledEpoch.store(epoch);
    return {};
}

Status FileSink::catchUpDigest()
{
    QMutexLocker lock(&m_hashMutex);
    return catchUpLocked();
}

Status FileSink::catchUpLocked()
{
    qint64 limit = 0;
    {
        QMutexLocker lock(&m_piecesMutex);
        limit = writtenLocked().contiguousEnd(m_hashedUpTo);
    }
    std::vector<char> buf;
    while (m_hashedUpTo < limit) {
        if (buf.empty())
            buf.resize(size_t(qMin<qint64>(4 << 20, limit - m_hashedUpTo)));
        const qint64 n = qMin<qint64>(qint64(buf.size()), limit - m_hashedUpTo);
        if (Status st = m_data->readAt(m_hashedUpTo, buf.data(), n); !st)
            return st;
        m_hasher->update(buf.data(), n);
        m_hashedUpTo += n;
    }
    return {};
}

Result<QString> FileSink::finishDigest()
{
    QMutexLocker lock(&m_hashMutex);
    if (Status st = catchUpLocked(); !st)
        return st.error();
    if (m_hashedUpTo != size() || !m_journal->isDone(0, size()))
        return Error::make(ErrorCode::Internal, u"Digest of %1 stopped at byte %2"_s.arg(m_file.path).arg(m_hashedUpTo));
    return m_hasher->finalHex();
}

} // namespace mistudio
