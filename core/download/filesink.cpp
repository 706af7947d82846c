#include "download/filesink.h"

#include <QMutexLocker>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

FileSink::~FileSink() = default;

void FileSink::removePartials(const GuardedPath &finalPath)
{
    partialPath(finalPath).remove();
    journalPath(finalPath).remove();
    journalPath(finalPath).withSuffix(u".tmp").remove();
}

Result<std::shared_ptr<FileSink>> FileSink::open(const GuardedPath &finalPath, const RemoteFile &file,
                                                 qint64 chunkSize, bool preallocate, bool wholeFile)
{
    std::shared_ptr<FileSink> s(new FileSink);
    s->m_file = file;
    const qint64 size = qMax<qint64>(0, file.size);
    if (wholeFile)
        chunkSize = qMax<qint64>(1, size);
    const QByteArray digest = (wholeFile ? QByteArray("whole:") : QByteArray())
        + ContentHasher::expectedFor(file).toLatin1();

    bool fresh = true;
    auto journal = DownloadJournal::open(journalPath(finalPath),
                                         DownloadJournal::Identity{size, qMax<qint64>(1, chunkSize), digest}, &fresh);
    if (!journal)
        return journal.error();
    s->m_journal = std::move(*journal);
    if (fresh)
        partialPath(finalPath).remove(); // data without a journal proves nothing
    auto data = PartialFile::open(partialPath(finalPath));
    if (!data)
        return data.error();
    s->m_data = std::move(*data);
    qint64 committedEnd = 0;
    for (const ChunkRange &c : planChunks(size, s->m_journal->identity().chunkSize))
        if (s->m_journal->isDone(c.index))
            committedEnd = c.end;
    const qint64 onDisk = s->m_data->currentSize();
    if (!fresh && (onDisk < committedEnd || onDisk > size)) {
        // The partial was lost or truncated behind the journal's back: start over.
        s->m_data.reset();
        s->m_journal.reset();
        removePartials(finalPath);
        return open(finalPath, file, chunkSize, preallocate, wholeFile);
    }
    // Without a reservation the file grows as chunks land (sparse): a full disk then shows up
    // while writing, and the chunks written before it stay journaled.
    if (fresh && preallocate) {
        if (Status st = s->m_data->allocate(size, true); !st)
            return st.error();
    }
    s->m_resumed = !fresh && s->m_journal->doneCount() > 0;
    s->m_chunks = planChunks(size, s->m_journal->identity().chunkSize);
    s->m_written.reset(new std::atomic<qint64>[qMax<size_t>(1, s->m_chunks.size())]);
    for (const ChunkRange &c : s->m_chunks)
        s->m_written[size_t(c.index)].store(s->m_journal->isDone(c.index) ? c.size() : 0);
    s->m_hasher = std::make_unique<ContentHasher>(ContentHasher::kindFor(file), size);
    {
        QMutexLocker lock(&s->m_hashMutex);
        if (Status st = s->catchUpLocked(); !st)
            return st.error();
    }
    return s;
}

qint64 FileSink::bytesOnDisk() const
{
    qint64 total = 0;
    for (const ChunkRange &c : m_chunks)
        total += m_written[size_t(c.index)].load(std::memory_order_relaxed);
    return total;
}

qint64 FileSink::hashedBytes() const
{
    QMutexLocker lock(&m_hashMutex);
    return m_hashedUpTo;
}

void FileSink::rewindChunk(int chunk)
{
    QMutexLocker lock(&m_hashMutex);
    const ChunkRange &c = m_chunks[size_t(chunk)];
    if (m_hashedUpTo > c.begin) {
        // The digest already covers part of this chunk; only a full restart can undo that.
        m_hasher->reset();
        m_hashedUpTo = 0;
    }
    m_written[size_t(chunk)].store(0);
}

Status FileSink::write(int chunk, qint64 offset, const char *data, qint64 size)
{
    const ChunkRange &c = m_chunks[size_t(chunk)];
    if (offset != c.begin + m_written[size_t(chunk)].load() || offset + size > c.end)
        return Error::make(ErrorCode::Internal, u"Write outside chunk %1 of %2"_s.arg(chunk).arg(m_file.path));
    if (Status st = m_data->writeAt(offset, data, size); !st)
        return st;
    m_written[size_t(chunk)].store(offset + size - c.begin);
    // Hash straight from the network buffer when these bytes extend the hashed prefix. Never
    // wait for the lock: the commit task catches up from the page cache instead.
    if (m_hashMutex.tryLock()) {
        if (offset == m_hashedUpTo) {
            m_hasher->update(data, size);
            m_hashedUpTo += size;
        }
        m_hashMutex.unlock();
    }
    return {};
}

Status FileSink::catchUpLocked()
{
    const qint64 size = qMax<qint64>(0, m_file.size);
    std::vector<char> buf;
    while (m_hashedUpTo < size) {
        const int k = int(m_hashedUpTo / chunkSize());
        const ChunkRange &c = m_chunks[size_t(k)];
        const qint64 limit = c.begin + m_written[size_t(k)].load();
        if (limit <= m_hashedUpTo)
            break;
        if (buf.empty())
            buf.resize(1 << 20);
        const qint64 n = qMin<qint64>(qint64(buf.size()), limit - m_hashedUpTo);
        if (Status st = m_data->readAt(m_hashedUpTo, buf.data(), n); !st)
            return st;
        m_hasher->update(buf.data(), n);
        m_hashedUpTo += n;
    }
    return {};
}

Status FileSink::commit(const std::vector<int> &chunks)
{
    QMutexLocker commitLock(&m_commitMutex);
    if (m_durable) {
        if (Status st = m_data->syncData(); !st)
            return st;
    }
    for (int k : chunks) {
        if (Status st = m_journal->markDone(k); !st)
            return st;
    }
    QMutexLocker lock(&m_hashMutex);
    return catchUpLocked();
}

Result<QString> FileSink::finishDigest()
{
    QMutexLocker lock(&m_hashMutex);
    if (Status st = catchUpLocked(); !st)
        return st.error();
    if (m_hashedUpTo != qMax<qint64>(0, m_file.size))
        return Error::make(ErrorCode::Internal, u"Digest of %1 stopped at byte %2"_s.arg(m_file.path).arg(m_hashedUpTo));
    return m_hasher->finalHex();
}

} // namespace mistudio
