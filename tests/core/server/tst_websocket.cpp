// /ws: subscribe/unsubscribe, the event sequence and payloads of a download as a WebSocket
// client receives them, and a stalled client that must not stall the server.
#include "serverharness.h"
#include "server/websockethub.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;

namespace {

struct WsClient
{
    explicit WsClient(quint16 port)
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [this](const QString &m) {
            messages << QJsonDocument::fromJson(m.toUtf8()).object();
        });
        ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(port)));
    }
    void send(const QString &text) { ws.sendTextMessage(text); }
    QStringList events(const QString &channel) const
    {
        QStringList out;
        for (const QJsonObject &m : messages) {
            if (m.value(u"channel"_s).toString() == channel && m.contains(u"data"_s))
                out << m.value(u"event"_s).toString();
        }
        return out;
    }
    QWebSocket ws;
    QList<QJsonObject> messages;
};

QStringList collapsed(const QStringList &events)
{
    QStringList out;
    for (const QString &e : events) {
        if (out.isEmpty() || out.last() != e || !e.endsWith(u"_progress"_s))
            out << e;
    }
    return out;
}

} // namespace

class TestWebSocket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subscribeAndReceiveDownloadEvents();
    void unsubscribeStopsEvents();
    void badMessagesGetErrors_data();
    void badMessagesGetErrors();
    void stalledClientDoesNotStallServer();
};

void TestWebSocket::subscribeAndReceiveDownloadEvents()
{
    ServerHarness h;
    const QUuid id = h.createModel(u"org/streamed"_s);
    const QString channel = u"model/"_s + id.toString(QUuid::WithoutBraces);
    WsClient c(h.server->port());
    QTRY_COMPARE(c.ws.state(), QAbstractSocket::ConnectedState);
    c.send(uR"({"action":"subscribe","channel":"%1"})"_s.arg(channel));
    c.send(uR"({"action":"subscribe","channel":"models"})"_s);
    QTRY_COMPARE(c.messages.size(), 2);
    QCOMPARE(c.messages.at(0), (QJsonObject{{u"event"_s, u"subscribed"_s}, {u"channel"_s, channel}}));
    QCOMPARE(h.call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces)),
                    R"({"hf_token":"hf_never_echoed"})").status, 202);
    QTRY_VERIFY(c.events(channel).contains(u"download_completed"_s) && c.events(channel).size() >= 4
                && c.events(channel).last() == u"status_changed"_s);
    QCOMPARE(collapsed(c.events(channel)),
             (QStringList{u"status_changed"_s, u"download_progress"_s, u"download_completed"_s,
                          u"status_changed"_s}));
    // Payloads, with the base key names of docs/api.md.
    QJsonObject progress, completed, first, last;
    for (const QJsonObject &m : std::as_const(c.messages)) {
        if (m.value(u"channel"_s).toString() != channel)
            continue;
        const QString e = m.value(u"event"_s).toString();
        const QJsonObject d = m.value(u"data"_s).toObject();
        if (e == u"download_progress"_s)
            progress = d;
        if (e == u"download_completed"_s)
            completed = d;
        if (e == u"status_changed"_s) {
            if (first.isEmpty())
                first = d;
            last = d;
        }
    }
    QCOMPARE(first.value(u"status"_s).toString(), u"downloading"_s);
    QCOMPARE(first.value(u"previous_status"_s).toString(), u"pending"_s);
    QCOMPARE(last.value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(progress.value(u"progress"_s).toDouble(), 100.0);
    QVERIFY(progress.contains(u"downloaded_gb"_s) && progress.contains(u"total_gb"_s)
            && progress.contains(u"speed_mbps"_s) && progress.contains(u"eta_seconds"_s));
    QCOMPARE(completed.value(u"size_bytes"_s).toInteger(), 8 * 64 * 1024 + 45);
    QVERIFY(completed.value(u"file_path"_s).toString().endsWith(u"org--streamed"_s));
    // The `models` channel carries the list changes (and progress) of every model.
    QVERIFY(c.events(u"models"_s).contains(u"status_changed"_s));
    for (const QJsonObject &m : std::as_const(c.messages))
        QVERIFY(!QJsonDocument(m).toJson().contains("hf_never_echoed"));
}

