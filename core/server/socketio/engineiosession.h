#pragma once

#include "server/socketio/engineiopacket.h"
#include "server/socketio/engineiotypes.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>

class QWebSocket;

namespace mistudio::sio {

// One Engine.IO v4 session: its transport (HTTP long-polling, then perhaps a WebSocket it was
// upgraded to, or a WebSocket from the start), the packets waiting for it, and its heartbeat.
// The server pings every pingInterval; a pong must come within pingTimeout or the session
// closes ("ping timeout"), which is also how a vanished client's session expires.
class EngineIoSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineIoSession)

public:
    enum class Transport { Polling, WebSocket };

    EngineIoSession(QString id, QHostAddress peer, const EngineIoOptions &options,
                    QObject *parent = nullptr);
    ~EngineIoSession() override;

    const QString &id() const { return m_id; }
    const QHostAddress &peer() const { return m_peer; }
    Transport transport() const { return m_transport; }
    bool isUpgrading() const { return m_probe != nullptr; }
    bool isClosed() const { return m_closed; }
    int queuedPackets() const { return int(m_outbox.size()); }

    // The open packet's JSON ({"sid","upgrades","pingInterval","pingTimeout","maxPayload"}).
    QString openPacket() const;
    // Starts the heartbeat. A session made for a WebSocket sends its open packet first.
    void start();

    // GET: answered at once with what is waiting, or held until something is (a long-poll).
    // `context` is the request's connection: when it goes, the held request is forgotten.
    void handlePoll(PollingResponder responder, QObject *context);
    // POST: the client's packets.
    void handlePost(const QByteArray &body, const PollingResponder &responder);
    // A WebSocket for a session made for it (its whole life on that transport).
    void attachWebSocket(std::unique_ptr<QWebSocket> socket);
    // A WebSocket opened to upgrade this polling session ("2probe", "3probe", "5").
    void probeWebSocket(std::unique_ptr<QWebSocket> socket);

    // Queues a message packet; `coalesceKey` (non-empty) replaces a queued packet with the same
    // key. False when the session closed because its queue overflowed.
    bool send(const QString &message, const QString &coalesceKey = {});
    // Closes the session, telling the client (a close packet) when it can still hear it.
    void close(const QString &reason);

Q_SIGNALS:
    void messageReceived(const QString &message);
    void closed(const QString &reason);

private:
    struct Queued
    {
        QString packet; // encoded
        QString key;
    };

    bool enqueue(const QString &packet, const QString &key);
    void flush();
    void replyToPoll(const QString &payload);
    void handlePacket(const EngineIoPacket &packet);
    void handleWebSocketText(const QString &text);
    void handleProbeText(const QString &text);
    void finishUpgrade();
    void dropProbe();
    void connectWebSocket(QWebSocket *socket);
    void schedulePing();

    QString m_id;
    QHostAddress m_peer;
    EngineIoOptions m_options;
    Transport m_transport = Transport::Polling;
    bool m_closed = false;
    bool m_probed = false; // "2probe" seen on the probe WebSocket

    std::deque<Queued> m_outbox;
    qint64 m_outboxChars = 0;

    PollingResponder m_poll; // a held GET
    QMetaObject::Connection m_pollContextGone;

    std::unique_ptr<QWebSocket> m_ws;
    qint64 m_wsPending = 0; // bytes handed to m_ws and not written yet
    std::unique_ptr<QWebSocket> m_probe;

    QTimer m_pingTimer;
    QTimer m_pongTimer;
    QTimer m_upgradeTimer;
};

} // namespace mistudio::sio
