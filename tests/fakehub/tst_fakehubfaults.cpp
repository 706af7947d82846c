// The fault injections of docs/fakehub.md ("Faults"), the request log, the control endpoint and the
// executable.

#include "fakehubtestbase.h"
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>

#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;
using namespace mistudio::fakehub::test;

class TestFakeHubFaults final : public FakeHubTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(startHub()); }
    void init();

    void signedUrlExpiry();
    void faultStatusFirstK_data();
    void faultStatusFirstK();
    void faultRateLimitVariants_data();
    void faultRateLimitVariants();
    void faultTruncate();
    void faultStall();
    void faultIgnoreRange();
    void faultShortChunked();
    void faultCorrupt();
    void faultStripHeaders();
    void faultMoveBranch();
    void faultAtOffset();
    void faultReset();
    void throttleBoundsSpeed();
    void faultRedirectToOtherHost();
    void throttleWithoutBurstDrips();
    void hostileRepos();
    void cdnDown();
    void hubDown();
    void logRecordsTraffic();
    void controlEndpoint();
    void executablePrintsEndpoint();
};

void TestFakeHubFaults::init()
{
    resetHub();
    m_hub->moveBranch(u"org/tiny-public"_s, u"main"_s, QString::fromLatin1(m_hub->commitOf(u"org/tiny-public"_s, u"main"_s)));
}

void TestFakeHubFaults::signedUrlExpiry()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", location, {{"Range", "bytes=0-0"}}).status, 206);
    m_hub->expireSignedUrls();
    const Reply expired = send("GET", location, {{"Range", "bytes=0-0"}});
    QCOMPARE(expired.status, 403);
    QVERIFY(expired.body.contains("<Code>AccessDenied</Code>"));
    QVERIFY(expired.body.contains("Request has expired"));
    // a fresh HEAD gives a URL that works again
    const QUrl fresh(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", fresh, {{"Range", "bytes=0-0"}}).status, 206);
    // a TTL in the past: expired at once
    m_hub->setSignedUrlTtl(-10);
    const QUrl past(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", past).status, 403);
}

void TestFakeHubFaults::faultStatusFirstK_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("k");
    QTest::newRow("500 x1") << 500 << 1;
    QTest::newRow("502 x2") << 502 << 2;
    QTest::newRow("503 x3") << 503 << 3;
    QTest::newRow("504 x1") << 504 << 1;
    QTest::newRow("408 x2") << 408 << 2;
}

void TestFakeHubFaults::faultStatusFirstK()
{
    QFETCH(int, status);
    QFETCH(int, k);
    Fault f;
    f.kind = Fault::Kind::Status;
    f.status = status;
    f.times = k;
    f.pathContains = u"/resolve/"_s;
    m_hub->addFault(f);
    QCOMPARE(get(u"/api/models/org/tiny-public?expand=sha"_s).status, 200); // not matched
    for (int i = 0; i < k; ++i)
        QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, status);
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
    QCOMPARE(m_hub->faults().first().fired, k);
}

void TestFakeHubFaults::faultRateLimitVariants_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("RateLimit header") << int(Fault::Kind::RateLimit);
    QTest::newRow("Retry-After seconds") << int(Fault::Kind::RetryAfter);
    QTest::newRow("Retry-After date") << int(Fault::Kind::RetryAfterDate);
}

