#pragma once

#include "common/result.h"
#include "download/chunkplanner.h"
#include "download/contenthasher.h"
#include "download/downloadjournal.h"
#include "download/downloadtypes.h"
#include "download/partialfile.h"

#include <QMutex>

#include <atomic>
#include <memory>
#include <vector>

namespace mistudio {

// The on-disk side of one file being downloaded, shared by the transfer threads that write its
// chunks and the commit task that makes them durable: `<name>.incomplete` (preallocated,
// written at offsets), `<name>.journal.incomplete` (finished chunks), and the running digest of
// the contiguous prefix. Every method is thread-safe.
class FileSink final
{
public:
    ~FileSink();
    Q_DISABLE_COPY_MOVE(FileSink)

    static GuardedPath partialPath(const GuardedPath &finalPath) { return finalPath.withSuffix(u".incomplete"); }
    static GuardedPath journalPath(const GuardedPath &finalPath) { return finalPath.withSuffix(u".journal.incomplete"); }

    // Opens (resumes) or creates the partial + journal for `file` at `finalPath` and hashes the
    // journal's contiguous prefix of finished chunks. `chunkSize` is used for a fresh journal
    // only. `wholeFile` plans a single chunk (servers that ignore Range). Every file is opened
    // through the guarded root of `finalPath`.
    static Result<std::shared_ptr<FileSink>> open(const GuardedPath &finalPath, const RemoteFile &file,
                                                  qint64 chunkSize, bool preallocate, bool wholeFile);
    // Deletes the partial and its journal.
    static void removePartials(const GuardedPath &finalPath);

    const RemoteFile &file() const { return m_file; }
    const std::vector<ChunkRange> &chunks() const { return m_chunks; }
    qint64 chunkSize() const { return m_journal->identity().chunkSize; }
    bool resumed() const { return m_resumed; }

    bool isCommitted(int chunk) const { return m_journal->isDone(chunk); }
    // Bytes of `chunk` written so far, contiguous from its start.
    qint64 written(int chunk) const { return m_written[size_t(chunk)].load(); }
    // Bytes on disk: finished chunks plus the written part of the others (for progress).
    qint64 bytesOnDisk() const;

    // Forget the unjournaled bytes of `chunk` (its next attempt starts at its beginning).
    void rewindChunk(int chunk);
    // Writes bytes of `chunk` at `offset` (which must be begin + written(chunk)) and feeds
    // them to the digest when they extend the hashed prefix.
    Status write(int chunk, qint64 offset, const char *data, qint64 size);
    // Off: skip the fdatasync before journal records. Still safe against a killed process (the
    // page cache survives it), not against a power cut. On by default (DownloadOptions::durable).
    void setDurable(bool durable) { m_durable = durable; }

    // fdatasync the data, then journal every chunk in `chunks`, then advance the digest over
    // whatever became contiguous. Called from one commit task at a time per file.
    Status commit(const std::vector<int> &chunks);
    // Digest of the whole file (all chunks must be committed).
    Result<QString> finishDigest();

    qint64 hashedBytes() const;

private:
    FileSink() = default;
    Status catchUpLocked();

    RemoteFile m_file;
    std::unique_ptr<PartialFile> m_data;
    std::unique_ptr<DownloadJournal> m_journal;
    std::vector<ChunkRange> m_chunks;
    std::unique_ptr<std::atomic<qint64>[]> m_written;
    bool m_resumed = false;
    bool m_durable = true;

    mutable QMutex m_hashMutex;
    std::unique_ptr<ContentHasher> m_hasher;
    qint64 m_hashedUpTo = 0;
    QMutex m_commitMutex;
};

} // namespace mistudio
