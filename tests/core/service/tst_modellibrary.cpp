// ModelLibrary over a real SQLite catalogue: an HF-cache snapshot imported as a ready model
// (hard links, its files recorded, a corrupt or incomplete snapshot refused), a model published
// into another HF cache by the layout rules, verification with its stored state, disk usage,
// check-updates against what the Hub says now, and the mirror's look-ups.
#include "service/modellibrary.h"
#include "service/modelservice.h"
#include "store/storefactory.h"
#include "testengines.h"

#include "../hfcache/hfcachewriter.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hfcachetest;

namespace {

const QString kRepo = u"org/model"_s;

struct Harness
{
    explicit Harness(bool publishDownloads = false)
    {
        AppConfig cfg;
        cfg.dataDir = dataDir();
        Result<Stores> s = openStores(cfg);
        if (!s)
            qFatal("openStores: %s", qPrintable(s.error().toString()));
        stores = s.value();
        Engines e;
        download->recordFiles = true;
        e.download = download;
        e.quantize = std::make_shared<test::FakeQuantizer>();
        e.architecture = std::make_shared<test::FakeArchitecture>();
        e.hub = hub;
        ServiceOptions o;
        o.dataDir = DataDir(dataDir());
        o.progressIntervalMs = 0;
        // No HF cache of the machine's: every call names its own.
        o.library.environment = QProcessEnvironment();
        o.library.hfCacheDir = cacheDir();
        o.library.publishDownloads = publishDownloads;
        service = std::make_unique<ModelService>(stores.models, stores.jobs, &bus, e, o);
        QObject::connect(&bus, &EventBus::eventPublished, &bus,
                         [this](const ModelEvent &ev) { events.append(ev); });
    }
    QString dataDir() const { return root.path() + u"/data"_s; }
    QString cacheDir() const { return root.path() + u"/hfcache"_s; }
    ModelLibrary *library() const { return service->library(); }

    // The sample repo written into the HF cache and imported.
    QUuid importSample()
    {
        if (!HfCacheWriter(cacheDir()).writeSnapshot(kRepo, QString::fromLatin1(kSampleCommit), files))
            return {};
        HfImportRequest req;
        req.repoId = kRepo;
        const Result<HfImportOutcome> r = library()->importFromHfCache(req);
        if (!r)
            qWarning("import: %s", qPrintable(r.error().toString()));
        return r ? r->model.id : QUuid();
    }

    QTemporaryDir root;
    EventBus bus;
    Stores stores;
    std::shared_ptr<test::FakeHub> hub = std::make_shared<test::FakeHub>();
    std::shared_ptr<test::FakeDownload> download = std::make_shared<test::FakeDownload>();
    std::unique_ptr<ModelService> service;
    QList<ModelEvent> events;
    QList<fakehub::RepoFile> files = sampleModelFiles();
};

qint64 sizeOf(const QList<fakehub::RepoFile> &files)
{
    qint64 n = 0;
    for (const fakehub::RepoFile &f : files)
        n += f.size();
    return n;
}

// Overwrites `path` with as many different bytes: a file that rotted in place.
bool rot(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite))
        return false;
    const qint64 size = f.size();
    return f.seek(size / 2) && f.write("!") == 1;
}

} // namespace

class TestModelLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importsSnapshotAsReadyModel();
    void refusesCorruptBlob();
    void refusesIncompleteSnapshot();
    void publishesByTheCacheLayout();
    void verifiesAndStoresState();
    void measuresDiskUsage();
    void checkUpdatesListsChanges();
    void mirrorSnapshotFindsRevisions();
    void publishesDownloadsWhenAsked();
};