void TestFakeHubFaults::faultRateLimitVariants()
{
    QFETCH(int, kind);
    Fault f;
    f.kind = Fault::Kind(kind);
    f.seconds = 3;
    f.listener = Listener::Hub;
    m_hub->addFault(f);
    const Reply r = head(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(r.status, 429);
    switch (f.kind) {
    case Fault::Kind::RateLimit:
        QCOMPARE(r.header("RateLimit"), QByteArray("\"resolvers\";r=0;t=3"));
        QCOMPARE(r.header("RateLimit-Policy"), QByteArray("\"fixed window\";\"resolvers\";q=3000;w=300"));
        QVERIFY(!r.has("Retry-After"));
        break;
    case Fault::Kind::RetryAfter:
        QCOMPARE(r.header("Retry-After"), QByteArray("3"));
        QVERIFY(!r.has("RateLimit"));
        break;
    default: {
        QVERIFY(!r.has("RateLimit"));
        const QByteArray date = r.header("Retry-After");
        QVERIFY2(date.endsWith(" GMT") && date.contains(','), date.constData());
        break;
    }
    }
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
}

void TestFakeHubFaults::faultTruncate()
{
    Fault f;
    f.kind = Fault::Kind::Truncate;
    f.listener = Listener::Cdn;
    f.afterBytes = 1000;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    // The connection closed after 1000 of Content-Length bytes. Qt 6.4's QNAM does not always flag
    // this as an error (it may finish with NoError), so clients must compare sizes themselves.
    QCOMPARE(r.body.size(), 1000);
    QVERIFY(r.header("Content-Length").toLongLong() > 1000);
    const LogEntry e = m_hub->log().last();
    QCOMPARE(e.bodyBytes, 1000);
    QVERIFY(e.contentLength > 1000);
    QCOMPARE(e.faults, QStringList{u"truncate"_s});
    // the client resumes with a Range from where it stopped
    const Reply rest = send("GET", location, {{"Range", "bytes=1000-"}});
    QCOMPARE(rest.status, 206);
    QCOMPARE(r.body + rest.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s));
}

void TestFakeHubFaults::faultStall()
{
    Fault f;
    f.kind = Fault::Kind::Stall;
    f.listener = Listener::Cdn;
    f.afterBytes = 500;
    f.stallMs = 300;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    QNetworkRequest request(location);
    QNetworkReply *reply = m_nam->get(request);
    QByteArray got;
    connect(reply, &QNetworkReply::readyRead, reply, [&] { got += reply->readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), 500, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000); // closed after the stall
    got += reply->readAll();
    QCOMPARE(got.size(), 500);
    QVERIFY(reply->rawHeader("Content-Length").toLongLong() > 500);
    delete reply;
    const QList<LogEntry> log = m_hub->log();
    const auto stalled = std::find_if(log.cbegin(), log.cend(), [](const LogEntry &e) { return e.faults == QStringList{u"stall"_s}; });
    QVERIFY(stalled != log.cend());
    QCOMPARE(stalled->bodyBytes, 500);
}

void TestFakeHubFaults::faultIgnoreRange()
{
    Fault f;
    f.kind = Fault::Kind::IgnoreRange;
    f.listener = Listener::Cdn;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location, {{"Range", "bytes=100-199"}});
    QCOMPARE(r.status, 200);
    QVERIFY(!r.has("Content-Range"));
    QCOMPARE(r.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s));
}

void TestFakeHubFaults::faultShortChunked()
{
    Fault f;
    f.kind = Fault::Kind::ShortChunked;
    f.listener = Listener::Cdn;
    f.afterBytes = 4096;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.error, QNetworkReply::NoError); // well framed: only a size check can tell
    QVERIFY(!r.has("Content-Length"));
    QCOMPARE(r.header("Transfer-Encoding"), QByteArray("chunked"));
    QCOMPARE(r.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s).left(4096));
}

void TestFakeHubFaults::faultCorrupt()
{
    Fault f;
    f.kind = Fault::Kind::Corrupt;
    f.listener = Listener::Cdn;
    f.afterBytes = 12345;
    m_hub->addFault(f);
    const auto info = m_hub->fileInfo(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    QCOMPARE(r.status, 200);
    QCOMPARE(qint64(r.body.size()), info->size);
    QVERIFY(sha256(r.body) != info->sha256);
    const QByteArray good = m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s);
    QCOMPARE(r.body.left(12345), good.left(12345));
    QVERIFY(r.body[12345] != good[12345]);
    QCOMPARE(sha256(send("GET", location).body), info->sha256); // fired once
}

void TestFakeHubFaults::faultStripHeaders()
{
    Fault f;
    f.kind = Fault::Kind::StripHeaders;
    f.method = "HEAD";
    f.times = -1;
    m_hub->addFault(f);
    const Reply r = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(r.status, 302);
    QVERIFY(!r.has("X-Repo-Commit"));
    QVERIFY(r.has("X-Linked-Size"));
    m_hub->clearFaults();
    f.headers = QStringList{u"X-Linked-Size"_s, u"X-Linked-Etag"_s};
    m_hub->addFault(f);
    const Reply r2 = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QVERIFY(r2.has("X-Repo-Commit"));
    QVERIFY(!r2.has("X-Linked-Size"));
    QVERIFY(!r2.has("X-Linked-Etag"));
}

