#include "server/http/server.h"

#include "server/http/connection.h"
#include "server/http/filelimit.h"
#include "server/http/handler.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <limits>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::http {

// Hands every accepted descriptor to the Server at once (no pending queue in Qt).
class Listener final : public QTcpServer
{
public:
    explicit Listener(Server *server)
        : QTcpServer(server)
        , m_server(server)
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_server->handleDescriptor(descriptor); }

private:
    Server *m_server;
};

namespace {

// Releases a connection slot when the socket it is a child of is destroyed, however that
// happens (QWebSocket disconnects every signal of its socket, so a connection to destroyed()
// cannot be relied on).
class SlotRelease final : public QObject
{
public:
    SlotRelease(QTcpSocket *socket, std::function<void()> release)
        : QObject(socket)
        , m_release(std::move(release))
    {}
    ~SlotRelease() override { m_release(); }

private:
    std::function<void()> m_release;
};

// Connections refused at a cap are answered and closed; beyond this many at once they are
// closed without an answer.
constexpr int kMaxRefusing = 64;
} // namespace

Server::Server(Handler *handler, Limits limits, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_limits(std::move(limits))
    , m_webSockets(new QWebSocketServer(u"mistudio"_s, QWebSocketServer::NonSecureMode, this))
{
    m_webSockets->setHandshakeTimeout(m_limits.webSocketHandshakeTimeoutMs);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &Server::handleNewWebSocket);
}

Server::~Server()
{
    // Connections are children and go with this object; sockets in a WebSocket handshake
    // have no parent.
    for (const QPointer<QTcpSocket> &s : std::as_const(m_handshaking))
        delete s.data();
}

Result<quint16> Server::listen(const QHostAddress &address, quint16 port)
{
    const qint64 files = openFileLimit();
    if (files > 0 && files < std::numeric_limits<int>::max()) {
        const int room = int(std::max<qint64>(16, files - m_limits.reservedFileDescriptors));
        m_limits.maxConnections = std::min(m_limits.maxConnections, room);
    }
    m_limits.maxConnectionsPerAddress =
        std::min(m_limits.maxConnectionsPerAddress, m_limits.maxConnections);
    auto *listener = new Listener(this);
    listener->setListenBacklogSize(m_limits.listenBacklog);
    if (!listener->listen(address, port)) {
        const QString why = listener->errorString();
        delete listener;
        return Error::make(
            ErrorCode::IoError,
            u"Cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(why));
    }
    m_listener = listener;
    connect(m_listener, &QTcpServer::acceptError, this, &Server::handleAcceptError);
    return m_listener->serverPort();
}

bool Server::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 Server::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

void Server::handleDescriptor(qintptr descriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        return;
    }
    const QHostAddress peer = Connection::clientAddress(socket);
    // Per address first: making room there frees a slot overall as well.
    if (m_perAddress.value(peer) >= m_limits.maxConnectionsPerAddress && !makeRoom(&peer)) {
        refuse(socket, Error::make(ErrorCode::RateLimited,
                                   u"Too many connections from this address; try again later"_s,
                                   {{u"retry_after"_s, m_limits.retryAfterSeconds}}));
        return;
    }
    if (m_total >= m_limits.maxConnections && !makeRoom(nullptr)) {
        refuse(socket, Error::make(ErrorCode::ServerBusy, u"The server is busy; try again later"_s,
                                   {{u"retry_after"_s, m_limits.retryAfterSeconds}}));
        return;
    }
    auto *c = new Connection(socket, m_handler, m_limits, this);
    m_connections.push_back(c);
    ++m_perAddress[peer];
    ++m_total;
    connect(c, &Connection::closed, this, [this, c] { handleClosed(c); });
    connect(c, &Connection::upgradeRequested, this,
            [this, c](QTcpSocket *s) { handleUpgrade(c, s); });
    c->start();
}

void Server::refuse(QTcpSocket *socket, const Error &error)
{
    if (m_refusing >= kMaxRefusing) {
        socket->abort();
        delete socket;
        return;
    }
    ++m_refusing;
    auto *c = new Connection(socket, m_handler, m_limits, this);
    connect(c, &Connection::closed, this, [this] { --m_refusing; });
    c->refuse(error);
}

