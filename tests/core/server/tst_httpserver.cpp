// The HTTP layer itself (server/http), with a small test handler and real clients on an
// ephemeral loopback port: keep-alive and sequential pipelining, 100-continue, deferred answers
// that know when the client has gone, file ranges streamed with and without sendfile (HEAD
// included), WebSocket upgrades on a chosen path, and the connection caps that refuse with
// 503/429 only when no connection can make room.
#include "rawhttp.h"
#include "server/http/handler.h"
#include "server/http/server.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::http;
using namespace mistudio::test;

namespace {

// /echo answers the body; /hold answers only when told; /file?o=&n= streams a range of
// `file`; /ws upgrades; anything else is 404 at the head.
class TestHandler final : public Handler
{
public:
    HeadAction handleHead(const RequestHead &head) override
    {
        ++heads;
        if (head.path == u"/ws"_s)
            return HeadAction::upgradeWebSocket();
        if (head.path == u"/echo"_s || head.path == u"/hold"_s || head.path == u"/file"_s)
            return HeadAction::readBody();
        return HeadAction::respond(Response::bytes(404, "no\n", "text/plain"));
    }
    void handleRequest(const RequestHead &head, const QByteArray &body,
                       Responder responder) override
    {
        if (head.path == u"/hold"_s) {
            held.append(responder);
            return;
        }
        if (head.path == u"/file"_s) {
            const qint64 offset = head.query.queryItemValue(u"o"_s).toLongLong();
            const qint64 length = head.query.queryItemValue(u"n"_s).toLongLong();
            Result<FileRange> range = FileRange::open(file, offset, length);
            responder.send(range ? Response::stream(200, range.value(), "application/octet-stream")
                                 : Response::bytes(416, {}));
            return;
        }
        responder.send(
            Response::bytes(200, head.method + ' ' + head.target + ' ' + body, "text/plain"));
    }
    void handleWebSocket(std::unique_ptr<QWebSocket> socket) override
    {
        QWebSocket *s = socket.release();
        QObject::connect(s, &QWebSocket::textMessageReceived, s,
                         [s](const QString &m) { s->sendTextMessage(u"echo:"_s + m); });
        QObject::connect(s, &QWebSocket::disconnected, s, &QObject::deleteLater);
    }

    int heads = 0;
    QList<Responder> held;
    QString file;
};

struct Fixture
{
    explicit Fixture(Limits limits = {})
    {
        server = std::make_unique<Server>(&handler, limits);
        const Result<quint16> p = server->listen(QHostAddress::LocalHost, 0);
        if (!p)
            qFatal("listen: %s", qPrintable(p.error().toString()));
        port = p.value();
    }
    TestHandler handler;
    std::unique_ptr<Server> server;
    quint16 port = 0;
};

QByteArray get(const QByteArray &target, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

} // namespace

class TestHttpServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepAliveAndSequentialPipelining();
    void requestsPerConnectionAreBounded();
    void expectContinue();
    void deferredAnswerAndClientGone();
    void streamsFileRanges_data();
    void streamsFileRanges();
    void webSocketUpgradeOnChosenPath();
    void capsRefuseOnlyWhenNoSlotCanBeFreed();
};

void TestHttpServer::keepAliveAndSequentialPipelining()
{
    Fixture f;
    RawClient c(f.port);
    QVERIFY(c.waitConnected());
    // Three requests in one write: answered in order on the same connection.
    c.send(get("/echo?a=1") + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
           get("/nothing"));
    const auto r1 = c.read();
    const auto r2 = c.read();
    const auto r3 = c.read();
    QVERIFY(r1 && r2 && r3);
    QCOMPARE(r1->body, QByteArray("GET /echo?a=1 "));
    QCOMPARE(r2->body, QByteArray("POST /echo hello"));
    QCOMPARE(r3->status, 404);
    QVERIFY(r3->header("Connection").isEmpty());
    QVERIFY(!c.isClosed());
    // HEAD: the same headers, no body.
    c.send("HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n" + get("/echo?after-head"));
    const auto head = c.read(10000, true);
    QVERIFY(head);
    QCOMPARE(head->header("Content-Length"), QByteArray("11")); // "HEAD /echo "
    QCOMPARE(c.read()->body, QByteArray("GET /echo?after-head "));
    // Connection: close is honoured.
    c.send(get("/echo", "Connection: close\r\n"));
    const auto last = c.read();
    QVERIFY(last);
    QCOMPARE(last->header("Connection"), QByteArray("close"));
    QVERIFY(c.waitClosed());
}