void TestFakeHubFaults::faultMoveBranch()
{
    const QByteArray before = m_hub->commitOf(u"org/tiny-public"_s, u"main"_s);
    const QByteArray next = m_hub->commitOf(u"org/tiny-public"_s, u"next"_s);
    QVERIFY(before != next);
    Fault f;
    f.kind = Fault::Kind::MoveBranch;
    f.method = "HEAD";
    f.pathContains = u"/org/tiny-public/resolve/main/"_s;
    m_hub->addFault(f);
    const Reply h = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(h.header("X-Repo-Commit"), before); // answered before the move
    QCOMPARE(m_hub->commitOf(u"org/tiny-public"_s, u"main"_s), next);
    // a GET by branch now sees other bytes; the commit-pinned and signed locations do not
    const Reply byBranch = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(byBranch.header("X-Repo-Commit"), next);
    QVERIFY(byBranch.header("X-Linked-Etag") != h.header("X-Linked-Etag"));
    const Reply pinned = head(u"/org/tiny-public/resolve/"_s + QString::fromLatin1(before) + u"/model.safetensors"_s);
    QCOMPARE(pinned.header("X-Linked-Etag"), h.header("X-Linked-Etag"));
    const Reply signedGet = send("GET", QUrl(QString::fromUtf8(h.header("Location"))));
    QCOMPARE('"' + sha256(signedGet.body) + '"', h.header("X-Linked-Etag"));
}

void TestFakeHubFaults::faultAtOffset()
{
    // parallel chunks: only the range that covers the offset is hit
    Fault f;
    f.kind = Fault::Kind::Truncate;
    f.listener = Listener::Cdn;
    f.atOffset = 150000;
    f.times = -1;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply first = send("GET", location, {{"Range", "bytes=0-99999"}});
    QCOMPARE(first.status, 206);
    QCOMPARE(first.body.size(), 100000);
    QCOMPARE(first.error, QNetworkReply::NoError);
    const Reply second = send("GET", location, {{"Range", "bytes=100000-199999"}});
    QCOMPARE(second.body.size(), 50000); // cut exactly at the file offset
    QCOMPARE(second.header("Content-Length").toLongLong(), 100000);
    // only the range covering the offset was hit (QNAM may resend a cut request, so count by range)
    const QList<LogEntry> log = m_hub->log();
    QVERIFY(m_hub->faults().first().fired >= 1);
    for (const LogEntry &e : log)
        QCOMPARE(e.faults.contains(u"truncate"_s), e.range == "bytes=100000-199999");
}

