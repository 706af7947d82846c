#pragma once

#include "common/result.h"
#include "download/guardedpath.h"
#include "download/rangeset.h"

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <memory>
#include <vector>

namespace mistudio {

// The resume record of one `.incomplete` file: which byte ranges of it are on disk.
//
// Layout: a fixed header (magic, file size, expected digest, checksum), written to a temporary
// name, flushed and renamed into place; then one 24-byte record per range made durable, appended
// as ranges land (begin, end, check). The caller flushes the data (fdatasync) *before* it records
// a range, so a record never reaches the disk ahead of its bytes. Records may overlap: the ranges
// on disk are their union. A torn or garbage tail (power cut) fails its per-record check and is
// cut off on the next open; at worst those bytes are fetched again. When the records outgrow the
// ranges they describe, the journal is rewritten compactly (temporary name, flush, rename).
// Journals of the first format (one record per finished 16 MiB chunk) are read and rewritten in
// this one.
class DownloadJournal final
{
public:
    ~DownloadJournal();
    Q_DISABLE_COPY_MOVE(DownloadJournal)

    struct Identity
    {
        qint64 fileSize = 0;
        QByteArray digest; // expected hex digest: a new upstream version never resumes an old one
    };

    // Opens the journal at `path`. An existing journal for the same file size and digest is
    // kept; anything else (missing, unreadable, other identity) starts a fresh, empty one and
    // sets *fresh. The journal is opened, created and renamed through its guarded root only.
    static Result<std::unique_ptr<DownloadJournal>> open(const GuardedPath &path, const Identity &wanted,
                                                         bool *fresh);
    // Bytes an existing journal at `path` records for `wanted` (0 if none, or for another
    // identity), without changing anything: what a resumed download starts from.
    static qint64 peekDoneBytes(const GuardedPath &path, const Identity &wanted);

    const Identity &identity() const { return m_id; }
    RangeSet done() const;
    qint64 doneBytes() const;
    bool isDone(qint64 begin, qint64 end) const;

    // Records `ranges` (thread-safe), in one append. Call only after their data is flushed.
    // Ranges already recorded are skipped.
    Status record(const std::vector<RangeSet::Range> &ranges);

    QString path() const { return m_path; }

    static constexpr int kHeaderSize = 96;
    static constexpr int kRecordSize = 24;
    // Rewritten compactly past this many records beyond one per range.
    static constexpr int kCompactAfterRecords = 1024;

private:
    DownloadJournal(GuardedPath at, Identity id, int fd);
    static quint32 recordCheck(quint32 headerCheck, qint64 begin, qint64 end);
    static QByteArray encodeRecord(quint32 headerCheck, qint64 begin, qint64 end);
    // A fresh journal holding `done`, written under a temporary name and renamed over `at`.
    static Result<std::unique_ptr<DownloadJournal>> create(const GuardedPath &at, const Identity &id,
                                                           const RangeSet &done);
    Status compactLocked();

    GuardedPath m_at;
    QString m_path;
    Identity m_id;
    int m_fd = -1;
    quint32 m_headerCheck = 0;
    mutable QMutex m_mutex;
    RangeSet m_done;
    qint64 m_records = 0; // in the file now
};

} // namespace mistudio
