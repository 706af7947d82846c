#include "common/datadir.h"
#include "hfcache/cachescanner.h"
#include "hfcache/snapshotimporter.h"

#include "hfcachewriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace mistudio;
using namespace mistudio::hfcache;
using namespace mistudio::hfcachetest;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Fixture
{
    QTemporaryDir dir;
    QString cacheDir = dir.filePath(u"hub"_s);
    // Where the product keeps a model: DATA_DIR/models/{org}--{name}.
    QString target = DataDir(dir.filePath(u"data"_s)).modelDir(RepoId::parse(u"org/model").value());
    QList<fakehub::RepoFile> files = sampleModelFiles();
    HfCacheWriter cache{cacheDir};

    bool write()
    {
        return cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), files);
    }
    CachedRepo scanned() const { return CacheScanner::scan(cacheDir).value().repos.first(); }
};

struct stat statOf(const QString &path)
{
    struct stat st = {};
    ::stat(QFile::encodeName(path).constData(), &st);
    return st;
}

// Nothing half-made may remain beside the target: no ".tmp-import-*" folder.
bool noTemporaryLeft(const QString &target)
{
    return QDir(QFileInfo(target).absolutePath())
        .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
        .filter(u".tmp-import-"_s)
        .isEmpty();
}

} // namespace

class TestSnapshotImporter final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hardLinksCopyNoBytes();
    void crossDeviceFallsBackToCopy();
    void realSecondFileSystem();
    void reflinkWhenTheFileSystemHasIt();
    void corruptedBlobIsRefused();
    void incompleteSnapshotIsRefused();
    void existingTargetIsKept();
    void stopFromProgressLeavesNothing();
};

void TestSnapshotImporter::hardLinksCopyNoBytes()
{
    Fixture fx;
    QVERIFY(fx.write());
    const CachedRepo repo = fx.scanned();
    QList<Progress> seen;
    const Result<ImportResult> r = SnapshotImporter().importSnapshot(
        repo, repo.snapshots.first(), fx.target, [&](const Progress &p) {
            seen.append(p);
            return true;
        });
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    qInfo("import of %d files (%lld bytes, 3 shards): %lld bytes copied, %d hard links, %lld ms",
          int(r->files.size()), r->bytesTotal, r->bytesCopied, r->hardLinked, r->elapsedMs);
    QCOMPARE(r->commit, QString::fromLatin1(kSampleCommit));
    QCOMPARE(r->repo.toString(), u"org/model"_s);
    QCOMPARE(r->folder, QDir::cleanPath(fx.target));
    QCOMPARE(r->bytesCopied, qint64(0));
    QCOMPARE(r->hardLinked, int(fx.files.size()));
    QCOMPARE(r->files.size(), fx.files.size());
    for (const fakehub::RepoFile &f : fx.files) {
        const QString ours = fx.target + u'/' + f.path;
        const struct stat mine = statOf(ours);
        const struct stat blob = statOf(fx.cache.blobPath(u"org/model"_s, f));
        // The same inode as the cache's blob: no byte was written.
        QCOMPARE(mine.st_ino, blob.st_ino);
        QCOMPARE(mine.st_dev, blob.st_dev);
        QVERIFY(mine.st_nlink >= 2);
        QCOMPARE(HfCacheWriter::readFile(ours), f.blob->readAll());
    }
    qint64 total = 0;
    for (const ImportedFile &f : r->files) {
        QCOMPARE(f.method, TransferMethod::HardLink);
        total += f.record.size;
        QVERIFY(f.record.isLfs() ? f.record.gitOid.isEmpty() : f.record.sha256.isEmpty());
    }
    QCOMPARE(total, r->bytesTotal);
    QVERIFY(!seen.isEmpty());
    QCOMPARE(seen.last().bytesDone, r->bytesTotal);
    QCOMPARE(seen.last().filesDone, int(fx.files.size()));
    QVERIFY(noTemporaryLeft(fx.target));
}

void TestSnapshotImporter::crossDeviceFallsBackToCopy()
{
    Fixture fx;
    QVERIFY(fx.write());
    const CachedRepo repo = fx.scanned();
    ImportOptions opts;
    opts.calls.hardLink = failingLink(EXDEV);
    opts.calls.reflink = failingClone(EOPNOTSUPP);
    const Result<ImportResult> r =
        SnapshotImporter(opts).importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(r->copied, int(fx.files.size()));
    QCOMPARE(r->bytesCopied, r->bytesTotal);
    for (const fakehub::RepoFile &f : fx.files) {
        const QString ours = fx.target + u'/' + f.path;
        QVERIFY(statOf(ours).st_ino != statOf(fx.cache.blobPath(u"org/model"_s, f)).st_ino);
        QCOMPARE(HfCacheWriter::readFile(ours), f.blob->readAll());
    }
}

void TestSnapshotImporter::realSecondFileSystem()
{
    // /dev/shm is a tmpfs on Linux: a cache there and a data dir on the test's disk are two file
    // systems, so link(2) really fails with EXDEV.
    QTemporaryDir shm(u"/dev/shm/tst_snapshotimporter-XXXXXX"_s);
    QTemporaryDir data;
    if (!shm.isValid() || statOf(shm.path()).st_dev == statOf(data.path()).st_dev)
        QSKIP("no second file system (tmpfs /dev/shm) here: the EXDEV fallback is covered by "
              "crossDeviceFallsBackToCopy");
    const HfCacheWriter cache(shm.path());
    const QList<fakehub::RepoFile> files = sampleModelFiles(11);
    QVERIFY(cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), files));
    const CachedRepo repo = CacheScanner::scan(shm.path()).value().repos.first();
    const QString target = data.filePath(u"models/org--model"_s);
    const Result<ImportResult> r =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), target);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(r->hardLinked, 0);
    QCOMPARE(r->copied + r->reflinked, int(files.size()));
    QCOMPARE(r->bytesCopied + (r->reflinked ? r->bytesTotal : 0), r->bytesTotal);
    for (const fakehub::RepoFile &f : files)
        QCOMPARE(HfCacheWriter::readFile(target + u'/' + f.path), f.blob->readAll());
}