void TestFakeHubFaults::faultReset()
{
    Fault f;
    f.kind = Fault::Kind::Reset;
    f.pathContains = u"config.json"_s;
    f.times = -1; // QNAM resends once on a dropped keep-alive connection
    m_hub->addFault(f);
    const Reply r = get(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(r.status, 0);
    QVERIFY(r.error != QNetworkReply::NoError);
    QCOMPARE(m_hub->log().last().status, 0);
    m_hub->clearFaults();
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
}

void TestFakeHubFaults::throttleBoundsSpeed()
{
    // A lower bound only: a capped connection cannot be faster than its cap.
    m_hub->setCdnBandwidthPerConnection(400 * 1024);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    QElapsedTimer timer;
    timer.start();
    const Reply r = send("GET", location, {{"Range", "bytes=0-299999"}});
    const qint64 ms = timer.elapsed();
    QCOMPARE(r.body.size(), 300000);
    QVERIFY2(ms >= 500, qPrintable(QString::number(ms)));
    // a Throttle fault caps only what it matches
    m_hub->setCdnBandwidthPerConnection(0);
    Fault f;
    f.kind = Fault::Kind::Throttle;
    f.bytesPerSecond = 200 * 1024;
    f.listener = Listener::Cdn;
    m_hub->addFault(f);
    timer.restart();
    QCOMPARE(send("GET", location, {{"Range", "bytes=0-199999"}}).body.size(), 200000);
    QVERIFY(timer.elapsed() >= 700);
    QCOMPARE(m_hub->log().last().faults, QStringList{u"throttle"_s});
}

void TestFakeHubFaults::faultRedirectToOtherHost()
{
    Fault f;
    f.kind = Fault::Kind::Redirect;
    f.location = u"{other}{path}"_s;
    f.pathContains = u"/resolve/main/config.json"_s;
    m_hub->addFault(f);
    const Reply r = head(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(r.status, 302);
    const QUrl location(QString::fromUtf8(r.header("Location")));
    QCOMPARE(location.host(), u"127.0.0.2"_s);
    QCOMPARE(location.path(), u"/org/tiny-public/resolve/main/config.json"_s);
    QVERIFY(!r.header("X-Linked-Size").isEmpty()); // a HEAD still learns the size
    QVERIFY(!r.header("X-Repo-Commit").isEmpty());
    // The other host serves the hub's routes, and its log tells whether the token came along.
    const Reply mirrored = send("GET", location, {{"Authorization", bearer(kUserToken)}});
    QCOMPARE(mirrored.status, 200);
    QCOMPARE(mirrored.body, m_hub->fileContent(u"org/tiny-public"_s, u"main"_s, u"config.json"_s));
    QCOMPARE(m_hub->requestCount(Listener::Other), qint64(1));
    QCOMPARE(m_hub->requestsWithAuthorization(Listener::Other), qint64(1));
    QCOMPARE(m_hub->requestsWithAuthorization(Listener::Cdn), qint64(0));
}

void TestFakeHubFaults::throttleWithoutBurstDrips()
{
    Fault f;
    f.kind = Fault::Kind::Throttle;
    f.bytesPerSecond = 4;
    f.burst = 0;
    f.pathContains = u"/resolve/main/config.json"_s;
    m_hub->addFault(f);
    QNetworkRequest req(url(u"/org/tiny-public/resolve/main/config.json"_s));
    QNetworkReply *reply = m_nam->get(req);
    // After the headers, the body comes a few bytes at a time: never the whole small file at once.
    QVERIFY(QTest::qWaitFor([&] { return reply->bytesAvailable() > 0; }, 5000));
    QVERIFY(!reply->isFinished());
    QVERIFY(reply->bytesAvailable() < 64);
    reply->abort();
    reply->deleteLater();
}

void TestFakeHubFaults::hostileRepos()
{
    m_hub->addHostileRepos({4LL << 20, 100'000'000});
    m_hub->setTreePageSize(1000);
    const Reply tree = get(u"/api/models/evil/traversal/tree/main?recursive=true&expand=false"_s);
    QCOMPARE(tree.status, 200);
    QStringList paths;
    const QJsonArray entries = tree.json().array();
    for (const QJsonValue &v : entries)
        paths << v.toObject().value(u"path"_s).toString();
    QVERIFY2(paths.contains(u"../../../PWNED.txt"_s), qPrintable(paths.join(u' ')));
    // Served as listed, bytes generated on the fly.
    const auto config = m_hub->fileInfo(u"evil/huge-config"_s, u"main"_s, u"config.json"_s);
    QVERIFY(config);
    QCOMPARE(config->size, qint64(4LL << 20) + 36); // + the generated prefix
    const auto header = m_hub->fileInfo(u"evil/huge-header"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(header);
    const QByteArray prefix = m_hub->fileContent(u"evil/bad-offsets"_s, u"main"_s, u"model.safetensors"_s);
    QCOMPARE(prefix.size(), 128);
    const Reply info = get(u"/api/models/evil/huge-header"_s);
    QCOMPARE(info.status, 200);
    QVERIFY(!info.json().object().contains(u"safetensors"_s)); // no header past 25 MB is parsed
}

void TestFakeHubFaults::cdnDown()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    m_hub->setCdnDown(true);
    const Reply down = send("GET", location);
    QCOMPARE(down.error, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200); // the hub still answers
    m_hub->setCdnDown(false);
    m_nam = std::make_unique<QNetworkAccessManager>();
    QCOMPARE(send("GET", location).status, 200);
}

void TestFakeHubFaults::hubDown()
{
    m_hub->setHubDown(true);
    const Reply down = get(u"/api/models/org/tiny-public"_s);
    m_hub->setHubDown(false);
    QCOMPARE(down.error, QNetworkReply::ConnectionRefusedError);
    m_nam = std::make_unique<QNetworkAccessManager>();
    QCOMPARE(get(u"/api/models/org/tiny-public"_s).status, 200); // same port again
}

void TestFakeHubFaults::logRecordsTraffic()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s, {{"Authorization", bearer(kUserToken)}}).header("Location")));
    send("GET", location, {{"Range", "bytes=0-99"}});
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), 0);
    // a client that leaks the token to the CDN is visible in the log (so the assertion above can fail)
    send("GET", location, {{"Authorization", bearer(kUserToken)}, {"Range", "bytes=0-9"}});
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), 1);
    const QList<LogEntry> log = m_hub->log();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].listener, Listener::Hub);
    QCOMPARE(log[0].method, QByteArray("HEAD"));
    QCOMPARE(log[0].path, u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QVERIFY(log[0].authorization);
    QCOMPARE(log[0].token, QByteArray(kUserToken));
    QCOMPARE(log[0].status, 302);
    QCOMPARE(log[0].bodyBytes, 0);
    QCOMPARE(log[0].userAgent, QByteArray("tst_fakehub/1.0; qt/6"));
    QCOMPARE(log[1].listener, Listener::Cdn);
    QVERIFY(log[1].host.startsWith("localhost:"));
    QVERIFY(!log[1].authorization);
    QCOMPARE(log[1].range, QByteArray("bytes=0-99"));
    QCOMPARE(log[1].status, 206);
    QCOMPARE(log[1].bodyBytes, 100);
    QVERIFY(log[1].finished);
    QVERIFY(log[1].query.contains(u"sig="_s));
    QCOMPARE(m_hub->bytesServed(Listener::Cdn), 110);
    QCOMPARE(m_hub->requestCount(Listener::Cdn), 2);
    QCOMPARE(m_hub->requestCount(Listener::Hub, u"/resolve/"_s, "HEAD"), 1);
}

