#include "hfcache/cachepublisher.h"

#include "hfcache/cachescanner.h"
#include "hfcache/parallelrunner.h"
#include "hfcache/posixio.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <cerrno>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

using posixio::encode;

QJsonObject PublishResult::toJson() const
{
    return {{u"repo_dir"_s, repoDir},           {u"snapshot_dir"_s, snapshotDir},
            {u"blobs_linked"_s, blobsLinked},   {u"blobs_reflinked"_s, blobsReflinked},
            {u"blobs_copied"_s, blobsCopied},   {u"blobs_reused"_s, blobsReused},
            {u"links_created"_s, linksCreated}, {u"links_kept"_s, linksKept},
            {u"bytes_copied"_s, bytesCopied},   {u"ref_written"_s, refWritten},
            {u"elapsed_ms"_s, elapsedMs}};
}

namespace {

enum class Entry
{
    Missing,
    File,
    Link,
    Dir,
    Other
};

Entry entryType(const QString &path, struct stat *out = nullptr)
{
    struct stat st = {};
    if (::lstat(encode(path).constData(), &st) != 0)
        return Entry::Missing;
    if (out)
        *out = st;
    if (S_ISLNK(st.st_mode))
        return Entry::Link;
    if (S_ISREG(st.st_mode))
        return Entry::File;
    return S_ISDIR(st.st_mode) ? Entry::Dir : Entry::Other;
}

// Where a link's first hop leads, as a clean absolute path (empty for anything else).
QString linkDestination(const QString &linkPath)
{
    QByteArray buf(PATH_MAX, Qt::Uninitialized);
    const ssize_t n = ::readlink(encode(linkPath).constData(), buf.data(), size_t(buf.size()));
    if (n < 0)
        return QString();
    const QString raw = QFile::decodeName(buf.left(n));
    return QDir::cleanPath(
        QDir::isAbsolutePath(raw) ? raw : QFileInfo(linkPath).absolutePath() + u'/' + raw);
}

QString readRef(const QString &path)
{
    QFile f(path);
    if (f.size() > (1 << 20) || !f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromLatin1(f.readAll()).trimmed();
}

// rmdir of a tree's folders, deepest first; a folder that is not empty stays.
void removeEmptyFolders(const QString &root)
{
    for (const QString &d : posixio::foldersDeepestFirst(root))
        ::rmdir(encode(d).constData());
}

struct Layout
{
    QString repoDir, blobsDir, snapshotDir, noExistDir, refPath;
    QString blob(const QString &name) const { return blobsDir + u'/' + name; }
};

Status validate(const PublishRequest &req)
{
    auto invalid = [](const QString &msg, const QString &path = QString()) {
        return Error::make(ErrorCode::InvalidInput, msg,
                           path.isEmpty() ? QJsonObject() : QJsonObject{{u"path"_s, path}});
    };
    if (!req.repo.isValid())
        return invalid(u"No repo id given"_s);
    if (!isCommitSha(req.commit))
        return invalid(u"'%1' is not a 40-hex commit"_s.arg(req.commit));
    if (!req.revision.isEmpty() && !validateRevision(req.revision))
        return invalid(u"'%1' is not a valid revision name"_s.arg(req.revision));
    if (req.files.isEmpty())
        return invalid(u"No files to publish"_s);
    QSet<QString> seen;
    for (const FileRecord &f : req.files) {
        if (!isSafeRelativePath(f.path) || seen.contains(f.path))
            return invalid(u"'%1' is not a usable repo path (or is listed twice)"_s.arg(f.path),
                           f.path);
        seen.insert(f.path);
        HashKind kind = HashKind::Sha256;
        if (!hashKindOfBlobName(f.blobName(), &kind) || kind != f.kind() || f.size < 0)
            return invalid(u"'%1' has no valid size and %2"_s.arg(f.path, hashKindName(f.kind())),
                           f.path);
        struct stat st = {};
        const QString ours = req.modelDir + u'/' + f.path;
        if (::stat(encode(ours).constData(), &st) != 0 || !S_ISREG(st.st_mode))
            return Error::make(ErrorCode::IoError,
                               u"'%1' is missing from the model folder"_s.arg(f.path),
                               {{u"path"_s, ours}});
        if (qint64(st.st_size) != f.size)
            return Error::make(ErrorCode::SizeMismatch,
                               u"'%1' has %2 bytes, the catalogue says %3"_s.arg(f.path)
                                   .arg(qint64(st.st_size))
                                   .arg(f.size),
                               {{u"path"_s, ours},
                                {u"expected_size"_s, f.size},
                                {u"actual_size"_s, qint64(st.st_size)}});
    }
    return {};
}

// Everything already in the cache that this publish would contradict; empty when it may go on.
QJsonArray findConflicts(const PublishRequest &req, const Layout &l, bool moveRef)
{
    QJsonArray conflicts;
    auto add = [&](const QString &path, const QString &reason) {
        conflicts.append(QJsonObject{{u"path"_s, path}, {u"reason"_s, reason}});
    };
    for (const FileRecord &f : req.files) {
        struct stat st = {};
        const QString blob = l.blob(f.blobName());
        if (entryType(blob) != Entry::Missing) {
            if (::stat(encode(blob).constData(), &st) != 0 || !S_ISREG(st.st_mode))
                add(blob, u"the blob exists but is not a readable file"_s);
            else if (qint64(st.st_size) != f.size)
                add(blob, u"the blob has %1 bytes, the file has %2"_s.arg(qint64(st.st_size))
                              .arg(f.size));
        }
        const QStringList parts = f.path.split(u'/');
        QString prefix = l.snapshotDir;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            prefix += u'/' + parts.at(i);
            const Entry e = entryType(prefix);
            if (e != Entry::Missing && e != Entry::Dir)
                add(prefix, u"a folder of the snapshot is taken by a file"_s);
        }
        const QString link = l.snapshotDir + u'/' + f.path;
        switch (entryType(link)) {
        case Entry::Missing:
            break;
        case Entry::Link:
            if (linkDestination(link) != blob)
                add(link,
                    u"the snapshot links it to another blob (%1)"_s.arg(linkDestination(link)));
            break;
        default:
            add(link, u"the snapshot holds a file, not a link, under this name"_s);
        }
        if (entryType(l.noExistDir + u'/' + f.path) != Entry::Missing)
            add(l.noExistDir + u'/' + f.path,
                u"huggingface_hub recorded this file as absent at this commit"_s);
    }
    if (!l.refPath.isEmpty() && !moveRef && entryType(l.refPath) != Entry::Missing) {
        const QString current = readRef(l.refPath);
        if (current != req.commit)
            add(l.refPath,
                u"the ref names commit %1"_s.arg(current.isEmpty() ? u"(unreadable)"_s : current));
    }
    return conflicts;
}

} // namespace

