#include "service/updateplan.h"

#include "hfcache/hfcachetypes.h"
#include "safefs/guardedroot.h"

#include <QFile>
#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

bool sameContent(const ModelFileRecord &recorded, const ModelFileRecord &upstream)
{
    if (recorded.size != upstream.size)
        return false;
    if (!upstream.sha256.isEmpty())
        return recorded.sha256.compare(upstream.sha256, Qt::CaseInsensitive) == 0;
    return !upstream.gitOid.isEmpty() && recorded.gitOid.compare(upstream.gitOid, Qt::CaseInsensitive) == 0;
}

} // namespace

qint64 totalSize(const QList<ModelFileRecord> &files)
{
    qint64 n = 0;
    for (const ModelFileRecord &f : files)
        n += qMax<qint64>(0, f.size);
    return n;
}

qint64 UpdatePlan::downloadBytes() const
{
    return totalSize(changed) + totalSize(added);
}

QStringList UpdatePlan::fetchPaths() const
{
    QStringList out;
    for (const QList<ModelFileRecord> *l : {&changed, &added}) {
        for (const ModelFileRecord &f : *l)
            out << f.path;
    }
    return out;
}

QStringList UpdatePlan::removePaths() const
{
    QStringList out;
    for (const ModelFileRecord &f : removed)
        out << f.path;
    return out;
}

void UpdatePlan::describe(UpdateCheck *check) const
{
    QHash<QString, qint64> recordedSize;
    for (const ModelFileRecord &f : changedFrom)
        recordedSize.insert(f.path, f.size);
    for (const ModelFileRecord &f : changed)
        check->changed << FileChange{f.path, f.size, recordedSize.value(f.path, f.size)};
    for (const ModelFileRecord &f : added)
        check->added << FileChange{f.path, f.size, 0};
    for (const ModelFileRecord &f : removed)
        check->removed << FileChange{f.path, f.size, f.size};
    check->unchanged = unchanged;
    check->downloadBytes = downloadBytes();
}

UpdatePlan UpdatePlan::compare(const QList<ModelFileRecord> &recorded, const QList<ModelFileRecord> &upstream)
{
    QHash<QString, ModelFileRecord> mine;
    for (const ModelFileRecord &f : recorded)
        mine.insert(f.path, f);
    UpdatePlan plan;
    for (const ModelFileRecord &u : upstream) {
        const auto it = mine.constFind(u.path);
        if (it == mine.cend())
            plan.added << u;
        else if (!sameContent(*it, u)) {
            plan.changed << u;
            plan.changedFrom << *it;
        }
        else
            ++plan.unchanged;
        mine.remove(u.path);
    }
    for (const ModelFileRecord &f : recorded) {
        if (mine.contains(f.path))
            plan.removed << f;
    }
    return plan;
}

QList<ModelFileRecord> UpdatePlan::merge(const QList<ModelFileRecord> &recorded,
                                         const QList<ModelFileRecord> &fetched, const QStringList &removed)
{
    QHash<QString, ModelFileRecord> byPath;
    for (const ModelFileRecord &f : recorded)
        byPath.insert(f.path, f);
    for (const QString &p : removed)
        byPath.remove(p);
    for (const ModelFileRecord &f : fetched)
        byPath.insert(f.path, f);
    QList<ModelFileRecord> out = byPath.values();
    std::sort(out.begin(), out.end(), [](const ModelFileRecord &a, const ModelFileRecord &b) { return a.path < b.path; });
    return out;
}

qint64 UpdatePlan::removeFiles(const QString &folder, const QStringList &paths)
{
    // Names from the catalogue (taken from the Hub's tree through the path policy), removed
    // through the guarded root: no link anywhere on the way is followed out of the folder.
    const safefs::GuardedRoot root(QFile::encodeName(folder).toStdString());
    qint64 freed = 0;
    for (const QString &p : paths) {
        if (!hfcache::isSafeRelativePath(p))
            continue;
        const std::string rel = QFile::encodeName(p).toStdString();
        struct stat st = {};
        if (root.stat(rel, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (root.remove(rel) == 0)
            freed += qint64(st.st_size);
        // Folders the file leaves empty go too, up to the model's folder (removeDir fails,
        // harmlessly, on one that is not empty).
        for (qsizetype slash = p.lastIndexOf(u'/'); slash > 0; slash = p.lastIndexOf(u'/', slash - 1)) {
            if (root.removeDir(QFile::encodeName(p.left(slash)).toStdString()) != 0)
                break;
        }
    }
    return freed;
}

} // namespace mistudio
