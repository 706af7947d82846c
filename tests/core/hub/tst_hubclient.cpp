// HubClient against the in-process fake Hub (HF_ENDPOINT-style endpoint on an ephemeral port):
// metadata, pagination, redirects, the token never reaching the CDN, every error kind with its
// own code/message/request id, and the retry waits (recorded, not slept).
#include "hubtesthelpers.h"

#include "fakehub/fixtures/fixturerepos.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hubtest;
using fakehub::Fault;
using fakehub::FakeHub;
using fakehub::Listener;

class TestHubClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void modelInfo();
    void treeIsPaginated();
    void lfsMetadataIsNotFollowed();
    void regularFileMetadata_data();
    void regularFileMetadata();
    void renamedRepoKeepsToken();
    void safetensorsHeaderGoesToCdnWithoutToken();
    void cdnIgnoringRangeIsCutShort();
    void truncatedHeaderIsRetried();
    void errors_data();
    void errors();
    void offlineMakesNoRequest();
    void unreachableHub();
    void retryWaits_data();
    void retryWaits();
    void rateLimitBudgetRunsOut();
    void timeout();
    void search();
    void userAgent();

private:
    FakeHub m_hub;
};

void TestHubClient::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
}

void TestHubClient::init()
{
    m_hub.clearLog();
    m_hub.clearFaults();
    m_hub.setStrictCdnAuth(true); // a token on the CDN would be answered 400
    m_hub.setRegularFileRedirect(false);
    m_hub.setTreePageSize(3);
}

void TestHubClient::cleanup()
{
    QCOMPARE(m_hub.cdnRequestsWithAuthorization(), 0);
}

void TestHubClient::modelInfo()
{
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY(r && r->ok());
    const hub::ModelInfo &info = r->value();
    QCOMPARE(info.id, u"org/tiny-public"_s);
    QCOMPARE(info.sha.toLatin1(), m_hub.commitOf(u"org/tiny-public"_s));
    QVERIFY(!info.license.isEmpty());
    QCOMPARE(info.siblings.size(), m_hub.files(u"org/tiny-public"_s).size());
    QVERIFY(info.safetensorsTotal > 0);
    QVERIFY(m_hub.log().first().query.contains(u"blobs=true"_s));
}

void TestHubClient::treeIsPaginated()
{
    RecordingClient c(optionsFor(m_hub));
    const QString sha = QString::fromLatin1(m_hub.commitOf(u"org/tiny-sharded"_s));
    const auto r = await<QList<hub::RepoFile>>(
        [&](auto done) { c.client.listTree(u"org/tiny-sharded"_s, sha, done); });
    QVERIFY(r && r->ok());
    const QList<fakehub::FileInfo> expected = m_hub.files(u"org/tiny-sharded"_s);
    QCOMPARE(r->value().size(), expected.size());
    for (const fakehub::FileInfo &f : expected) {
        const auto it = std::find_if(r->value().cbegin(), r->value().cend(),
                                     [&](const hub::RepoFile &x) { return x.path == f.path; });
        QVERIFY2(it != r->value().cend(), qPrintable(f.path));
        QCOMPARE(it->size, f.size);
        QCOMPARE(it->isLfs(), f.lfs);
    }
    // Page size 3: one request per page.
    QCOMPARE(m_hub.requestCount(Listener::Hub, u"/tree/"_s), (expected.size() + 2) / 3);
}

