#include "hfcache/cachepublisher.h"
#include "hfcache/cachescanner.h"
#include "hfcache/snapshotimporter.h"

#include "fakehub/fixtures/fixturerepos.h"
#include "hfcachewriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <sys/stat.h>
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
    QString modelDir = dir.filePath(u"data/models/org--model"_s);
    QList<fakehub::RepoFile> files = sampleModelFiles();
    HfCacheWriter cache{cacheDir};

    bool writeModel() { return HfCacheWriter::writeModelFolder(modelDir, files); }
    PublishRequest request() const
    {
        return {modelDir, RepoId::parse(u"org/model").value(), QString::fromLatin1(kSampleCommit),
                u"main"_s, recordsOf(files)};
    }
};

struct stat lstatOf(const QString &path)
{
    struct stat st = {};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st;
}

QString errorText(const Result<PublishResult> &r)
{
    return r.ok() ? QString()
                  : r.error().toString() + u' ' +
                        QString::fromUtf8(QJsonDocument(r.error().details).toJson());
}

} // namespace

class TestCachePublisher final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsTheCacheLayout();
    void reusesWhatHuggingfaceHubWrote();
    void conflictsAreReportedNotOverwritten_data();
    void conflictsAreReportedNotOverwritten();
    void importedModelPublishesBackUnchanged();
    void movedRefOnlyWhenAsked();
    void corruptModelFileIsNotPublished();
    void otherFileSystemGetsVerifiedCopies();
    void commitAsRevisionWritesNoRef();
    void readByHuggingfaceHub();
    void readByHuggingfaceJs();
};

void TestCachePublisher::followsTheCacheLayout()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    const QString repoDir = fx.cacheDir + u"/models--org--model"_s;
    QCOMPARE(r->repoDir, repoDir);
    QCOMPARE(r->linksCreated, int(fx.files.size()));
    QCOMPARE(r->blobsLinked, int(fx.files.size()));
    QCOMPARE(r->bytesCopied, qint64(0));
    QVERIFY(r->refWritten);

    // Every blob is named by the hash of its bytes (sha256 for LFS, git sha1 otherwise: checked
    // with Qt's hashes, not ours) and shares the inode of our file.
    const QStringList blobs = QDir(repoDir + u"/blobs"_s).entryList(QDir::Files | QDir::Hidden);
    QCOMPARE(blobs.size(), fx.files.size());
    for (const QString &name : blobs) {
        const QByteArray bytes = HfCacheWriter::readFile(repoDir + u"/blobs/"_s + name);
        const QByteArray sha256 =
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
        QByteArray gitObject = "blob " + QByteArray::number(bytes.size());
        gitObject.append('\0').append(bytes);
        const QByteArray gitSha1 =
            QCryptographicHash::hash(gitObject, QCryptographicHash::Sha1).toHex();
        QVERIFY2(name.toLatin1() == (name.size() == 64 ? sha256 : gitSha1), qPrintable(name));
    }
    for (const fakehub::RepoFile &f : fx.files) {
        const QString link = r->snapshotDir + u'/' + f.path;
        QVERIFY(S_ISLNK(lstatOf(link).st_mode));
        // Relative, and exactly as deep as the path: ../../blobs/<hash> at the top level.
        const QString target = QFileInfo(link).symLinkTarget();
        QByteArray raw(4096, '\0');
        raw.truncate(
            ::readlink(QFile::encodeName(link).constData(), raw.data(), size_t(raw.size())));
        const QString expected =
            u"../"_s.repeated(2 + f.path.count(u'/')) + u"blobs/"_s + HfCacheWriter::blobName(f);
        QCOMPARE(QString::fromLatin1(raw), expected);
        QCOMPARE(target, QFileInfo(fx.cache.blobPath(u"org/model"_s, f)).absoluteFilePath());
        QCOMPARE(HfCacheWriter::readFile(link), f.blob->readAll());
        QCOMPARE(lstatOf(fx.cache.blobPath(u"org/model"_s, f)).st_ino,
                 lstatOf(fx.modelDir + u'/' + f.path).st_ino);
    }
    // refs/main holds the commit and nothing else (huggingface_hub reads it without stripping).
    QCOMPARE(HfCacheWriter::readFile(repoDir + u"/refs/main"_s), QByteArray(kSampleCommit));
    // Nothing temporary is left anywhere in the repo folder.
    QDirIterator it(repoDir, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        QVERIFY2(!it.next().contains(u"mistudio"_s), qPrintable(it.filePath()));

    // And our own reader sees a complete snapshot with the same records.
    const Result<CacheScan> scan = CacheScanner::scan(fx.cacheDir);
    QVERIFY(scan.ok());
    const CachedSnapshot *snap = scan->repos.first().snapshot(u"main");
    QVERIFY(snap && snap->isComplete());
    QList<FileRecord> records;
    for (const CachedFile &f : snap->files)
        records.append(f.record());
    QCOMPARE(records.size(), fx.files.size());
    for (const FileRecord &expected : recordsOf(fx.files)) {
        const auto found = std::find_if(records.cbegin(), records.cend(), [&](const FileRecord &x) {
            return x.path == expected.path && x.size == expected.size &&
                   x.sha256 == expected.sha256 && x.gitOid == expected.gitOid;
        });
        QVERIFY2(found != records.cend(), qPrintable(expected.path));
    }
}

