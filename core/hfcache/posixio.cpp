#include "hfcache/posixio.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache::posixio {

Error errnoError(int err, const QString &what, const QString &path)
{
    ErrorCode code = ErrorCode::IoError;
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
        code = ErrorCode::DiskFull;
    else if (err == EACCES || err == EPERM || err == EROFS)
        code = ErrorCode::PermissionDenied;
    return Error::make(
        code, u"%1 '%2' failed: %3"_s.arg(what, path, QString::fromLocal8Bit(std::strerror(err))),
        {{u"path"_s, path}, {u"errno"_s, err}});
}

Fd::~Fd()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Fd &Fd::operator=(Fd &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

int Fd::release()
{
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

QByteArray encode(const QString &path)
{
    return QFile::encodeName(path);
}

Status syncDirectory(const QString &dir)
{
    const Fd fd(::open(encode(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.isOpen())
        return errnoError(errno, u"Opening directory"_s, dir);
    if (::fsync(fd.get()) != 0 && errno != EINVAL) // some file systems cannot fsync a directory
        return errnoError(errno, u"Flushing directory"_s, dir);
    return {};
}

Status renameNoReplace(const QString &from, const QString &to)
{
    if (::renameat2(AT_FDCWD, encode(from).constData(), AT_FDCWD, encode(to).constData(),
                    RENAME_NOREPLACE) == 0)
        return {};
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY)
        return Error::make(ErrorCode::Conflict, u"'%1' already exists"_s.arg(to),
                           {{u"path"_s, to}});
    if (err != EINVAL && err != ENOSYS)
        return errnoError(err, u"Renaming"_s, from);
    // A file system without RENAME_NOREPLACE: link(2) also refuses an existing name, for files.
    if (::link(encode(from).constData(), encode(to).constData()) != 0) {
        const int linkErr = errno;
        if (linkErr == EEXIST)
            return Error::make(ErrorCode::Conflict, u"'%1' already exists"_s.arg(to),
                               {{u"path"_s, to}});
        return errnoError(linkErr, u"Renaming"_s, from);
    }
    ::unlink(encode(from).constData());
    return {};
}

QString temporarySibling(const QString &path)
{
    const QFileInfo info(path);
    return info.absolutePath() + u"/."_s + info.fileName() + u".mistudio-"_s +
           QString::number(QRandomGenerator::global()->generate64(), 36) + u".tmp"_s;
}

QStringList foldersDeepestFirst(const QString &root)
{
    QStringList dirs{root};
    QDirIterator it(root, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        dirs.append(it.next()); // a folder always comes before what is inside it
    std::reverse(dirs.begin(), dirs.end());
    return dirs;
}

Status writeFileAtomically(const QString &path, const QByteArray &data, bool replace)
{
    const QString tmp = temporarySibling(path);
    {
        const Fd fd(::open(encode(tmp).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (!fd.isOpen())
            return errnoError(errno, u"Creating"_s, tmp);
        qint64 done = 0;
        while (done < data.size()) {
            const ssize_t n =
                ::write(fd.get(), data.constData() + done, size_t(data.size() - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                const int err = errno;
                ::unlink(encode(tmp).constData());
                return errnoError(err, u"Writing"_s, tmp);
            }
            done += n;
        }
        if (::fdatasync(fd.get()) != 0) {
            const int err = errno;
            ::unlink(encode(tmp).constData());
            return errnoError(err, u"Flushing"_s, tmp);
        }
    }
    Status st;
    if (replace) {
        if (::rename(encode(tmp).constData(), encode(path).constData()) != 0)
            st = errnoError(errno, u"Renaming"_s, tmp);
    } else {
        st = renameNoReplace(tmp, path);
    }
    if (!st) {
        ::unlink(encode(tmp).constData());
        return st;
    }
    return syncDirectory(QFileInfo(path).absolutePath());
}

} // namespace mistudio::hfcache::posixio