void TestHttpServer::requestsPerConnectionAreBounded()
{
    Limits l;
    l.maxRequestsPerConnection = 3;
    Fixture f(l);
    RawClient c(f.port);
    QVERIFY(c.waitConnected());
    c.send(get("/echo") + get("/echo") + get("/echo") + get("/echo"));
    QVERIFY(c.read()->header("Connection").isEmpty());
    QVERIFY(c.read()->header("Connection").isEmpty());
    QCOMPARE(c.read()->header("Connection"), QByteArray("close"));
    QVERIFY(c.waitClosed());
    QVERIFY(!c.read(100)); // the fourth was never answered
    QCOMPARE(f.handler.heads, 3);
}

void TestHttpServer::expectContinue()
{
    Fixture f;
    RawClient c(f.port);
    QVERIFY(c.waitConnected());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    const auto interim = c.read();
    QVERIFY(interim);
    QCOMPARE(interim->status, 100);
    c.send("abc");
    QCOMPARE(c.read()->body, QByteArray("POST /echo abc"));
}

void TestHttpServer::deferredAnswerAndClientGone()
{
    Fixture f;
    RawClient a(f.port);
    QVERIFY(a.waitConnected());
    a.send(get("/hold") + get("/echo?pipelined"));
    QTRY_COMPARE(f.handler.held.size(), 1);
    const Responder first = f.handler.held.takeFirst();
    QVERIFY(first.isConnected());
    first.send(Response::bytes(202, "later"));
    QVERIFY(!first.isConnected()); // answered: further sends are ignored
    first.send(Response::bytes(500, "twice"));
    const auto r = a.read();
    QVERIFY(r);
    QCOMPARE(r->status, 202);
    QCOMPARE(r->body, QByteArray("later"));
    QCOMPARE(a.read()->body, QByteArray("GET /echo?pipelined ")); // then the next one
    // A client that goes away while its answer is pending: the responder knows, and its
    // context (for QFuture::then) is destroyed.
    RawClient b(f.port);
    QVERIFY(b.waitConnected());
    b.send(get("/hold"));
    QTRY_COMPARE(f.handler.held.size(), 1);
    const Responder gone = f.handler.held.takeFirst();
    QPointer<QObject> context = gone.context();
    QVERIFY(context);
    b.socket().abort();
    QTRY_VERIFY(!gone.isConnected());
    QTRY_VERIFY(context.isNull());
    gone.send(Response::bytes(200, "nobody")); // harmless
}

void TestHttpServer::streamsFileRanges_data()
{
    QTest::addColumn<bool>("sendfile");
    QTest::newRow("sendfile") << true;
    QTest::newRow("read and write") << false;
}

void TestHttpServer::streamsFileRanges()
{
    QFETCH(bool, sendfile);
    QTemporaryFile file;
    QVERIFY(file.open());
    QByteArray data(12 * 1024 * 1024 + 7, Qt::Uninitialized);
    QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
    QCOMPARE(file.write(data), data.size());
    file.flush();
    Limits l;
    l.useSendfile = sendfile;
    Fixture f(l);
    f.handler.file = file.fileName();
    RawClient c(f.port);
    QVERIFY(c.waitConnected());
    // A client that reads slowly: the server must not read the file ahead into memory; it
    // sends as the socket drains (checked by the bytes arriving intact and in order).
    c.socket().setReadBufferSize(64 * 1024);
    const qint64 offset = 1000;
    const qint64 length = data.size() - 2000;
    c.send(get("/file?o=" + QByteArray::number(offset) + "&n=" + QByteArray::number(length)));
    const auto r = c.read(60000);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("Content-Length").toLongLong(), length);
    QVERIFY(r->body == data.mid(offset, length));
    // HEAD of the same range: headers only, and the connection carries on.
    c.send("HEAD /file?o=5&n=10 HTTP/1.1\r\nHost: x\r\n\r\n" + get("/file?o=5&n=10"));
    const auto head = c.read(10000, true);
    QVERIFY(head);
    QCOMPARE(head->header("Content-Length"), QByteArray("10"));
    const auto small = c.read();
    QVERIFY(small);
    QCOMPARE(small->body, data.mid(5, 10));
    // A range past the end never reaches the wire as a short body.
    c.send(get("/file?o=0&n=" + QByteArray::number(data.size() + 1)));
    QCOMPARE(c.read()->status, 416);
}