void TestCachePublisher::reusesWhatHuggingfaceHubWrote()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    // huggingface_hub already has part of this commit, and another repo.
    const QList<fakehub::RepoFile> partial = fx.files.mid(0, 5);
    QVERIFY(fx.cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), partial));
    QVERIFY(fx.cache.writeSnapshot(u"other/repo"_s, QString::fromLatin1(kOtherCommit),
                                   sampleModelFiles(3)));
    const QMap<QString, QString> before = treeState(fx.cacheDir);

    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QCOMPARE(r->blobsReused, int(partial.size()));
    QCOMPARE(r->linksKept, int(partial.size()));
    QCOMPARE(r->linksCreated, int(fx.files.size() - partial.size()));
    QVERIFY(!r->refWritten); // refs/main already named this commit

    // Everything that was there is unchanged (same inode, size, mtime, link target).
    const QMap<QString, QString> after = treeState(fx.cacheDir);
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        QCOMPARE(after.value(it.key()), it.value());
    QCOMPARE(after.size(), before.size() + 2 * int(fx.files.size() - partial.size()));

    // Publishing again changes nothing.
    const Result<PublishResult> again = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY2(again.ok(), qPrintable(errorText(again)));
    QCOMPARE(again->linksCreated, 0);
    QCOMPARE(again->linksKept, int(fx.files.size()));
    QCOMPARE(again->blobsReused, int(fx.files.size()));
    QCOMPARE(treeState(fx.cacheDir), after);
}

void TestCachePublisher::conflictsAreReportedNotOverwritten_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("conflictPath"); // relative to the repo folder
    QTest::newRow("link to another blob") << u"other-link"_s << u"snapshots/{commit}/config.json"_s;
    QTest::newRow("plain file in the snapshot")
        << u"plain-file"_s << u"snapshots/{commit}/config.json"_s;
    QTest::newRow("blob of another size") << u"short-blob"_s << u"blobs/{blob}"_s;
    QTest::newRow("no_exist marker") << u"no-exist"_s << u".no_exist/{commit}/config.json"_s;
    QTest::newRow("ref names another commit") << u"other-ref"_s << u"refs/main"_s;
}

