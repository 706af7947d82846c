#include "server/compat/compatsockethub.h"

#include "server/compat/compatevents.h"
#include "server/socketio/socketioserver.h"
#include "service/modelservice.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

constexpr int kMaxChannel = 200;

} // namespace

CompatSocketHub::CompatSocketHub(ModelService *service, sio::SocketIoServer *io, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_io(io)
{
    io->on(u"subscribe"_s, [this](const QString &socketId, const QJsonArray &args,
                                  const sio::SocketIoServer::Ack &ack) {
        handleSubscribe(socketId, args, ack, true);
    });
    io->on(u"unsubscribe"_s, [this](const QString &socketId, const QJsonArray &args,
                                    const sio::SocketIoServer::Ack &ack) {
        handleSubscribe(socketId, args, ack, false);
    });
    // The original backend answers a `ping` event with a `pong` event (Engine.IO's own
    // heartbeat is separate and automatic).
    io->on(u"ping"_s, [this](const QString &socketId, const QJsonArray &, const sio::SocketIoServer::Ack &ack) {
        m_io->emitTo(socketId, u"pong"_s, {});
        if (ack)
            ack({});
    });
    connect(service->events(), &EventBus::eventPublished, this, &CompatSocketHub::handleEvent);
}

void CompatSocketHub::handleSubscribe(const QString &socketId, const QJsonArray &args,
                                      const sio::SocketIoServer::Ack &ack, bool subscribe)
{
    const QJsonValue channelValue = args.first().toObject().value(u"channel"_s);
    const QString channel = channelValue.toString();
    const auto refuse = [&](const QString &why) {
        if (ack)
            ack({QJsonObject{{u"error"_s, why}}});
    };
    if (!channelValue.isString() || channel.isEmpty() || channel.size() > kMaxChannel) {
        refuse(u"Send {\"channel\": \"<name>\"} (at most %1 characters)"_s.arg(kMaxChannel));
        return;
    }
    if (!subscribe) {
        m_io->leave(socketId, channel);
        m_io->emitTo(socketId, u"unsubscribed"_s, {QJsonObject{{u"channel"_s, channel}}});
        if (ack)
            ack({QJsonObject{{u"channel"_s, channel}}});
        return;
    }
    if (!m_io->join(socketId, channel)) {
        refuse(u"Too many subscriptions on this connection"_s);
        return;
    }
    m_io->emitTo(socketId, u"subscribed"_s, {QJsonObject{{u"channel"_s, channel}}});
    if (ack)
        ack({QJsonObject{{u"channel"_s, channel}}});
    // A model's channel: its state now, so that a page opened mid-download is current at once.
    if (const std::optional<QUuid> id = CompatEvents::modelOfProgressChannel(channel)) {
        if (const Result<ModelRecord> record = m_service->get(*id)) {
            for (const SocketEvent &e : CompatEvents::snapshot(*record, m_service->activeJob(*id)))
                m_io->emitTo(socketId, e.event, {e.data}, e.coalesceKey);
        }
    }
}

void CompatSocketHub::handleEvent(const ModelEvent &event)
{
    for (const SocketEvent &e : CompatEvents::translate(event))
        m_io->emitToRoom(e.channel, e.event, {e.data}, e.coalesceKey);
}

} // namespace mistudio::compat