void TestSnapshotImporter::reflinkWhenTheFileSystemHasIt()
{
    // A file system with FICLONE (btrfs, XFS) is stood in for by a clone call that shares nothing
    // but produces the same bytes; what is tested is that no byte is counted as copied and that
    // the clone is still verified.
    Fixture fx;
    QVERIFY(fx.write());
    const CachedRepo repo = fx.scanned();
    ImportOptions opts;
    opts.calls.hardLink = failingLink(EXDEV);
    opts.calls.reflink = [](int dst, int src) {
        off_t in = 0;
        while (::copy_file_range(src, &in, dst, nullptr, 1 << 20, 0) > 0) {
        }
        return 0;
    };
    const Result<ImportResult> r =
        SnapshotImporter(opts).importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(r->reflinked, int(fx.files.size()));
    QCOMPARE(r->bytesCopied, qint64(0));
    for (const fakehub::RepoFile &f : fx.files)
        QCOMPARE(HfCacheWriter::readFile(fx.target + u'/' + f.path), f.blob->readAll());
}

void TestSnapshotImporter::corruptedBlobIsRefused()
{
    Fixture fx;
    QVERIFY(fx.write());
    const fakehub::RepoFile shard = fx.files.at(8);
    QCOMPARE(shard.path, u"model-00002-of-00003.safetensors"_s);
    const QString blob = fx.cache.blobPath(u"org/model"_s, shard);
    QByteArray bytes = HfCacheWriter::readFile(blob);
    bytes[bytes.size() / 2] = char(bytes.at(bytes.size() / 2) ^ 0x01); // one bit rotted on disk
    QVERIFY(HfCacheWriter::writeFile(blob, bytes));
    const CachedRepo repo = fx.scanned();
    QVERIFY(repo.snapshots.first().isComplete()); // the layout is fine: only the content is wrong
    const QMap<QString, QString> before = treeState(fx.cacheDir);

    const Result<ImportResult> r =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY(!r.ok());
    qInfo("corrupted blob: %s", qPrintable(r.error().toString()));
    QCOMPARE(r.error().code, ErrorCode::ChecksumMismatch);
    QCOMPARE(r.error().details.value(u"path"_s).toString(), shard.path);
    QCOMPARE(r.error().details.value(u"expected"_s).toString(), HfCacheWriter::blobName(shard));
    QVERIFY(r.error().details.value(u"actual"_s).toString() != HfCacheWriter::blobName(shard));
    QVERIFY(!QFileInfo::exists(fx.target));
    QVERIFY(noTemporaryLeft(fx.target));
    QCOMPARE(treeState(fx.cacheDir), before); // the cache is only read
}

void TestSnapshotImporter::incompleteSnapshotIsRefused()
{
    Fixture fx;
    QVERIFY(fx.write());
    QVERIFY(QFile::remove(fx.cache.blobPath(u"org/model"_s, fx.files.at(9))));
    const CachedRepo repo = fx.scanned();
    const Result<ImportResult> r =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Conflict);
    QCOMPARE(r.error().details.value(u"reason"_s).toString(), u"incomplete_snapshot"_s);
    QVERIFY(r.error().message.contains(u"model-00003-of-00003.safetensors"_s));
    QVERIFY(!QFileInfo::exists(fx.target));
    QVERIFY(!QFileInfo::exists(QFileInfo(fx.target).absolutePath()) || noTemporaryLeft(fx.target));
}

void TestSnapshotImporter::existingTargetIsKept()
{
    Fixture fx;
    QVERIFY(fx.write());
    const CachedRepo repo = fx.scanned();
    QVERIFY(HfCacheWriter::writeFile(fx.target + u"/mine.txt"_s, "keep me"));
    const Result<ImportResult> r =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Conflict);
    QCOMPARE(r.error().details.value(u"reason"_s).toString(), u"target_exists"_s);
    QCOMPARE(HfCacheWriter::readFile(fx.target + u"/mine.txt"_s), QByteArray("keep me"));

    // An empty folder is no model yet: the import takes its place.
    QVERIFY(QFile::remove(fx.target + u"/mine.txt"_s));
    const Result<ImportResult> again =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), fx.target);
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().toString()));
    QVERIFY(QFileInfo::exists(fx.target + u"/model-00001-of-00003.safetensors"_s));
}

void TestSnapshotImporter::stopFromProgressLeavesNothing()
{
    Fixture fx;
    QVERIFY(fx.write());
    const CachedRepo repo = fx.scanned();
    // The first link waits until the progress callback has run (and asked to stop), so the stop
    // lands while files are being placed, whatever the speed of this machine.
    std::atomic<bool> progressRan{false};
    ImportOptions opts;
    opts.threads = 1;
    opts.progressIntervalMs = 10;
    opts.calls.hardLink = [&](const char *from, const char *to) {
        for (int i = 0; i < 3000 && !progressRan; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return ::link(from, to);
    };
    const Result<ImportResult> r = SnapshotImporter(opts).importSnapshot(
        repo, repo.snapshots.first(), fx.target, [&](const Progress &) {
            progressRan = true;
            return false;
        });
    QVERIFY(progressRan);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Cancelled);
    QVERIFY(!QFileInfo::exists(fx.target));
    QVERIFY(noTemporaryLeft(fx.target));
}

QTEST_GUILESS_MAIN(TestSnapshotImporter)
#include "tst_snapshotimporter.moc"
