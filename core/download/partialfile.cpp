#include "download/partialfile.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Error PartialFile::errnoError(int err, const QString &what, const QString &path)
{
    ErrorCode code = ErrorCode::IoError;
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
        code = ErrorCode::DiskFull;
    else if (err == EACCES || err == EPERM || err == EROFS)
        code = ErrorCode::PermissionDenied;
    return Error::make(code,
                       u"%1 '%2' failed: %3"_s.arg(what, path, QString::fromLocal8Bit(std::strerror(err))),
                       {{u"path"_s, path}, {u"errno"_s, err}});
}

Result<std::unique_ptr<PartialFile>> PartialFile::open(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errnoError(errno, u"open"_s, path);
    return std::unique_ptr<PartialFile>(new PartialFile(fd, path));
}

PartialFile::~PartialFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

qint64 PartialFile::currentSize() const
{
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return -1;
    return qint64(st.st_size);
}

Status PartialFile::allocate(qint64 size, bool reserve)
{
    if (reserve && size > 0) {
        const int rc = ::posix_fallocate(m_fd, 0, off_t(size));
        if (rc == 0)
            return {};
        if (rc != EOPNOTSUPP && rc != EINVAL)
            return errnoError(rc, u"Reserving space for"_s, m_path);
    }
    if (::ftruncate(m_fd, off_t(size)) != 0)
        return errnoError(errno, u"Resizing"_s, m_path);
    return {};
}

Status PartialFile::writeAt(qint64 offset, const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::pwrite(m_fd, data, size_t(size), off_t(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errnoError(errno, u"Writing"_s, m_path);
        }
        data += n;
        offset += n;
        size -= n;
    }
    return {};
}

Status PartialFile::readAt(qint64 offset, char *data, qint64 size) const
{
    while (size > 0) {
        const ssize_t n = ::pread(m_fd, data, size_t(size), off_t(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errnoError(errno, u"Reading"_s, m_path);
        }
        if (n == 0)
            return Error::make(ErrorCode::IoError, u"Unexpected end of '%1'"_s.arg(m_path));
        data += n;
        offset += n;
        size -= n;
    }
    return {};
}

Status PartialFile::syncData()
{
    if (::fdatasync(m_fd) != 0)
        return errnoError(errno, u"Flushing"_s, m_path);
    return {};
}

Status PartialFile::syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errnoError(errno, u"Opening directory"_s, dir);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) // some filesystems cannot fsync a directory: nothing to do
        return errnoError(err, u"Flushing directory"_s, dir);
    return {};
}

Status PartialFile::atomicRename(const QString &from, const QString &to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return errnoError(errno, u"Renaming"_s, from);
    return syncDirectory(QFileInfo(to).absolutePath());
}

} // namespace mistudio
