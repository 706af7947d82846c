// The Hub client against a hostile Hub (docs/security.md, rows 2, 5, 6, 9, 13, 15), at the engine level:
// unsafe names refused, the token never sent to another host, redirects to other schemes or off
// loopback refused at once, replies cut at their limit, drips and stalls ended, calls cancelled,
// safetensors offsets held to the file's size. After every test no request to another host (or
// the CDN) carried the token.
#include "core/hub/hubtesthelpers.h"
#include "sentinel.h"

#include "hub/cancelsource.h"
#include "hub/hublimits.h"
#include "hub/previewbuilder.h"

#include <QSignalSpy>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace mistudio::hubtest;
using namespace Qt::Literals::StringLiterals;

class TestHubGuard final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeHub> m_hub;

    hub::HubOptions options() const { return optionsFor(*m_hub, QString::fromLatin1(kUserToken)); }

    Fault redirect(const QString &location, const QByteArray &method = "GET", const QString &path = u"/config.json"_s)
    {
        Fault f;
        f.kind = Fault::Kind::Redirect;
        f.location = location;
        f.listener = Listener::Hub; // the other host serves normally
        f.method = method;
        f.pathContains = path;
        f.times = -1;
        return f;
    }

    // The model info of org/tiny-gpt2 answers its headers, then nothing for a minute.
    void stallModelInfo()
    {
        Fault f;
        f.kind = Fault::Kind::Stall;
        f.afterBytes = 0;
        f.stallMs = 60000;
        f.pathContains = u"/api/models/org/tiny-gpt2"_s;
        m_hub->addFault(f);
    }

    std::optional<Result<hub::ModelPreview>> preview(const QString &repo, const QString &dataDir = QString())
    {
        hub::HubClient client(options());
        return await<hub::ModelPreview>([&](auto done) {
            hub::buildPreview(&client, hub::PreviewRequest{repo, u"main"_s, dataDir}, done);
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_hub = std::make_unique<FakeHub>();
        m_hub->addHostileRepos();
        QString error;
        QVERIFY2(m_hub->start(&error), qPrintable(error));
    }

    void init()
    {
        m_hub->clearFaults();
        m_hub->clearLog();
        m_hub->setTreePageSize(3);
    }

    void cleanup()
    {
        QCOMPARE(m_hub->requestsWithAuthorization(Listener::Other), qint64(0));
        QCOMPARE(m_hub->cdnRequestsWithAuthorization(), qint64(0));
    }

    void unsafeTreeNamesFail_data()
    {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("entry");
        QTest::newRow("traversal") << u"evil/traversal"_s << u"../../../"_s;
        QTest::newRow("absolute") << u"evil/absolute"_s << u"/tmp/mistudio-hostile-absolute"_s;
        QTest::newRow("backslash") << u"evil/backslash"_s << u"..\\"_s;
        QTest::newRow("newline") << u"evil/newline"_s << u"evil\\u000aname.txt"_s;
        QTest::newRow("bidi") << u"evil/bidi"_s << u"model\\u202egnp.exe"_s;
        QTest::newRow("case") << u"evil/case"_s << u"okenizer.json"_s;
    }
    void unsafeTreeNamesFail()
    {
        QFETCH(QString, repo);
        QFETCH(QString, entry);
        hub::HubClient client(options());
        const auto tree = await<QList<hub::RepoFile>>([&](auto done) { client.listTree(repo, u"main"_s, done); });
        QVERIFY(tree && !tree->ok());
        QCOMPARE(tree->error().codeName(), u"unsafe_path"_s);
        QVERIFY2(tree->error().message.contains(entry), qPrintable(tree->error().message));
        // The model info's siblings carry the same names: refused the same way.
        const auto info = await<hub::ModelInfo>([&](auto done) { client.modelInfo(repo, u"main"_s, done); });
        QVERIFY(info && !info->ok());
        QCOMPARE(info->error().codeName(), u"unsafe_path"_s);
    }

    void redirectToAnotherHostGetsNoToken()
    {
        m_hub->addFault(redirect(u"{other}{path}"_s));
        hub::HubClient client(options());
        const auto r = await<QJsonObject>([&](auto done) {
            client.fetchJson(u"org/tiny-gpt2"_s, u"main"_s, u"config.json"_s, done);
        });
        QVERIFY(r);
        QVERIFY2(r->ok(), r->ok() ? "" : qPrintable(r->error().toString()));
        QCOMPARE(r->value().value(u"model_type"_s).toString(), u"gpt2"_s);
        QCOMPARE(m_hub->requestCount(Listener::Other, u"config.json"_s), qint64(1));
        QCOMPARE(m_hub->requestsWithAuthorization(Listener::Hub), qint64(1)); // the Hub itself did get it
    }

    void redirectToOtherSchemeFailsAtOnce_data()
    {
        QTest::addColumn<QString>("location");
        QTest::addColumn<QByteArray>("method");
        QTest::newRow("file, GET") << u"file:///etc/passwd"_s << QByteArray("GET");
        QTest::newRow("file, HEAD metadata") << u"file:///etc/passwd"_s << QByteArray("HEAD");
        QTest::newRow("ftp") << u"ftp://127.0.0.1/x"_s << QByteArray("GET");
        QTest::newRow("off loopback") << u"http://192.0.2.1/config.json"_s << QByteArray("GET");
        QTest::newRow("off loopback, HEAD") << u"http://192.0.2.1/config.json"_s << QByteArray("HEAD");
    }
    void redirectToOtherSchemeFailsAtOnce()
    {
        QFETCH(QString, location);
        QFETCH(QByteArray, method);
        m_hub->addFault(redirect(location, method));
        RecordingClient rc(options());
        std::optional<Error> error;
        if (method == "HEAD") {
            const auto r = await<hub::FileMetadata>([&](auto done) {
                rc.client.fileMetadata(u"org/tiny-gpt2"_s, u"main"_s, u"config.json"_s, done);
            });
            QVERIFY(r && !r->ok());
            error = r->error();
        } else {
            const auto r = await<QByteArray>([&](auto done) {
                rc.client.fetchFile(u"org/tiny-gpt2"_s, u"main"_s, u"config.json"_s, 1 << 20, done);
            });
            QVERIFY(r && !r->ok());
            error = r->error();
        }
        QCOMPARE(error->codeName(), u"invalid_response"_s);
        QVERIFY2(error->message.contains(location), qPrintable(error->message)); // names the target
        QVERIFY(rc.waits.isEmpty());                                              // no retry
        QCOMPARE(m_hub->faults().first().fired, 1);
    }

    void hugeConfigIsCutOff()
    {
        hub::HubClient client(options());
        const auto r = await<QJsonObject>([&](auto done) {
            client.fetchJson(u"evil/huge-config"_s, u"main"_s, u"config.json"_s, done);
        });
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"invalid_response"_s);
        QCOMPARE(r->error().details.value(u"limit_bytes"_s).toInteger(), hub::kMaxJsonFileBytes);
        QVERIFY2(r->error().message.contains(u"config.json is larger than"_s), qPrintable(r->error().message));
        // Cut off near the limit, not read to the end of the 64 MiB: what the server managed to
        // queue before the connection closed stays far below the file.
        QVERIFY(client.bytesReceived() <= hub::kMaxJsonFileBytes);
        QVERIFY2(m_hub->bytesServed(Listener::Cdn) < 32LL << 20, qPrintable(QString::number(m_hub->bytesServed(Listener::Cdn))));
    }

    void hugeChunkedConfigIsCutWhileStreaming()
    {
        // No Content-Length to refuse up front: the body itself is cut as it passes the limit.
        Fault f;
        f.kind = Fault::Kind::ShortChunked;
        f.listener = Listener::Cdn;
        f.afterBytes = 48LL << 20;
        m_hub->addFault(f);
        hub::HubClient client(options());
        const auto r = await<QJsonObject>([&](auto done) {
            client.fetchJson(u"evil/huge-config"_s, u"main"_s, u"config.json"_s, done);
        });
        QVERIFY(r && !r->ok());
        QCOMPARE(m_hub->faults().first().fired, 1);
        QCOMPARE(r->error().details.value(u"limit_bytes"_s).toInteger(), hub::kMaxJsonFileBytes);
        QVERIFY2(m_hub->bytesServed(Listener::Cdn) < 32LL << 20, qPrintable(QString::number(m_hub->bytesServed(Listener::Cdn))));
    }

    void shortBodyIsRetriedOnce()
    {
        Fault f;
        f.kind = Fault::Kind::Truncate;
        f.afterBytes = 10;
        f.pathContains = u"/config.json"_s;
        f.times = -1;
        m_hub->addFault(f);
        RecordingClient rc(options());
        const auto r = await<QByteArray>([&](auto done) {
            rc.client.fetchFile(u"org/tiny-gpt2"_s, u"main"_s, u"config.json"_s, 1 << 20, done);
        });
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"network_error"_s);
        QCOMPARE(m_hub->faults().first().fired, 2); // once more, not maxAttempts (6) times
        QCOMPARE(rc.waits.size(), 1);
    }

    void dripEndsWithTimeout()
    {
        Fault f;
        f.kind = Fault::Kind::Throttle;
        f.bytesPerSecond = 1;
        f.burst = 0;
        f.pathContains = u"/api/models/org/tiny-gpt2"_s;
        f.times = -1;
        m_hub->addFault(f);
        hub::HubOptions o = options();
        o.lowSpeedWindowMs = 600; // the rule itself, at a window a test can wait for
        RecordingClient rc(o);
        const auto r = await<hub::ModelInfo>([&](auto done) { rc.client.modelInfo(u"org/tiny-gpt2"_s, u"main"_s, done); });
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"timeout"_s);
        QCOMPARE(r->error().details.value(u"reason"_s).toString(), u"low_speed"_s);
        QVERIFY(rc.waits.isEmpty()); // a drip is not retried
        QCOMPARE(m_hub->requestCount(Listener::Hub, u"/api/models/org/tiny-gpt2"_s), qint64(1));
    }

    void stallEndsAtTheCallDeadline()
    {
        stallModelInfo();
        hub::HubOptions o = options();
        o.callDeadlineMs = 700;
        hub::HubClient client(o);
        const auto r = await<hub::ModelInfo>([&](auto done) { client.modelInfo(u"org/tiny-gpt2"_s, u"main"_s, done); });
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"timeout"_s);
        QCOMPARE(r->error().details.value(u"reason"_s).toString(), u"deadline"_s);
    }

    void cancelEndsCallsInFlight()
    {
        stallModelInfo();
        hub::HubOptions o = options();
        o.cancel = std::make_shared<hub::CancelSource>();
        hub::HubClient client(o);
        std::optional<Result<hub::ModelInfo>> result;
        client.modelInfo(u"org/tiny-gpt2"_s, u"main"_s, [&](Result<hub::ModelInfo> r) { result.emplace(std::move(r)); });
        QTRY_COMPARE(m_hub->requestCount(Listener::Hub, u"/api/models/org/tiny-gpt2"_s), qint64(1));
        QVERIFY(!result);
        o.cancel->cancel(); // as the service does on shutdown, from any thread
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error().codeName(), u"cancelled"_s);
        // Later calls fail at once, without a request.
        const auto again = await<bool>([&](auto done) { client.authCheck(u"org/tiny-gpt2"_s, done); });
        QVERIFY(again && !again->ok());
        QCOMPARE(again->error().codeName(), u"cancelled"_s);
        QCOMPARE(m_hub->requestCount(Listener::Hub, u"auth-check"_s), qint64(0));
    }

    void previewRefusesOffsetsPastTheFile()
    {
        sectest::SentinelTree tree;
        const auto r = preview(u"evil/bad-offsets"_s, tree.dataDir());
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"invalid_checkpoint"_s);
        QVERIFY2(r->error().message.contains(u"model.safetensors"_s), qPrintable(r->error().message));
        tree.verifyUntouched();
    }

    void previewRefusesAHugeHeaderAfterOneProbe()
    {
        sectest::SentinelTree tree;
        const auto r = preview(u"evil/huge-header"_s, tree.dataDir());
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().codeName(), u"invalid_checkpoint"_s);
        QVERIFY2(r->error().message.contains(u"exceeds the limit"_s), qPrintable(r->error().message));
        // Only the first Range (100001 bytes) of the 100 MB header was asked for.
        QCOMPARE(m_hub->requestCount(Listener::Cdn, u"/cdn/"_s), qint64(1));
        QVERIFY(m_hub->bytesServed(Listener::Cdn) <= 100001);
        tree.verifyUntouched();
    }

    void previewOfAHugeConfigStaysBounded()
    {
        sectest::SentinelTree tree;
        const auto r = preview(u"evil/huge-config"_s, tree.dataDir());
        QVERIFY(r && r->ok());
        QVERIFY2(r->value().warnings.join(u'\n').contains(u"config.json is larger than"_s),
                 qPrintable(r->value().warnings.join(u'\n')));
        QCOMPARE(r->value().paramsSource, u"safetensors_headers"_s); // the rest of the preview still works
        tree.verifyUntouched();
    }
};

QTEST_GUILESS_MAIN(TestHubGuard)
#include "tst_hubguard.moc"
