#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mistudio::hfcache::posixio {

// errno → typed error: ENOSPC/EFBIG/EDQUOT are disk_full, EACCES/EPERM/EROFS permission_denied,
// the rest io_error; details carry the path and errno.
Error errnoError(int err, const QString &what, const QString &path);

// An owned file descriptor.
class Fd final
{
public:
    Fd() = default;
    explicit Fd(int fd)
        : m_fd(fd)
    {}
    ~Fd();
    Fd(Fd &&other) noexcept
        : m_fd(other.release())
    {}
    Fd &operator=(Fd &&other) noexcept;
    Q_DISABLE_COPY(Fd)

    int get() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    int release();

private:
    int m_fd = -1;
};

QByteArray encode(const QString &path);

// fsync of a directory, so that names created in it survive a power cut.
Status syncDirectory(const QString &dir);
// rename(2) that never replaces: fails with `conflict` when `to` exists (renameat2 NOREPLACE).
Status renameNoReplace(const QString &from, const QString &to);
// Writes `data` under a hidden temporary name in the same folder, flushes it and renames it to
// `path` (replacing only when `replace`), so a reader sees the old content or the new one.
Status writeFileAtomically(const QString &path, const QByteArray &data, bool replace);
// A unique hidden name next to `path` for data that is not finished yet.
QString temporarySibling(const QString &path);
// `root` and every folder below it (links not followed), children before their parents.
QStringList foldersDeepestFirst(const QString &root);

} // namespace mistudio::hfcache::posixio
