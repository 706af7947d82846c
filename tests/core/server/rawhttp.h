#pragma once

// A raw HTTP/1.1 client over a QTcpSocket, for requests no well-behaved client library sends
// (malformed, partial, slow, pipelined) against a server running in the same thread: every
// wait spins the event loop (QTest::qWaitFor) so that the server keeps working meanwhile.
#include <QTcpSocket>
#include <QTest>

#include <optional>

namespace mistudio::test {

struct RawResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QByteArray errorCode() const
    {
        const qsizetype at = body.indexOf("\"code\":\"");
        return at < 0 ? QByteArray() : body.mid(at + 8, body.indexOf('"', at + 8) - at - 8);
    }
};

class RawClient
{
public:
    // `from`: a local address to connect from (127.0.0.2 is "another client" on loopback).
    explicit RawClient(quint16 port, const QHostAddress &from = {})
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_in += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket,
                         [this] { m_closed = true; });
        QObject::connect(&m_socket, &QTcpSocket::errorOccurred, &m_socket, [this] {
            if (m_socket.state() != QAbstractSocket::ConnectedState)
                m_closed = true;
        });
        if (!from.isNull())
            m_socket.bind(from);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool waitConnected(int ms = 10000)
    {
        return QTest::qWaitFor(
                   [this] {
                       return m_socket.state() == QAbstractSocket::ConnectedState || m_closed;
                   },
                   ms) &&
               m_socket.state() == QAbstractSocket::ConnectedState;
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes); // before the connection is up, Qt sends it once connected
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            m_socket.flush();
    }
    // The next complete response (head and Content-Length body), or nothing when the
    // connection closed or `ms` passed first.
    std::optional<RawResponse> read(int ms = 10000, bool headOnly = false)
    {
        std::optional<RawResponse> r;
        const bool settled = QTest::qWaitFor(
            [&] {
                r = take(headOnly);
                return r.has_value() || m_closed;
            },
            ms);
        Q_UNUSED(settled) // a timeout reads as no response
        if (!r)
            r = take(headOnly);
        return r;
    }
    bool waitClosed(int ms = 10000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, ms);
    }
    bool isClosed() const { return m_closed; }
    QByteArray &received() { return m_in; }
    QTcpSocket &socket() { return m_socket; }

private:
    std::optional<RawResponse> take(bool headOnly)
    {
        const qsizetype end = m_in.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        RawResponse r;
        const QList<QByteArray> lines = m_in.left(end).split('\n');
        r.status = lines.first().mid(9, 3).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        const qint64 length = (headOnly || r.status == 204 || r.status < 200)
                                  ? 0
                                  : r.header("Content-Length").toLongLong();
        if (m_in.size() < end + 4 + length)
            return std::nullopt;
        r.body = m_in.mid(end + 4, length);
        m_in.remove(0, end + 4 + length);
        return r;
    }

    QTcpSocket m_socket;
    QByteArray m_in;
    bool m_closed = false;
};

} // namespace mistudio::test
