#include "server/http/filerange.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::http {

FileRange::FileRange(int fd, qint64 offset, qint64 length)
    : m_fd(new int(fd),
           [](const int *p) {
               ::close(*p);
               delete p;
           })
    , m_offset(offset)
    , m_length(length)
{}

Result<FileRange> FileRange::open(const QString &path, qint64 offset, qint64 length)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::make(
            errno == ENOENT ? ErrorCode::NotFound : ErrorCode::IoError,
            u"Cannot open '%1': %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    struct stat st = {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error::make(ErrorCode::IoError, u"'%1' is not a regular file"_s.arg(path));
    }
    const qint64 size = st.st_size;
    if (length < 0)
        length = size - offset;
    if (offset < 0 || length < 0 || offset + length > size) {
        ::close(fd);
        return Error::make(
            ErrorCode::InvalidInput,
            u"The range %1+%2 is outside '%3' (%4 bytes)"_s.arg(offset).arg(length).arg(path).arg(
                size));
    }
    return FileRange(fd, offset, length);
}

} // namespace mistudio::http