void TestHttpServer::webSocketUpgradeOnChosenPath()
{
    Limits l;
    l.webSocketMaxMessageBytes = 1024;
    Fixture f(l);
    QWebSocket ws;
    QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(f.port)));
    QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(f.server->connectionCount(), 1); // the WebSocket keeps its slot
    ws.sendTextMessage(u"hi"_s);
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.first().first().toString(), u"echo:hi"_s);
    // Over the limit: close code 1009 (too much data), not a hang.
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.sendTextMessage(QString(4096, u'x'));
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QTRY_COMPARE(f.server->connectionCount(), 0);
    // Another path refuses the upgrade with an HTTP answer.
    QWebSocket other;
    QSignalSpy errors(&other, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
    other.open(QUrl(u"ws://127.0.0.1:%1/elsewhere"_s.arg(f.port)));
    QTRY_VERIFY(!errors.isEmpty());
    QVERIFY(other.state() != QAbstractSocket::ConnectedState);
}

void TestHttpServer::capsRefuseOnlyWhenNoSlotCanBeFreed()
{
    Limits l;
    l.maxConnections = 1000;
    l.maxConnectionsPerAddress = 3;
    l.retryAfterSeconds = 7;
    Fixture f(l);
    // An idle connection is evicted to make room...
    RawClient idle(f.port);
    QVERIFY(idle.waitConnected());
    QTRY_COMPARE(f.server->connectionCount(), 1);
    std::vector<std::unique_ptr<RawClient>> busy;
    for (int i = 0; i < 3; ++i) {
        busy.push_back(std::make_unique<RawClient>(f.port));
        QVERIFY(busy.back()->waitConnected());
        busy.back()->send(get("/hold"));
        QTRY_COMPARE(f.handler.held.size(), i + 1);
    }
    QVERIFY(idle.waitClosed());
    QCOMPARE(f.server->connectionCount(QHostAddress::LocalHost), 3);
    // ...but connections with a request in progress are not: the newcomer gets 429.
    RawClient refused(f.port);
    QVERIFY(refused.waitConnected());
    refused.send(get("/echo"));
    const auto r = refused.read();
    QVERIFY(r);
    QCOMPARE(r->status, 429);
    QCOMPARE(r->errorCode(), QByteArray("rate_limited"));
    QCOMPARE(r->header("Retry-After"), QByteArray("7"));
    QVERIFY(refused.waitClosed());
    for (const Responder &h : std::as_const(f.handler.held))
        QVERIFY(h.isConnected());
    // Overall: 503 server_busy, also for another address.
    Limits overall;
    overall.maxConnections = 2;
    Fixture g(overall);
    RawClient h1(g.port), h2(g.port);
    QVERIFY(h1.waitConnected() && h2.waitConnected());
    h1.send(get("/hold"));
    h2.send(get("/hold"));
    QTRY_COMPARE(g.handler.held.size(), 2);
    RawClient third(g.port, QHostAddress(u"127.0.0.2"_s));
    QVERIFY(third.waitConnected());
    const auto busyAnswer = third.read();
    QVERIFY(busyAnswer);
    QCOMPARE(busyAnswer->status, 503);
    QCOMPARE(busyAnswer->errorCode(), QByteArray("server_busy"));
    QVERIFY(busyAnswer->header("Retry-After").toInt() > 0);
    // Once a slot frees, the next client is served.
    g.handler.held.first().send(Response::bytes(200, "done"));
    QCOMPARE(h1.read()->body, QByteArray("done"));
    h1.socket().disconnectFromHost();
    QTRY_COMPARE(g.server->connectionCount(), 1);
    RawClient fourth(g.port);
    QVERIFY(fourth.waitConnected());
    fourth.send(get("/echo"));
    QCOMPARE(fourth.read()->status, 200);
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
