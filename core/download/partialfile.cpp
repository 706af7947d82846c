#include "download/partialfile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Error PartialFile::errnoError(int err, const QString &what, const QString &path)
{
    return fileSystemError(err, what, path);
}

Result<std::unique_ptr<PartialFile>> PartialFile::open(const GuardedPath &path)
{
    const safefs::Opened f = path.open(O_RDWR | O_CREAT);
    if (!f.ok())
        return path.error(f.error, u"Opening"_s);
    return std::unique_ptr<PartialFile>(new PartialFile(f.fd, path.display()));
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

void PartialFile::startWriteback(qint64 offset, qint64 size)
{
    (void)::sync_file_range(m_fd, off_t(offset), off_t(size), SYNC_FILE_RANGE_WRITE);
}

Status PartialFile::syncData()
{
    if (::fdatasync(m_fd) != 0)
        return errnoError(errno, u"Flushing"_s, m_path);
    return {};
}

} // namespace mistudio