void TestHubClient::lfsMetadataIsNotFollowed()
{
    RecordingClient c(optionsFor(m_hub, QLatin1StringView(fakehub::kUserToken)));
    const auto info = m_hub.fileInfo(u"org/tiny-public"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(info && info->lfs);
    const auto r = await<hub::FileMetadata>(
        [&](auto done) { c.client.fileMetadata(u"org/tiny-public"_s, u"main"_s, u"model.safetensors"_s, done); });
    QVERIFY(r && r->ok());
    QCOMPARE(r->value().size, info->size);                       // X-Linked-Size, not the redirect body
    QCOMPARE(r->value().etag.toLatin1(), info->sha256);          // X-Linked-Etag over ETag
    QCOMPARE(r->value().commit.toLatin1(), info->commit);
    QVERIFY(r->value().redirected);
    QCOMPARE(r->value().location.port(), int(m_hub.cdnPort()));
    QCOMPARE(m_hub.requestCount(Listener::Cdn), 0);             // the absolute 302 was not followed
    QCOMPARE(m_hub.log().size(), 1);
    QVERIFY(m_hub.log().first().authorization);                  // the Hub itself gets the token
    QCOMPARE(m_hub.log().first().method, QByteArray("HEAD"));
}

void TestHubClient::regularFileMetadata_data()
{
    QTest::addColumn<bool>("resolveCache");
    QTest::newRow("200-direct") << false;
    QTest::newRow("307-to-resolve-cache") << true;
}

void TestHubClient::regularFileMetadata()
{
    QFETCH(bool, resolveCache);
    m_hub.setRegularFileRedirect(resolveCache);
    RecordingClient c(optionsFor(m_hub, QLatin1StringView(fakehub::kUserToken)));
    const auto info = m_hub.fileInfo(u"org/tiny-public"_s, u"main"_s, u"config.json"_s);
    QVERIFY(info && !info->lfs);
    const auto r = await<hub::FileMetadata>(
        [&](auto done) { c.client.fileMetadata(u"org/tiny-public"_s, u"main"_s, u"config.json"_s, done); });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(r->value().size, info->size);
    QCOMPARE(r->value().etag.toLatin1(), info->gitOid);
    QCOMPARE(r->value().commit.toLatin1(), info->commit);
    QVERIFY(!r->value().redirected);
    QCOMPARE(m_hub.log().size(), resolveCache ? 2 : 1);
    for (const auto &e : m_hub.log()) {
        QCOMPARE(e.listener, Listener::Hub);
        QVERIFY(e.authorization); // a relative redirect stays on the Hub and keeps the token
    }
}

void TestHubClient::renamedRepoKeepsToken()
{
    RecordingClient c(optionsFor(m_hub, QLatin1StringView(fakehub::kUserToken)));
    const auto r = await<hub::FileMetadata>(
        [&](auto done) { c.client.fileMetadata(u"org/old-name"_s, u"main"_s, u"config.json"_s, done); });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(r->value().commit.toLatin1(), m_hub.commitOf(u"org/new-name"_s));
    const auto log = m_hub.log();
    QVERIFY(log.size() >= 2);
    QCOMPARE(log.at(0).status, 307);
    QVERIFY(log.at(1).path.startsWith(u"/org/new-name/resolve/"_s));
    QVERIFY(log.at(1).authorization);
}

void TestHubClient::safetensorsHeaderGoesToCdnWithoutToken()
{
    RecordingClient c(optionsFor(m_hub, QLatin1StringView(fakehub::kApprovedToken)));
    const auto r = await<hub::SafetensorsHeader>([&](auto done) {
        c.client.safetensorsHeader(u"org/gated-manual"_s, u"main"_s, u"model.safetensors"_s, done);
    });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QVERIFY(!r->value().tensors.isEmpty());
    QVERIFY(m_hub.requestCount(Listener::Cdn) >= 1);
    for (const auto &e : m_hub.log()) {
        if (e.listener == Listener::Cdn) {
            QVERIFY(!e.authorization);
            QCOMPARE(e.range.left(8), QByteArray("bytes=0-"));
        } else {
            QVERIFY(e.authorization);
        }
    }
}

void TestHubClient::cdnIgnoringRangeIsCutShort()
{
    Fault f;
    f.kind = Fault::Kind::IgnoreRange;
    f.listener = Listener::Cdn;
    f.times = -1;
    m_hub.addFault(f);
    const auto info = m_hub.fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(info);
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<hub::SafetensorsHeader>(
        [&](auto done) { c.client.safetensorsHeader(u"org/big"_s, u"main"_s, u"model.safetensors"_s, done); });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(r->value().tensors.size(), 1);
    // The 200 with the whole 64 MB body is abandoned once the header is in.
    QVERIFY2(c.client.bytesReceived() < info->size / 4, qPrintable(QString::number(c.client.bytesReceived())));
}

void TestHubClient::truncatedHeaderIsRetried()
{
    Fault f;
    f.kind = Fault::Kind::Truncate;
    f.listener = Listener::Cdn;
    f.afterBytes = 4;
    f.times = 1;
    m_hub.addFault(f);
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<hub::SafetensorsHeader>(
        [&](auto done) { c.client.safetensorsHeader(u"org/big"_s, u"main"_s, u"model.safetensors"_s, done); });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(c.waits, (QList<qint64>{1000}));
    QCOMPARE(m_hub.faults().first().fired, 1);
}

void TestHubClient::errors_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("revision");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("code");
    const QString user = QLatin1StringView(fakehub::kUserToken);
    QTest::newRow("missing-anonymous") << u"org/does-not-exist"_s << u"main"_s << u"config.json"_s << QString()
                                       << u"repo_not_found"_s;
    QTest::newRow("missing-with-token") << u"org/does-not-exist"_s << u"main"_s << u"config.json"_s << user
                                        << u"repo_not_found"_s;
    QTest::newRow("private-anonymous") << u"org/private"_s << u"main"_s << u"config.json"_s << QString()
                                       << u"repo_not_found"_s;
    QTest::newRow("private-not-reader") << u"org/private"_s << u"main"_s << u"config.json"_s << user
                                        << u"repo_not_found"_s;
    QTest::newRow("gated-anonymous") << u"org/gated-manual"_s << u"main"_s << u"config.json"_s << QString()
                                     << u"gated_auth_required"_s;
    QTest::newRow("gated-not-approved") << u"org/gated-manual"_s << u"main"_s << u"config.json"_s << user
                                        << u"gated_access_denied"_s;
    QTest::newRow("disabled") << u"org/disabled"_s << u"main"_s << u"config.json"_s << QString()
                              << u"repo_disabled"_s;
    QTest::newRow("invalid-token") << u"org/tiny-public"_s << u"main"_s << u"config.json"_s << u"hf_not_a_token"_s
                                   << u"invalid_token"_s;
    QTest::newRow("revision") << u"org/tiny-public"_s << u"no-such-branch"_s << u"config.json"_s << QString()
                              << u"revision_not_found"_s;
    QTest::newRow("entry") << u"org/tiny-public"_s << u"main"_s << u"no-such-file.json"_s << QString()
                           << u"entry_not_found"_s;
    QTest::newRow("invalid-repo-id") << u"org//x"_s << u"main"_s << u"config.json"_s << QString()
                                     << u"invalid_input"_s;
}

