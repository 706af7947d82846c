// EngineIoServer without HTTP: the handshake and its refusals, long-polls held and released,
// batches, the heartbeat and the expiry of a silent client, bounded queues, limits, the direct
// WebSocket and the upgrade from polling with real WebSockets.
#include "engineioclient.h"

#include <QSignalSpy>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::sio;
using namespace mistudio::test;

class TestEngineIoServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handshake();
    void refusals_data();
    void refusals();
    void longPollHeldUntilSomethingIsSent();
    void queuedPacketsComeInOneBatch();
    void postedPacketsAreDelivered();
    void overlappingPollsEndTheSession();
    void heartbeatKeepsAndSilenceExpires();
    void abandonedPollKeepsItsPackets();
    void boundedQueueCoalescesThenCloses();
    void sessionLimits();
    void oversizedPostEndsTheSession();
    void clientClose();
    void directWebSocket();
    void upgradeFromPolling();

private:
    static EngineIoOptions fast()
    {
        EngineIoOptions o;
        o.pingIntervalMs = 60000; // no pings unless a test asks for them
        o.pingTimeoutMs = 60000;
        return o;
    }
};

void TestEngineIoServer::handshake()
{
    EngineIoServer server(fast());
    QSignalSpy opened(&server, &EngineIoServer::sessionOpened);
    const auto held = request(server, "GET", eioQuery(u"polling"_s));
    QCOMPARE(held->status(), 200);
    QCOMPARE(held->reply->contentType, QByteArray("text/plain; charset=UTF-8"));
    QVERIFY(held->text().startsWith(u'0'));
    const QJsonObject open = QJsonDocument::fromJson(held->text().mid(1).toUtf8()).object();
    QCOMPARE(open.value(u"sid"_s).toString().size(), 20);
    QCOMPARE(open.value(u"upgrades"_s).toArray(), QJsonArray{u"websocket"_s});
    QCOMPARE(open.value(u"pingInterval"_s).toInt(), 60000);
    QCOMPARE(open.value(u"pingTimeout"_s).toInt(), 60000);
    QCOMPARE(open.value(u"maxPayload"_s).toInt(), 64 * 1024);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().first().toString(), open.value(u"sid"_s).toString());
    QCOMPARE(server.sessionCount(), 1);
}

void TestEngineIoServer::refusals_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QString>("eio");
    QTest::addColumn<bool>("knownSid");
    QTest::addColumn<int>("code");
    QTest::newRow("protocol v3") << QByteArray("GET") << u"polling"_s << u"3"_s << false << 5;
    QTest::newRow("unknown transport") << QByteArray("GET") << u"flashsocket"_s << u"4"_s << false << 0;
    QTest::newRow("websocket without upgrade") << QByteArray("GET") << u"websocket"_s << u"4"_s << false << 3;
    QTest::newRow("handshake by POST") << QByteArray("POST") << u"polling"_s << u"4"_s << false << 2;
    QTest::newRow("PUT on a session") << QByteArray("PUT") << u"polling"_s << u"4"_s << true << 3;
}

void TestEngineIoServer::refusals()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, transport);
    QFETCH(QString, eio);
    QFETCH(bool, knownSid);
    QFETCH(int, code);
    EngineIoServer server(fast());
    const QString sid = knownSid ? test::handshake(server) : QString();
    const auto held = request(server, method, eioQuery(transport, sid, eio), "4x");
    QCOMPARE(held->status(), 400);
    QCOMPARE(QJsonDocument::fromJson(held->reply->body).object().value(u"code"_s).toInt(), code);
    // An unknown session id.
    const auto unknown = request(server, "GET", eioQuery(u"polling"_s, u"AAAAAAAAAAAAAAAAAAAA"_s));
    QCOMPARE(QJsonDocument::fromJson(unknown->reply->body).object(),
             (QJsonObject{{u"code"_s, 1}, {u"message"_s, u"Session ID unknown"_s}}));
}

void TestEngineIoServer::longPollHeldUntilSomethingIsSent()
{
    EngineIoServer server(fast());
    const QString sid = test::handshake(server);
    const auto poll = request(server, "GET", eioQuery(u"polling"_s, sid));
    QVERIFY(!poll->reply); // held: nothing to say yet
    QVERIFY(server.send(sid, u"42[\"hello\"]"_s));
    QVERIFY(poll->reply);
    QCOMPARE(poll->text(), u"442[\"hello\"]"_s);
}

