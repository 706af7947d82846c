#include "hfcache/cachescanner.h"

#include "hfcachewriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace mistudio;
using namespace mistudio::hfcache;
using namespace mistudio::hfcachetest;
using namespace Qt::Literals::StringLiterals;

class TestCacheScanner final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsCompleteSnapshot();
    void incompleteSnapshots_data();
    void incompleteSnapshots();
    void skipsWhatIsNotAModelRepo();
    void followsSharedStoreBlobs();
    void missingCacheIsNotFound();

private:
    static const FileRecord *find(const QList<FileRecord> &records, const QString &path);
};

void TestCacheScanner::listsCompleteSnapshot()
{
    QTemporaryDir dir;
    const HfCacheWriter cache(dir.path());
    const QList<fakehub::RepoFile> files = sampleModelFiles();
    QVERIFY(cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), files));
    // A second, older snapshot of the same repo with one file, named by a tag.
    QVERIFY(cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kOtherCommit), files.mid(0, 1),
                                u"v1.0"_s));

    const Result<CacheScan> scan = CacheScanner::scan(dir.path());
    QVERIFY2(scan.ok(), qPrintable(scan.ok() ? QString() : scan.error().toString()));
    QVERIFY2(scan->warnings.isEmpty(), qPrintable(scan->warnings.join(u'\n')));
    QCOMPARE(scan->repos.size(), 1);
    const CachedRepo &repo = scan->repos.first();
    QCOMPARE(repo.repo.toString(), u"org/model"_s);
    QCOMPARE(repo.snapshots.size(), 2);

    const CachedSnapshot *snap = repo.snapshot(u"main");
    QVERIFY(snap);
    QCOMPARE(snap->commit, QString::fromLatin1(kSampleCommit));
    QCOMPARE(snap->refs, QStringList{u"main"_s});
    QVERIFY2(snap->isComplete(), qPrintable(snap->problems.join(u'\n')));
    QCOMPARE(snap->files.size(), files.size());
    qint64 expectedBytes = 0;
    qint64 blobBytes = 0;
    QSet<QString> blobs;
    QList<FileRecord> records;
    for (const CachedFile &f : snap->files)
        records.append(f.record());
    for (const fakehub::RepoFile &f : files) {
        expectedBytes += f.size();
        if (!blobs.contains(HfCacheWriter::blobName(f)))
            blobBytes += f.size();
        blobs.insert(HfCacheWriter::blobName(f));
        const FileRecord *r = find(records, f.path);
        QVERIFY2(r, qPrintable(f.path));
        QCOMPARE(r->size, f.size());
        // LFS files are known by their sha256, the others by their git blob id (the fake Hub's
        // hashes).
        QCOMPARE(r->isLfs(), f.lfs);
        QCOMPARE(r->blobName(), HfCacheWriter::blobName(f));
    }
    QCOMPARE(snap->totalBytes(), expectedBytes);
    QCOMPARE(repo.blobBytes, blobBytes);
    QVERIFY(find(records, u"onnx/decoder/model.onnx"_s));
    QVERIFY(find(records, u"model-00002-of-00003.safetensors"_s)->isLfs());
    QVERIFY(!find(records, u"config.json"_s)->isLfs());

    const CachedSnapshot *old = repo.snapshot(u"v1.0");
    QVERIFY(old);
    QCOMPARE(old->commit, QString::fromLatin1(kOtherCommit));
    QCOMPARE(old->files.size(), 1);
}

void TestCacheScanner::incompleteSnapshots_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("problem"); // a part of the reported problem
    QTest::newRow("dangling link")
        << u"delete-blob"_s << u"model-00002-of-00003.safetensors: dangling_link"_s;
    QTest::newRow("partial blob") << u"partial-blob"_s << u"partial blob"_s;
    QTest::newRow("shard missing from the snapshot")
        << u"drop-shard"_s << u"missing shard model-00003-of-00003.safetensors"_s;
    QTest::newRow("plain file instead of a link")
        << u"plain-file"_s << u"config.json: not_a_link"_s;
    QTest::newRow("link out of the repo") << u"foreign-link"_s << u"config.json: foreign_link"_s;
    QTest::newRow("blob not named by a hash")
        << u"odd-blob-name"_s << u"config.json: unknown_blob_name"_s;
    QTest::newRow("empty snapshot") << u"empty"_s << u"no files"_s;
}

