#include "download/guardedpath.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Error fileSystemError(int err, const QString &what, const QString &path)
{
    if (err == safefs::kUnsafePath)
        return Error::make(ErrorCode::UnsafePath,
                           u"%1 '%2' refused: the name leaves the download folder or passes through a symbolic link"_s
                               .arg(what, path),
                           {{u"path"_s, path}});
    ErrorCode code = ErrorCode::IoError;
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
        code = ErrorCode::DiskFull;
    else if (err == EACCES || err == EPERM || err == EROFS)
        code = ErrorCode::PermissionDenied;
    return Error::make(code, u"%1 '%2' failed: %3"_s.arg(what, path, QString::fromLocal8Bit(std::strerror(err))),
                       {{u"path"_s, path}, {u"errno"_s, err}});
}

GuardedPath GuardedPath::beside(const QString &path)
{
    const QFileInfo fi(path);
    return GuardedPath{rootAt(fi.absolutePath()), fi.fileName()};
}

safefs::GuardedRoot GuardedPath::rootAt(const QString &dir)
{
    return safefs::GuardedRoot(QFile::encodeName(dir).toStdString());
}

std::string GuardedPath::name() const
{
    return QFile::encodeName(rel).toStdString();
}

QString GuardedPath::display() const
{
    return QFile::decodeName(QByteArray::fromStdString(root.path())) + u'/' + rel;
}

safefs::Opened GuardedPath::open(int flags, mode_t mode) const
{
    return root.open(name(), flags, mode);
}

int GuardedPath::makeParents() const
{
    const qsizetype slash = rel.lastIndexOf(u'/');
    if (slash < 0)
        return 0;
    return root.makeDirs(QFile::encodeName(rel.left(slash)).toStdString());
}

int GuardedPath::remove() const
{
    return root.remove(name());
}

int GuardedPath::stat(struct stat *st) const
{
    return root.stat(name(), st);
}

Error GuardedPath::error(int err, const QString &what) const
{
    Error e = fileSystemError(err, what, display());
    if (err == safefs::kUnsafePath)
        e.details.insert(u"reason"_s, QString::fromStdString(safefs::describeError(err, name())));
    return e;
}

Status atomicRename(const GuardedPath &from, const GuardedPath &to)
{
    if (const int rc = from.root.rename(from.name(), to.name()); rc != 0)
        return from.error(rc, u"Renaming"_s);
    const qsizetype slash = to.rel.lastIndexOf(u'/');
    const std::string folder = slash < 0 ? std::string() : QFile::encodeName(to.rel.left(slash)).toStdString();
    if (const int rc = to.root.syncDir(folder); rc != 0)
        return to.error(rc, u"Flushing the folder of"_s);
    return {};
}

} // namespace mistudio
