#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace mistudio::http {

// A request's line and headers, parsed and checked (RequestParser), before any byte of its
// body has been read.
struct RequestHead
{
    QByteArray method; // "GET", "POST", ... (case-sensitive, as sent)
    QByteArray target; // the request-target as sent: "/api/v1/models?limit=5"
    QString path;      // its path, percent-decoded: "/api/v1/models"
    QUrlQuery query;
    int minorVersion = 1; // HTTP/1.<minorVersion>
    // In the order received; names as sent, values without surrounding whitespace.
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 contentLength = 0; // 0 when there is no Content-Length
    bool keepAlive = true;    // HTTP/1.1 without "Connection: close"
    bool expectContinue = false;
    bool webSocketUpgrade = false; // "Upgrade: websocket" with "Connection: upgrade"
    QHostAddress peer;
    quint16 peerPort = 0;

    // The first value of a header (names compare case-insensitively), empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    bool isHead() const { return method == "HEAD"; }
};

} // namespace mistudio::http