void TestFakeHubFaults::controlEndpoint()
{
    const QByteArray control = R"({"faults":[{"kind":"status","status":502,"times":2,"path":"/resolve/","method":"HEAD"}]})";
    const Reply c = send("POST", url(u"/__control"_s), {{"Content-Type", "application/json"}}, control);
    QCOMPARE(c.status, 200);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 502);
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200); // GET not matched
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 502);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
    const QJsonArray entries = get(u"/__log"_s).json().object().value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 4); // control routes are not logged
    QCOMPARE(entries[0].toObject().value(u"status"_s).toInt(), 502);
    QCOMPARE(entries[0].toObject().value(u"faults"_s).toArray().first().toString(), u"status"_s);
    const Reply bad = send("POST", url(u"/__control"_s), {{"Content-Type", "application/json"}}, R"({"faults":[{"kind":"nope"}]})");
    QCOMPARE(bad.status, 400);
    QVERIFY(bad.json().object().value(u"error"_s).toString().contains(u"nope"_s));
    // cdn_down through control
    QCOMPARE(send("POST", url(u"/__control"_s), {}, R"({"cdn_down":true,"clear_faults":true})").status, 200);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", location).error, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(send("POST", url(u"/__control"_s), {}, R"({"cdn_down":false})").status, 200);
}

void TestFakeHubFaults::executablePrintsEndpoint()
{
    QProcess process;
    process.start(QStringLiteral(FAKEHUB_EXECUTABLE),
                  {u"--big-size"_s, u"1048576"_s, u"--faults"_s, uR"({"faults":[{"kind":"status","status":503,"path":"/api/"}]})"_s});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 20000);
    const QUrl endpoint(QString::fromUtf8(process.readLine().trimmed()));
    QCOMPARE(endpoint.host(), u"127.0.0.1"_s);
    QVERIFY(endpoint.port() > 0);
    QCOMPARE(send("GET", QUrl(endpoint.toString() + u"/api/models/org/tiny-public"_s)).status, 503);
    const Reply r = send("GET", QUrl(endpoint.toString() + u"/api/models/org/big?blobs=true"_s));
    QCOMPARE(r.status, 200);
    const QJsonArray siblings = r.json().object().value(u"siblings"_s).toArray();
    qint64 size = 0;
    for (const auto &s : siblings) {
        if (s.toObject().value(u"rfilename"_s).toString() == u"model.safetensors"_s)
            size = qint64(s.toObject().value(u"size"_s).toDouble());
    }
    QVERIFY(size > 1048576 && size < 1048576 + 4096);
    process.kill();
    process.waitForFinished();
}

QTEST_GUILESS_MAIN(TestFakeHubFaults)
#include "tst_fakehubfaults.moc"