void TestModelLibrary::importsSnapshotAsReadyModel()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    const Result<ModelRecord> r = h.service->get(id);
    QVERIFY(r.ok());
    QCOMPARE(r->status, ModelStatus::Ready);
    QCOMPARE(r->commitSha, QString::fromLatin1(kSampleCommit));
    QCOMPARE(r->revision, u"main"_s);
    QCOMPARE(*r->sizeBytes, sizeOf(h.files));
    // The files of the snapshot, with the hashes downloads record.
    const Result<QList<ModelFileRecord>> files = h.service->files(id);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), h.files.size());
    for (const fakehub::RepoFile &f : h.files) {
        bool found = false;
        for (const ModelFileRecord &rec : *files) {
            if (rec.path != f.path)
                continue;
            found = true;
            QCOMPARE(rec.size, f.size());
            QCOMPARE(f.lfs ? rec.sha256 : rec.gitOid, HfCacheWriter::blobName(f));
        }
        QVERIFY2(found, qPrintable(f.path));
    }
    // Hard links on the same file system: the model's file is the cache's blob.
    const QString shard = h.files[0].path;
    struct stat a = {};
    struct stat b = {};
    QCOMPARE(::stat(QFile::encodeName(r->filePath + u'/' + shard).constData(), &a), 0);
    QCOMPARE(::stat(QFile::encodeName(HfCacheWriter(h.cacheDir()).blobPath(kRepo, h.files[0])).constData(), &b), 0);
    QCOMPARE(a.st_ino, b.st_ino);
    // The faces heard of it.
    QVERIFY(std::any_of(h.events.begin(), h.events.end(), [&](const ModelEvent &e) {
        return e.modelId() == id && e.type() == ModelEvent::Type::ModelCreated;
    }));
    // Listed as in the catalogue now; a second import is refused.
    const Result<CacheListing> listing = h.library()->scanHfCache();
    QVERIFY(listing.ok());
    QCOMPARE(listing->snapshots.size(), 1);
    QCOMPARE(listing->snapshots[0].state, CacheCandidate::State::InCatalogue);
    HfImportRequest again;
    again.repoId = kRepo;
    const Result<HfImportOutcome> twice = h.library()->importFromHfCache(again);
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().code, ErrorCode::Conflict);
}

void TestModelLibrary::refusesCorruptBlob()
{
    Harness h;
    const HfCacheWriter cache(h.cacheDir());
    QVERIFY(cache.writeSnapshot(kRepo, QString::fromLatin1(kSampleCommit), h.files));
    QVERIFY(rot(cache.blobPath(kRepo, h.files[1])));
    HfImportRequest req;
    req.repoId = kRepo;
    const Result<HfImportOutcome> r = h.library()->importFromHfCache(req);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::ChecksumMismatch);
    // Nothing recorded, nothing left in the models folder.
    QVERIFY(h.stores.models->byRepo(kRepo)->empty());
    QDir models(h.dataDir() + u"/models"_s);
    QCOMPARE(models.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
}

void TestModelLibrary::refusesIncompleteSnapshot()
{
    Harness h;
    const HfCacheWriter cache(h.cacheDir());
    QVERIFY(cache.writeSnapshot(kRepo, QString::fromLatin1(kSampleCommit), h.files));
    QVERIFY(QFile::remove(cache.blobPath(kRepo, h.files[2]))); // an interrupted download
    const Result<CacheListing> listing = h.library()->scanHfCache();
    QVERIFY(listing.ok());
    QCOMPARE(listing->snapshots.size(), 1);
    QCOMPARE(listing->snapshots[0].state, CacheCandidate::State::Incomplete);
    QVERIFY(!listing->snapshots[0].problems.isEmpty());
    HfImportRequest req;
    req.repoId = kRepo;
    const Result<HfImportOutcome> r = h.library()->importFromHfCache(req);
    QVERIFY(!r.ok());
    QVERIFY(h.stores.models->byRepo(kRepo)->empty());
}

void TestModelLibrary::publishesByTheCacheLayout()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    const QString other = h.root.path() + u"/othercache"_s;
    const Result<HfPublishOutcome> p = h.library()->publishToHfCache(id, other);
    QVERIFY2(p.ok(), p.ok() ? "" : qPrintable(p.error().toString()));
    const HfCacheWriter layout(other);
    const QString repoDir = layout.repoDir(kRepo);
    // refs/main names the commit, without a newline.
    QCOMPARE(HfCacheWriter::readFile(repoDir + u"/refs/main"_s), QByteArray(kSampleCommit));
    for (const fakehub::RepoFile &f : h.files) {
        const QString link = layout.snapshotDir(kRepo, QString::fromLatin1(kSampleCommit)) + u'/' + f.path;
        const QFileInfo fi(link);
        QVERIFY2(fi.isSymLink(), qPrintable(link));
        // Relative, one "../" per folder level up to the repo folder, into blobs/<hash>.
        const QString target = QFile::symLinkTarget(link);
        char buf[4096];
        const ssize_t n = ::readlink(QFile::encodeName(link).constData(), buf, sizeof buf);
        QVERIFY(n > 0);
        const QString text = QString::fromUtf8(buf, n);
        QVERIFY2(!text.startsWith(u'/'), qPrintable(text));
        QCOMPARE(text, QString(u"../"_s).repeated(f.path.count(u'/') + 2) + u"blobs/"_s + HfCacheWriter::blobName(f));
        QCOMPARE(QFileInfo(target).canonicalFilePath(), QFileInfo(layout.blobPath(kRepo, f)).canonicalFilePath());
        QCOMPARE(QFileInfo(layout.blobPath(kRepo, f)).size(), f.size());
    }
    // The library records where, and a scan of that cache finds a complete snapshot.
    const Result<LibraryRecord> lib = h.library()->state(id);
    QVERIFY(lib.ok());
    QCOMPARE(lib->publishedCommit, QString::fromLatin1(kSampleCommit));
    QCOMPARE(QFileInfo(lib->hfCacheDir).canonicalFilePath(), QFileInfo(other).canonicalFilePath());
    const Result<CacheListing> listing = h.library()->scanHfCache(other);
    QVERIFY(listing.ok());
    QCOMPARE(listing->snapshots.size(), 1);
    QVERIFY(listing->snapshots[0].problems.isEmpty());
}

