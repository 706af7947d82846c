#pragma once

#include "blob.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace mistudio::fakehub {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method;
    QByteArray target;   // as sent: path?query
    QByteArray rawPath;  // percent-encoded path
    QByteArray rawQuery; // without '?'
    HeaderList headers;
    QByteArray body;
    int connectionId = 0;

    QByteArray header(QByteArrayView name) const; // case-insensitive, empty if absent
    bool hasHeader(QByteArrayView name) const;
    QString path() const;              // fully decoded path
    QStringList pathSegments() const;  // split on '/', then each segment decoded (so %2F stays inside one)
    QUrlQuery query() const;
};

// A response and how it is delivered. Delivery fields let faults misbehave on the wire.
struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;        // used when blob is null
    BlobPtr blob;           // streamed body: blob[blobOffset, blobOffset + blobLength)
    qint64 blobOffset = 0;
    qint64 blobLength = 0;
    bool headOnly = false;  // HEAD: headers of the GET, no body

    bool resetConnection = false;  // close without any response
    qint64 truncateAfter = -1;     // close the connection after this many body bytes
    qint64 stallAfter = -1;        // go silent after this many body bytes
    int stallMs = 0;               // ... for this long, then close
    qint64 shortChunkedAfter = -1; // chunked framing that ends cleanly after this many bytes
    qint64 corruptAt = -1;         // flip this body byte
    qint64 bytesPerSecond = 0;     // per-connection bandwidth cap
    qint64 throttleBurst = -1;     // bytes sent at once before the cap applies (-1: automatic)
    QStringList faults;            // names of the faults applied (for the log)
    int logIndex = -1;

    qint64 bodyLength() const { return blob ? blobLength : body.size(); }
    QByteArray header(QByteArrayView name) const;
    void setHeader(const QByteArray &name, const QByteArray &value);
    void removeHeader(QByteArrayView name);

    static HttpResponse text(int status, const QByteArray &body, const QByteArray &contentType = "text/plain; charset=utf-8");
    static HttpResponse json(int status, const QByteArray &body);
};

QByteArray reasonPhrase(int status);

} // namespace mistudio::fakehub