void TestCacheScanner::incompleteSnapshots()
{
    QFETCH(QString, damage);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    const HfCacheWriter cache(dir.path());
    const QList<fakehub::RepoFile> files = sampleModelFiles();
    const QString commit = QString::fromLatin1(kSampleCommit);
    QVERIFY(cache.writeSnapshot(u"org/model"_s, commit, files));
    const QString snap = cache.snapshotDir(u"org/model"_s, commit);
    auto fileNamed = [&](const QString &path) {
        for (const fakehub::RepoFile &f : files) {
            if (f.path == path)
                return f;
        }
        return fakehub::RepoFile{};
    };
    const QString config = snap + u"/config.json"_s;
    if (damage == u"delete-blob"_s) {
        QVERIFY(QFile::remove(
            cache.blobPath(u"org/model"_s, fileNamed(u"model-00002-of-00003.safetensors"_s))));
    } else if (damage == u"partial-blob"_s) {
        QVERIFY(HfCacheWriter::writeFile(cache.repoDir(u"org/model"_s) + u"/blobs/"_s +
                                             QString(64, u'a') + u".incomplete"_s,
                                         "partial"));
    } else if (damage == u"drop-shard"_s) {
        QVERIFY(QFile::remove(snap + u"/model-00003-of-00003.safetensors"_s));
    } else if (damage == u"plain-file"_s) {
        QVERIFY(QFile::remove(config));
        QVERIFY(HfCacheWriter::writeFile(config, fileNamed(u"config.json"_s).blob->readAll()));
    } else if (damage == u"foreign-link"_s) {
        QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"elsewhere"_s), "{}"));
        QVERIFY(QFile::remove(config));
        QVERIFY(QFile::link(dir.filePath(u"elsewhere"_s), config));
    } else if (damage == u"odd-blob-name"_s) {
        const QString odd = cache.repoDir(u"org/model"_s) + u"/blobs/not-a-hash"_s;
        QVERIFY(HfCacheWriter::writeFile(odd, "{}"));
        QVERIFY(QFile::remove(config));
        QCOMPARE(::symlink("../../blobs/not-a-hash", QFile::encodeName(config).constData()), 0);
    } else if (damage == u"empty"_s) {
        QVERIFY(QDir(snap).removeRecursively());
        QVERIFY(QDir().mkpath(snap));
    }

    const Result<CacheScan> scan = CacheScanner::scan(dir.path());
    QVERIFY(scan.ok());
    QCOMPARE(scan->repos.size(), 1);
    const CachedSnapshot *s = scan->repos.first().snapshot(commit);
    QVERIFY(s);
    QVERIFY(!s->isComplete());
    QVERIFY2(s->problems.join(u'\n').contains(problem), qPrintable(s->problems.join(u'\n')));
}

void TestCacheScanner::skipsWhatIsNotAModelRepo()
{
    QTemporaryDir dir;
    const HfCacheWriter cache(dir.path());
    const QList<fakehub::RepoFile> files = sampleModelFiles().mid(0, 2);
    QVERIFY(cache.writeSnapshot(u"gpt2"_s, QString::fromLatin1(kSampleCommit),
                                files)); // legacy id: models--gpt2
    QVERIFY(cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), files));
    QVERIFY(QDir().mkpath(dir.filePath(u"datasets--org--data/snapshots"_s)));
    QVERIFY(QDir().mkpath(dir.filePath(u".locks/models--org--model"_s)));
    QVERIFY(
        QDir().mkpath(dir.filePath(u"blobs/ab"_s))); // the shared store of newer huggingface_hub
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"CACHEDIR.TAG"_s),
                                     "Signature: 8a477f597d28d172789f06886806bc55"));
    QVERIFY(QDir().mkpath(dir.filePath(u"stray-folder"_s)));
    QVERIFY(QDir().mkpath(dir.filePath(u"models--org--model/snapshots/not-a-commit"_s)));
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"models--org--model/refs/broken"_s), "xyz"));

    const Result<CacheScan> scan = CacheScanner::scan(dir.path());
    QVERIFY(scan.ok());
    QCOMPARE(scan->repos.size(), 2);
    QCOMPARE(scan->repos.at(0).repo.toString(), u"gpt2"_s);
    QCOMPARE(scan->repos.at(1).repo.toString(), u"org/model"_s);
    QCOMPARE(scan->repos.at(1).snapshots.size(), 1);
    const QString warnings = scan->warnings.join(u'\n');
    QVERIFY2(warnings.contains(u"stray-folder"_s), qPrintable(warnings));
    QVERIFY2(warnings.contains(u"not-a-commit"_s), qPrintable(warnings));
    QVERIFY2(warnings.contains(u"ref 'broken'"_s), qPrintable(warnings));
    QCOMPARE(scan->warnings.size(), 3);
}

void TestCacheScanner::followsSharedStoreBlobs()
{
    // Newer huggingface_hub versions may turn a repo blob into a link to <cache>/blobs/xx/<hash>.
    QTemporaryDir dir;
    const HfCacheWriter cache(dir.path());
    const QList<fakehub::RepoFile> files = sampleModelFiles().mid(7, 1); // the first shard
    QVERIFY(files.first().lfs);
    QVERIFY(cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), files));
    const QString blob = cache.blobPath(u"org/model"_s, files.first());
    const QString name = HfCacheWriter::blobName(files.first());
    const QString stored = dir.filePath(u"blobs/"_s + name.left(2) + u'/' + name);
    QVERIFY(QDir().mkpath(QFileInfo(stored).absolutePath()));
    QVERIFY(QFile::rename(blob, stored));
    QCOMPARE(
        ::symlink(QFile::encodeName(u"../../blobs/"_s + name.left(2) + u'/' + name).constData(),
                  QFile::encodeName(blob).constData()),
        0);

    const Result<CacheScan> scan = CacheScanner::scan(dir.path());
    QVERIFY(scan.ok());
    const CachedSnapshot &snap = scan->repos.first().snapshots.first();
    QVERIFY2(snap.isComplete(), qPrintable(snap.problems.join(u'\n')));
    QCOMPARE(snap.files.first().size, files.first().size());
    QCOMPARE(snap.files.first().blobName, name);
    QCOMPARE(snap.files.first().blobPath, QFileInfo(stored).canonicalFilePath());
}

void TestCacheScanner::missingCacheIsNotFound()
{
    QTemporaryDir dir;
    const Result<CacheScan> scan = CacheScanner::scan(dir.filePath(u"nope"_s));
    QVERIFY(!scan.ok());
    QCOMPARE(scan.error().code, ErrorCode::NotFound);
}

const FileRecord *TestCacheScanner::find(const QList<FileRecord> &records, const QString &path)
{
    for (const FileRecord &r : records) {
        if (r.path == path)
            return &r;
    }
    return nullptr;
}

QTEST_GUILESS_MAIN(TestCacheScanner)
#include "tst_cachescanner.moc"
