#pragma once

#include "common/result.h"
#include "download/contenthasher.h"
#include "download/downloadjournal.h"
#include "download/downloadtypes.h"
#include "download/partialfile.h"
#include "download/rangeset.h"

#include <QMutex>

#include <atomic>
#include <memory>
#include <vector>

namespace mistudio {

// A range of a file that one transfer at a time fills from its start: `written` bytes of
// [begin, end) are in the file. Shared by the engine (which plans it) and the transfer thread
// (which writes it, and alone may lower `end` when the piece is split for an idle connection).
struct FilePiece
{
    FilePiece(qint64 b, qint64 e) : begin(b), end(e) {}
    const qint64 begin;
    std::atomic<qint64> end;
    std::atomic<qint64> written{0};

    qint64 size() const { return end.load() - begin; }
    qint64 next() const { return begin + written.load(); }
};

// The on-disk side of one file being downloaded, shared by the transfer threads that write its
// pieces and the tasks that make them durable: `<name>.incomplete` (preallocated, written at
// offsets), `<name>.journal.incomplete` (the byte ranges on disk), and the running digest of the
// contiguous prefix. Every method is thread-safe.
//
// Pieces are registered while they are being fetched; a checkpoint flushes the data
// (fdatasync), then journals what every piece holds so far, and forgets the pieces it completed.
// So what a crash loses is what landed since the last checkpoint.
class FileSink final
{
public:
    ~FileSink();
    Q_DISABLE_COPY_MOVE(FileSink)

    static GuardedPath partialPath(const GuardedPath &finalPath) { return finalPath.withSuffix(u".incomplete"); }
    static GuardedPath journalPath(const GuardedPath &finalPath) { return finalPath.withSuffix(u".journal.incomplete"); }
    // What the journal of `file` identifies it by (its expected digest; a whole-file download
    // of a server that ignores Range never resumes as a ranged one, nor the reverse).
    static DownloadJournal::Identity identityFor(const RemoteFile &file, bool wholeFile);

    // Opens (resumes) or creates the partial + journal for `file` at `finalPath` and hashes the
    // journaled prefix. Every file is opened through the guarded root of `finalPath`.
    static Result<std::shared_ptr<FileSink>> open(const GuardedPath &finalPath, const RemoteFile &file,
                                                  bool preallocate, bool wholeFile);
    // Deletes the partial and its journal.
    static void removePartials(const GuardedPath &finalPath);

    const RemoteFile &file() const { return m_file; }
    qint64 size() const { return qMax<qint64>(0, m_file.size); }
    bool resumed() const { return m_resumed; }

    // Bytes journaled (durable): what progress reports and a restart starts from.
    qint64 durableBytes() const;
    bool isComplete() const { return durableBytes() == size(); }
    // Bytes written by this process (for the speed).
    qint64 bytesWritten() const { return m_bytesWritten.load(std::memory_order_relaxed); }
    // Journaled bytes plus every registered piece's whole range: what no new piece may take.
    RangeSet claimed() const;

    // Registers [begin, end) (not claimed) for a transfer to fill.
    std::shared_ptr<FilePiece> addPiece(qint64 begin, qint64 end);
    // Forget the unjournaled bytes of `piece` (its next attempt starts at its beginning).
    void rewindPiece(FilePiece &piece);
    // Writes bytes of `piece` at `offset` (which must be piece.next()) and feeds them to the
    // digest when they extend the hashed prefix.
    Status write(FilePiece &piece, qint64 offset, const char *data, qint64 size);
    // Off: skip the fdatasync before journal records. Still safe against a killed process (the
    // page cache survives it), not against a power cut. On by default (DownloadOptions::durable).
    void setDurable(bool durable) { m_durable = durable; }

    // Whether bytes were written since the last checkpoint.
    bool hasUnjournaled() const;
    // fdatasync the data, then journal what every piece holds; completed pieces are forgotten.
    // Called from one task at a time per file.
    Status checkpoint();
    // Advances the digest over whatever became contiguous (reads back from the page cache).
    Status catchUpDigest();
    // Digest of the whole file (every byte must be journaled).
    Result<QString> finishDigest();

    qint64 hashedBytes() const;

private:
    static constexpr qint64 kWritebackBlock = 4 << 20;
    FileSink() = default;
    Status catchUpLocked();
    RangeSet writtenLocked() const; // journaled + every piece's written prefix (under m_piecesMutex)

    RemoteFile m_file;
    std::unique_ptr<PartialFile> m_data;
    std::unique_ptr<DownloadJournal> m_journal;
    bool m_resumed = false;
    bool m_durable = true;
    std::atomic<qint64> m_bytesWritten{0};
    std::atomic<qint64> m_writeEpoch{0};     // bumped by every write
    std::atomic<qint64> m_journaledEpoch{0}; // the epoch the last checkpoint saw

    mutable QMutex m_piecesMutex;
    std::vector<std::shared_ptr<FilePiece>> m_pieces;

    mutable QMutex m_hashMutex;
    std::unique_ptr<ContentHasher> m_hasher;
    qint64 m_hashedUpTo = 0;
    QMutex m_checkpointMutex;
};

} // namespace mistudio