void TestModelLibrary::verifiesAndStoresState()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    QCOMPARE(h.service->get(id)->verifyState, QString()); // never verified
    int progressCalls = 0;
    const Result<VerifyOutcome> ok = h.library()->verify(id, [&](const hfcache::Progress &) {
        ++progressCalls;
        return true;
    });
    QVERIFY2(ok.ok(), ok.ok() ? "" : qPrintable(ok.error().toString()));
    QCOMPARE(ok->state, u"ok"_s);
    QCOMPARE(ok->report.bytesHashed, sizeOf(h.files));
    QVERIFY(progressCalls > 0);
    QCOMPARE(h.service->get(id)->verifyState, u"ok"_s);
    QVERIFY(h.service->get(id)->verifiedAt.isValid());

    // A file replaced by other bytes of the same size, and one deleted.
    const QString folder = h.service->get(id)->filePath;
    const QString changed = folder + u'/' + h.files[0].path;
    QFile::remove(changed); // break the hard link first: the cache's blob stays intact
    QVERIFY(HfCacheWriter::writeFile(changed, QByteArray(h.files[0].size(), 'x')));
    QVERIFY(QFile::remove(folder + u'/' + h.files[1].path));
    const Result<VerifyOutcome> bad = h.library()->verify(id);
    QVERIFY(bad.ok()); // a failing file is a row of the report, not an error
    QCOMPARE(bad->state, u"failed"_s);
    QCOMPARE(bad->report.failures(), 2);
    QMap<QString, hfcache::VerifyState> states;
    for (const hfcache::VerifiedFile &f : bad->report.files)
        states.insert(f.path, f.state);
    QCOMPARE(states.value(h.files[0].path), hfcache::VerifyState::Mismatch);
    QCOMPARE(states.value(h.files[1].path), hfcache::VerifyState::Missing);
    QCOMPARE(h.service->get(id)->verifyState, u"failed"_s);
    const Result<LibraryRecord> lib = h.library()->state(id);
    QVERIFY(lib.ok());
    QCOMPARE(lib->verifyReport.value(u"failures"_s).toInt(), 2);
    QCOMPARE(lib->verifyReport.value(u"failed"_s).toArray().size(), 2);
}

void TestModelLibrary::measuresDiskUsage()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    const Result<DiskUsage> du = h.library()->diskUsage();
    QVERIFY(du.ok());
    QCOMPARE(du->models.size(), 1);
    QCOMPARE(du->models[0].model.id, id);
    QCOMPARE(du->models[0].files.bytes, sizeOf(h.files));
    QCOMPARE(du->models[0].files.files, h.files.size());
    // Every file is a hard link to the HF cache's blob.
    QCOMPARE(du->models[0].files.linkedBytes, sizeOf(h.files));
    QCOMPARE(du->totalBytes, sizeOf(h.files));
    QVERIFY(du->freeBytes > 0);
}

