#include "server/socketio/socketioserver.h"

#include "server/socketio/engineioserver.h"
#include "server/socketio/socketiopacket.h"

#include <QJsonObject>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::sio {
namespace {

using Type = SocketIoPacket::Type;

QString eventPacket(const QString &event, const QJsonArray &args)
{
    SocketIoPacket p;
    p.type = Type::Event;
    QJsonArray data{event};
    for (const QJsonValue &a : args)
        data.append(a);
    p.data = data;
    return p.encode();
}

} // namespace

SocketIoServer::SocketIoServer(EngineIoServer *engine, SocketIoOptions options, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_options(options)
{
    connect(engine, &EngineIoServer::sessionOpened, this, &SocketIoServer::handleOpened);
    connect(engine, &EngineIoServer::messageReceived, this, &SocketIoServer::handleMessage);
    connect(engine, &EngineIoServer::sessionClosed, this, &SocketIoServer::handleClosed);
}

SocketIoServer::~SocketIoServer() = default;

void SocketIoServer::on(const QString &event, Handler handler)
{
    m_handlers.insert(event, std::move(handler));
}

void SocketIoServer::handleOpened(const QString &sid)
{
    m_unconnected.insert(sid);
    QTimer::singleShot(m_options.connectTimeoutMs, this, [this, sid] {
        if (m_unconnected.remove(sid))
            m_engine->closeSession(sid, u"connect timeout"_s);
    });
}

void SocketIoServer::handleMessage(const QString &sid, const QString &message)
{
    const Result<SocketIoPacket> parsed = SocketIoPacket::decode(message);
    if (!parsed || parsed->type == Type::BinaryEvent || parsed->type == Type::BinaryAck) {
        // The reference server ends the connection on a packet it cannot parse.
        m_engine->closeSession(sid, parsed ? u"binary events are not supported"_s : u"parse error"_s);
        return;
    }
    const SocketIoPacket &p = *parsed;
    if (p.type == Type::Connect) {
        if (p.nsp != u"/"_s) {
            SocketIoPacket error;
            error.type = Type::ConnectError;
            error.nsp = p.nsp;
            error.data = QJsonObject{{u"message"_s, u"Invalid namespace"_s}};
            m_engine->send(sid, error.encode());
            return;
        }
        if (m_socketOfSid.contains(sid))
            return; // connected already
        m_unconnected.remove(sid);
        Socket s{EngineIoServer::newId(), sid, {}};
        m_socketOfSid.insert(sid, s.id);
        m_sockets.insert(s.id, s);
        SocketIoPacket ok;
        ok.type = Type::Connect;
        ok.data = QJsonObject{{u"sid"_s, s.id}};
        m_engine->send(sid, ok.encode());
        Q_EMIT socketConnected(s.id);
        return;
    }
    const QString socketId = m_socketOfSid.value(sid);
    if (socketId.isEmpty() || p.nsp != u"/"_s)
        return; // not connected to that namespace: nothing to deliver it to
    if (p.type == Type::Disconnect) {
        disconnectSocket(sid, u"client namespace disconnect"_s);
        return;
    }
    if (p.type == Type::Event && p.data.isArray())
        handleEvent(m_sockets[socketId], p.data.toArray(), p.id);
    // Acknowledgements of our events: we never ask for any.
}

void SocketIoServer::handleEvent(Socket &socket, const QJsonArray &data, std::optional<qint64> ackId)
{
    const auto it = m_handlers.constFind(data.first().toString());
    if (it == m_handlers.constEnd())
        return;
    Ack ack;
    if (ackId) {
        const QString sid = socket.sid;
        const qint64 id = *ackId;
        auto sent = std::make_shared<bool>(false);
        ack = [this, sid, id, sent](const QJsonArray &args) {
            if (*sent)
                return;
            *sent = true;
            SocketIoPacket p;
            p.type = Type::Ack;
            p.id = id;
            p.data = args;
            m_engine->send(sid, p.encode());
        };
    }
    // A copy: the handler may register or remove handlers, or end this very socket.
    const Handler handler = it.value();
    const QString socketId = socket.id;
    QJsonArray args = data;
    args.removeFirst();
    handler(socketId, args, ack);
}

bool SocketIoServer::join(const QString &socketId, const QString &room)
{
    auto it = m_sockets.find(socketId);
    if (it == m_sockets.end())
        return false;
    if (it->rooms.contains(room))
        return true;
    if (it->rooms.size() >= m_options.maxRoomsPerSocket)
        return false;
    it->rooms.insert(room);
    m_rooms[room].insert(socketId);
    return true;
}

void SocketIoServer::leave(const QString &socketId, const QString &room)
{
    auto it = m_sockets.find(socketId);
    if (it == m_sockets.end() || !it->rooms.remove(room))
        return;
    auto r = m_rooms.find(room);
    if (r != m_rooms.end()) {
        r->remove(socketId);
        if (r->isEmpty())
            m_rooms.erase(r);
    }
}

QSet<QString> SocketIoServer::roomsOf(const QString &socketId) const
{
    return m_sockets.value(socketId).rooms;
}

void SocketIoServer::emitTo(const QString &socketId, const QString &event, const QJsonArray &args,
                            const QString &coalesceKey)
{
    const auto it = m_sockets.constFind(socketId);
    if (it != m_sockets.constEnd())
        m_engine->send(it->sid, eventPacket(event, args), coalesceKey);
}

void SocketIoServer::emitToRoom(const QString &room, const QString &event, const QJsonArray &args,
                                const QString &coalesceKey)
{
    const auto members = m_rooms.constFind(room);
    if (members == m_rooms.constEnd())
        return;
    const QString packet = eventPacket(event, args);
    // By session id: a send may close a session (overflow), which edits the rooms.
    QStringList sids;
    for (const QString &socketId : *members)
        sids << m_sockets.value(socketId).sid;
    for (const QString &sid : std::as_const(sids))
        m_engine->send(sid, packet, coalesceKey);
}

void SocketIoServer::disconnectSocket(const QString &sid, const QString &reason)
{
    const QString socketId = m_socketOfSid.take(sid);
    if (socketId.isEmpty())
        return;
    const QSet<QString> rooms = m_sockets.value(socketId).rooms;
    for (const QString &room : rooms)
        leave(socketId, room);
    m_sockets.remove(socketId);
    Q_EMIT socketDisconnected(socketId, reason);
}

void SocketIoServer::handleClosed(const QString &sid, const QString &reason)
{
    m_unconnected.remove(sid);
    disconnectSocket(sid, reason);
}

} // namespace mistudio::sio
