#include "server/http/connection.h"

#include "server/http/handler.h"
#include "server/http/requestparser.h"

#include <QTcpSocket>
#include <QTimerEvent>

#include <cerrno>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/sendfile.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace mistudio::http {
namespace {

// A file body goes out in pieces: sendfile(2) takes up to this much per call, and one pass of
// the event loop sends at most kFilePassBytes before it lets other connections run.
constexpr qint64 kSendfileChunk = 1024 * 1024;
constexpr qint64 kFilePassBytes = 8 * 1024 * 1024;
// Through Qt's write buffer (no sendfile, or the kernel's buffer is full): one read at a time.
constexpr qint64 kReadChunk = 64 * 1024;

} // namespace

QHostAddress Connection::clientAddress(const QTcpSocket *socket)
{
    const QHostAddress a = socket->peerAddress();
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : a;
}

Connection::Connection(QTcpSocket *socket, Handler *handler, const Limits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_handler(handler)
    , m_limits(limits)
    , m_peer(clientAddress(socket))
    , m_peerPort(socket->peerPort())
{
    socket->setParent(this);
    // Room for a whole head and one byte more, so that an oversized one is seen as such;
    // while a request is handled the socket stops reading there (TCP pushes back).
    socket->setReadBufferSize(m_limits.maxHeaderBytes + 1);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &Connection::handleReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &Connection::handleBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &Connection::handleDisconnected);
    connect(socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket && m_socket->state() != QAbstractSocket::ConnectedState)
            finish();
    });
}

Connection::~Connection() = default;

void Connection::start()
{
    startRequest(false);
}

void Connection::refuse(const Error &error)
{
    sendResponse(m_handler->errorResponse(error), true, true);
}

void Connection::evict()
{
    if (m_phase == Phase::Closed)
        return;
    m_socket->abort();
    finish();
}

int Connection::evictionTier() const
{
    switch (m_phase) {
    case Phase::Head:
    case Phase::Body:
        return m_completed == 0 ? 1 : 2;
    case Phase::Sending:
        return m_accepted ? 0 : 1; // a refusal being sent is on its way out
    case Phase::Lingering:
    case Phase::Closing:
        return 1;
    case Phase::Handling:
    case Phase::Closed:
        return 0;
    }
    return 0;
}

bool Connection::hasUnreadInput() const
{
    if (!m_socket || m_phase == Phase::Closed)
        return false;
    if (m_socket->bytesAvailable() > 0)
        return true;
    int queued = 0;
    return ::ioctl(int(m_socket->socketDescriptor()), FIONREAD, &queued) == 0 && queued > 0;
}

void Connection::arm(int ms)
{
    m_timer.start(std::max(1, ms), this);
}

void Connection::startRequest(bool idle)
{
    m_phase = Phase::Head;
    m_head.clear();
    m_skipped = 0;
    m_scanned = 0;
    m_request = RequestHead();
    m_haveRequest = false;
    m_accepted = false;
    m_body.clear();
    m_waitingIdle = idle;
    arm(idle ? m_limits.idleTimeoutMs : m_limits.headerTimeoutMs);
    // A pipelined request may be waiting in the buffer already: no readyRead will announce it.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Connection::handleReadyRead, Qt::QueuedConnection);
}

void Connection::handleReadyRead()
{
    switch (m_phase) {
    case Phase::Head:
        readHead();
        break;
    case Phase::Body:
        readBody();
        break;
    case Phase::Lingering:
        discardInput();
        break;
    case Phase::Handling:
    case Phase::Sending:
    case Phase::Closing:
    case Phase::Closed:
        break; // the next request waits in the (bounded) buffer
    }
}

void Connection::endTransaction()
{
    if (m_socket->isTransactionStarted())
        m_socket->rollbackTransaction();
}

