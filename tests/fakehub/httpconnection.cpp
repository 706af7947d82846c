#include "httpconnection.h"

#include <QDateTime>
#include <QLocale>
#include <QTcpSocket>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

namespace {
constexpr qint64 kMaxHeaderBytes = 64 * 1024;
constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;
constexpr qint64 kSlice = 256 * 1024;
constexpr qint64 kHighWater = 1024 * 1024;

QByteArray httpDate()
{
    return QLocale::c().toString(QDateTime::currentDateTimeUtc(), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s).toLatin1();
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, int id, Handler handler, Progress progress, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_id(id)
    , m_handler(std::move(handler))
    , m_progress(std::move(progress))
{
    m_socket->setParent(this);
    m_timer.setSingleShot(true);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::handleReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_busy && !m_stalled && !m_timer.isActive())
            pump();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::handleDisconnected);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_stalled) {
            endWithClose(true);
            return;
        }
        pump();
    });
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::handleReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (m_busy)
        report(true);
}

void HttpConnection::handleReadyRead()
{
    m_buffer.append(m_socket->readAll());
    if (!m_busy)
        processBuffer();
}

void HttpConnection::handleDisconnected()
{
    m_timer.stop();
    if (m_busy) {
        // bytes still queued in the socket never reached the client
        m_pos = std::max<qint64>(0, m_pos - m_socket->bytesToWrite());
        report(true);
        m_busy = false;
    }
    deleteLater();
}

void HttpConnection::processBuffer()
{
    while (!m_busy && !m_closing) {
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (m_buffer.size() > kMaxHeaderBytes)
                endWithClose(true);
            return;
        }
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        HttpRequest request;
        request.connectionId = m_id;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3) {
            endWithClose(true);
            return;
        }
        request.method = requestLine[0];
        request.target = requestLine[1];
        const QByteArray version = requestLine[2];
        const qsizetype q = request.target.indexOf('?');
        request.rawPath = q < 0 ? request.target : request.target.left(q);
        request.rawQuery = q < 0 ? QByteArray() : request.target.mid(q + 1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        bool ok = true;
        const qint64 contentLength = request.hasHeader("content-length") ? request.header("content-length").toLongLong(&ok) : 0;
        if (!ok || contentLength < 0 || contentLength > kMaxBodyBytes) {
            endWithClose(true);
            return;
        }
        if (m_buffer.size() < headerEnd + 4 + contentLength) {
            // curl waits a second for this before sending a large body
            if (!m_continued && request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0) {
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                m_continued = true;
            }
            return; // wait for the rest of the body
        }
        m_continued = false;
        request.body = m_buffer.mid(headerEnd + 4, contentLength);
        m_buffer.remove(0, headerEnd + 4 + contentLength);

        const QByteArray connection = request.header("connection").toLower();
        m_keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive");
        startResponse(m_handler(request));
    }
}

void HttpConnection::startResponse(HttpResponse response)
{
    m_response = std::move(response);
    m_busy = true;
    m_pos = 0;
    m_stalled = false;
    if (m_response.resetConnection) {
        endWithClose(true);
        return;
    }
    m_chunked = m_response.shortChunkedAfter >= 0 && !m_response.headOnly;
    QByteArray head = "HTTP/1.1 " + QByteArray::number(m_response.status) + ' ' + reasonPhrase(m_response.status) + "\r\n";
    bool hasLength = false;
    for (const auto &[key, value] : std::as_const(m_response.headers)) {
        if (key.compare("content-length", Qt::CaseInsensitive) == 0) {
            if (m_chunked)
                continue;
            hasLength = true;
        }
        head += key + ": " + value + "\r\n";
    }
    if (m_chunked)
        head += "Transfer-Encoding: chunked\r\n";
    else if (!hasLength)
        head += "Content-Length: " + QByteArray::number(m_response.bodyLength()) + "\r\n";
    head += "Date: " + httpDate() + "\r\n";
    head += m_keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head);
    if (m_response.bytesPerSecond > 0) {
        if (m_response.bytesPerSecond != m_cappedRate) {
            m_cappedRate = m_response.bytesPerSecond;
            m_cappedMs = 0;
            m_cappedSent = 0;
        }
        m_clock.start();
    }
    if (m_response.headOnly) {
        finishResponse();
        return;
    }
    pump();
}

