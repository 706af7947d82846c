// The download engine end to end against the fake Hub: whole repos, both resolvers, Hub errors,
// downloads side by side, the global and per-download bandwidth caps and memory use.
#include "downloadtestutil.h"

#include "download/hubresolver.h"
#include "hub/hubclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;

class TestDownloadEngine final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void wholeRepo_data();
    void wholeRepo();
    void hubErrors_data();
    void hubErrors();
    void runsWhatItIsGivenAtOnce();
    void ownCapBesidesTheGlobalOne();
    void endGameSplitsTheSlowestPiece();
    void bandwidthCapIsLiveAndShared();
    void memoryDoesNotGrowWithFileSize();

private:
    std::unique_ptr<FakeHub> m_hub;
};

void TestDownloadEngine::initTestCase()
{
    FakeHub::Options o;
    o.fixtures.bigFileBytes = 8LL * 1024 * 1024;
    m_hub = std::make_unique<FakeHub>(o);
    QString error;
    QVERIFY2(m_hub->start(&error), qPrintable(error));
}

void TestDownloadEngine::init()
{
    m_hub->clearFaults();
    m_hub->clearLog();
    m_hub->setCdnBandwidthPerConnection(0);
    m_hub->setStrictCdnAuth(true); // a CDN request with Authorization fails outright
}

void TestDownloadEngine::wholeRepo_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<bool>("viaHubClient");
    QTest::addColumn<bool>("resolveCacheRedirect");
    QTest::newRow("tiny-public, HeadResolver") << u"org/tiny-public"_s << false << false;
    QTest::newRow("tiny-public, HubClient") << u"org/tiny-public"_s << true << false;
    QTest::newRow("tiny-public, 307 to resolve-cache") << u"org/tiny-public"_s << false << true;
    QTest::newRow("gated, approved token") << u"org/gated-manual"_s << false << false;
    QTest::newRow("renamed repo (relative 307)") << u"old-name"_s << false << false;
}

void TestDownloadEngine::wholeRepo()
{
    QFETCH(QString, repo);
    QFETCH(bool, viaHubClient);
    QFETCH(bool, resolveCacheRedirect);
    m_hub->setRegularFileRedirect(resolveCacheRedirect);
    const QString canonical = repo == u"old-name"_s ? u"org/new-name"_s : repo;

    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/x"_s);
    PinnedDownload d = testutil::pinnedDownload(*m_hub, canonical, target);
    d.repoId = repo;
    d.token = QString::fromLatin1(kApprovedToken);
    QVERIFY(d.files.size() >= 3);

    DownloadEngine engine;
    hub::HubOptions ho;
    ho.endpoint = m_hub->endpoint();
    ho.token.token = d.token;
    ho.token.source = u"explicit"_s;
    hub::HubClient client(ho);
    HubResolver hubResolver(&client);
    if (viaHubClient)
        engine.setResolver(&hubResolver);

    const auto r = testutil::runDownload(engine, d);
    m_hub->setRegularFileRedirect(false);
    QVERIFY(r.finished);
    QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
    for (const RemoteFile &f : std::as_const(d.files)) {
        QFile file(target + u'/' + f.path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(f.path));
        QVERIFY2(file.readAll() == m_hub->fileContent(canonical, d.commit, f.path), qPrintable(f.path));
    }
    // Nothing but the model's files is left: no partial, no journal.
    QDirIterator it(target, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int count = 0;
    while (it.hasNext()) {
        const QString p = it.next();
        QVERIFY2(!p.endsWith(u".incomplete"_s), qPrintable(p));
        ++count;
    }
    QCOMPARE(count, int(d.files.size()));
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), qint64(0));
    const DownloadProgress last = r.progress.last();
    QCOMPARE(last.filesDone, int(d.files.size()));
    QCOMPARE(last.bytesDone, d.totalBytes());
}

void TestDownloadEngine::hubErrors_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("expected");
    QTest::newRow("gated, anonymous") << u"org/gated-manual"_s << QString() << u"gated_auth_required"_s;
    QTest::newRow("gated, not approved") << u"org/gated-manual"_s << QString::fromLatin1(kUserToken) << u"gated_access_denied"_s;
    QTest::newRow("invalid token") << u"org/tiny-public"_s << u"hf_nope"_s << u"invalid_token"_s;
    QTest::newRow("private, anonymous") << u"org/private"_s << QString() << u"repo_not_found"_s;
}

