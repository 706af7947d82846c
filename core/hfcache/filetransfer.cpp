#include "hfcache/filetransfer.h"

#include "hfcache/filedigest.h"
#include "hfcache/posixio.h"

#include <QFileInfo>

#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <memory>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

using posixio::encode;
using posixio::errnoError;
using posixio::Fd;

QString transferMethodName(TransferMethod method)
{
    switch (method) {
    case TransferMethod::HardLink:
        return u"hard_link"_s;
    case TransferMethod::Reflink:
        return u"reflink"_s;
    case TransferMethod::Copy:
        return u"copy"_s;
    }
    return u"copy"_s;
}

FileSystemCalls FileSystemCalls::system()
{
    return {[](const char *from, const char *to) { return ::link(from, to); },
            [](int dstFd, int srcFd) { return ::ioctl(dstFd, FICLONE, srcFd); }};
}

namespace {

// Errors after which a cheaper way is simply not available here, and the next one is tried:
// another file system (EXDEV), hard links refused by fs.protected_hardlinks or the file system
// (EPERM), too many links (EMLINK), no reflink support (EOPNOTSUPP, ENOTTY, EINVAL).
bool linkUnavailable(int err)
{
    return err == EXDEV || err == EPERM || err == EMLINK || err == EOPNOTSUPP || err == ENOSYS;
}

bool reflinkUnavailable(int err)
{
    return err == EXDEV || err == EOPNOTSUPP || err == ENOTTY || err == EINVAL || err == ENOSYS ||
           err == EPERM || err == ETXTBSY;
}

Error existsError(const QString &path)
{
    return Error::make(ErrorCode::Conflict, u"'%1' already exists"_s.arg(path),
                       {{u"path"_s, path}});
}

Status writeAll(int fd, const char *data, qint64 size, const QString &path)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errnoError(errno, u"Writing"_s, path);
        data += n;
        size -= n;
    }
    return {};
}

// One sequential pass over `srcFd` (from its current offset, which is 0): every block feeds the
// digest and, when dstFd is open, is written there.
Result<QString> stream(int srcFd, qint64 size, HashKind kind, int dstFd, const QString &source,
                       const QString &destination, const FileTransfer::BytesFn &onBytes)
{
    ::posix_fadvise(srcFd, 0, 0, POSIX_FADV_SEQUENTIAL);
    FileDigest digest(kind, size);
    std::unique_ptr<char[]> buffer(new char[FileTransfer::kBlockBytes]);
    qint64 done = 0;
    for (;;) {
        const ssize_t n = ::read(srcFd, buffer.get(), size_t(FileTransfer::kBlockBytes));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errnoError(errno, u"Reading"_s, source);
        if (n == 0)
            break;
        digest.update(buffer.get(), n);
        if (dstFd >= 0) {
            if (Status st = writeAll(dstFd, buffer.get(), n, destination); !st)
                return st.error();
        }
        done += n;
        if (onBytes && !onBytes(n))
            return Error::make(ErrorCode::Cancelled, u"Stopped while reading '%1'"_s.arg(source));
    }
    if (done != size)
        return Error::make(
            ErrorCode::SizeMismatch,
            u"'%1' changed size while it was read (%2 bytes, expected %3)"_s.arg(source)
                .arg(done)
                .arg(size),
            {{u"path"_s, source}, {u"expected_size"_s, size}, {u"actual_size"_s, done}});
    return digest.finalHex();
}

Result<qint64> regularFileSize(int fd, const QString &path)
{
    struct stat st = {};
    if (::fstat(fd, &st) != 0)
        return errnoError(errno, u"Reading the size of"_s, path);
    if (!S_ISREG(st.st_mode))
        return Error::make(ErrorCode::InvalidInput, u"'%1' is not a regular file"_s.arg(path),
                           {{u"path"_s, path}});
    return qint64(st.st_size);
}

} // namespace

FileTransfer::FileTransfer(TransferMode mode, FileSystemCalls calls)
    : m_mode(mode)
    , m_calls(std::move(calls))
{}

Result<QString> FileTransfer::hashFile(const QString &path, HashKind kind, const BytesFn &onBytes,
                                       qint64 *size)
{
    const Fd fd(::open(encode(path).constData(), O_RDONLY | O_CLOEXEC));
    if (!fd.isOpen())
        return errnoError(errno, u"Opening"_s, path);
    const Result<qint64> bytes = regularFileSize(fd.get(), path);
    if (!bytes)
        return bytes.error();
    if (size)
        *size = *bytes;
    return stream(fd.get(), *bytes, kind, -1, path, QString(), onBytes);
}

Result<FileTransfer::Outcome> FileTransfer::place(const QString &source, const QString &destination,
                                                  HashKind kind, const BytesFn &onBytes) const
{
    // link(2) does not follow a symlink (a repo blob may be one into the cache's shared store).
    const QString real = QFileInfo(source).canonicalFilePath();
    if (real.isEmpty())
        return Error::make(ErrorCode::IoError, u"'%1' does not exist"_s.arg(source),
                           {{u"path"_s, source}});
    const Fd src(::open(encode(real).constData(), O_RDONLY | O_CLOEXEC));
    if (!src.isOpen())
        return errnoError(errno, u"Opening"_s, real);
    const Result<qint64> size = regularFileSize(src.get(), real);
    if (!size)
        return size.error();

    // The digest of a link is taken from the destination: what is hashed is what was placed.
    auto hashPlaced = [&](TransferMethod method) -> Result<Outcome> {
        Result<QString> digest = hashFile(destination, kind, onBytes);
        if (!digest) {
            ::unlink(encode(destination).constData());
            return digest.error();
        }
        return Outcome{method, *digest, 0};
    };

    if (m_mode == TransferMode::Auto || m_mode == TransferMode::HardLink) {
        if (m_calls.hardLink(encode(real).constData(), encode(destination).constData()) == 0)
            return hashPlaced(TransferMethod::HardLink);
        const int err = errno;
        if (err == EEXIST)
            return existsError(destination);
        if (m_mode == TransferMode::HardLink || !linkUnavailable(err))
            return errnoError(err, u"Hard-linking"_s, destination);
    }

    Fd dst(::open(encode(destination).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!dst.isOpen())
        return errno == EEXIST ? existsError(destination)
                               : errnoError(errno, u"Creating"_s, destination);
    if (m_mode == TransferMode::Auto || m_mode == TransferMode::Reflink) {
        if (m_calls.reflink(dst.get(), src.get()) == 0) {
            dst = Fd();
            return hashPlaced(TransferMethod::Reflink);
        }
        const int err = errno;
        if (m_mode == TransferMode::Reflink || !reflinkUnavailable(err)) {
            ::unlink(encode(destination).constData());
            return errnoError(err, u"Reflinking"_s, destination);
        }
        // A failed FICLONE leaves the destination empty; the copy starts from its beginning.
        if (::ftruncate(dst.get(), 0) != 0 || ::lseek(dst.get(), 0, SEEK_SET) != 0) {
            ::unlink(encode(destination).constData());
            return errnoError(errno, u"Resetting"_s, destination);
        }
    }
    Result<QString> digest = stream(src.get(), *size, kind, dst.get(), real, destination, onBytes);
    if (digest && ::fdatasync(dst.get()) != 0)
        digest = errnoError(errno, u"Flushing"_s, destination);
    if (!digest) {
        ::unlink(encode(destination).constData());
        return digest.error();
    }
    return Outcome{TransferMethod::Copy, *digest, *size};
}

} // namespace mistudio::hfcache
