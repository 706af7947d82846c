#pragma once

#include "server/socketio/engineiotypes.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <optional>

class QWebSocket;

namespace mistudio::sio {

class EngineIoSession;

// The Engine.IO v4 server behind one path (/ws/socket.io): handshakes, sessions, both
// transports (HTTP long-polling and WebSocket, with the upgrade from the first to the second),
// and its errors ({"code","message"} with 400, 403, 429 or 503). It knows no HTTP: the HTTP
// layer hands it polling requests with a responder and upgraded WebSockets, and checks access
// (token, origin, host) before it does. Lives on one thread; signals are emitted on it.
class EngineIoServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineIoServer)

public:
    explicit EngineIoServer(EngineIoOptions options = {}, QObject *parent = nullptr);
    ~EngineIoServer() override;

    const EngineIoOptions &options() const { return m_options; }
    // 120 random bits, URL-safe: session and socket ids.
    static QString newId();

    // A GET (handshake or long-poll) or POST of the polling transport. `responder` is called
    // once, now or later; `context` is the request's connection (a held long-poll is forgotten
    // when it is destroyed), or nullptr.
    void handlePolling(const PollingRequest &request, PollingResponder responder, QObject *context);
    // Whether a WebSocket upgrade request may be accepted: nullopt, or the refusal to send.
    std::optional<PollingReply> checkWebSocket(const QUrlQuery &query, const QHostAddress &peer) const;
    // An accepted WebSocket (checkWebSocket said yes): a new session, or the upgrade of the
    // polling session its sid names.
    void handleWebSocket(std::unique_ptr<QWebSocket> socket, const QUrlQuery &query,
                         const QHostAddress &peer);

    // A message to one session; false when there is no such session or it closed (overflow).
    bool send(const QString &sid, const QString &message, const QString &coalesceKey = {});
    void closeSession(const QString &sid, const QString &reason);
    int sessionCount() const { return int(m_sessions.size()); }
    // Packets waiting in one session's queue (0 for an unknown sid).
    int queuedPackets(const QString &sid) const;

Q_SIGNALS:
    void sessionOpened(const QString &sid);
    void messageReceived(const QString &sid, const QString &message);
    void sessionClosed(const QString &sid, const QString &reason);

private:
    // The refusal for a request's EIO/transport/sid, if any.
    std::optional<PollingReply> checkQuery(const QUrlQuery &query, const QString &transport) const;
    std::optional<PollingReply> checkCapacity(const QHostAddress &peer) const;
    EngineIoSession *createSession(const QHostAddress &peer);
    void handleClosed(EngineIoSession *session, const QString &reason);

    EngineIoOptions m_options;
    QHash<QString, EngineIoSession *> m_sessions;
    QHash<QHostAddress, int> m_perAddress;
};

} // namespace mistudio::sio
