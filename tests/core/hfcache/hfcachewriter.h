#pragma once

#include "fakehub/repo.h"
#include "hfcache/hfcachetypes.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>

namespace mistudio::hfcachetest {

// Writes a Hugging Face hub cache the way huggingface_hub does, for tests: blobs named by the
// fake Hub's own hashes (an oracle independent of core/hfcache), relative snapshot links,
// refs without a newline. Also lays out a model folder of ours from the same files.
class HfCacheWriter final
{
public:
    explicit HfCacheWriter(QString cacheDir)
        : m_cacheDir(std::move(cacheDir))
    {}

    QString cacheDir() const { return m_cacheDir; }
    QString repoDir(const QString &repoId) const;
    QString blobPath(const QString &repoId, const fakehub::RepoFile &file) const;
    QString snapshotDir(const QString &repoId, const QString &commit) const;

    // blobs/<hash> for every file, snapshots/<commit>/<path> → ../../blobs/<hash> (deeper for
    // nested paths), and refs/<ref> = commit when ref is not empty. Returns false on any failure.
    bool writeSnapshot(const QString &repoId, const QString &commit,
                       const QList<fakehub::RepoFile> &files,
                       const QString &ref = QStringLiteral("main")) const;

    static QString blobName(const fakehub::RepoFile &file);
    // The files at their paths under `folder`, as our downloads leave them.
    static bool writeModelFolder(const QString &folder, const QList<fakehub::RepoFile> &files);
    static bool writeFile(const QString &path, const QByteArray &content);
    static QByteArray readFile(const QString &path); // empty when it cannot be read

private:
    QString m_cacheDir;
};

// A small but real model repo: config, tokenizer files, README, .gitattributes (git files),
// three safetensors shards + index (LFS), and a nested LFS file and git file.
QList<fakehub::RepoFile> sampleModelFiles(quint64 seed = 7);
inline constexpr char kSampleCommit[] = "0123456789abcdef0123456789abcdef01234567";
inline constexpr char kOtherCommit[] = "fedcba9876543210fedcba9876543210fedcba98";

// The catalogue's records of those files (sha256 for LFS files, git oid for the others), from
// the fake Hub's hashes.
QList<hfcache::FileRecord> recordsOf(const QList<fakehub::RepoFile> &files);

// Stand-ins for file systems without hard links / reflinks between two folders: the call fails
// with `err`, as link(2) and ioctl(FICLONE) do.
std::function<int(const char *, const char *)> failingLink(int err);
std::function<int(int, int)> failingClone(int err);

// Every entry under `root` (path → "type inode size mtime target"), to show that a tree was not
// touched: lstat, so links are compared as links.
QMap<QString, QString> treeState(const QString &root);

} // namespace mistudio::hfcachetest
