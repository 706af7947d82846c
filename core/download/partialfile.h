#pragma once

#include "common/result.h"
#include "download/guardedpath.h"

#include <QString>

#include <memory>

namespace mistudio {

// A file written at offsets from several threads (pread/pwrite are thread-safe on one fd).
// Errors map ENOSPC/EFBIG/EDQUOT to disk_full so a full disk never looks like a network fault.
class PartialFile final
{
public:
    ~PartialFile();
    Q_DISABLE_COPY_MOVE(PartialFile)

    // Opens (creates) the file through its guarded root: never through a link.
    static Result<std::unique_ptr<PartialFile>> open(const GuardedPath &path);

    // Sets the size to `size`; with `reserve`, posix_fallocate reserves the blocks so that a
    // disk filling up later cannot hit this file (falls back to a sparse file where the
    // filesystem cannot reserve).
    Status allocate(qint64 size, bool reserve);
    Status writeAt(qint64 offset, const char *data, qint64 size);
    Status readAt(qint64 offset, char *data, qint64 size) const;
    Status syncData();
    // Starts writing [offset, offset + size) back to the disk without waiting for it
    // (sync_file_range), so that the next syncData() has little left to wait for. Best effort.
    void startWriteback(qint64 offset, qint64 size);
    qint64 currentSize() const;
    QString path() const { return m_path; }

    static Error errnoError(int err, const QString &what, const QString &path);

private:
    PartialFile(int fd, QString path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    QString m_path;
};

} // namespace mistudio