void TestCachePublisher::conflictsAreReportedNotOverwritten()
{
    QFETCH(QString, setup);
    QFETCH(QString, conflictPath);
    Fixture fx;
    QVERIFY(fx.writeModel());
    const QString commit = QString::fromLatin1(kSampleCommit);
    const QString repoDir = fx.cache.repoDir(u"org/model"_s);
    const fakehub::RepoFile config = fx.files.at(1);
    QCOMPARE(config.path, u"config.json"_s);
    const QString link = fx.cache.snapshotDir(u"org/model"_s, commit) + u"/config.json"_s;
    if (setup == u"other-link"_s) {
        QVERIFY(fx.cache.writeSnapshot(
            u"org/model"_s, commit, {fakehub::makeFile(u"config.json"_s, "{\"changed\": true}")}));
    } else if (setup == u"plain-file"_s) {
        QVERIFY(HfCacheWriter::writeFile(link, config.blob->readAll()));
    } else if (setup == u"short-blob"_s) {
        QVERIFY(HfCacheWriter::writeFile(fx.cache.blobPath(u"org/model"_s, config), "{"));
    } else if (setup == u"no-exist"_s) {
        QVERIFY(
            HfCacheWriter::writeFile(repoDir + u"/.no_exist/"_s + commit + u"/config.json"_s, ""));
    } else if (setup == u"other-ref"_s) {
        QVERIFY(HfCacheWriter::writeFile(repoDir + u"/refs/main"_s, kOtherCommit));
    }
    const QMap<QString, QString> before = treeState(fx.cacheDir);

    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Conflict);
    const QJsonArray conflicts = r.error().details.value(u"conflicts"_s).toArray();
    QCOMPARE(conflicts.size(), 1);
    QCOMPARE(conflicts.first()[u"path"_s].toString(),
             repoDir + u'/' +
                 QString(conflictPath)
                     .replace(u"{commit}"_s, commit)
                     .replace(u"{blob}"_s, HfCacheWriter::blobName(config)));
    qInfo("%s: %s", qPrintable(setup), qPrintable(conflicts.first()[u"reason"_s].toString()));
    QCOMPARE(treeState(fx.cacheDir), before); // nothing written
}

void TestCachePublisher::importedModelPublishesBackUnchanged()
{
    // A model imported from the cache by hard links, published back with the records the import
    // returned: every blob and link is already there, nothing changes.
    Fixture fx;
    QVERIFY(fx.cache.writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), fx.files));
    const CachedRepo repo = CacheScanner::scan(fx.cacheDir).value().repos.first();
    const Result<ImportResult> imported =
        SnapshotImporter().importSnapshot(repo, repo.snapshots.first(), fx.modelDir);
    QVERIFY(imported.ok());
    const QMap<QString, QString> before = treeState(fx.cacheDir);
    PublishRequest req{fx.modelDir, imported->repo, imported->commit, u"main"_s, {}};
    for (const ImportedFile &f : imported->files)
        req.files.append(f.record);
    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, req);
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QCOMPARE(r->blobsReused, int(fx.files.size()));
    QCOMPARE(r->linksKept, int(fx.files.size()));
    QVERIFY(!r->refWritten);
    QCOMPARE(treeState(fx.cacheDir), before);
}

void TestCachePublisher::movedRefOnlyWhenAsked()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    const QString ref = fx.cache.repoDir(u"org/model"_s) + u"/refs/main"_s;
    QVERIFY(HfCacheWriter::writeFile(ref, kOtherCommit));
    PublishOptions opts;
    opts.moveRef = true;
    const Result<PublishResult> r = CachePublisher(opts).publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QVERIFY(r->refWritten);
    QCOMPARE(HfCacheWriter::readFile(ref), QByteArray(kSampleCommit));
}

void TestCachePublisher::corruptModelFileIsNotPublished()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    const QString shard = fx.modelDir + u"/model-00003-of-00003.safetensors"_s;
    QByteArray bytes = HfCacheWriter::readFile(shard);
    bytes[100] = char(bytes.at(100) ^ 0x40);
    QVERIFY(HfCacheWriter::writeFile(shard, bytes));
    QVERIFY(fx.cache.writeSnapshot(u"other/repo"_s, QString::fromLatin1(kOtherCommit),
                                   sampleModelFiles(3)));
    const QMap<QString, QString> before = treeState(fx.cacheDir);

    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::ChecksumMismatch);
    QCOMPARE(r.error().details.value(u"path"_s).toString(), u"model-00003-of-00003.safetensors"_s);
    // No blob, link, ref or folder of org/model stays behind; the rest of the cache is as it was.
    QCOMPARE(treeState(fx.cacheDir), before);
    QVERIFY(!QFileInfo::exists(fx.cache.repoDir(u"org/model"_s)));
}