CachePublisher::CachePublisher(PublishOptions options)
    : m_options(std::move(options))
{}

QString CachePublisher::linkTarget(const QString &path, const QString &blobName)
{
    return u"../"_s.repeated(2 + path.count(u'/')) + u"blobs/"_s + blobName;
}

Result<PublishResult> CachePublisher::publish(const QString &cacheDir, const PublishRequest &req,
                                              const ProgressFn &progress) const
{
    if (Status st = validate(req); !st)
        return st.error();
    QElapsedTimer timer;
    timer.start();
    Layout l;
    l.repoDir =
        QDir::cleanPath(QDir(cacheDir).absoluteFilePath(CacheScanner::repoFolderName(req.repo)));
    l.blobsDir = l.repoDir + u"/blobs"_s;
    l.snapshotDir = l.repoDir + u"/snapshots/"_s + req.commit;
    l.noExistDir = l.repoDir + u"/.no_exist/"_s + req.commit;
    // As huggingface_hub: a ref only for a name that is not the commit itself.
    if (!req.revision.isEmpty() && req.revision != req.commit)
        l.refPath = l.repoDir + u"/refs/"_s + req.revision;

    if (const QJsonArray conflicts = findConflicts(req, l, m_options.moveRef); !conflicts.isEmpty())
        return Error::make(
            ErrorCode::Conflict,
            u"The HF cache already holds %1 entr%2 that this publish would contradict; nothing was written"_s
                .arg(conflicts.size())
                .arg(conflicts.size() == 1 ? u"y"_s : u"ies"_s),
            {{u"reason"_s, u"cache_conflict"_s}, {u"conflicts"_s, conflicts}});

    PublishResult result;
    result.repoDir = l.repoDir;
    result.snapshotDir = l.snapshotDir;
    const bool repoExisted = QFileInfo::exists(l.repoDir);
    const bool snapshotExisted = QFileInfo::exists(l.snapshotDir);
    if (!QDir().mkpath(l.blobsDir) || !QDir().mkpath(l.snapshotDir))
        return Error::make(ErrorCode::IoError,
                           u"Cannot create the repo folders under '%1'"_s.arg(l.repoDir),
                           {{u"path"_s, l.repoDir}});

    // One blob per distinct hash that the cache does not have yet.
    QList<const FileRecord *> toCreate;
    QSet<QString> planned;
    qint64 bytesToCreate = 0;
    for (const FileRecord &f : req.files) {
        if (planned.contains(f.blobName()))
            continue;
        planned.insert(f.blobName());
        if (entryType(l.blob(f.blobName())) != Entry::Missing) {
            ++result.blobsReused;
            continue;
        }
        toCreate.append(&f);
        bytesToCreate += f.size;
    }

    QList<QString> createdBlobs(toCreate.size());
    QList<FileTransfer::Outcome> outcomes(toCreate.size());
    QStringList createdLinks;
    auto rollback = [&](const Error &e) -> Result<PublishResult> {
        for (const QString &link : std::as_const(createdLinks))
            ::unlink(encode(link).constData());
        for (const QString &blob : std::as_const(createdBlobs)) {
            if (!blob.isEmpty())
                ::unlink(encode(blob).constData());
        }
        // Only folders this call made, and only when empty: what someone else put there stays.
        if (!repoExisted)
            removeEmptyFolders(l.repoDir);
        else if (!snapshotExisted)
            removeEmptyFolders(l.snapshotDir);
        return e;
    };

    // One slot per job, written by that job only; data() detaches here, not on the workers.
    QString *createdSlots = createdBlobs.data();
    FileTransfer::Outcome *outcomeSlots = outcomes.data();
    const FileTransfer transfer(m_options.mode, m_options.calls);
    ParallelRunner runner(m_options.threads, m_options.progressIntervalMs);
    const Status ran = runner.run(
        int(toCreate.size()), bytesToCreate,
        [&](int i) -> Status {
            const FileRecord &f = *toCreate.at(i);
            const QString blob = l.blob(f.blobName());
            // Verified under a hidden name first: a blob name never shows unverified bytes.
            const QString tmp = posixio::temporarySibling(blob);
            Result<FileTransfer::Outcome> placed =
                transfer.place(req.modelDir + u'/' + f.path, tmp, f.kind(),
                               [&](qint64 n) { return runner.addBytes(n); });
            if (!placed)
                return placed.error();
            if (placed->digest != f.blobName()) {
                ::unlink(encode(tmp).constData());
                return Error::make(
                    ErrorCode::ChecksumMismatch,
                    u"'%1' does not match its recorded %2 (%3, recorded %4)"_s.arg(
                        f.path, hashKindName(f.kind()), placed->digest, f.blobName()),
                    {{u"path"_s, f.path},
                     {u"expected"_s, f.blobName()},
                     {u"actual"_s, placed->digest}});
            }
            const Status renamed = posixio::renameNoReplace(tmp, blob);
            if (!renamed) {
                ::unlink(encode(tmp).constData());
                // huggingface_hub finished the same blob meanwhile: same name, same bytes.
                if (renamed.error().code == ErrorCode::Conflict && QFileInfo(blob).size() == f.size)
                    return {};
                return renamed.error();
            }
            createdSlots[i] = blob;
            outcomeSlots[i] = *placed;
            return {};
        },
        progress);
    if (!ran)
        return rollback(ran.error());
    for (qsizetype i = 0; i < toCreate.size(); ++i) {
        if (createdBlobs.at(i).isEmpty()) {
            ++result.blobsReused;
            continue;
        }
        const TransferMethod m = outcomes.at(i).method;
        (m == TransferMethod::HardLink  ? result.blobsLinked
         : m == TransferMethod::Reflink ? result.blobsReflinked
                                        : result.blobsCopied)++;
        result.bytesCopied += outcomes.at(i).bytesCopied;
    }
    if (Status st = posixio::syncDirectory(l.blobsDir); !st)
        return rollback(st.error());

    QSet<QString> linkDirs{l.snapshotDir};
    for (const FileRecord &f : req.files) {
        const QString link = l.snapshotDir + u'/' + f.path;
        const QString dir = QFileInfo(link).absolutePath();
        if (!QDir().mkpath(dir))
            return rollback(Error::make(ErrorCode::IoError, u"Cannot create '%1'"_s.arg(dir),
                                        {{u"path"_s, dir}}));
        linkDirs.insert(dir);
        // symlink(2) creates the name whole or fails: no temporary name is needed.
        if (::symlink(encode(linkTarget(f.path, f.blobName())).constData(),
                      encode(link).constData()) == 0) {
            createdLinks.append(link);
            ++result.linksCreated;
            continue;
        }
        const int err = errno;
        if (err == EEXIST && entryType(link) == Entry::Link &&
            linkDestination(link) == l.blob(f.blobName())) {
            ++result.linksKept;
            continue;
        }
        if (err == EEXIST)
            return rollback(Error::make(
                ErrorCode::Conflict, u"'%1' appeared in the snapshot meanwhile"_s.arg(link),
                {{u"reason"_s, u"cache_conflict"_s},
                 {u"conflicts"_s,
                  QJsonArray{
                      QJsonObject{{u"path"_s, link}, {u"reason"_s, u"created meanwhile"_s}}}}}));
        return rollback(posixio::errnoError(err, u"Creating the link"_s, link));
    }
    for (const QString &dir : std::as_const(linkDirs)) {
        if (Status st = posixio::syncDirectory(dir); !st)
            return rollback(st.error());
    }

    if (!l.refPath.isEmpty() && readRef(l.refPath) != req.commit) {
        if (!QDir().mkpath(QFileInfo(l.refPath).absolutePath()))
            return Error::make(ErrorCode::IoError,
                               u"Cannot create the folder of '%1'"_s.arg(l.refPath));
        // The snapshot stays whatever happens to the ref: it is whole and correct by itself.
        if (Status st =
                posixio::writeFileAtomically(l.refPath, req.commit.toLatin1(), m_options.moveRef);
            !st) {
            Error e = st.error();
            if (e.code == ErrorCode::Conflict && readRef(l.refPath) != req.commit) {
                e.details.insert(u"reason"_s, u"cache_conflict"_s);
                e.details.insert(
                    u"conflicts"_s,
                    QJsonArray{QJsonObject{{u"path"_s, l.refPath},
                                           {u"reason"_s, u"the ref was written meanwhile"_s}}});
                return e;
            }
            if (e.code != ErrorCode::Conflict)
                return e;
        } else {
            result.refWritten = true;
        }
    }
    result.elapsedMs = timer.elapsed();
    return result;
}

} // namespace mistudio::hfcache