void TestHubClient::errors()
{
    QFETCH(QString, repo);
    QFETCH(QString, revision);
    QFETCH(QString, path);
    QFETCH(QString, token);
    QFETCH(QString, code);
    RecordingClient c(optionsFor(m_hub, token));
    const auto r = await<hub::FileMetadata>([&](auto done) { c.client.fileMetadata(repo, revision, path, done); });
    QVERIFY(r);
    QVERIFY(!r->ok());
    QCOMPARE(r->error().codeName(), code);
    QVERIFY(!r->error().message.isEmpty());
    if (code != u"invalid_input"_s) {
        QVERIFY2(!r->error().requestId.isEmpty(), "the Hub's request id reaches the error");
        QCOMPARE(r->error().requestId.toLatin1(), m_hub.log().last().requestId);
    } else {
        QCOMPARE(m_hub.log().size(), 0);
    }
    QVERIFY(c.waits.isEmpty()); // none of these is retried
}

void TestHubClient::offlineMakesNoRequest()
{
    hub::HubOptions o = optionsFor(m_hub);
    o.offline = true;
    RecordingClient c(o);
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY(r && !r->ok());
    QCOMPARE(r->error().code, ErrorCode::Offline);
    QVERIFY(r->error().message.contains(u"HF_HUB_OFFLINE"_s));
    QCOMPARE(m_hub.log().size(), 0);
}

void TestHubClient::unreachableHub()
{
    m_hub.setHubDown(true);
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    m_hub.setHubDown(false);
    QVERIFY(r && !r->ok());
    QCOMPARE(r->error().code, ErrorCode::NetworkError);
    QVERIFY(r->error().message.contains(u"127.0.0.1"_s));
}

void TestHubClient::retryWaits_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("times");
    QTest::addColumn<QList<qint64>>("waits");
    QTest::newRow("ratelimit-t2") << u"rate_limit"_s << 429 << 2 << QList<qint64>{3000, 3000};
    QTest::newRow("retry-after-2") << u"retry_after"_s << 429 << 1 << QList<qint64>{3000}; // Retry-After + 1 s, as huggingface_hub
    QTest::newRow("retry-after-date") << u"retry_after_date"_s << 429 << 2 << QList<qint64>{1000, 2000};
    QTest::newRow("503x3") << u"status"_s << 503 << 3 << QList<qint64>{1000, 2000, 4000};
    QTest::newRow("500-502-504") << u"status"_s << 502 << 5 << QList<qint64>{1000, 2000, 4000, 8000, 8000};
}