void TestEngineIoServer::queuedPacketsComeInOneBatch()
{
    EngineIoServer server(fast());
    const QString sid = test::handshake(server);
    QVERIFY(server.send(sid, u"a"_s));
    QVERIFY(server.send(sid, u"b"_s));
    QCOMPARE(server.queuedPackets(sid), 2);
    const auto poll = request(server, "GET", eioQuery(u"polling"_s, sid));
    QCOMPARE(poll->text(), u"4a\x1e" u"4b"_s);
    QCOMPARE(server.queuedPackets(sid), 0);
}

void TestEngineIoServer::postedPacketsAreDelivered()
{
    EngineIoServer server(fast());
    QSignalSpy received(&server, &EngineIoServer::messageReceived);
    const QString sid = test::handshake(server);
    const auto post = request(server, "POST", eioQuery(u"polling"_s, sid), "4x\x1e" "4y");
    QCOMPARE(post->status(), 200);
    QCOMPARE(post->text(), u"ok"_s);
    QCOMPARE(received.size(), 2);
    QCOMPARE(received.at(0), (QVariantList{sid, u"x"_s}));
    QCOMPARE(received.at(1), (QVariantList{sid, u"y"_s}));
    const auto bad = request(server, "POST", eioQuery(u"polling"_s, sid), "9nonsense");
    QCOMPARE(bad->status(), 400);
    QCOMPARE(server.sessionCount(), 0);
}

void TestEngineIoServer::overlappingPollsEndTheSession()
{
    EngineIoServer server(fast());
    QSignalSpy closed(&server, &EngineIoServer::sessionClosed);
    const QString sid = test::handshake(server);
    const auto first = request(server, "GET", eioQuery(u"polling"_s, sid));
    const auto second = request(server, "GET", eioQuery(u"polling"_s, sid));
    QCOMPARE(second->status(), 400);
    QCOMPARE(first->text(), u"1"_s); // told the session is closed
    QCOMPARE(closed.size(), 1);
    QCOMPARE(server.sessionCount(), 0);
}

void TestEngineIoServer::heartbeatKeepsAndSilenceExpires()
{
    EngineIoOptions o;
    o.pingIntervalMs = 50;
    o.pingTimeoutMs = 300;
    EngineIoServer server(o);
    QSignalSpy closed(&server, &EngineIoServer::sessionClosed);
    const QString sid = test::handshake(server);
    for (int round = 0; round < 3; ++round) {
        const auto poll = request(server, "GET", eioQuery(u"polling"_s, sid));
        QTRY_VERIFY(poll->reply.has_value());
        QCOMPARE(poll->text(), u"2"_s); // the server's ping
        QCOMPARE(request(server, "POST", eioQuery(u"polling"_s, sid), "3")->status(), 200); // pong
    }
    QCOMPARE(closed.size(), 0);
    // A client that stops answering: its session expires.
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(closed.first().at(1).toString(), u"ping timeout"_s);
    QCOMPARE(server.sessionCount(), 0);
}

void TestEngineIoServer::abandonedPollKeepsItsPackets()
{
    EngineIoServer server(fast());
    const QString sid = test::handshake(server);
    auto connection = std::make_unique<QObject>();
    const auto poll = request(server, "GET", eioQuery(u"polling"_s, sid), {}, connection.get());
    connection.reset(); // the client closed the connection of its long-poll
    QVERIFY(server.send(sid, u"kept"_s));
    QVERIFY(!poll->reply);
    QCOMPARE(server.queuedPackets(sid), 1);
    QCOMPARE(request(server, "GET", eioQuery(u"polling"_s, sid))->text(), u"4kept"_s);
}

void TestEngineIoServer::boundedQueueCoalescesThenCloses()
{
    EngineIoOptions o = fast();
    o.maxQueuedPackets = 3;
    EngineIoServer server(o);
    QSignalSpy closed(&server, &EngineIoServer::sessionClosed);
    const QString sid = test::handshake(server);
    QVERIFY(server.send(sid, u"first"_s));
    for (int i = 0; i < 20; ++i)
        QVERIFY(server.send(sid, u"progress %1"_s.arg(i), u"model-a"_s));
    QVERIFY(server.send(sid, u"last"_s));
    QCOMPARE(server.queuedPackets(sid), 3);
    // Latest wins, and keeps its place in time.
    QCOMPARE(request(server, "GET", eioQuery(u"polling"_s, sid))->text(),
             u"4first\x1e" u"4progress 19\x1e" u"4last"_s);
    for (int i = 0; i < 3; ++i)
        QVERIFY(server.send(sid, u"m%1"_s.arg(i)));
    QVERIFY(!server.send(sid, u"one too many"_s));
    QCOMPARE(closed.size(), 1);
    QVERIFY(closed.first().at(1).toString().contains(u"overflow"_s));
}

