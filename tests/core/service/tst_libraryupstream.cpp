// check-updates and update with the real engines against the fake Hub: a model downloaded at
// one commit, then the repo's main moves to a commit where one file changed, one was removed
// and one added. check-updates lists exactly those with the update's download size; update
// fetches only the changed and added files (the fake Hub's request log shows the unchanged
// ones were not fetched again), removes the gone one, records the new commit and files, and a
// verification of the result passes.
#include "engines/realengines.h"
#include "fakehub/fakehub.h"
#include "fakehub/fixtures/fixturerepos.h"
#include "fakehub/fixtures/tinymodel.h"
#include "service/eventbus.h"
#include "service/modellibrary.h"
#include "service/modelservice.h"
#include "store/storefactory.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString kRepo = u"org/evolving"_s;

// A real tiny checkpoint (previews read its safetensors header), and a vocab.txt.
QList<fakehub::RepoFile> modelFiles(quint64 seed)
{
    using namespace fakehub;
    QList<RepoFile> files = tinyModelFiles(TinyModel::make(TinyModel::Family::Llama, "F32", seed),
                                           ModelFilesSpec{u"evolving"_s, 1, false});
    files << makeFile(u"vocab.txt"_s, "a\nb\nc\n");
    return files;
}

qsizetype indexOf(const QList<fakehub::RepoFile> &files, const QString &path)
{
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (files[i].path == path)
            return i;
    }
    return -1;
}

} // namespace

class TestLibraryUpstream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkAndUpdateAfterUpstreamChange();

private:
    fakehub::FakeHub m_hub;
    QByteArray m_first;
    QByteArray m_second;
};

void TestLibraryUpstream::initTestCase()
{
    fakehub::Repo repo;
    repo.id = kRepo;
    const QList<fakehub::RepoFile> first = modelFiles(1);
    m_first = repo.addCommit(u"main"_s, u"first"_s, first);
    // The second commit: model.safetensors changed (other weights), vocab.txt removed,
    // merges.txt added; everything else as it was.
    QList<fakehub::RepoFile> second = first;
    const QList<fakehub::RepoFile> other = modelFiles(2);
    second[indexOf(second, u"model.safetensors"_s)] = other[indexOf(other, u"model.safetensors"_s)];
    second.removeAt(indexOf(second, u"vocab.txt"_s));
    second << fakehub::makeFile(u"merges.txt"_s, QByteArray(3000, 'm'));
    m_second = repo.addCommit(u"next"_s, u"second"_s, second);
    repo.branches.insert(u"main"_s, m_first);
    m_hub.addRepo(repo);
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
}