void TestDownloadEngine::hubErrors()
{
    QFETCH(QString, repo);
    QFETCH(QString, token);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    PinnedDownload d = testutil::pinnedDownload(*m_hub, repo, dir.filePath(u"m"_s));
    QVERIFY(!d.files.isEmpty());
    d.token = token;
    DownloadEngine engine;
    const auto r = testutil::runDownload(engine, d);
    QVERIFY(r.finished);
    QVERIFY(!r.status.ok());
    QCOMPARE(r.status.error().codeName(), expected);
    QCOMPARE(m_hub->requestCount(Listener::Cdn), qint64(0));
}

void TestDownloadEngine::runsWhatItIsGivenAtOnce()
{
    // No queue of its own: what runs when is the job worker's choice; two downloads given at once
    // both run at once, each to its own folder, each byte-identical.
    QTemporaryDir dir;
    m_hub->setCdnBandwidthPerConnection(4 * 1000 * 1000);
    DownloadEngine engine;
    const PinnedDownload a = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"a"_s), {u"model.safetensors"_s});
    const PinnedDownload b = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"b"_s), {u"model.safetensors"_s});
    QHash<QString, Status> done;
    QObject ctx;
    connect(&engine, &DownloadEngine::downloadFinished, &ctx, [&](const QString &id, const Status &st) { done.insert(id, st); });
    const QString idA = engine.start(a);
    const QString idB = engine.start(b);
    QCOMPARE(engine.state(idA), DownloadEngine::State::Running);
    QCOMPARE(engine.state(idB), DownloadEngine::State::Running);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
    QVERIFY(done.value(idA).ok());
    QVERIFY(done.value(idB).ok());
    for (const PinnedDownload &d : {a, b}) {
        QFile f(d.targetDir + u"/model.safetensors"_s);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == m_hub->fileContent(u"org/big"_s, d.commit, u"model.safetensors"_s));
    }
}

void TestDownloadEngine::ownCapBesidesTheGlobalOne()
{
    // A download with a cap of its own (4 MB/s) beside one without, under no global cap: the
    // capped one cannot take less than its size over its rate (less one 100 ms burst), however
    // fast or slow this machine is; the other is not held to it.
    QTemporaryDir dir;
    DownloadEngine engine;
    DownloadOptions capped;
    capped.chunkSize = 1024 * 1024;
    capped.maxBytesPerSecond = 4'000'000;
    const PinnedDownload a = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"a"_s), {u"model.safetensors"_s});
    const PinnedDownload b = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"b"_s), {u"model.safetensors"_s});
    const qint64 size = a.files.first().size;
    QHash<QString, Status> done;
    QHash<QString, qint64> tookMs;
    QElapsedTimer t;
    QObject ctx;
    connect(&engine, &DownloadEngine::downloadSettled, &ctx, [&](const QString &id, const Status &st) {
        done.insert(id, st);
        tookMs.insert(id, t.elapsed());
    });
    t.start();
    const QString idA = engine.start(a, capped);
    const QString idB = engine.start(b);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
    QVERIFY(done.value(idA).ok());
    QVERIFY(done.value(idB).ok());
    qInfo("%lld bytes: capped at 4 MB/s in %lld ms, uncapped beside it in %lld ms", size, tookMs.value(idA),
          tookMs.value(idB));
    QVERIFY2(tookMs.value(idA) >= (size - 400'000) / 4'000, qPrintable(QString::number(tookMs.value(idA))));
}