void Connection::readHead()
{
    if (!m_socket->isTransactionStarted())
        m_socket->startTransaction();
    const qsizetype room = m_limits.maxHeaderBytes + 1 - m_skipped - m_head.size();
    const QByteArray chunk = m_socket->read(std::max<qsizetype>(room, 0));
    if (chunk.isEmpty())
        return;
    if (m_waitingIdle) { // the first byte of a request: its head has its own deadline
        m_waitingIdle = false;
        arm(m_limits.headerTimeoutMs);
    }
    m_head += chunk;
    // Empty lines before a request line are skipped (RFC 9112 §2.2); they count as head bytes.
    while (m_head.startsWith("\r\n")) {
        m_head.remove(0, 2);
        m_skipped += 2;
    }
    const qsizetype end = RequestParser::findHeadEnd(m_head, m_scanned);
    if (end < 0 || m_skipped + end > m_limits.maxHeaderBytes) {
        if (m_skipped + m_head.size() > m_limits.maxHeaderBytes) {
            fail(Error::make(ErrorCode::HeadersTooLarge,
                             u"The request line and headers are larger than %1 bytes"_s.arg(
                                 m_limits.maxHeaderBytes),
                             {{u"limit_bytes"_s, qint64(m_limits.maxHeaderBytes)}}));
            return;
        }
        m_scanned = std::max<qsizetype>(0, m_head.size() - 3);
        return;
    }
    // Put everything back, then take exactly the head: what follows it stays in the socket.
    m_socket->rollbackTransaction();
    const qint64 headBytes = m_skipped + end;
    Result<RequestHead> parsed =
        RequestParser::parse(QByteArrayView(m_head).first(end), m_limits.maxHeaderCount);
    m_head.clear();
    if (!parsed) {
        m_socket->skip(headBytes);
        fail(parsed.error());
        return;
    }
    m_request = std::move(parsed).value();
    m_request.peer = m_peer;
    m_request.peerPort = m_peerPort;
    m_haveRequest = true;
    const HeadAction action = m_handler->handleHead(m_request);
    if (action.kind() == HeadAction::Kind::UpgradeWebSocket && m_request.webSocketUpgrade) {
        upgrade();
        return;
    }
    m_socket->skip(headBytes);
    switch (action.kind()) {
    case HeadAction::Kind::UpgradeWebSocket:
        fail(Error::make(ErrorCode::MalformedRequest,
                         u"%1 expects a WebSocket upgrade"_s.arg(m_request.path)));
        return;
    case HeadAction::Kind::Respond:
        // An announced body stays unread: this connection cannot carry another request.
        sendResponse(action.response(), m_request.contentLength > 0, m_request.contentLength > 0);
        return;
    case HeadAction::Kind::ReadBody:
        break;
    }
    m_bodyLimit = action.maxBodyBytes() < 0 ? m_limits.maxBodyBytes : action.maxBodyBytes();
    if (m_request.contentLength > m_bodyLimit) {
        fail(Error::make(ErrorCode::PayloadTooLarge,
                         u"The body is larger than %1 bytes"_s.arg(m_bodyLimit),
                         {{u"limit_bytes"_s, m_bodyLimit}}));
        return;
    }
    m_accepted = true;
    if (m_request.contentLength == 0) {
        dispatch();
        return;
    }
    if (m_request.expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_phase = Phase::Body;
    arm(m_limits.bodyTimeoutMs);
    readBody();
}

void Connection::readBody()
{
    const qint64 missing = m_request.contentLength - m_body.size();
    if (missing > 0 && m_socket->bytesAvailable() > 0)
        m_body += m_socket->read(std::min(missing, m_socket->bytesAvailable()));
    if (m_body.size() == m_request.contentLength)
        dispatch();
}

void Connection::dispatch()
{
    m_phase = Phase::Handling;
    m_timer.stop();
    const quint64 exchange = ++m_exchange;
    const QByteArray body = std::exchange(m_body, QByteArray());
    // Last statement: the handler may answer (and the next request start) before it returns.
    m_handler->handleRequest(m_request, body, Responder(this, exchange));
}

void Connection::respond(quint64 exchange, Response response)
{
    if (exchange != m_exchange || m_phase != Phase::Handling)
        return;
    sendResponse(std::move(response), false, false);
}

void Connection::fail(const Error &error)
{
    endTransaction();
    sendResponse(m_handler->errorResponse(error), true, true);
}

void Connection::sendResponse(Response response, bool closeAfter, bool lingerAfter)
{
    m_phase = Phase::Sending;
    const bool keepAlive = !closeAfter && !response.closeConnection && m_haveRequest &&
                           m_request.keepAlive &&
                           m_answered + 1 < m_limits.maxRequestsPerConnection;
    m_closeAfter = !keepAlive;
    m_lingerAfter = lingerAfter;
    QByteArray out = response.serializeHead(keepAlive);
    const bool withBody = response.allowsBody() && !(m_haveRequest && m_request.isHead());
    if (withBody && !response.file)
        out += response.body;
    m_socket->write(out);
    m_file = withBody && response.file ? *response.file : FileRange();
    m_fileSent = 0;
    arm(m_limits.sendTimeoutMs);
    pumpFile();
    checkSent();
}

void Connection::pumpFile()
{
    if (!m_file.isValid())
        return;
    qint64 pass = 0;
    while (m_fileSent < m_file.length()) {
        if (m_socket->bytesToWrite() > 0)
            return; // bytesWritten calls again once Qt's buffer has drained
        const qint64 offset = m_file.offset() + m_fileSent;
        const qint64 remaining = m_file.length() - m_fileSent;
#ifdef Q_OS_LINUX
        if (m_limits.useSendfile && m_sendfileWorks && pass < kFilePassBytes) {
            off_t off = off_t(offset);
            const ssize_t n = ::sendfile(int(m_socket->socketDescriptor()), m_file.fd(), &off,
                                         size_t(std::min(remaining, kSendfileChunk)));
            if (n > 0) {
                m_fileSent += n;
                pass += n;
                arm(m_limits.sendTimeoutMs);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EINVAL || errno == ENOSYS))
                m_sendfileWorks = false;
            else if (n == 0 || errno != EAGAIN) {
                m_socket->abort(); // the file shrank or the socket failed: the length was promised
                finish();
                return;
            }
            // EAGAIN: the kernel's buffer is full. One piece goes through Qt's buffer, whose
            // bytesWritten tells when the socket can take more.
        }
#endif
        QByteArray piece(std::min(remaining, kReadChunk), Qt::Uninitialized);
        const ssize_t n = ::pread(m_file.fd(), piece.data(), size_t(piece.size()), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_socket->abort();
            finish();
            return;
        }
        piece.truncate(n);
        m_fileSent += n;
        m_socket->write(piece);
        return;
    }
    m_file = FileRange();
}

