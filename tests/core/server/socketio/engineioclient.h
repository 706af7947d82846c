#pragma once

// Test clients for EngineIoServer without HTTP: polling requests handed to it directly (their
// answers collected, now or later), and real WebSockets through an in-process QWebSocketServer
// on a loopback port that hands each accepted socket to it, as the HTTP layer does.
#include "server/socketio/engineioserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

namespace mistudio::test {

inline QUrlQuery eioQuery(const QString &transport, const QString &sid = {}, const QString &eio = QStringLiteral("4"))
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("EIO"), eio);
    q.addQueryItem(QStringLiteral("transport"), transport);
    q.addQueryItem(QStringLiteral("t"), QStringLiteral("PxQz"));
    if (!sid.isEmpty())
        q.addQueryItem(QStringLiteral("sid"), sid);
    return q;
}

// One polling request's answer, filled when the server answers.
struct Held
{
    std::optional<sio::PollingReply> reply;
    QString text() const { return reply ? QString::fromUtf8(reply->body) : QString(); }
    int status() const { return reply ? reply->status : 0; }
};

inline std::shared_ptr<Held> request(sio::EngineIoServer &server, const QByteArray &method,
                                     const QUrlQuery &query, const QByteArray &body = {},
                                     QObject *context = nullptr)
{
    auto held = std::make_shared<Held>();
    sio::PollingRequest r{method, query, body, QHostAddress(QHostAddress::LocalHost)};
    server.handlePolling(r, [held](const sio::PollingReply &reply) { held->reply = reply; }, context);
    return held;
}

// The handshake: the session id of a new polling session.
inline QString handshake(sio::EngineIoServer &server)
{
    const auto held = request(server, "GET", eioQuery(QStringLiteral("polling")));
    if (!held->reply || !held->text().startsWith(u'0'))
        return {};
    return QJsonDocument::fromJson(held->text().mid(1).toUtf8()).object().value(QStringLiteral("sid")).toString();
}

// A polling Socket.IO client: connects to "/" and reads what the server sends.
struct PollingSocket
{
    sio::EngineIoServer &engine;
    QString sid;
    QString socketId;

    bool connect()
    {
        sid = test::handshake(engine);
        post(QStringLiteral("40"));
        const QString reply = poll();
        if (!reply.startsWith(QStringLiteral("40{")))
            return false;
        socketId = QJsonDocument::fromJson(reply.mid(2).toUtf8()).object().value(QStringLiteral("sid")).toString();
        return !socketId.isEmpty();
    }
    int post(const QString &packets)
    {
        return request(engine, "POST", eioQuery(QStringLiteral("polling"), sid), packets.toUtf8())->status();
    }
    // What is waiting (empty when nothing is: the poll is then left held and dropped).
    QString poll()
    {
        QObject connection;
        return request(engine, "GET", eioQuery(QStringLiteral("polling"), sid), {}, &connection)->text();
    }
    // The Socket.IO events in what is waiting: [name, payload] pairs.
    QList<QJsonArray> events()
    {
        QList<QJsonArray> out;
        for (const QString &part : poll().split(QChar(0x1e), Qt::SkipEmptyParts)) {
            if (part.startsWith(QStringLiteral("42")))
                out << QJsonDocument::fromJson(part.mid(2).toUtf8()).array();
        }
        return out;
    }
};

// Accepts WebSockets on a loopback port and hands them to the server with their query.
class WebSocketFront final : public QObject
{
public:
    explicit WebSocketFront(sio::EngineIoServer *server)
        : m_ws(QStringLiteral("test"), QWebSocketServer::NonSecureMode)
    {
        m_ws.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_ws, &QWebSocketServer::newConnection, this, [this, server] {
            while (m_ws.hasPendingConnections()) {
                std::unique_ptr<QWebSocket> s(m_ws.nextPendingConnection());
                const QUrlQuery q(s->requestUrl());
                const QHostAddress peer = s->peerAddress();
                server->handleWebSocket(std::move(s), q, peer);
            }
        });
    }
    QUrl url(const QString &sid = {}) const
    {
        QUrl u(QStringLiteral("ws://127.0.0.1:%1/ws/socket.io/").arg(m_ws.serverPort()));
        u.setQuery(eioQuery(QStringLiteral("websocket"), sid));
        return u;
    }

private:
    QWebSocketServer m_ws;
};

// A client WebSocket that records the text frames it receives.
struct WsClient
{
    QWebSocket socket;
    QStringList frames;
    bool open(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &m) { frames << m; });
        socket.open(url);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
};

} // namespace mistudio::test