void TestLibraryUpstream::checkAndUpdateAfterUpstreamChange()
{
    QTemporaryDir dir;
    AppConfig cfg;
    cfg.dataDir = dir.path();
    Result<Stores> stores = openStores(cfg);
    QVERIFY(stores.ok());
    HubSettings hs;
    hs.hub.endpoint = m_hub.endpoint();
    hs.environment = QProcessEnvironment(); // no HF_TOKEN of the machine running the tests
    hs.dataDir = dir.path();
    ServiceOptions so;
    so.dataDir = DataDir(dir.path());
    so.library.environment = QProcessEnvironment();
    EventBus bus;
    ModelService service(stores->models, stores->jobs, &bus, makeRealEngines(hs), so);
    QVERIFY(service.start().ok());
    const auto settled = [&](const QUuid &id) {
        const ModelStatus s = service.get(id)->status;
        return s == ModelStatus::Ready || s == ModelStatus::Failed;
    };

    QFuture<Result<RepoDownload>> asked = service.downloadRepo(kRepo, DownloadRequest{});
    asked.waitForFinished();
    QVERIFY2(asked.result().ok(), asked.result().ok() ? "" : qPrintable(asked.result().error().toString()));
    const QUuid id = asked.result()->model.id;
    QTRY_VERIFY_WITH_TIMEOUT(settled(id), 60000);
    QCOMPARE(service.get(id)->status, ModelStatus::Ready);
    QCOMPARE(service.get(id)->commitSha, QString::fromLatin1(m_first));

    // Nothing changed yet.
    ModelLibrary *library = service.library();
    Result<UpdateCheck> check = library->checkUpdates(id);
    QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().toString()));
    QVERIFY(check->upToDate());
    QCOMPARE(check->upstreamCommit, QString::fromLatin1(m_first));

    // Upstream moves on.
    QVERIFY(m_hub.moveBranch(kRepo, u"main"_s, u"next"_s));
    check = library->checkUpdates(id);
    QVERIFY(check.ok());
    QCOMPARE(check->recordedCommit, QString::fromLatin1(m_first));
    QCOMPARE(check->upstreamCommit, QString::fromLatin1(m_second));
    QCOMPARE(check->changed.size(), 1);
    QCOMPARE(check->changed[0].path, u"model.safetensors"_s);
    const qint64 newShard = m_hub.fileContent(kRepo, u"next"_s, u"model.safetensors"_s).size();
    QCOMPARE(check->changed[0].size, newShard);
    QCOMPARE(check->added.size(), 1);
    QCOMPARE(check->added[0].path, u"merges.txt"_s);
    QCOMPARE(check->removed.size(), 1);
    QCOMPARE(check->removed[0].path, u"vocab.txt"_s);
    const qsizetype downloaded = service.files(id)->size();
    QCOMPARE(check->unchanged, downloaded - 2);
    QCOMPARE(check->downloadBytes, newShard + 3000);
    QCOMPARE(library->state(id)->access, u"public"_s);

    // The update fetches only what changed.
    m_hub.clearLog();
    const Result<UpdateOutcome> update = library->update(id);
    QVERIFY2(update.ok(), update.ok() ? "" : qPrintable(update.error().toString()));
    QCOMPARE(update->kind, UpdateOutcome::Kind::Started);
    QTRY_VERIFY_WITH_TIMEOUT(settled(id) && !service.activeJob(id), 60000);
    const ModelRecord after = service.get(id).value();
    QVERIFY2(after.status == ModelStatus::Ready, qPrintable(after.errorMessage));
    QCOMPARE(after.commitSha, QString::fromLatin1(m_second));
    QCOMPARE(m_hub.requestCount(fakehub::Listener::Any, u"/tokenizer.json"_s), 0);
    QCOMPARE(m_hub.requestCount(fakehub::Listener::Any, u"/config.json"_s), 0);
    QVERIFY(m_hub.requestCount(fakehub::Listener::Any, u"/model.safetensors"_s) > 0);
    QCOMPARE(QFileInfo(after.filePath + u"/model.safetensors"_s).size(), newShard);
    QVERIFY(QFileInfo::exists(after.filePath + u"/merges.txt"_s));
    QVERIFY(!QFileInfo::exists(after.filePath + u"/vocab.txt"_s));
    QVERIFY(QFileInfo::exists(after.filePath + u"/tokenizer.json"_s));
    const Result<QList<ModelFileRecord>> files = service.files(id);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), downloaded); // one removed, one added
    qint64 total = 0;
    for (const ModelFileRecord &f : *files) {
        QCOMPARE(f.size, qint64(m_hub.fileContent(kRepo, u"next"_s, f.path).size()));
        total += f.size;
    }
    QCOMPARE(*after.sizeBytes, total);
    // The result is what upstream has now: verified, and nothing left to update.
    const Result<VerifyOutcome> verified = library->verify(id);
    QVERIFY(verified.ok());
    QCOMPARE(verified->state, u"ok"_s);
    QVERIFY(library->checkUpdates(id)->upToDate());
    service.shutdown();
}

QTEST_GUILESS_MAIN(TestLibraryUpstream)
#include "tst_libraryupstream.moc"
