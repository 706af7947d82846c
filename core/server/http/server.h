#pragma once

#include "common/result.h"
#include "server/http/limits.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>

#include <vector>

class QTcpServer;
class QTcpSocket;
class QWebSocketServer;

namespace mistudio::http {

class Connection;
class Handler;

// A small, strict HTTP/1.1 server over QTcpServer (docs/security.md, "The API server"):
// requests are parsed by RequestParser and handed to a Handler head first, then body; answers
// are immediate, deferred (Responder) or streamed from a file range; WebSocket upgrades go to
// a QWebSocketServer. Every Limits bound holds before the handler sees a request, and the
// connection caps make room by closing the oldest connection that has not proven itself
// rather than refusing a newcomer. Lives on one thread; every handler call comes on it.
class Server final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Server)

public:
    Server(Handler *handler, Limits limits, QObject *parent = nullptr);
    ~Server() override;

    // Listens; maxConnections is lowered below the process's open-file limit first.
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    bool isListening() const;
    quint16 port() const;
    QTcpServer *tcpServer() const { return m_listener; }
    // The limits in force (after listen(): maxConnections fitted to RLIMIT_NOFILE).
    const Limits &limits() const { return m_limits; }

    // Open connections (WebSockets included), overall and from one address.
    int connectionCount() const { return m_total; }
    int connectionCount(const QHostAddress &address) const { return m_perAddress.value(address); }

Q_SIGNALS:
    void connectionClosed();

private:
    friend class Listener;

    void handleDescriptor(qintptr descriptor);
    void handleAcceptError();
    void handleClosed(Connection *connection);
    void handleUpgrade(Connection *connection, QTcpSocket *socket);
    void handleNewWebSocket();
    // Closes the oldest evictable connection (of `address` when given); false if none.
    bool makeRoom(const QHostAddress *address);
    void refuse(QTcpSocket *socket, const Error &error);
    void release(const QHostAddress &address);

    Handler *m_handler;
    Limits m_limits;
    QTcpServer *m_listener = nullptr;
    QWebSocketServer *m_webSockets;
    std::vector<Connection *> m_connections; // in accept order: the oldest first
    QHash<QHostAddress, int> m_perAddress;
    int m_total = 0;
    int m_refusing = 0;
    // Sockets handed to m_webSockets whose handshake has not completed yet.
    QList<QPointer<QTcpSocket>> m_handshaking;
};

} // namespace mistudio::http
