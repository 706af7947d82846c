#include "service/deletionpolicy.h"

#include "common/repoid.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString DeletionPolicy::insideModels(const QString &path) const
{
    if (path.isEmpty())
        return {};
    const QString root = QFileInfo(m_dataDir.modelsDir()).canonicalFilePath();
    const QString c = QFileInfo(path).canonicalFilePath();
    return !c.isEmpty() && !root.isEmpty() && c.startsWith(root + u'/') ? c : QString();
}

QStringList DeletionPolicy::foldersOf(const ModelRecord &record, bool sharedRepo) const
{
    if (sharedRepo)
        return {};
    QStringList dirs;
    if (const Result<RepoId> repo = RepoId::parse(record.repoId); repo) {
        if (const QString d = insideModels(m_dataDir.modelDir(repo.value())); !d.isEmpty())
            dirs << d;
    }
    for (const QString &p : {record.filePath, record.quantizedPath}) {
        const QString clean = insideModels(p);
        bool covered = false;
        for (const QString &d : std::as_const(dirs))
            covered = covered || clean == d || clean.startsWith(d + u'/');
        if (!clean.isEmpty() && !covered)
            dirs << clean;
    }
    return dirs;
}

Removal DeletionPolicy::plan(const ModelRecord &record, bool sharedRepo) const
{
    Removal r;
    r.paths = foldersOf(record, sharedRepo);
    for (const QString &p : std::as_const(r.paths))
        r.bytes += treeBytes(p);
    if (sharedRepo) {
        if (const Result<RepoId> repo = RepoId::parse(record.repoId); repo) {
            if (const QString d = insideModels(m_dataDir.modelDir(repo.value())); !d.isEmpty())
                r.kept << d;
        }
    }
    return r;
}

qint64 DeletionPolicy::treeBytes(const QString &path)
{
    const QFileInfo info(path);
    if (info.isFile() && !info.isSymLink())
        return info.size();
    qint64 bytes = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

qint64 DeletionPolicy::removeTree(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return 0;
    const qint64 bytes = treeBytes(path);
    if (info.isDir() && !info.isSymLink())
        return QDir(path).removeRecursively() ? bytes : -1;
    return QFile::remove(path) ? bytes : -1;
}

} // namespace mistudio
