#include "hfcache/cachescanner.h"

#include "hfcache/posixio.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

namespace {

constexpr qint64 kMaxRefBytes = 1 << 20;    // huggingface_hub ignores larger ref files too
constexpr qint64 kMaxIndexBytes = 64 << 20; // a shard index is JSON of a few hundred KB

QString readLink(const QString &path)
{
    QByteArray buf(PATH_MAX, Qt::Uninitialized);
    const ssize_t n = ::readlink(posixio::encode(path).constData(), buf.data(), size_t(buf.size()));
    return n < 0 ? QString() : QFile::decodeName(buf.left(n));
}

QMap<QString, QStringList> readRefs(const QString &refsDir, const QString &repoName,
                                    QStringList *warnings)
{
    QMap<QString, QStringList> byCommit;
    QDirIterator it(refsDir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo ref(it.next());
        const QString name = QDir(refsDir).relativeFilePath(ref.filePath());
        QFile f(ref.filePath());
        if (ref.size() > kMaxRefBytes || !f.open(QIODevice::ReadOnly)) {
            warnings->append(u"%1: ref '%2' cannot be read"_s.arg(repoName, name));
            continue;
        }
        const QString commit = QString::fromLatin1(f.readAll()).trimmed();
        if (!isCommitSha(commit)) {
            warnings->append(u"%1: ref '%2' does not hold a commit"_s.arg(repoName, name));
            continue;
        }
        byCommit[commit].append(name);
    }
    for (QStringList &names : byCommit)
        names.sort();
    return byCommit;
}

CachedFile classify(const QString &entryPath, const QString &relPath, const QString &blobsDir)
{
    CachedFile file;
    file.path = relPath;
    struct stat lst = {};
    if (::lstat(posixio::encode(entryPath).constData(), &lst) != 0) {
        file.state = CachedFileState::DanglingLink;
        return file;
    }
    struct stat st = {};
    const bool exists =
        ::stat(posixio::encode(entryPath).constData(), &st) == 0 && S_ISREG(st.st_mode);
    if (exists)
        file.size = qint64(st.st_size);
    if (!S_ISLNK(lst.st_mode)) {
        file.state = CachedFileState::NotALink;
        file.blobPath = entryPath;
        return file;
    }
    // Only the first hop is the snapshot's: the blob it names may itself be a link into the
    // cache-wide shared store of newer huggingface_hub versions.
    const QString raw = readLink(entryPath);
    const QString firstHop = QDir::cleanPath(
        QDir::isAbsolutePath(raw) ? raw : QFileInfo(entryPath).absolutePath() + u'/' + raw);
    const QFileInfo hop(firstHop);
    if (hop.absolutePath() != blobsDir) {
        file.state = CachedFileState::ForeignLink;
        return file;
    }
    file.blobName = hop.fileName();
    HashKind kind = HashKind::Sha256;
    if (!exists) {
        file.state = CachedFileState::DanglingLink;
        return file;
    }
    file.blobPath = QFileInfo(firstHop).canonicalFilePath();
    file.state = hashKindOfBlobName(file.blobName, &kind) ? CachedFileState::Ok
                                                          : CachedFileState::UnknownBlobName;
    return file;
}

// Shards that an index in the snapshot lists (weight_map values) but the snapshot lacks.
QStringList missingShards(const CachedSnapshot &snap)
{
    QSet<QString> present;
    for (const CachedFile &f : snap.files)
        present.insert(f.path);
    QStringList missing;
    for (const CachedFile &f : snap.files) {
        if (!f.path.endsWith(u".index.json"_s) || f.state != CachedFileState::Ok ||
            f.size > kMaxIndexBytes)
            continue;
        QFile index(f.blobPath);
        if (!index.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject map =
            QJsonDocument::fromJson(index.readAll()).object().value(u"weight_map"_s).toObject();
        const qsizetype slash = f.path.lastIndexOf(u'/');
        const QString dir = slash < 0 ? QString() : f.path.left(slash + 1);
        QSet<QString> shards;
        for (auto it = map.begin(); it != map.end(); ++it)
            shards.insert(dir + it.value().toString());
        for (const QString &shard : std::as_const(shards)) {
            if (!present.contains(shard))
                missing.append(u"%1 (listed by %2)"_s.arg(shard, f.path));
        }
    }
    missing.sort();
    return missing;
}

CachedSnapshot scanSnapshot(const QString &dir, const QString &commit, const QString &blobsDir)
{
    CachedSnapshot snap;
    snap.commit = commit;
    snap.path = dir;
    // QDir::System lists dangling links; directories are walked, never followed through links.
    QDirIterator it(dir, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString entry = it.next();
        snap.files.append(classify(entry, QDir(dir).relativeFilePath(entry), blobsDir));
    }
    std::sort(snap.files.begin(), snap.files.end(),
              [](const CachedFile &a, const CachedFile &b) { return a.path < b.path; });
    for (const CachedFile &f : std::as_const(snap.files)) {
        if (f.state != CachedFileState::Ok)
            snap.problems.append(u"%1: %2"_s.arg(f.path, cachedFileStateName(f.state)));
    }
    for (const QString &shard : missingShards(snap))
        snap.problems.append(u"missing shard %1"_s.arg(shard));
    if (snap.files.isEmpty())
        snap.problems.append(u"the snapshot has no files"_s);
    return snap;
}

} // namespace

QString CacheScanner::repoFolderName(const RepoId &repo)
{
    return QLatin1StringView(kModelPrefix) + repo.dirName();
}

Result<CachedRepo> CacheScanner::scanRepo(const QString &repoDir, QStringList *warnings)
{
    QStringList localWarnings;
    if (!warnings)
        warnings = &localWarnings;
    const QFileInfo info(repoDir);
    const QString name = info.fileName();
    const QLatin1StringView prefix(kModelPrefix);
    if (!name.startsWith(prefix) || !info.isDir())
        return Error::make(ErrorCode::InvalidInput,
                           u"'%1' is not a model repo folder of the HF cache"_s.arg(repoDir),
                           {{u"path"_s, repoDir}});
    const Result<RepoId> id = RepoId::fromDirName(QStringView(name).mid(prefix.size()));
    if (!id)
        return Error::make(ErrorCode::InvalidInput,
                           u"'%1' does not name a valid repo id"_s.arg(name),
                           {{u"path"_s, repoDir}});

    CachedRepo repo;
    repo.repo = *id;
    repo.path = QDir::cleanPath(info.absoluteFilePath());
    const QString blobsDir = repo.path + u"/blobs"_s;
    const QString label = id->toString();

    const QMap<QString, QStringList> refs = readRefs(repo.path + u"/refs"_s, label, warnings);

    const QFileInfoList blobs = QDir(blobsDir).entryInfoList(
        QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &blob : blobs) {
        if (blob.fileName().endsWith(u".incomplete"_s))
            repo.partialBlobs.append(blob.fileName());
        else if (blob.exists()) // follows a link into the shared store; a dangling one counts 0
            repo.blobBytes += blob.size();
    }

    const QFileInfoList snaps =
        QDir(repo.path + u"/snapshots"_s)
            .entryInfoList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                           QDir::Name);
    for (const QFileInfo &snapDir : snaps) {
        if (!snapDir.isDir() || snapDir.isSymLink() || !isCommitSha(snapDir.fileName())) {
            warnings->append(
                u"%1: snapshots/%2 is not a commit folder"_s.arg(label, snapDir.fileName()));
            continue;
        }
        CachedSnapshot snap =
            scanSnapshot(snapDir.absoluteFilePath(), snapDir.fileName(), blobsDir);
        snap.refs = refs.value(snap.commit);
        if (!repo.partialBlobs.isEmpty())
            snap.problems.append(
                u"%1 partial blob(s) in blobs/: a download of this repo is running or was interrupted"_s
                    .arg(repo.partialBlobs.size()));
        repo.snapshots.append(snap);
    }
    for (auto it = refs.begin(); it != refs.end(); ++it) {
        if (!repo.snapshot(it.key()))
            warnings->append(u"%1: ref %2 names commit %3, which has no snapshot"_s.arg(
                label, it.value().join(u", "_s), it.key()));
    }
    return repo;
}