void TestCachePublisher::otherFileSystemGetsVerifiedCopies()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    PublishOptions opts;
    opts.calls.hardLink = failingLink(EXDEV);
    opts.calls.reflink = failingClone(EXDEV);
    const Result<PublishResult> r = CachePublisher(opts).publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QCOMPARE(r->blobsCopied, int(fx.files.size()));
    qint64 total = 0;
    for (const fakehub::RepoFile &f : fx.files) {
        total += f.size();
        const QString blob = fx.cache.blobPath(u"org/model"_s, f);
        QVERIFY(lstatOf(blob).st_ino != lstatOf(fx.modelDir + u'/' + f.path).st_ino);
        QCOMPARE(HfCacheWriter::readFile(blob), f.blob->readAll());
    }
    QCOMPARE(r->bytesCopied, total);
    const QStringList hidden = QDir(fx.cache.repoDir(u"org/model"_s) + u"/blobs"_s)
                                   .entryList(QDir::Files | QDir::Hidden)
                                   .filter(QRegularExpression(u"^\\."_s));
    QVERIFY2(hidden.isEmpty(), qPrintable(hidden.join(u' ')));
}

void TestCachePublisher::commitAsRevisionWritesNoRef()
{
    Fixture fx;
    QVERIFY(fx.writeModel());
    PublishRequest req = fx.request();
    req.revision = req.commit;
    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, req);
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    QVERIFY(!r->refWritten);
    QVERIFY(!QFileInfo::exists(fx.cache.repoDir(u"org/model"_s) + u"/refs/"_s + req.commit));

    PublishRequest bad = fx.request();
    bad.files[0].path = u"../escape"_s;
    const Result<PublishResult> rejected = CachePublisher().publish(fx.cacheDir, bad);
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, ErrorCode::InvalidInput);
}

void TestCachePublisher::readByHuggingfaceHub()
{
    // The real client: huggingface_hub in offline mode must find every file of our published
    // snapshot through refs/main, with the bytes we published.
    QProcess probe;
    probe.start(u"python3"_s, {u"-c"_s, u"import huggingface_hub"_s});
    if (!probe.waitForFinished(60000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0)
        QSKIP("the Python package huggingface_hub is not installed here (Debian 12 does not "
              "package it); readByHuggingfaceJs and followsTheCacheLayout still check the layout");
    Fixture fx;
    QVERIFY(fx.writeModel());
    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    const QString script = uR"(
import hashlib, os, sys
from huggingface_hub import hf_hub_download, snapshot_download
cache = sys.argv[1]
snap = snapshot_download("org/model", cache_dir=cache, local_files_only=True)
print("snapshot", os.path.basename(snap))
for rel in sys.argv[2:]:
    p = hf_hub_download("org/model", rel, cache_dir=cache, local_files_only=True)
    print(rel, hashlib.sha256(open(p, "rb").read()).hexdigest())
)"_s;
    QStringList args{u"-c"_s, script, fx.cacheDir};
    for (const fakehub::RepoFile &f : fx.files)
        args << f.path;
    QProcess py;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HF_HUB_OFFLINE"_s, u"1"_s);
    py.setProcessEnvironment(env);
    py.start(u"python3"_s, args);
    QVERIFY(py.waitForFinished(120000));
    const QString out = QString::fromUtf8(py.readAllStandardOutput());
    QVERIFY2(py.exitCode() == 0, qPrintable(QString::fromUtf8(py.readAllStandardError())));
    QVERIFY(out.contains(u"snapshot "_s + QString::fromLatin1(kSampleCommit)));
    for (const fakehub::RepoFile &f : fx.files)
        QVERIFY2(out.contains(f.path + u' ' + QString::fromLatin1(f.blob->sha256Hex())),
                 qPrintable(f.path));
}

