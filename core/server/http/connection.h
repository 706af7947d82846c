#pragma once

#include "common/error.h"
#include "server/http/filerange.h"
#include "server/http/limits.h"
#include "server/http/requesthead.h"
#include "server/http/response.h"

#include <QBasicTimer>
#include <QObject>

class QTcpSocket;

namespace mistudio::http {

class Handler;

// One client connection of a Server: reads requests one after the other (keep-alive,
// sequential pipelining), holds each phase to its limit and deadline, and writes the answers.
//
// The head is read inside a QIODevice transaction and only skipped once parsed, so a
// WebSocket upgrade hands over a socket whose handshake is still unread. Bytes of a following
// pipelined request stay in the socket (whose buffer is bounded) until the current answer is
// sent: a client cannot queue work faster than it reads the answers.
class Connection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)

public:
    enum class Phase
    {
        Head,
        Body,
        Handling,
        Sending,
        Lingering,
        Closing,
        Closed
    };

    Connection(QTcpSocket *socket, Handler *handler, const Limits &limits, QObject *parent);
    ~Connection() override;

    // Starts reading the first request.
    void start();
    // Answers `error` at once (the server is at a cap) and closes.
    void refuse(const Error &error);
    // Closes at once: the server needs the slot for a newer connection.
    void evict();

    const QHostAddress &peer() const { return m_peer; }
    Phase phase() const { return m_phase; }
    // 1: never completed an accepted request (pre-auth, slow or silent) or on its way out;
    // 2: completed one and now waits for, or reads, the next; 0: a request is being handled
    // or answered. The server evicts tier 1 before tier 2 and never tier 0.
    int evictionTier() const;
    // Bytes arrived that this connection has not looked at yet (it has not had its turn since:
    // accepted in the same burst, say). The server evicts such a connection last in its tier.
    bool hasUnreadInput() const;

    // The peer address, IPv4-mapped IPv6 addresses as IPv4 (one client, one key).
    static QHostAddress clientAddress(const QTcpSocket *socket);

Q_SIGNALS:
    void closed();
    // The head asked for a WebSocket and the handler agreed: the server takes the socket,
    // whose handshake bytes are still unread. The connection is done.
    void upgradeRequested(QTcpSocket *socket);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    friend class Responder;

    void handleReadyRead();
    void handleBytesWritten();
    void handleDisconnected();

    void startRequest(bool idle);
    void readHead();
    void readBody();
    void dispatch();
    void respond(quint64 exchange, Response response);
    // A refusal by the server itself: rendered by the handler, then a lingering close.
    void fail(const Error &error);
    void sendResponse(Response response, bool closeAfter, bool lingerAfter);
    void pumpFile();
    void checkSent();
    void closeGracefully();
    void startLinger();
    void discardInput();
    void endTransaction();
    void upgrade();
    void finish();
    void arm(int ms);

    QTcpSocket *m_socket;
    Handler *m_handler;
    const Limits &m_limits;
    QHostAddress m_peer;
    quint16 m_peerPort;
    Phase m_phase = Phase::Head;
    QBasicTimer m_timer;

    // The request being read or answered.
    QByteArray m_head;       // bytes of the head read so far (inside the transaction)
    qsizetype m_skipped = 0; // empty lines before the request line
    qsizetype m_scanned = 0;
    bool m_waitingIdle = false;
    RequestHead m_request;
    bool m_haveRequest = false; // m_request holds this request's parsed head
    bool m_accepted = false;    // the handler asked for its body
    qint64 m_bodyLimit = 0;
    QByteArray m_body;
    quint64 m_exchange = 0;

    // The answer being sent.
    bool m_closeAfter = false;
    bool m_lingerAfter = false;
    FileRange m_file;
    qint64 m_fileSent = 0;
    bool m_sendfileWorks = true;
    qint64 m_discarded = 0;

    int m_answered = 0;  // responses sent
    int m_completed = 0; // accepted requests answered
};

} // namespace mistudio::http
