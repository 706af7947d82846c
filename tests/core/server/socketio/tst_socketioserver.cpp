// SocketIoServer over EngineIoServer: connecting to "/", events with and without
// acknowledgement, rooms and their bound, refused namespaces, malformed packets, the connect
// timeout and the client's disconnect, over polling and over a real WebSocket.
#include "engineioclient.h"
#include "server/socketio/socketioserver.h"

#include <QJsonArray>
#include <QSignalSpy>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::sio;
using namespace mistudio::test;


class TestSocketIoServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectsToMainNamespace();
    void eventsWithAndWithoutAck();
    void rooms();
    void refusedNamespace();
    void malformedPacketEndsSession();
    void connectTimeout();
    void clientDisconnect();
    void overWebSocket();

private:
    static EngineIoOptions quiet()
    {
        EngineIoOptions o;
        o.pingIntervalMs = 60000;
        return o;
    }
};

void TestSocketIoServer::connectsToMainNamespace()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    QSignalSpy connected(&io, &SocketIoServer::socketConnected);
    PollingSocket s{engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.socketId.size(), 20);
    QVERIFY(s.socketId != s.sid); // a socket id of its own (v5)
    QCOMPARE(connected.size(), 1);
    QCOMPARE(io.socketCount(), 1);
}

void TestSocketIoServer::eventsWithAndWithoutAck()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    QList<QJsonArray> seen;
    io.on(u"subscribe"_s, [&](const QString &, const QJsonArray &args, const SocketIoServer::Ack &ack) {
        seen << args;
        if (ack)
            ack({QJsonObject{{u"channel"_s, args.first().toObject().value(u"channel"_s)}}});
    });
    PollingSocket s{engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"42[\"subscribe\",{\"channel\":\"a\"}]\x1e" u"4212[\"subscribe\",{\"channel\":\"b\"}]"_s), 200);
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen.at(1), (QJsonArray{QJsonObject{{u"channel"_s, u"b"_s}}}));
    QCOMPARE(s.poll(), u"4312[{\"channel\":\"b\"}]"_s);
    // An event nobody handles is dropped; the session stays.
    QCOMPARE(s.post(u"42[\"unknown\",1]"_s), 200);
    QCOMPARE(io.socketCount(), 1);
}

void TestSocketIoServer::rooms()
{
    EngineIoServer engine(quiet());
    SocketIoOptions o;
    o.maxRoomsPerSocket = 2;
    SocketIoServer io(&engine, o);
    PollingSocket a{engine, {}, {}};
    PollingSocket b{engine, {}, {}};
    QVERIFY(a.connect() && b.connect());
    QVERIFY(io.join(a.socketId, u"models/1/progress"_s));
    QVERIFY(io.join(b.socketId, u"models/1/progress"_s));
    QCOMPARE(io.roomSize(u"models/1/progress"_s), 2);
    io.emitToRoom(u"models/1/progress"_s, u"model:progress"_s, {QJsonObject{{u"progress"_s, 5}}});
    QCOMPARE(a.poll(), u"42[\"model:progress\",{\"progress\":5}]"_s);
    QCOMPARE(b.poll(), u"42[\"model:progress\",{\"progress\":5}]"_s);
    io.leave(b.socketId, u"models/1/progress"_s);
    io.emitToRoom(u"models/1/progress"_s, u"model:progress"_s, {QJsonObject{{u"progress"_s, 6}}});
    QCOMPARE(a.poll(), u"42[\"model:progress\",{\"progress\":6}]"_s);
    QCOMPARE(engine.queuedPackets(b.sid), 0);
    io.emitTo(b.socketId, u"pong"_s, {});
    QCOMPARE(b.poll(), u"42[\"pong\"]"_s);
    // The bound on rooms per socket.
    QVERIFY(io.join(a.socketId, u"r2"_s));
    QVERIFY(!io.join(a.socketId, u"r3"_s));
    QCOMPARE(io.roomsOf(a.socketId).size(), 2);
}

void TestSocketIoServer::refusedNamespace()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    PollingSocket s{engine, test::handshake(engine), {}};
    QCOMPARE(s.post(u"40/admin,"_s), 200);
    QCOMPARE(s.poll(), u"44/admin,{\"message\":\"Invalid namespace\"}"_s);
    QCOMPARE(io.socketCount(), 0);
}

void TestSocketIoServer::malformedPacketEndsSession()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    QSignalSpy disconnected(&io, &SocketIoServer::socketDisconnected);
    PollingSocket s{engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"42[\"subscribe\","_s), 200);
    QCOMPARE(engine.sessionCount(), 0);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.first().at(1).toString(), u"parse error"_s);
}

void TestSocketIoServer::connectTimeout()
{
    EngineIoServer engine(quiet());
    SocketIoOptions o;
    o.connectTimeoutMs = 50;
    SocketIoServer io(&engine, o);
    QSignalSpy closed(&engine, &EngineIoServer::sessionClosed);
    QVERIFY(!test::handshake(engine).isEmpty()); // opens, never sends "40"
    PollingSocket connected{engine, {}, {}};
    QVERIFY(connected.connect());
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(closed.first().at(1).toString(), u"connect timeout"_s);
    QCOMPARE(engine.sessionCount(), 1);
}

void TestSocketIoServer::clientDisconnect()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    QSignalSpy disconnected(&io, &SocketIoServer::socketDisconnected);
    PollingSocket s{engine, {}, {}};
    QVERIFY(s.connect());
    QVERIFY(io.join(s.socketId, u"room"_s));
    QCOMPARE(s.post(u"41"_s), 200);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(io.roomSize(u"room"_s), 0);
    QCOMPARE(io.socketCount(), 0);
}

void TestSocketIoServer::overWebSocket()
{
    EngineIoServer engine(quiet());
    SocketIoServer io(&engine);
    io.on(u"ping"_s, [&](const QString &socketId, const QJsonArray &, const SocketIoServer::Ack &) {
        io.emitTo(socketId, u"pong"_s, {});
    });
    WebSocketFront front(&engine);
    WsClient client;
    QVERIFY(client.open(front.url()));
    QTRY_COMPARE(client.frames.size(), 1); // the open packet
    client.socket.sendTextMessage(u"40"_s);
    QTRY_COMPARE(client.frames.size(), 2);
    QVERIFY(client.frames.last().startsWith(u"40{\"sid\":"_s));
    client.socket.sendTextMessage(u"42[\"ping\"]"_s);
    QTRY_COMPARE(client.frames.size(), 3);
    QCOMPARE(client.frames.last(), u"42[\"pong\"]"_s);
}

QTEST_MAIN(TestSocketIoServer)
#include "tst_socketioserver.moc"
