#pragma once

#include <QJsonArray>
#include <QObject>

#include <functional>

namespace mistudio {

class ModelEvent;
class ModelService;

namespace sio {
class SocketIoServer;
}

namespace compat {

// What the original frontend does over Socket.IO, on our SocketIoServer: it emits
// `subscribe`/`unsubscribe` {channel} (answered with a `subscribed`/`unsubscribed` event, as the
// original backend does, and the acknowledgement when it asks for one) and `ping` (answered with
// `pong`); it receives our events, translated by CompatEvents, in the room of their channel. A
// client subscribing to "models/<id>/progress" gets that model's state at once.
class CompatSocketHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompatSocketHub)

public:
    CompatSocketHub(ModelService *service, sio::SocketIoServer *io, QObject *parent = nullptr);

private:
    void handleSubscribe(const QString &socketId, const QJsonArray &args,
                         const std::function<void(const QJsonArray &)> &ack, bool subscribe);
    void handleEvent(const ModelEvent &event);

    ModelService *m_service;
    sio::SocketIoServer *m_io;
};

} // namespace compat
} // namespace mistudio
