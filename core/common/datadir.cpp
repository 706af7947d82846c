#include "common/datadir.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStorageInfo>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString DataDir::defaultRoot()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + u"/.local/share"_s;
    return base + u"/mistudio"_s;
}

QString DataDir::modelsDir() const
{
    return m_root + u"/models"_s;
}

QString DataDir::modelDir(const RepoId &repo) const
{
    return modelsDir() + u'/' + repo.dirName();
}

QString DataDir::variantDir(const RepoId &repo, const QString &variant) const
{
    return quantizedDir(repo) + u'/' + variant;
}

QString DataDir::quantizedDir(const RepoId &repo) const
{
    return modelDir(repo) + u"/quantized"_s;
}

QString DataDir::sqliteFile() const
{
    return m_root + u"/mistudio.sqlite3"_s;
}

Status DataDir::ensureExists() const
{
    if (m_root.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"The data directory is not set"_s);
    if (!QDir().mkpath(modelsDir()))
        return Error::make(ErrorCode::IoError,
                           u"Cannot create the data directory '%1'"_s.arg(modelsDir()),
                           {{u"path"_s, modelsDir()}});
    if (!QFileInfo(m_root).isWritable())
        return Error::make(ErrorCode::PermissionDenied,
                           u"The data directory '%1' is not writable"_s.arg(m_root),
                           {{u"path"_s, m_root}});
    return {};
}

qint64 DataDir::freeBytes() const
{
    QString path = m_root;
    while (!path.isEmpty() && !QFileInfo::exists(path)) {
        const QString parent = QFileInfo(path).absolutePath();
        if (parent == path)
            break;
        path = parent;
    }
    const QStorageInfo info(path);
    return info.isValid() ? info.bytesAvailable() : -1;
}

} // namespace mistudio