void HttpConnection::pump()
{
    if (!m_busy || m_closing)
        return;
    const qint64 length = m_response.bodyLength();
    while (m_socket->bytesToWrite() < kHighWater) {
        qint64 slice = std::min(kSlice, length - m_pos);
        const HttpResponse &r = m_response;
        if (r.stallAfter >= 0 && m_pos >= r.stallAfter) {
            m_stalled = true;
            m_timer.start(std::max(1, r.stallMs));
            report(false);
            return;
        }
        if (r.truncateAfter >= 0 && m_pos >= r.truncateAfter) {
            endWithClose(false);
            return;
        }
        if (m_chunked && m_pos >= r.shortChunkedAfter) {
            m_socket->write("0\r\n\r\n");
            finishResponse();
            return;
        }
        if (slice <= 0) {
            finishResponse();
            return;
        }
        for (const qint64 stop : {r.stallAfter, r.truncateAfter, m_chunked ? r.shortChunkedAfter : -1}) {
            if (stop >= 0)
                slice = std::min(slice, stop - m_pos);
        }
        if (r.bytesPerSecond > 0) {
            // A small burst once per connection, then `bytesPerSecond`.
            const qint64 burst = r.throttleBurst >= 0 ? r.throttleBurst : std::max<qint64>(4096, r.bytesPerSecond / 50);
            const qint64 elapsedMs = m_cappedMs + m_clock.elapsed();
            const qint64 allowed = r.bytesPerSecond * elapsedMs / 1000 + burst - m_cappedSent - m_pos;
            if (allowed <= 0) {
                const qint64 waitMs = (-allowed + std::max<qint64>(burst, 1)) * 1000 / r.bytesPerSecond;
                m_timer.start(int(std::clamp<qint64>(waitMs, 2, 1000)));
                report(false);
                return;
            }
            slice = std::min(slice, allowed);
        }
        QByteArray data;
        if (r.blob)
            data = r.blob->read(r.blobOffset + m_pos, slice);
        else
            data = r.body.mid(m_pos, slice);
        if (r.corruptAt >= m_pos && r.corruptAt < m_pos + slice)
            data[r.corruptAt - m_pos] = char(data[r.corruptAt - m_pos] ^ 0x5A);
        if (m_chunked)
            m_socket->write(QByteArray::number(slice, 16) + "\r\n" + data + "\r\n");
        else
            m_socket->write(data);
        m_pos += slice;
        report(false);
    }
}

void HttpConnection::finishResponse()
{
    if (m_response.bytesPerSecond > 0 && m_clock.isValid()) {
        m_cappedMs += m_clock.elapsed();
        m_cappedSent += m_pos;
        m_clock.invalidate();
    }
    report(true);
    m_busy = false;
    m_response = HttpResponse();
    if (!m_keepAlive) {
        endWithClose(false);
        return;
    }
    if (!m_buffer.isEmpty())
        QMetaObject::invokeMethod(this, &HttpConnection::processBuffer, Qt::QueuedConnection);
}

void HttpConnection::endWithClose(bool abort)
{
    m_closing = true;
    m_timer.stop();
    if (m_busy) {
        report(true);
        m_busy = false;
    }
    if (abort)
        m_socket->abort();
    else
        m_socket->disconnectFromHost(); // flushes what was queued first
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        deleteLater();
}

void HttpConnection::report(bool finished)
{
    if (m_progress && m_response.logIndex >= 0)
        m_progress(m_response.logIndex, m_pos, finished);
}

} // namespace mistudio::fakehub
