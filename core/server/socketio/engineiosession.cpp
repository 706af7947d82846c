#include "server/socketio/engineiosession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::sio {
namespace {

using Type = EngineIoPacket::Type;

constexpr QChar kSeparator = QChar(0x1e);

QString packet(Type type, const QString &data = {})
{
    return EngineIoPacket::of(type, data).encode();
}

// Disconnects a socket from the session and deletes it once control returns to the event loop
// (it may be inside one of its own signals).
void retire(std::unique_ptr<QWebSocket> &socket, QObject *receiver, bool closeIt)
{
    if (!socket)
        return;
    socket->disconnect(receiver);
    if (closeIt)
        socket->close();
    socket.release()->deleteLater();
}

} // namespace

EngineIoSession::EngineIoSession(QString id, QHostAddress peer, const EngineIoOptions &options,
                                 QObject *parent)
    : QObject(parent)
    , m_id(std::move(id))
    , m_peer(std::move(peer))
    , m_options(options)
{
    m_pingTimer.setSingleShot(true);
    m_pongTimer.setSingleShot(true);
    m_upgradeTimer.setSingleShot(true);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        enqueue(packet(Type::Ping), {});
        m_pongTimer.start(m_options.pingTimeoutMs);
    });
    connect(&m_pongTimer, &QTimer::timeout, this, [this] { close(u"ping timeout"_s); });
    connect(&m_upgradeTimer, &QTimer::timeout, this, [this] { dropProbe(); });
}

EngineIoSession::~EngineIoSession()
{
    QObject::disconnect(m_pollContextGone);
    retire(m_ws, this, false);
    retire(m_probe, this, false);
}

QString EngineIoSession::openPacket() const
{
    const QJsonArray upgrades = m_transport == Transport::Polling ? QJsonArray{u"websocket"_s} : QJsonArray{};
    const QJsonObject o{{u"sid"_s, m_id},
                        {u"upgrades"_s, upgrades},
                        {u"pingInterval"_s, m_options.pingIntervalMs},
                        {u"pingTimeout"_s, m_options.pingTimeoutMs},
                        {u"maxPayload"_s, m_options.maxPayload}};
    return packet(Type::Open, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

void EngineIoSession::start()
{
    if (m_transport == Transport::WebSocket && m_ws)
        m_wsPending += m_ws->sendTextMessage(openPacket());
    schedulePing();
}

void EngineIoSession::schedulePing()
{
    m_pongTimer.stop();
    m_pingTimer.start(m_options.pingIntervalMs);
}

bool EngineIoSession::send(const QString &message, const QString &coalesceKey)
{
    return enqueue(packet(Type::Message, message), coalesceKey);
}

bool EngineIoSession::enqueue(const QString &encoded, const QString &key)
{
    if (m_closed)
        return false;
    if (!key.isEmpty()) {
        // Latest wins: the older packet goes, the newer one takes its place at the end (after
        // everything queued since, which is where it belongs in time).
        for (auto it = m_outbox.begin(); it != m_outbox.end(); ++it) {
            if (it->key == key) {
                m_outboxChars -= it->packet.size();
                m_outbox.erase(it);
                break;
            }
        }
    }
    m_outbox.push_back({encoded, key});
    m_outboxChars += encoded.size();
    if (int(m_outbox.size()) > m_options.maxQueuedPackets || m_outboxChars > m_options.maxQueuedBytes) {
        close(u"send buffer overflow: the client does not read its events"_s);
        return false;
    }
    flush();
    return true;
}

void EngineIoSession::flush()
{
    if (m_closed)
        return;
    if (m_transport == Transport::WebSocket) {
        while (m_ws && !m_outbox.empty() && m_wsPending < m_options.maxWebSocketPendingBytes) {
            const Queued q = std::move(m_outbox.front());
            m_outbox.pop_front();
            m_outboxChars -= q.packet.size();
            m_wsPending += m_ws->sendTextMessage(q.packet);
        }
        return;
    }
    if (!m_poll || m_outbox.empty())
        return;
    QString payload;
    for (const Queued &q : m_outbox) {
        if (!payload.isEmpty())
            payload += kSeparator;
        payload += q.packet;
    }
    m_outbox.clear();
    m_outboxChars = 0;
    replyToPoll(payload);
}

void EngineIoSession::replyToPoll(const QString &payload)
{
    // Held only while its connection lives (the context's destruction forgets it).
    PollingResponder poll = std::move(m_poll);
    m_poll = nullptr;
    QObject::disconnect(m_pollContextGone);
    if (poll)
        poll(PollingReply{200, "text/plain; charset=UTF-8", payload.toUtf8()});
}

void EngineIoSession::handlePoll(PollingResponder responder, QObject *context)
{
    if (m_poll) {
        // Two long-polls at once: the protocol forbids it; the session ends.
        responder(PollingReply{400, "application/json", R"({"code":3,"message":"Bad request"})"});
        close(u"transport error: overlapping polls"_s);
        return;
    }
    m_poll = std::move(responder);
    m_pollContextGone = {};
    if (context) {
        m_pollContextGone = connect(context, &QObject::destroyed, this, [this] {
            // The client went away with its poll; what it would have got stays queued.
            m_poll = nullptr;
        });
    }
    if (!m_outbox.empty())
        flush();
    else if (m_probed)
        replyToPoll(packet(Type::Noop)); // let the client pause polling for its upgrade
}

void EngineIoSession::handlePost(const QByteArray &body, const PollingResponder &responder)
{
    if (body.size() > m_options.maxPayload) {
        responder(PollingReply{413, "application/json", R"({"code":3,"message":"Payload too large"})"});
        close(u"transport error: payload too large"_s);
        return;
    }
    const std::optional<QList<EngineIoPacket>> packets =
        EngineIoPacket::decodePayload(QString::fromUtf8(body), m_options.maxPacketsPerPayload);
    if (!packets) {
        responder(PollingReply{400, "application/json", R"({"code":3,"message":"Bad request"})"});
        close(u"parse error"_s);
        return;
    }
    // Answered first: a packet may close the session, and the answer still belongs to this POST.
    responder(PollingReply{200, "text/html", "ok"});
    QPointer<EngineIoSession> alive(this);
    for (const EngineIoPacket &p : *packets) {
        if (!alive || m_closed)
            return;
        handlePacket(p);
    }
}

void EngineIoSession::handlePacket(const EngineIoPacket &p)
{
    if (p.isBinary) {
        close(u"parse error: binary messages are not supported"_s);
        return;
    }
    switch (p.type) {
    case Type::Pong:
        schedulePing();
        return;
    case Type::Ping:
        enqueue(packet(Type::Pong, p.data), {});
        return;
    case Type::Message:
        Q_EMIT messageReceived(p.data);
        return;
    case Type::Close:
        close(u"transport close"_s);
        return;
    case Type::Open:
    case Type::Upgrade:
    case Type::Noop:
        return;
    }
}

void EngineIoSession::connectWebSocket(QWebSocket *socket)
{
    socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxPayload));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxPayload));
    connect(socket, &QWebSocket::bytesWritten, this, [this](qint64 n) {
        m_wsPending = std::max<qint64>(0, m_wsPending - n);
        flush();
    });
}

