#pragma once

#include "httpmessage.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace mistudio::fakehub {

// One accepted HTTP/1.1 connection: parses requests (keep-alive, Content-Length bodies), asks the
// handler for a response, and streams the body itself so that faults can act on the wire (truncate,
// stall, short chunked body, corruption, bandwidth cap). Lives in the server thread.
class HttpConnection final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(HttpRequest &)>;
    // Called as body bytes go out; `finished` once the response is over (complete or cut).
    using Progress = std::function<void(int logIndex, qint64 bodyBytes, bool finished)>;

    HttpConnection(QTcpSocket *socket, int id, Handler handler, Progress progress, QObject *parent = nullptr);
    ~HttpConnection() override;
    Q_DISABLE_COPY_MOVE(HttpConnection)

private:
    void handleReadyRead();
    void handleDisconnected();
    void processBuffer();
    void startResponse(HttpResponse response);
    void pump();
    void finishResponse();
    void endWithClose(bool abort);
    void report(bool finished);

    QTcpSocket *m_socket;
    int m_id;
    Handler m_handler;
    Progress m_progress;
    QByteArray m_buffer;
    QTimer m_timer;

    bool m_busy = false;
    bool m_closing = false;
    bool m_keepAlive = true;
    bool m_chunked = false;
    bool m_stalled = false;
    bool m_continued = false; // 100 Continue sent for the request being read
    HttpResponse m_response;
    qint64 m_pos = 0;        // body bytes queued so far
    // The bandwidth cap belongs to the connection, not to one response: a client that asks for
    // many small ranges over one keep-alive connection gets no fresh burst with each. Time
    // counts only while a capped response is being sent (an idle connection banks nothing), and a
    // late timer is made up for (this server's lateness is not the client's).
    QElapsedTimer m_clock;     // since the current capped response started
    qint64 m_cappedMs = 0;     // capped-response time before it, on this connection
    qint64 m_cappedSent = 0;   // body bytes those responses sent
    qint64 m_cappedRate = 0;   // their rate: another rate starts the count afresh
};

} // namespace mistudio::fakehub
