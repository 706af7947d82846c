#pragma once

#include "common/result.h"
#include "download/guardedpath.h"

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <memory>
#include <vector>

namespace mistudio {

// The resume record of one `.incomplete` file: which chunks are on disk.
//
// Layout: a fixed header (magic, file size, chunk size, expected digest, checksum), written to
// a temporary name, flushed and renamed into place; then one 8-byte record per finished chunk,
// appended. The caller flushes a chunk's data (fdatasync) *before* appending its record, so a
// record can never reach the disk ahead of its bytes. A torn or garbage tail (power cut) fails
// its per-record check and is cut off on the next open; at worst that chunk is fetched again.
class DownloadJournal final
{
public:
    ~DownloadJournal();
    Q_DISABLE_COPY_MOVE(DownloadJournal)

    struct Identity
    {
        qint64 fileSize = 0;
        qint64 chunkSize = 0;
        QByteArray digest; // expected hex digest: a new upstream version never resumes an old one
    };

    // Opens the journal at `path`. An existing journal for the same file size and digest is
    // kept (with its own chunk size, which wins over `wanted.chunkSize`); anything else
    // (missing, unreadable, other identity) starts a fresh, empty one and sets *fresh.
    // The journal is opened, created and renamed through its guarded root only.
    static Result<std::unique_ptr<DownloadJournal>> open(const GuardedPath &path, const Identity &wanted,
                                                         bool *fresh);

    const Identity &identity() const { return m_id; }
    int chunkCount() const { return int(m_done.size()); }
    bool isDone(int index) const;
    int doneCount() const;
    std::vector<bool> doneChunks() const;

    // Appends the record for `index` (thread-safe). Call only after the chunk's data is flushed.
    Status markDone(int index);

    QString path() const { return m_path; }

    static constexpr int kHeaderSize = 96;
    static constexpr int kRecordSize = 8;

private:
    DownloadJournal(QString path, Identity id, int fd);
    static quint32 recordCheck(quint32 headerCheck, quint32 index);

    QString m_path;
    Identity m_id;
    int m_fd = -1;
    quint32 m_headerCheck = 0;
    mutable QMutex m_mutex;
    std::vector<bool> m_done;
};

} // namespace mistudio