void TestModelLibrary::checkUpdatesListsChanges()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    const Result<QList<ModelFileRecord>> recorded = h.service->files(id);
    QVERIFY(recorded.ok());

    // Upstream now: the first file changed, the second gone, a new one added.
    UpstreamState up;
    up.commit = QString::fromLatin1(kOtherCommit);
    up.access = u"gated"_s;
    for (const ModelFileRecord &f : *recorded) {
        if (f.path == h.files[1].path)
            continue;
        ModelFileRecord u = f;
        if (f.path == h.files[0].path) {
            u.size = f.size + 10;
            u.sha256 = QString(64, u'a');
        }
        up.files << u;
    }
    up.files << ModelFileRecord{u"extra/new.bin"_s, 1234, QString(64, u'b'), QString(40, u'c')};
    h.hub->setUpstream(up);

    const Result<UpdateCheck> c = h.library()->checkUpdates(id);
    QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error().toString()));
    QCOMPARE(c->recordedCommit, QString::fromLatin1(kSampleCommit));
    QCOMPARE(c->upstreamCommit, QString::fromLatin1(kOtherCommit));
    QCOMPARE(c->changed.size(), 1);
    QCOMPARE(c->changed[0].path, h.files[0].path);
    QCOMPARE(c->added.size(), 1);
    QCOMPARE(c->added[0].path, u"extra/new.bin"_s);
    QCOMPARE(c->removed.size(), 1);
    QCOMPARE(c->removed[0].path, h.files[1].path);
    QCOMPARE(c->unchanged, h.files.size() - 2);
    QCOMPARE(c->downloadBytes, h.files[0].size() + 10 + 1234);
    QVERIFY(!c->upToDate());
    // What the Hub said is kept: the mirror serves by the access.
    QCOMPARE(h.library()->state(id)->access, u"gated"_s);
    QCOMPARE(h.library()->state(id)->upstreamCommit, QString::fromLatin1(kOtherCommit));

    // The same files upstream: up to date.
    up.files = *recorded;
    up.commit = QString::fromLatin1(kSampleCommit);
    h.hub->setUpstream(up);
    const Result<UpdateCheck> same = h.library()->checkUpdates(id);
    QVERIFY(same.ok());
    QVERIFY(same->upToDate());
    QCOMPARE(same->downloadBytes, 0);
}

void TestModelLibrary::mirrorSnapshotFindsRevisions()
{
    Harness h;
    const QUuid id = h.importSample();
    QVERIFY(!id.isNull());
    for (const QString &rev : {QString(), u"main"_s, QString::fromLatin1(kSampleCommit), u"HEAD"_s}) {
        const Result<MirrorSnapshot> s = h.library()->mirrorSnapshot(kRepo, rev);
        QVERIFY2(s.ok(), qPrintable(rev));
        QCOMPARE(s->commit, QString::fromLatin1(kSampleCommit));
        QCOMPARE(s->files.size(), h.files.size());
        QVERIFY(s->file(h.files[0].path));
        QCOMPARE(s->access, QString()); // imported: access unknown
    }
    const Result<MirrorSnapshot> noRev = h.library()->mirrorSnapshot(kRepo, u"v2"_s);
    QVERIFY(!noRev.ok());
    QCOMPARE(noRev.error().code, ErrorCode::RevisionNotFound);
    const Result<MirrorSnapshot> noRepo = h.library()->mirrorSnapshot(u"org/other"_s, {});
    QVERIFY(!noRepo.ok());
    QCOMPARE(noRepo.error().code, ErrorCode::RepoNotFound);
}

void TestModelLibrary::publishesDownloadsWhenAsked()
{
    // Setting library/publishDownloads: every finished download lands in the HF cache too.
    for (const bool on : {false, true}) {
        Harness h(on);
        QVERIFY(h.service->start().ok());
        NewModel m;
        m.repoId = u"org/downloaded"_s;
        const Result<ModelRecord> created = h.service->create(m);
        QVERIFY(created.ok());
        QVERIFY(h.service->download(created->id, DownloadRequest{}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(h.service->get(created->id)->status, ModelStatus::Ready, 20000);
        const QString ref = HfCacheWriter(h.cacheDir()).repoDir(u"org/downloaded"_s) + u"/refs/main"_s;
        if (on) {
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(ref), 20000);
            QTRY_COMPARE_WITH_TIMEOUT(h.library()->state(created->id)->publishedCommit,
                                      QString::fromLatin1(kSampleCommit), 20000);
        } else {
            h.service->shutdown(); // waits for anything the library started
            QVERIFY(!QFileInfo::exists(ref));
        }
    }
}

QTEST_GUILESS_MAIN(TestModelLibrary)
#include "tst_modellibrary.moc"