void TestEngineIoServer::sessionLimits()
{
    EngineIoOptions o = fast();
    o.maxSessionsPerAddress = 2;
    EngineIoServer server(o);
    QVERIFY(!test::handshake(server).isEmpty());
    QVERIFY(!test::handshake(server).isEmpty());
    QCOMPARE(request(server, "GET", eioQuery(u"polling"_s))->status(), 429);
    o.maxSessionsPerAddress = 10;
    o.maxSessions = 1;
    EngineIoServer small(o);
    QVERIFY(!test::handshake(small).isEmpty());
    QCOMPARE(request(small, "GET", eioQuery(u"polling"_s))->status(), 503);
}

void TestEngineIoServer::oversizedPostEndsTheSession()
{
    EngineIoOptions o = fast();
    o.maxPayload = 100;
    EngineIoServer server(o);
    const QString sid = test::handshake(server);
    QCOMPARE(request(server, "POST", eioQuery(u"polling"_s, sid), QByteArray(101, '4'))->status(), 413);
    QCOMPARE(server.sessionCount(), 0);
}

void TestEngineIoServer::clientClose()
{
    EngineIoServer server(fast());
    QSignalSpy closed(&server, &EngineIoServer::sessionClosed);
    const QString sid = test::handshake(server);
    QCOMPARE(request(server, "POST", eioQuery(u"polling"_s, sid), "1")->status(), 200);
    QCOMPARE(closed.size(), 1);
    QCOMPARE(closed.first().at(1).toString(), u"transport close"_s);
}

void TestEngineIoServer::directWebSocket()
{
    EngineIoServer server(fast());
    QSignalSpy opened(&server, &EngineIoServer::sessionOpened);
    QSignalSpy received(&server, &EngineIoServer::messageReceived);
    QSignalSpy closed(&server, &EngineIoServer::sessionClosed);
    WebSocketFront front(&server);
    WsClient client;
    QVERIFY(client.open(front.url()));
    QTRY_COMPARE(client.frames.size(), 1);
    QVERIFY(client.frames.first().startsWith(u'0'));
    const QJsonObject open = QJsonDocument::fromJson(client.frames.first().mid(1).toUtf8()).object();
    QCOMPARE(open.value(u"upgrades"_s).toArray(), QJsonArray{});
    const QString sid = open.value(u"sid"_s).toString();
    QCOMPARE(opened.size(), 1);
    QVERIFY(server.send(sid, u"hi"_s));
    QTRY_COMPARE(client.frames.size(), 2);
    QCOMPARE(client.frames.last(), u"4hi"_s);
    client.socket.sendTextMessage(u"4yo"_s);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.first(), (QVariantList{sid, u"yo"_s}));
    client.socket.close();
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(server.sessionCount(), 0);
}

void TestEngineIoServer::upgradeFromPolling()
{
    EngineIoServer server(fast());
    QSignalSpy received(&server, &EngineIoServer::messageReceived);
    WebSocketFront front(&server);
    const QString sid = test::handshake(server);
    const auto poll = request(server, "GET", eioQuery(u"polling"_s, sid));
    QVERIFY(!poll->reply);
    QVERIFY(!server.checkWebSocket(eioQuery(u"websocket"_s, sid), QHostAddress(QHostAddress::LocalHost)));
    WsClient probe;
    QVERIFY(probe.open(front.url(sid)));
    probe.socket.sendTextMessage(u"2probe"_s);
    QTRY_COMPARE(probe.frames, QStringList{u"3probe"_s});
    // The held poll comes back (a noop) so that the client can pause polling.
    QTRY_COMPARE(poll->text(), u"6"_s);
    QVERIFY(server.send(sid, u"during"_s)); // still polling: waits for the next poll or the upgrade
    probe.socket.sendTextMessage(u"5"_s);
    QTRY_COMPARE(probe.frames.size(), 2);
    QCOMPARE(probe.frames.last(), u"4during"_s);
    QVERIFY(server.send(sid, u"after"_s));
    QTRY_COMPARE(probe.frames.size(), 3);
    QCOMPARE(probe.frames.last(), u"4after"_s);
    probe.socket.sendTextMessage(u"4from ws"_s);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.first().at(1).toString(), u"from ws"_s);
    // Upgraded: no more polls on this session.
    QCOMPARE(request(server, "GET", eioQuery(u"polling"_s, sid))->status(), 400);
    QVERIFY(server.checkWebSocket(eioQuery(u"websocket"_s, sid), QHostAddress(QHostAddress::LocalHost)));
}

QTEST_MAIN(TestEngineIoServer)
#include "tst_engineioserver.moc"