void EngineIoSession::attachWebSocket(std::unique_ptr<QWebSocket> socket)
{
    m_transport = Transport::WebSocket;
    m_ws = std::move(socket);
    connectWebSocket(m_ws.get());
    connect(m_ws.get(), &QWebSocket::textMessageReceived, this, &EngineIoSession::handleWebSocketText);
    connect(m_ws.get(), &QWebSocket::binaryMessageReceived, this,
            [this] { close(u"parse error: binary messages are not supported"_s); });
    connect(m_ws.get(), &QWebSocket::disconnected, this, [this] { close(u"transport close"_s); });
}

void EngineIoSession::handleWebSocketText(const QString &text)
{
    const std::optional<EngineIoPacket> p = EngineIoPacket::decode(text);
    if (!p) {
        close(u"parse error"_s);
        return;
    }
    handlePacket(*p);
}

void EngineIoSession::probeWebSocket(std::unique_ptr<QWebSocket> socket)
{
    if (m_closed || m_transport != Transport::Polling || m_probe) {
        retire(socket, this, true);
        return;
    }
    m_probe = std::move(socket);
    connectWebSocket(m_probe.get());
    connect(m_probe.get(), &QWebSocket::textMessageReceived, this, &EngineIoSession::handleProbeText);
    connect(m_probe.get(), &QWebSocket::binaryMessageReceived, this, [this] { dropProbe(); });
    connect(m_probe.get(), &QWebSocket::disconnected, this, [this] { dropProbe(); });
    m_upgradeTimer.start(m_options.upgradeTimeoutMs);
}

void EngineIoSession::handleProbeText(const QString &text)
{
    if (text == packet(Type::Ping, u"probe"_s)) {
        m_probed = true;
        m_probe->sendTextMessage(packet(Type::Pong, u"probe"_s));
        // The client pauses polling before it upgrades: its held poll must come back.
        if (m_poll && m_outbox.empty())
            replyToPoll(packet(Type::Noop));
        return;
    }
    if (text == packet(Type::Upgrade) && m_probed) {
        finishUpgrade();
        return;
    }
    dropProbe();
}

void EngineIoSession::finishUpgrade()
{
    m_upgradeTimer.stop();
    m_probed = false;
    if (m_poll)
        replyToPoll(packet(Type::Noop));
    m_ws = std::move(m_probe);
    m_ws->disconnect(this);
    m_transport = Transport::WebSocket;
    m_wsPending = 0;
    connectWebSocket(m_ws.get());
    connect(m_ws.get(), &QWebSocket::textMessageReceived, this, &EngineIoSession::handleWebSocketText);
    connect(m_ws.get(), &QWebSocket::binaryMessageReceived, this,
            [this] { close(u"parse error: binary messages are not supported"_s); });
    connect(m_ws.get(), &QWebSocket::disconnected, this, [this] { close(u"transport close"_s); });
    flush();
}

void EngineIoSession::dropProbe()
{
    m_upgradeTimer.stop();
    m_probed = false;
    retire(m_probe, this, true);
}

void EngineIoSession::close(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_pingTimer.stop();
    m_pongTimer.stop();
    m_upgradeTimer.stop();
    m_outbox.clear();
    m_outboxChars = 0;
    if (m_poll)
        replyToPoll(packet(Type::Close));
    if (m_ws && m_ws->state() == QAbstractSocket::ConnectedState)
        m_ws->sendTextMessage(packet(Type::Close));
    retire(m_ws, this, true);
    retire(m_probe, this, true);
    Q_EMIT closed(reason);
}

} // namespace mistudio::sio