void TestWebSocket::unsubscribeStopsEvents()
{
    ServerHarness h;
    const QUuid id = h.createModel(u"org/quiet"_s);
    const QString channel = u"model/"_s + id.toString(QUuid::WithoutBraces);
    WsClient c(h.server->port());
    QTRY_COMPARE(c.ws.state(), QAbstractSocket::ConnectedState);
    c.send(uR"({"action":"subscribe","channel":"%1"})"_s.arg(channel));
    c.send(uR"({"action":"unsubscribe","channel":"%1"})"_s.arg(channel));
    QTRY_COMPARE(c.messages.size(), 2);
    QCOMPARE(c.messages.at(1).value(u"event"_s).toString(), u"unsubscribed"_s);
    QCOMPARE(h.call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces))).status, 202);
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QTest::qWait(100);
    QCOMPARE(c.messages.size(), 2);
}

void TestWebSocket::badMessagesGetErrors_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("code");
    QTest::newRow("not json") << u"hello"_s << u"malformed_request"_s;
    QTest::newRow("array") << u"[]"_s << u"malformed_request"_s;
    QTest::newRow("bad action") << uR"({"action":"publish","channel":"models"})"_s << u"invalid_input"_s;
    QTest::newRow("bad channel") << uR"({"action":"subscribe","channel":"model/../../x"})"_s << u"invalid_input"_s;
    QTest::newRow("no channel") << uR"({"action":"subscribe"})"_s << u"invalid_input"_s;
}

void TestWebSocket::badMessagesGetErrors()
{
    QFETCH(QString, message);
    QFETCH(QString, code);
    ServerHarness h;
    WsClient c(h.server->port());
    QTRY_COMPARE(c.ws.state(), QAbstractSocket::ConnectedState);
    c.send(message);
    QTRY_COMPARE(c.messages.size(), 1);
    QCOMPARE(c.messages.first().value(u"event"_s).toString(), u"error"_s);
    QCOMPARE(c.messages.first().value(u"data"_s).toObject().value(u"code"_s).toString(), code);
    QCOMPARE(c.ws.state(), QAbstractSocket::ConnectedState);
}

void TestWebSocket::stalledClientDoesNotStallServer()
{
    ServerConfig cfg;
    cfg.wsMaxPendingBytes = 64 * 1024;
    cfg.wsMaxQueuedMessages = 50;
    ServerHarness h(cfg);
    const QUuid id = QUuid::createUuid();
    // A raw client: handshake, one (masked) subscribe frame, then it never reads again.
    QTcpSocket raw;
    raw.setReadBufferSize(1); // stop reading: the kernel buffers fill, then the server's
    raw.connectToHost(QHostAddress::LocalHost, h.server->port());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    const QByteArray sub = uR"({"action":"subscribe","channel":"model/%1"})"_s
                               .arg(id.toString(QUuid::WithoutBraces)).toUtf8();
    QByteArray frame;
    frame.append(char(0x81));
    frame.append(char(0x80 | sub.size()));
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    frame.append(mask, 4);
    for (int i = 0; i < sub.size(); ++i)
        frame.append(char(sub[i] ^ mask[i % 4]));
    QTRY_VERIFY(h.server->webSockets()->clientCount() == 1);
    raw.write(frame);
    raw.flush();
    QTest::qWait(200);
    // Flood it with progress until the socket buffers are full and messages wait in the
    // server's own queue (a few MB on loopback).
    DownloadProgressInfo p;
    p.totalBytes = 1'000'000'000;
    p.currentFile = QString(60000, u'f');
    bool stalled = false;
    for (int i = 0; i < 2000 && !stalled; ++i) {
        for (int k = 0; k < 10; ++k) {
            p.downloadedBytes = i * 10 + k;
            h.bus.publish(ModelEvent::downloadProgress(id, p));
        }
        QTest::qWait(10); // the event loop writes what the kernel takes
        stalled = h.server->webSockets()->queuedMessages() > 0;
    }
    QVERIFY(stalled);
    for (int i = 0; i < 2000; ++i) {
        h.bus.publish(ModelEvent::downloadProgress(id, p));
        if (i % 100 == 0)
            QCoreApplication::processEvents();
    }
    QCoreApplication::processEvents();
    // Latest progress wins: at most one progress message waits per channel.
    QVERIFY(h.server->webSockets()->queuedMessages() <= 1);
    QCOMPARE(h.server->webSockets()->clientCount(), 1);
    // The server still answers others at once.
    QCOMPARE(h.call("GET", u"/api/v1/health"_s).status, 200);
    // Events that cannot be coalesced overflow the bounded queue: the client is dropped.
    for (int i = 0; i < 200; ++i)
        h.bus.publish(ModelEvent::statusChanged(id, ModelStatus::Pending, ModelStatus::Downloading));
    QTRY_COMPARE(h.server->webSockets()->clientCount(), 0);
    QCOMPARE(h.call("GET", u"/api/v1/health"_s).status, 200);
}

QTEST_GUILESS_MAIN(TestWebSocket)
#include "tst_websocket.moc"