void TestHubClient::retryWaits()
{
    QFETCH(QString, kind);
    QFETCH(int, status);
    QFETCH(int, times);
    QFETCH(QList<qint64>, waits);
    Fault f;
    f.kind = *Fault::kindFromName(kind);
    f.status = status;
    f.seconds = 2;
    f.times = times;
    f.listener = Listener::Hub;
    f.pathContains = u"/api/models/org/tiny-public"_s;
    m_hub.addFault(f);
    RecordingClient c(optionsFor(m_hub));
    QSignalSpy spy(&c.client, &hub::HubClient::retryScheduled);
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(c.waits, waits);
    QCOMPARE(spy.size(), waits.size());
    QCOMPARE(spy.first().at(2).toLongLong(), waits.first());
    QCOMPARE(m_hub.requestCount(Listener::Hub, u"/api/models/org/tiny-public"_s), qint64(times + 1));
}

void TestHubClient::rateLimitBudgetRunsOut()
{
    Fault f;
    f.kind = Fault::Kind::RateLimit;
    f.seconds = 2;
    f.times = -1;
    f.listener = Listener::Hub;
    m_hub.addFault(f);
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY(r && !r->ok());
    QCOMPARE(r->error().code, ErrorCode::RateLimited);
    QVERIFY(!r->error().message.isEmpty());
    QVERIFY(!r->error().requestId.isEmpty());
    QCOMPARE(r->error().details.value(u"retry_after_ms"_s).toInteger(), 3000);
    QCOMPARE(c.waits.size(), c.client.options().maxAttempts - 1);
    QCOMPARE(m_hub.requestCount(Listener::Hub), qint64(c.client.options().maxAttempts));

    m_hub.clearFaults();
    f.kind = Fault::Kind::Status;
    f.status = 503;
    m_hub.addFault(f);
    RecordingClient c2(optionsFor(m_hub));
    const auto r2 = await<hub::ModelInfo>([&](auto done) { c2.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY(r2 && !r2->ok());
    QCOMPARE(r2->error().code, ErrorCode::ServerError);
    QCOMPARE(c2.waits, (QList<qint64>{1000, 2000, 4000, 8000, 8000}));
}

void TestHubClient::timeout()
{
    Fault f;
    f.kind = Fault::Kind::Stall;
    f.afterBytes = 0;
    f.stallMs = 5000;
    f.times = -1;
    f.listener = Listener::Hub;
    m_hub.addFault(f);
    hub::HubOptions o = optionsFor(m_hub);
    o.timeoutMs = 300;
    o.maxAttempts = 2;
    RecordingClient c(o);
    const auto r = await<hub::ModelInfo>([&](auto done) { c.client.modelInfo(u"org/tiny-public"_s, u"main"_s, done); });
    QVERIFY(r && !r->ok());
    QCOMPARE(r->error().code, ErrorCode::Timeout);
    QCOMPARE(c.waits, (QList<qint64>{1000})); // a timeout is retried within the budget
}

void TestHubClient::search()
{
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<QList<hub::SearchHit>>([&](auto done) { c.client.search(u"TINY"_s, 3, done); });
    QVERIFY(r && r->ok());
    QVERIFY(!r->value().isEmpty());
    QVERIFY(r->value().size() <= 3);
    for (const hub::SearchHit &h : r->value())
        QVERIFY2(h.id.contains(u"tiny"_s, Qt::CaseInsensitive), qPrintable(h.id));
    const QString q = m_hub.log().first().query;
    QVERIFY(q.contains(u"search=TINY"_s));
    QVERIFY(q.contains(u"limit=3"_s));
    QVERIFY(q.contains(u"expand=gated"_s));
}

void TestHubClient::userAgent()
{
    RecordingClient c(optionsFor(m_hub));
    const auto r = await<bool>([&](auto done) { c.client.authCheck(u"org/tiny-public"_s, done); });
    QVERIFY(r && r->ok());
    const QByteArray ua = m_hub.log().first().userAgent;
    QVERIFY2(ua.startsWith("mistudio/" MISTUDIO_VERSION "; qt/"), ua.constData());
}

QTEST_GUILESS_MAIN(TestHubClient)
#include "tst_hubclient.moc"
