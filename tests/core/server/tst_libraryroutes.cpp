// The library's native API routes (core/server/libraryroutes.h) over a real catalogue: the HF
// cache listed and a snapshot imported, the verification state stored and shown on the model,
// disk usage, publish into another cache, check-updates and its errors, the token rule.
#include "serverharness.h"

#include "../hfcache/hfcachewriter.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;
using namespace mistudio::hfcachetest;

namespace {

struct Api
{
    explicit Api(ServerConfig config = {}) : h(config, 0, engines()) {}

    Engines engines()
    {
        Engines e;
        e.download = std::make_shared<FakeDownload>();
        e.quantize = std::make_shared<FakeQuantizer>();
        e.architecture = std::make_shared<FakeArchitecture>();
        e.hub = hub;
        return e;
    }
    QString cache() const { return h.dataDir() + u"/hfcache"_s; }
    QByteArray importBody() const
    {
        return QJsonDocument(QJsonObject{{u"repo_id"_s, u"org/model"_s}, {u"path"_s, cache()}}).toJson();
    }

    std::shared_ptr<FakeHub> hub = std::make_shared<FakeHub>();
    ServerHarness h;
    QList<fakehub::RepoFile> files = sampleModelFiles();
};

} // namespace

class TestLibraryRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importVerifyAndState();
    void publishAndDiskUsage();
    void updatesAndErrors();
    void tokenRequired();
};

void TestLibraryRoutes::importVerifyAndState()
{
    Api a;
    QVERIFY(HfCacheWriter(a.cache()).writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), a.files));
    const HttpResult scan = a.h.call("GET", u"/api/v1/library/hf-cache?path="_s + QString::fromLatin1(QUrl::toPercentEncoding(a.cache())));
    QCOMPARE(scan.status, 200);
    QCOMPARE(scan.json[u"snapshots"_s][0][u"state"_s].toString(), u"importable"_s);

    const HttpResult imported = a.h.call("POST", u"/api/v1/library/hf-cache/import"_s, a.importBody());
    QCOMPARE(imported.status, 201);
    QCOMPARE(imported.json[u"import"_s][u"bytes_copied"_s].toInteger(), 0);
    const QString id = imported.json[u"model"_s][u"id"_s].toString();
    QCOMPARE(a.h.call("POST", u"/api/v1/library/hf-cache/import"_s, a.importBody()).status, 409);

    QCOMPARE(a.h.call("GET", u"/api/v1/models/"_s + id).json[u"verification"_s][u"state"_s].toString(), u"never"_s);
    const HttpResult verified = a.h.call("POST", u"/api/v1/models/"_s + id + u"/verify"_s);
    QCOMPARE(verified.status, 200);
    QCOMPARE(verified.json[u"state"_s].toString(), u"ok"_s);
    // The model shows it, and the library record has the summary.
    QCOMPARE(a.h.call("GET", u"/api/v1/models/"_s + id).json[u"verification"_s][u"state"_s].toString(), u"ok"_s);
    const HttpResult state = a.h.call("GET", u"/api/v1/models/"_s + id + u"/library"_s);
    QCOMPARE(state.status, 200);
    QCOMPARE(state.json[u"verification"_s][u"state"_s].toString(), u"ok"_s);
    QCOMPARE(state.json[u"verification"_s][u"report"_s][u"failures"_s].toInt(), 0);
    QCOMPARE(a.h.call("GET", u"/api/v1/models/"_s + id + u"/verify"_s).status, 405);
}

void TestLibraryRoutes::publishAndDiskUsage()
{
    Api a;
    QVERIFY(HfCacheWriter(a.cache()).writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), a.files));
    const QString id = a.h.call("POST", u"/api/v1/library/hf-cache/import"_s, a.importBody()).json[u"model"_s][u"id"_s].toString();
    const QString other = a.h.dataDir() + u"/other"_s;
    const HttpResult published = a.h.call("POST", u"/api/v1/models/"_s + id + u"/publish-hf-cache"_s,
                                          QJsonDocument(QJsonObject{{u"path"_s, other}}).toJson());
    QCOMPARE(published.status, 200);
    QCOMPARE(HfCacheWriter::readFile(other + u"/models--org--model/refs/main"_s), QByteArray(kSampleCommit));
    qint64 total = 0;
    for (const auto &f : a.files)
        total += f.size();
    const HttpResult du = a.h.call("GET", u"/api/v1/library/disk-usage"_s);
    QCOMPARE(du.status, 200);
    QCOMPARE(du.json[u"total_bytes"_s].toInteger(), total);
    QCOMPARE(du.json[u"models"_s][0][u"files"_s][u"linked_bytes"_s].toInteger(), total);
}

void TestLibraryRoutes::updatesAndErrors()
{
    Api a;
    QVERIFY(HfCacheWriter(a.cache()).writeSnapshot(u"org/model"_s, QString::fromLatin1(kSampleCommit), a.files));
    const QString id = a.h.call("POST", u"/api/v1/library/hf-cache/import"_s, a.importBody()).json[u"model"_s][u"id"_s].toString();
    UpstreamState up;
    up.commit = QString::fromLatin1(kOtherCommit);
    up.access = u"public"_s;
    up.files = *a.h.service->files(QUuid::fromString(id));
    up.files.removeLast();
    a.hub->setUpstream(up);
    const HttpResult check = a.h.call("GET", u"/api/v1/models/"_s + id + u"/updates"_s);
    QCOMPARE(check.status, 200);
    QCOMPARE(check.json[u"removed"_s].toArray().size(), 1);
    QCOMPARE(check.json[u"download_bytes"_s].toInteger(), 0);
    QCOMPARE(check.json[u"upstream_commit"_s].toString(), QString::fromLatin1(kOtherCommit));
    // Removals only: applied at once, the new commit recorded.
    const HttpResult update = a.h.call("POST", u"/api/v1/models/"_s + id + u"/update"_s);
    QCOMPARE(update.status, 200);
    QCOMPARE(update.json[u"outcome"_s].toString(), u"applied"_s);
    QCOMPARE(a.h.call("GET", u"/api/v1/models/"_s + id).json[u"commit_sha"_s].toString(), QString::fromLatin1(kOtherCommit));

    QCOMPARE(a.h.call("GET", u"/api/v1/models/not-a-uuid/updates"_s).status, 400);
    QCOMPARE(a.h.call("GET", u"/api/v1/models/"_s + QUuid::createUuid().toString(QUuid::WithoutBraces) + u"/updates"_s).status, 404);
    const HttpResult unknownKey = a.h.call("POST", u"/api/v1/library/hf-cache/import"_s, R"({"repo":"x/y"})");
    QCOMPARE(unknownKey.status, 422);
}

void TestLibraryRoutes::tokenRequired()
{
    Api a(tokenRequiredConfig());
    QCOMPARE(a.h.call("GET", u"/api/v1/library/disk-usage"_s).status, 401);
    QCOMPARE(a.h.call("GET", u"/api/v1/library/disk-usage"_s, {}, {{"Authorization", "Bearer " + kApiToken.toLatin1()}}).status, 200);
}

QTEST_GUILESS_MAIN(TestLibraryRoutes)
#include "tst_libraryroutes.moc"
