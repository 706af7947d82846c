#include "hfcache/hfcachetypes.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

namespace {

bool isLowerHex(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
}

} // namespace

bool hashKindOfBlobName(QStringView name, HashKind *kind)
{
    if (!isLowerHex(name))
        return false;
    if (name.size() == 64) {
        *kind = HashKind::Sha256;
        return true;
    }
    if (name.size() == 40) {
        *kind = HashKind::GitBlobSha1;
        return true;
    }
    return false;
}

QString hashKindName(HashKind kind)
{
    return kind == HashKind::Sha256 ? u"sha256"_s : u"git_sha1"_s;
}

QJsonObject FileRecord::toJson() const
{
    QJsonObject o{{u"path"_s, path}, {u"size"_s, size}};
    if (isLfs())
        o.insert(u"sha256"_s, sha256);
    else
        o.insert(u"git_oid"_s, gitOid);
    return o;
}

bool isSafeRelativePath(QStringView path)
{
    if (path.isEmpty() || path.startsWith(u'/') || path.size() > 4096)
        return false;
    for (QChar c : path) {
        if (c == u'\\' || c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    for (QStringView part : path.split(u'/')) {
        if (part.isEmpty() || part == u"." || part == u"..")
            return false;
    }
    return true;
}

QString cachedFileStateName(CachedFileState state)
{
    switch (state) {
    case CachedFileState::Ok:
        return u"ok"_s;
    case CachedFileState::DanglingLink:
        return u"dangling_link"_s;
    case CachedFileState::NotALink:
        return u"not_a_link"_s;
    case CachedFileState::ForeignLink:
        return u"foreign_link"_s;
    case CachedFileState::UnknownBlobName:
        return u"unknown_blob_name"_s;
    }
    return u"unknown"_s;
}

FileRecord CachedFile::record() const
{
    FileRecord r{path, size, QString(), QString()};
    HashKind kind = HashKind::Sha256;
    if (hashKindOfBlobName(blobName, &kind)) {
        if (kind == HashKind::Sha256)
            r.sha256 = blobName;
        else
            r.gitOid = blobName;
    }
    return r;
}

QJsonObject CachedFile::toJson() const
{
    QJsonObject o = record().toJson();
    o.insert(u"state"_s, cachedFileStateName(state));
    return o;
}

qint64 CachedSnapshot::totalBytes() const
{
    qint64 total = 0;
    for (const CachedFile &f : files)
        total += qMax<qint64>(0, f.size);
    return total;
}

QJsonObject CachedSnapshot::toJson() const
{
    QJsonArray fileArray;
    for (const CachedFile &f : files)
        fileArray.append(f.toJson());
    return {{u"commit"_s, commit},           {u"refs"_s, QJsonArray::fromStringList(refs)},
            {u"complete"_s, isComplete()},   {u"problems"_s, QJsonArray::fromStringList(problems)},
            {u"size_bytes"_s, totalBytes()}, {u"path"_s, path},
            {u"files"_s, fileArray}};
}

const CachedSnapshot *CachedRepo::snapshot(QStringView commitOrRef) const
{
    for (const CachedSnapshot &s : snapshots) {
        if (s.commit == commitOrRef || s.refs.contains(commitOrRef.toString()))
            return &s;
    }
    return nullptr;
}

QJsonObject CachedRepo::toJson() const
{
    QJsonArray snaps;
    for (const CachedSnapshot &s : snapshots)
        snaps.append(s.toJson());
    return {{u"repo_id"_s, repo.toString()},
            {u"path"_s, path},
            {u"size_on_disk"_s, blobBytes},
            {u"partial_blobs"_s, QJsonArray::fromStringList(partialBlobs)},
            {u"snapshots"_s, snaps}};
}

const CachedRepo *CacheScan::repo(const RepoId &id) const
{
    for (const CachedRepo &r : repos) {
        if (r.repo == id)
            return &r;
    }
    return nullptr;
}

QJsonObject CacheScan::toJson() const
{
    QJsonArray repoArray;
    for (const CachedRepo &r : repos)
        repoArray.append(r.toJson());
    return {{u"cache_dir"_s, cacheDir},
            {u"repos"_s, repoArray},
            {u"warnings"_s, QJsonArray::fromStringList(warnings)}};
}

} // namespace mistudio::hfcache
