#include "server/socketio/engineioserver.h"

#include "server/socketio/engineiosession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QWebSocket>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::sio {
namespace {

// The reference server's error codes and messages.
enum class Code { TransportUnknown = 0, SessionIdUnknown = 1, BadHandshakeMethod = 2, BadRequest = 3,
                  Forbidden = 4, UnsupportedProtocolVersion = 5 };

PollingReply refusal(int status, Code code, const QString &message)
{
    const QJsonObject o{{u"code"_s, int(code)}, {u"message"_s, message}};
    return PollingReply{status, "application/json", QJsonDocument(o).toJson(QJsonDocument::Compact)};
}

} // namespace

EngineIoServer::EngineIoServer(EngineIoOptions options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{}

// As long as the reference server's ids (20 characters).
QString EngineIoServer::newId()
{
    std::array<quint32, 4> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    const QByteArray bytes(reinterpret_cast<const char *>(words.data()), 15);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

EngineIoServer::~EngineIoServer()
{
    const QList<EngineIoSession *> sessions = m_sessions.values();
    m_sessions.clear();
    for (EngineIoSession *s : sessions) {
        s->disconnect(this);
        delete s;
    }
}

std::optional<PollingReply> EngineIoServer::checkQuery(const QUrlQuery &query, const QString &transport) const
{
    if (query.queryItemValue(u"EIO"_s) != u"4"_s)
        return refusal(400, Code::UnsupportedProtocolVersion, u"Unsupported protocol version"_s);
    const QString t = query.queryItemValue(u"transport"_s);
    if (t != u"polling"_s && t != u"websocket"_s)
        return refusal(400, Code::TransportUnknown, u"Transport unknown"_s);
    if (t != transport)
        return refusal(400, Code::BadRequest, u"Bad request"_s);
    const QString sid = query.queryItemValue(u"sid"_s);
    if (sid.isEmpty())
        return std::nullopt;
    EngineIoSession *s = m_sessions.value(sid);
    if (!s)
        return refusal(400, Code::SessionIdUnknown, u"Session ID unknown"_s);
    // A session upgraded to a WebSocket takes no more polls, and is upgraded at most once.
    if (s->transport() != EngineIoSession::Transport::Polling || (transport == u"websocket"_s && s->isUpgrading()))
        return refusal(400, Code::BadRequest, u"Bad request"_s);
    return std::nullopt;
}

std::optional<PollingReply> EngineIoServer::checkCapacity(const QHostAddress &peer) const
{
    if (m_sessions.size() >= m_options.maxSessions)
        return refusal(503, Code::BadRequest, u"Too many sessions; try again later"_s);
    if (m_perAddress.value(peer) >= m_options.maxSessionsPerAddress)
        return refusal(429, Code::BadRequest, u"Too many sessions from this address"_s);
    return std::nullopt;
}

EngineIoSession *EngineIoServer::createSession(const QHostAddress &peer)
{
    auto *s = new EngineIoSession(newId(), peer, m_options, this);
    m_sessions.insert(s->id(), s);
    ++m_perAddress[peer];
    connect(s, &EngineIoSession::messageReceived, this,
            [this, s](const QString &message) { Q_EMIT messageReceived(s->id(), message); });
    connect(s, &EngineIoSession::closed, this,
            [this, s](const QString &reason) { handleClosed(s, reason); });
    return s;
}

void EngineIoServer::handleClosed(EngineIoSession *session, const QString &reason)
{
    if (m_sessions.value(session->id()) != session)
        return;
    m_sessions.remove(session->id());
    if (--m_perAddress[session->peer()] <= 0)
        m_perAddress.remove(session->peer());
    session->disconnect(this);
    session->deleteLater(); // it may be inside one of its own calls
    Q_EMIT sessionClosed(session->id(), reason);
}

void EngineIoServer::handlePolling(const PollingRequest &request, PollingResponder responder, QObject *context)
{
    if (std::optional<PollingReply> refused = checkQuery(request.query, u"polling"_s)) {
        responder(*refused);
        return;
    }
    const QString sid = request.query.queryItemValue(u"sid"_s);
    if (sid.isEmpty()) {
        if (request.method != "GET") {
            responder(refusal(400, Code::BadHandshakeMethod, u"Bad handshake method"_s));
            return;
        }
        if (std::optional<PollingReply> full = checkCapacity(request.peer)) {
            responder(*full);
            return;
        }
        EngineIoSession *s = createSession(request.peer);
        responder(PollingReply{200, "text/plain; charset=UTF-8", s->openPacket().toUtf8()});
        s->start();
        Q_EMIT sessionOpened(s->id());
        return;
    }
    EngineIoSession *s = m_sessions.value(sid);
    if (request.method == "GET")
        s->handlePoll(std::move(responder), context);
    else if (request.method == "POST")
        s->handlePost(request.body, responder);
    else
        responder(refusal(400, Code::BadRequest, u"Bad request"_s));
}

std::optional<PollingReply> EngineIoServer::checkWebSocket(const QUrlQuery &query, const QHostAddress &peer) const
{
    if (std::optional<PollingReply> refused = checkQuery(query, u"websocket"_s))
        return refused;
    if (query.queryItemValue(u"sid"_s).isEmpty())
        return checkCapacity(peer);
    return std::nullopt;
}

void EngineIoServer::handleWebSocket(std::unique_ptr<QWebSocket> socket, const QUrlQuery &query,
                                     const QHostAddress &peer)
{
    if (checkWebSocket(query, peer)) {
        // Checked when the upgrade was accepted; the session may have gone since.
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"session unknown"_s);
        socket.release()->deleteLater();
        return;
    }
    const QString sid = query.queryItemValue(u"sid"_s);
    if (!sid.isEmpty()) {
        m_sessions.value(sid)->probeWebSocket(std::move(socket));
        return;
    }
    EngineIoSession *s = createSession(peer);
    s->attachWebSocket(std::move(socket));
    s->start();
    Q_EMIT sessionOpened(s->id());
}

bool EngineIoServer::send(const QString &sid, const QString &message, const QString &coalesceKey)
{
    EngineIoSession *s = m_sessions.value(sid);
    return s && s->send(message, coalesceKey);
}

void EngineIoServer::closeSession(const QString &sid, const QString &reason)
{
    if (EngineIoSession *s = m_sessions.value(sid))
        s->close(reason);
}

int EngineIoServer::queuedPackets(const QString &sid) const
{
    const EngineIoSession *s = m_sessions.value(sid);
    return s ? s->queuedPackets() : 0;
}

} // namespace mistudio::sio