void TestCachePublisher::readByHuggingfaceJs()
{
    // Hugging Face's JavaScript client (npm @huggingface/hub, installed by the hfcache_npm_setup
    // test): scanCacheDir must list our repo, commit and ref (it maps refs by their raw content,
    // so a newline would break it), and downloadFileToCacheDir by commit must resolve every file
    // from the cache alone; its Hub URL points at a closed port, so any network use fails.
    const QString npmDir = qEnvironmentVariable("HFHUB_NPM_DIR");
    if (npmDir.isEmpty() ||
        !QFileInfo::exists(npmDir + u"/node_modules/@huggingface/hub/package.json"_s))
        QSKIP("@huggingface/hub is not installed (needs node, npm and the npm registry; see "
              "tests/core/hfcache/install-hfhub-npm.sh)");
    Fixture fx;
    QVERIFY(fx.writeModel());
    const Result<PublishResult> r = CachePublisher().publish(fx.cacheDir, fx.request());
    QVERIFY2(r.ok(), qPrintable(errorText(r)));
    const QString script = uR"(
const hub = require("@huggingface/hub");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
(async () => {
  const [cache, repo, commit, ...files] = process.argv.slice(1);
  const info = await hub.scanCacheDir(cache);
  const out = {
    warnings: info.warnings.map(String),
    repos: info.repos.map((r) => ({
      id: r.id.name, type: r.id.type,
      revisions: r.revisions.map((v) => ({
        commit: v.commitOid, refs: v.refs,
        files: v.files.map((f) => ({ name: path.basename(f.path), size: f.blob.size })),
      })),
    })),
    sha256: {},
  };
  for (const file of files) {
    const p = await hub.downloadFileToCacheDir({ repo, path: file, revision: commit, cacheDir: cache,
                                                 hubUrl: "http://127.0.0.1:9" });
    out.sha256[file] = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(1); });
)"_s;
    QStringList args{u"-e"_s, script, fx.cacheDir, u"org/model"_s,
                     QString::fromLatin1(kSampleCommit)};
    for (const fakehub::RepoFile &f : fx.files)
        args << f.path;
    QProcess node;
    node.setWorkingDirectory(npmDir); // require() resolves from its node_modules
    node.start(u"node"_s, args);
    QVERIFY(node.waitForFinished(120000));
    QVERIFY2(node.exitCode() == 0, qPrintable(QString::fromUtf8(node.readAllStandardError())));
    const QJsonObject out = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
    QCOMPARE(out[u"warnings"_s].toArray().size(), 0);
    const QJsonArray repos = out[u"repos"_s].toArray();
    QCOMPARE(repos.size(), 1);
    QCOMPARE(repos[0][u"id"_s].toString(), u"org/model"_s);
    QCOMPARE(repos[0][u"type"_s].toString(), u"model"_s);
    const QJsonArray revisions = repos[0][u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 1);
    QCOMPARE(revisions[0][u"commit"_s].toString(), QString::fromLatin1(kSampleCommit));
    QCOMPARE(revisions[0][u"refs"_s].toArray(), QJsonArray{u"main"_s});
    // scanCacheDir lists the snapshot's top-level entries only.
    QMap<QString, qint64> listed;
    for (const QJsonValue &f : revisions[0][u"files"_s].toArray())
        listed.insert(f[u"name"_s].toString(), f[u"size"_s].toInteger());
    for (const fakehub::RepoFile &f : fx.files) {
        if (!f.path.contains(u'/'))
            QCOMPARE(listed.value(f.path, -1), f.size());
        QCOMPARE(out[u"sha256"_s][f.path].toString(), QString::fromLatin1(f.blob->sha256Hex()));
    }
}

QTEST_GUILESS_MAIN(TestCachePublisher)
#include "tst_cachepublisher.moc"