void TestDownloadEngine::endGameSplitsTheSlowestPiece()
{
    // The piece at the file's start comes at 256 kB/s, everything else at full speed. Once every
    // byte is claimed, the idle connection takes the second half of what that piece has left
    // (aria2c's end game): the CDN's log shows a Range that starts inside the first piece, from
    // a request that is not a retry (no fault but the throttle).
    Fault slow;
    slow.kind = Fault::Kind::Throttle;
    slow.listener = Listener::Cdn;
    slow.atOffset = 0;
    slow.bytesPerSecond = 256 * 1024;
    m_hub->addFault(slow);
    QTemporaryDir dir;
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"m"_s), {u"model.safetensors"_s});
    DownloadEngine engine;
    DownloadOptions o;
    o.connectionsPerFile = 2;
    engine.setDefaultOptions(o);
    const auto r = testutil::runDownload(engine, d, 60000);
    QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
    QFile f(d.targetDir + u"/model.safetensors"_s);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll() == m_hub->fileContent(u"org/big"_s, d.commit, u"model.safetensors"_s));
    qint64 firstEnd = -1;
    QList<qint64> starts;
    for (const LogEntry &e : m_hub->log()) {
        if (e.listener != Listener::Cdn || !e.range.startsWith("bytes="))
            continue;
        const QList<QByteArray> ab = e.range.mid(6).split('-');
        if (ab.value(0).toLongLong() == 0)
            firstEnd = ab.value(1).toLongLong() + 1;
        else
            starts << ab.value(0).toLongLong();
    }
    QVERIFY(firstEnd > 0);
    QVERIFY2(std::any_of(starts.begin(), starts.end(), [&](qint64 s) { return s > 0 && s < firstEnd; }),
             "no request took part of the slow first piece");
}

void TestDownloadEngine::bandwidthCapIsLiveAndShared()
{
    QTemporaryDir dir;
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/big"_s, dir.filePath(u"m"_s), {u"model.safetensors"_s});
    const qint64 size = d.files.first().size;
    DownloadEngine engine;
    DownloadOptions o;
    o.chunkSize = 1024 * 1024;
    engine.setDefaultOptions(o);
    // Started before the cap, so that t never trails the bucket's clock: the bound below holds
    // however long this thread is descheduled (load only makes fewer bytes arrive).
    QElapsedTimer t;
    t.start();
    engine.setBandwidthLimit(2'000'000); // all 8 connections together
    qint64 bytesAtOneSecond = -1;
    qint64 msAtSample = 0;
    const auto r = testutil::runDownload(engine, d, 60000, [&](const QString &, const DownloadProgress &p) {
        if (bytesAtOneSecond < 0 && t.elapsed() >= 1000) {
            bytesAtOneSecond = p.bytesDone;
            msAtSample = t.elapsed();
            engine.setBandwidthLimit(0); // lifted while running
        }
    });
    QVERIFY(r.status.ok());
    QVERIFY(bytesAtOneSecond >= 0);
    // Within the first second the shared cap held the sum of every connection near 2 MB/s
    // (one 100 ms burst of slack), far below the uncapped loopback rate.
    QVERIFY2(bytesAtOneSecond <= 2'000 * msAtSample + 200'000,
             qPrintable(QString::number(bytesAtOneSecond)));
    QVERIFY(bytesAtOneSecond < size);
}

void TestDownloadEngine::memoryDoesNotGrowWithFileSize()
{
    // Peak RSS of the helper process for a 16 MiB and a 256 MiB file: the body streams through
    // a fixed buffer to disk, so the difference stays far below the file size difference.
    auto peakRss = [this](qint64 bytes) -> qint64 {
        FakeHub::Options o;
        o.fixtures.bigFileBytes = bytes;
        FakeHub hub(o);
        if (!hub.start())
            return -1;
        QTemporaryDir dir;
        const PinnedDownload d = testutil::pinnedDownload(hub, u"org/big"_s, dir.filePath(u"m"_s), {u"model.safetensors"_s});
        const QString req = dir.filePath(u"req.json"_s);
        QFile f(req);
        if (!f.open(QIODevice::WriteOnly))
            return -1;
        f.write(QJsonDocument(testutil::toJson(d, {})).toJson());
        f.close();
        QProcess p;
        p.start(QCoreApplication::applicationDirPath() + u"/download_helper"_s, {req});
        if (!p.waitForFinished(180000) || p.exitCode() != 0)
            return -1;
        const QJsonObject last = QJsonDocument::fromJson(p.readAllStandardOutput().trimmed().split('\n').last()).object();
        return last.value(u"peak_rss_kb"_s).toInteger() * 1024;
    };
    const qint64 small = peakRss(16LL << 20);
    const qint64 large = peakRss(256LL << 20);
    QVERIFY(small > 0);
    QVERIFY(large > 0);
    qInfo("peak RSS: %lld MiB for 16 MiB, %lld MiB for 256 MiB", small >> 20, large >> 20);
    QVERIFY2(large - small < (32LL << 20), qPrintable(QString::number(large - small)));
}

QTEST_GUILESS_MAIN(TestDownloadEngine)
#include "tst_downloadengine.moc"
