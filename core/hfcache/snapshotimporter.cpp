#include "hfcache/snapshotimporter.h"

#include "hfcache/parallelrunner.h"
#include "hfcache/posixio.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

#include <cerrno>
#include <cstdlib>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

QJsonObject ImportResult::toJson() const
{
    QJsonArray fileArray;
    for (const ImportedFile &f : files) {
        QJsonObject o = f.record.toJson();
        o.insert(u"method"_s, transferMethodName(f.method));
        fileArray.append(o);
    }
    return {{u"repo_id"_s, repo.toString()},
            {u"commit"_s, commit},
            {u"folder"_s, folder},
            {u"bytes_total"_s, bytesTotal},
            {u"bytes_copied"_s, bytesCopied},
            {u"hard_linked"_s, hardLinked},
            {u"reflinked"_s, reflinked},
            {u"copied"_s, copied},
            {u"elapsed_ms"_s, elapsedMs},
            {u"files"_s, fileArray}};
}

namespace {

bool isEmptyDir(const QString &path)
{
    return QDir(path).isEmpty(QDir::AllEntries | QDir::System | QDir::Hidden |
                              QDir::NoDotAndDotDot);
}

Result<QString> makeTempDir(const QString &parent, const QString &baseName)
{
    if (!QDir().mkpath(parent))
        return Error::make(ErrorCode::IoError, u"Cannot create '%1'"_s.arg(parent),
                           {{u"path"_s, parent}});
    QByteArray templ = posixio::encode(parent + u"/.tmp-import-"_s + baseName + u"-XXXXXX"_s);
    if (!::mkdtemp(templ.data()))
        return posixio::errnoError(errno, u"Creating a folder in"_s, parent);
    return QFile::decodeName(templ);
}

// Flushes every folder of the tree (deepest first) so that the names survive a power cut
// before the tree is published under its final name.
Status syncTree(const QString &root)
{
    for (const QString &d : posixio::foldersDeepestFirst(root)) {
        if (Status st = posixio::syncDirectory(d); !st)
            return st;
    }
    return {};
}

} // namespace

SnapshotImporter::SnapshotImporter(ImportOptions options)
    : m_options(std::move(options))
{}

Result<ImportResult> SnapshotImporter::importSnapshot(const CachedRepo &repo,
                                                      const CachedSnapshot &snapshot,
                                                      const QString &targetDir,
                                                      const ProgressFn &progress) const
{
    if (!snapshot.isComplete())
        return Error::make(
            ErrorCode::Conflict,
            u"Snapshot %1 of %2 is incomplete: %3"_s.arg(snapshot.commit, repo.repo.toString(),
                                                         snapshot.problems.join(u"; "_s)),
            {{u"reason"_s, u"incomplete_snapshot"_s},
             {u"commit"_s, snapshot.commit},
             {u"problems"_s, QJsonArray::fromStringList(snapshot.problems)}});
    const QFileInfo target(targetDir);
    if (target.exists() && !(target.isDir() && isEmptyDir(targetDir)))
        return Error::make(ErrorCode::Conflict, u"'%1' already exists"_s.arg(targetDir),
                           {{u"reason"_s, u"target_exists"_s}, {u"path"_s, targetDir}});

    QElapsedTimer timer;
    timer.start();
    const Result<QString> tmp = makeTempDir(target.absolutePath(), target.fileName());
    if (!tmp)
        return tmp.error();
    const QString tmpDir = *tmp;
    auto fail = [&](const Error &e) -> Result<ImportResult> {
        QDir(tmpDir).removeRecursively(); // only our own links and copies: the cache is untouched
        return e;
    };

    ImportResult result;
    result.repo = repo.repo;
    result.commit = snapshot.commit;
    result.folder = QDir::cleanPath(target.absoluteFilePath());
    QSet<QString> dirs;
    for (const CachedFile &f : snapshot.files) {
        result.files.append({f.record(), TransferMethod::Copy});
        result.bytesTotal += f.size;
        const qsizetype slash = f.path.lastIndexOf(u'/');
        if (slash > 0)
            dirs.insert(f.path.left(slash));
    }
    for (const QString &d : std::as_const(dirs)) {
        if (!QDir(tmpDir).mkpath(d))
            return fail(Error::make(ErrorCode::IoError, u"Cannot create '%1/%2'"_s.arg(tmpDir, d)));
    }

    const FileTransfer transfer(m_options.mode, m_options.calls);
    // One slot per job, written by that job only; data() detaches here, not on the workers.
    ImportedFile *placedFiles = result.files.data();
    ParallelRunner runner(m_options.threads, m_options.progressIntervalMs);
    const Status ran = runner.run(
        int(snapshot.files.size()), result.bytesTotal,
        [&](int i) -> Status {
            const CachedFile &f = snapshot.files.at(i);
            const HashKind kind = f.record().kind();
            Result<FileTransfer::Outcome> placed =
                transfer.place(f.blobPath, tmpDir + u'/' + f.path, kind,
                               [&](qint64 n) { return runner.addBytes(n); });
            if (!placed)
                return placed.error();
            if (placed->digest != f.blobName)
                return Error::make(
                    ErrorCode::ChecksumMismatch,
                    u"The cached blob of '%1' is corrupt: its %2 is %3, its name says %4"_s.arg(
                        f.path, hashKindName(kind), placed->digest, f.blobName),
                    {{u"path"_s, f.path},
                     {u"blob"_s, f.blobPath},
                     {u"expected"_s, f.blobName},
                     {u"actual"_s, placed->digest}});
            placedFiles[i].method = placed->method;
            return {};
        },
        progress);
    if (!ran)
        return fail(ran.error());

    for (const ImportedFile &f : std::as_const(result.files)) {
        (f.method == TransferMethod::HardLink  ? result.hardLinked
         : f.method == TransferMethod::Reflink ? result.reflinked
                                               : result.copied)++;
        if (f.method == TransferMethod::Copy)
            result.bytesCopied += f.record.size;
    }
    if (Status st = syncTree(tmpDir); !st)
        return fail(st.error());
    // An empty target folder (made by someone who wanted the model there) gives way to ours;
    // anything else that appeared meanwhile makes the rename fail instead of being replaced.
    if (target.exists())
        ::rmdir(posixio::encode(targetDir).constData());
    if (Status st = posixio::renameNoReplace(tmpDir, result.folder); !st) {
        Error e = st.error();
        if (e.code == ErrorCode::Conflict)
            e.details.insert(u"reason"_s, u"target_exists"_s);
        return fail(e);
    }
    // The folder is complete and published; a parent that cannot be flushed changes nothing
    // about its content, so it does not turn the import into a failure.
    (void)posixio::syncDirectory(target.absolutePath());
    result.elapsedMs = timer.elapsed();
    return result;
}

} // namespace mistudio::hfcache