bool Server::makeRoom(const QHostAddress *address)
{
    // Oldest first: tier 1 that has had its turn, tier 1 with input it has not read yet (a
    // client whose request arrived in the same burst of accepts as the flood), then tier 2.
    for (int pass = 0; pass < 3; ++pass) {
        const auto it =
            std::find_if(m_connections.begin(), m_connections.end(), [&](Connection *c) {
                if (address && c->peer() != *address)
                    return false;
                const int tier = c->evictionTier();
                if (pass == 2)
                    return tier == 2;
                return tier == 1 && c->hasUnreadInput() == (pass == 1);
            });
        if (it != m_connections.end()) {
            (*it)->evict(); // synchronous: closed() has released the slot when this returns
            return true;
        }
    }
    return false;
}

void Server::handleAcceptError()
{
    // Out of descriptors (EMFILE/ENFILE): Qt stopped accepting. Free one if a connection may
    // go, and accept again shortly; never stay deaf.
    const bool freed = makeRoom(nullptr);
    QPointer<QTcpServer> listener = m_listener;
    QTimer::singleShot(freed ? 10 : 500, this, [listener] {
        if (listener)
            listener->resumeAccepting();
    });
}

void Server::release(const QHostAddress &address)
{
    --m_total;
    if (--m_perAddress[address] <= 0)
        m_perAddress.remove(address);
}

void Server::handleClosed(Connection *connection)
{
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it == m_connections.end())
        return;
    m_connections.erase(it);
    release(connection->peer());
    Q_EMIT connectionClosed();
}

void Server::handleUpgrade(Connection *connection, QTcpSocket *socket)
{
    // The slot stays taken by the WebSocket until its socket is gone.
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it != m_connections.end())
        m_connections.erase(it);
    QPointer<Server> self(this);
    new SlotRelease(socket, [self, peer = connection->peer()] {
        if (self) {
            self->release(peer);
            Q_EMIT self->connectionClosed();
        }
    });
    // A frame is read whole before its size is checked: the buffer must hold the largest
    // allowed one, or an over-limit frame would stall instead of being refused (1009).
    socket->setReadBufferSize(m_limits.webSocketMaxMessageBytes + 16);
    m_handshaking.append(socket);
    // A failed handshake closes the socket; nobody else deletes it then.
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    // QWebSocketServer reads the handshake still waiting in the socket and answers it.
    m_webSockets->handleConnection(socket);
}

void Server::handleNewWebSocket()
{
    while (m_webSockets->hasPendingConnections()) {
        std::unique_ptr<QWebSocket> ws(m_webSockets->nextPendingConnection());
        if (!ws)
            continue;
        // Its TCP socket goes with it (QWebSocket does not own it).
        m_handshaking.removeIf([&](const QPointer<QTcpSocket> &s) {
            if (s && s->peerPort() == ws->peerPort() && s->peerAddress() == ws->peerAddress()) {
                s->setParent(ws.get());
                return true;
            }
            return s.isNull();
        });
        ws->setMaxAllowedIncomingFrameSize(quint64(m_limits.webSocketMaxMessageBytes));
        ws->setMaxAllowedIncomingMessageSize(quint64(m_limits.webSocketMaxMessageBytes));
        // After sending a close frame (1009 for an over-limit message) QWebSocket waits for
        // the client's; that may sit behind unread frame bytes the full socket buffer never
        // takes in. The client gets lingerMs to answer, then the connection is dropped.
        QWebSocket *raw = ws.get();
        const int lingerMs = m_limits.lingerMs;
        connect(raw, &QWebSocket::stateChanged, raw,
                [raw, lingerMs](QAbstractSocket::SocketState s) {
                    if (s == QAbstractSocket::ClosingState)
                        QTimer::singleShot(lingerMs, raw, [raw] { raw->abort(); });
                });
        m_handler->handleWebSocket(std::move(ws));
    }
}

} // namespace mistudio::http
