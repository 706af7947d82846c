#pragma once

#include "common/repoid.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace mistudio::hfcache {

// How a file's content is named on the Hub and in the HF cache: sha256 of the bytes for LFS
// files (64 hex), git's blob sha1 of "blob <size>\0" + bytes for the others (40 hex).
enum class HashKind
{
    Sha256,
    GitBlobSha1
};

// The kind a blob name stands for; false when the name is neither 64 nor 40 lowercase hex.
bool hashKindOfBlobName(QStringView name, HashKind *kind);
QString hashKindName(HashKind kind); // "sha256" / "git_sha1"

// One file of a model as the catalogue records it: the same rule as the Hub's tree
// (sha256 set for LFS files, else the git oid), which is also the HF cache's blob name.
struct FileRecord
{
    QString path; // '/'-separated, relative to the model folder / snapshot
    qint64 size = -1;
    QString sha256; // lowercase hex; empty for files stored in git
    QString gitOid; // git blob sha1; used when sha256 is empty

    bool isLfs() const { return !sha256.isEmpty(); }
    HashKind kind() const { return isLfs() ? HashKind::Sha256 : HashKind::GitBlobSha1; }
    QString blobName() const { return isLfs() ? sha256 : gitOid; }
    QJsonObject toJson() const;
};

// Checks a repo-relative path the way huggingface_hub does before it writes a snapshot link:
// relative, '/'-separated, no empty, "." or ".." component, no backslash or control character.
bool isSafeRelativePath(QStringView path);

// Long operations report through this; returning false stops them (they then fail `cancelled`).
// Called on the thread that started the operation, at most every progressIntervalMs and once at
// the end.
struct Progress
{
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    int filesDone = 0;
    int filesTotal = 0;
};
using ProgressFn = std::function<bool(const Progress &)>;

// ---- what a scan of the HF cache finds ----

// A snapshot entry's state. Only Ok files are importable; anything else makes the snapshot
// incomplete.
enum class CachedFileState
{
    Ok,           // a link into this repo's blobs/ whose blob exists and is named by a hash
    DanglingLink, // the blob it points to is missing (a download that never finished, or a deleted
                  // blob)
    NotALink, // a plain file (huggingface_hub's no-symlink mode): no blob name to verify it against
    ForeignLink,     // a link that does not point into this repo's blobs/
    UnknownBlobName, // the blob's name is not a sha256 / git sha1
};
QString cachedFileStateName(CachedFileState state);

struct CachedFile
{
    QString path;     // relative to the snapshot folder
    QString blobName; // the hash the blob is named after (empty when unknown)
    QString blobPath; // where the bytes are (the canonical path of the blob)
    qint64 size = -1;
    CachedFileState state = CachedFileState::Ok;

    // The record the catalogue keeps for this file (only meaningful when state is Ok).
    FileRecord record() const;
    QJsonObject toJson() const;
};

struct CachedSnapshot
{
    QString commit;   // the snapshot folder's name (40 hex)
    QString path;     // absolute path of snapshots/<commit>
    QStringList refs; // revisions whose refs/<revision> names this commit
    QList<CachedFile> files;
    QStringList problems; // human-readable reasons it is incomplete; empty = complete

    bool isComplete() const { return problems.isEmpty(); }
    qint64 totalBytes() const;
    QJsonObject toJson() const;
};

struct CachedRepo
{
    RepoId repo;
    QString path;                    // absolute path of models--{org}--{name}
    QList<CachedSnapshot> snapshots; // sorted by commit
    QStringList partialBlobs; // blobs/<hash>.incomplete: a download of this repo was interrupted or
                              // is running
    qint64 blobBytes = 0;     // bytes of the complete blobs in blobs/ (what the repo uses on disk)

    const CachedSnapshot *snapshot(QStringView commitOrRef) const;
    QJsonObject toJson() const;
};

struct CacheScan
{
    QString cacheDir;
    QList<CachedRepo> repos; // model repos, sorted by repo id
    QStringList warnings;    // entries that do not follow the layout (skipped)

    const CachedRepo *repo(const RepoId &id) const;
    QJsonObject toJson() const;
};

} // namespace mistudio::hfcache