void Connection::handleBytesWritten()
{
    if (m_phase != Phase::Sending && m_phase != Phase::Closing)
        return;
    arm(m_limits.sendTimeoutMs); // progress
    pumpFile();
    checkSent();
}

void Connection::checkSent()
{
    if (m_phase != Phase::Sending || m_file.isValid() || m_socket->bytesToWrite() > 0)
        return;
    ++m_answered;
    if (m_accepted)
        ++m_completed;
    if (!m_closeAfter) {
        startRequest(true);
        return;
    }
    if (m_lingerAfter)
        startLinger();
    else
        closeGracefully();
}

void Connection::closeGracefully()
{
    m_phase = Phase::Closing;
    arm(m_limits.sendTimeoutMs);
    m_socket->disconnectFromHost();
}

void Connection::startLinger()
{
    // Stop sending (FIN after the answer), then read and drop what the client still sends:
    // closing with unread input would reset the connection and could destroy the answer
    // before the client has read it.
    m_phase = Phase::Lingering;
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_discarded = 0;
    arm(m_limits.lingerMs);
    discardInput();
}

void Connection::discardInput()
{
    endTransaction();
    while (m_phase == Phase::Lingering && m_socket->bytesAvailable() > 0) {
        const qint64 n = m_socket->skip(m_socket->bytesAvailable());
        if (n <= 0)
            break;
        m_discarded += n;
        if (m_discarded > m_limits.lingerDiscardBytes) {
            m_socket->abort();
            finish();
            return;
        }
    }
}

void Connection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    switch (m_phase) {
    case Phase::Head:
        if (m_head.isEmpty() && m_skipped == 0) { // nothing of a request: idle or silent
            endTransaction();
            closeGracefully();
            return;
        }
        fail(Error::make(
            ErrorCode::RequestTimeout,
            u"The request head did not arrive within %1 ms"_s.arg(m_limits.headerTimeoutMs)));
        return;
    case Phase::Body:
        fail(Error::make(
            ErrorCode::RequestTimeout,
            u"The request body did not arrive within %1 ms"_s.arg(m_limits.bodyTimeoutMs)));
        return;
    case Phase::Sending:
    case Phase::Lingering:
    case Phase::Closing:
        m_socket->abort();
        finish();
        return;
    case Phase::Handling:
    case Phase::Closed:
        return;
    }
}

void Connection::handleDisconnected()
{
    finish();
}

void Connection::upgrade()
{
    m_timer.stop();
    m_phase = Phase::Closed;
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setParent(nullptr);
    Q_EMIT upgradeRequested(socket);
    deleteLater();
}

void Connection::finish()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    m_timer.stop();
    m_file = FileRange();
    if (m_socket)
        m_socket->disconnect(this);
    Q_EMIT closed();
    deleteLater();
}

} // namespace mistudio::http
