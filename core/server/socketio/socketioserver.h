#pragma once

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>

#include <functional>
#include <optional>

namespace mistudio::sio {

class EngineIoServer;

struct SocketIoOptions
{
    // A client that opens an Engine.IO session but does not connect to a namespace within this
    // is dropped (the reference server's connectTimeout).
    int connectTimeoutMs = 45000;
    // Rooms one socket may be in at once; a join over it is refused.
    int maxRoomsPerSocket = 256;
};

// Socket.IO v5 over an EngineIoServer: the main namespace "/" (others are refused with a
// CONNECT_ERROR), sockets with their own ids, rooms, events from clients dispatched to
// handlers with their acknowledgement, and events to a socket or a room. Malformed packets end
// the session, as the reference server does. Binary events are not supported.
class SocketIoServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketIoServer)

public:
    // Sends the acknowledgement of an event (empty when the client asked for none).
    using Ack = std::function<void(const QJsonArray &args)>;
    using Handler = std::function<void(const QString &socketId, const QJsonArray &args, const Ack &ack)>;

    SocketIoServer(EngineIoServer *engine, SocketIoOptions options = {}, QObject *parent = nullptr);
    ~SocketIoServer() override;

    // The handler of an event a client emits (one per name).
    void on(const QString &event, Handler handler);

    // False when the socket is unknown or already in maxRoomsPerSocket rooms.
    bool join(const QString &socketId, const QString &room);
    void leave(const QString &socketId, const QString &room);
    QSet<QString> roomsOf(const QString &socketId) const;
    int socketCount() const { return int(m_sockets.size()); }
    int roomSize(const QString &room) const { return int(m_rooms.value(room).size()); }

    // `coalesceKey` (non-empty): a queued packet with the same key is replaced (latest wins).
    void emitTo(const QString &socketId, const QString &event, const QJsonArray &args,
                const QString &coalesceKey = {});
    void emitToRoom(const QString &room, const QString &event, const QJsonArray &args,
                    const QString &coalesceKey = {});

Q_SIGNALS:
    void socketConnected(const QString &socketId);
    void socketDisconnected(const QString &socketId, const QString &reason);

private:
    struct Socket
    {
        QString id;  // the socket id (not the Engine.IO session id)
        QString sid; // its Engine.IO session
        QSet<QString> rooms;
    };

    void handleOpened(const QString &sid);
    void handleMessage(const QString &sid, const QString &message);
    void handleClosed(const QString &sid, const QString &reason);
    void disconnectSocket(const QString &sid, const QString &reason);
    void handleEvent(Socket &socket, const QJsonArray &data, std::optional<qint64> ackId);

    EngineIoServer *m_engine;
    SocketIoOptions m_options;
    QHash<QString, Handler> m_handlers;
    QHash<QString, Socket> m_sockets;       // by socket id
    QHash<QString, QString> m_socketOfSid;  // Engine.IO session → socket id
    QHash<QString, QSet<QString>> m_rooms;  // room → socket ids
    QSet<QString> m_unconnected;            // sessions that have not connected to "/" yet
};

} // namespace mistudio::sio