Result<CacheScan> CacheScanner::scan(const QString &cacheDir)
{
    const QFileInfo info(cacheDir);
    if (!info.isDir())
        return Error::make(ErrorCode::NotFound, u"No Hugging Face cache at '%1'"_s.arg(cacheDir),
                           {{u"path"_s, cacheDir}});
    CacheScan scan;
    scan.cacheDir = QDir::cleanPath(info.absoluteFilePath());
    const QFileInfoList entries =
        QDir(scan.cacheDir)
            .entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    const QLatin1StringView prefix(kModelPrefix);
    for (const QFileInfo &entry : entries) {
        const QString name = entry.fileName();
        // The cache's own bookkeeping: the shared blob store of newer huggingface_hub versions,
        // the CACHEDIR.TAG marker, other repo types (datasets--, spaces--).
        if (name == u"blobs"_s || name == u"CACHEDIR.TAG"_s || name.startsWith(u"datasets--"_s) ||
            name.startsWith(u"spaces--"_s))
            continue;
        if (!name.startsWith(prefix)) {
            scan.warnings.append(u"'%1' is not a repo folder"_s.arg(name));
            continue;
        }
        Result<CachedRepo> repo = scanRepo(entry.absoluteFilePath(), &scan.warnings);
        if (!repo) {
            scan.warnings.append(repo.error().message);
            continue;
        }
        scan.repos.append(std::move(repo).value());
    }
    std::sort(scan.repos.begin(), scan.repos.end(), [](const CachedRepo &a, const CachedRepo &b) {
        return a.repo.toString() < b.repo.toString();
    });
    return scan;
}

} // namespace mistudio::hfcache
