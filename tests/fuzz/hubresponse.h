#pragma once

// The input format of the Hub fuzz targets that need more than a body: an HTTP/1.1 response as
// it comes off the wire ("HTTP/1.1 404 Not Found\r\nX-Error-Code: RepoNotFound\r\n\r\n{...}"),
// so that seeds are the fake Hub's real answers and a crash input reads like one.
#include "hub/huberror.h"

#include <QByteArray>

namespace mistudio::fuzz {

inline hub::HttpOutcome parseHubResponse(const QByteArray &raw, const QUrl &url)
{
    hub::HttpOutcome o;
    o.url = url;
    qsizetype end = raw.indexOf("\r\n\r\n");
    const QByteArray head = end < 0 ? raw : raw.left(end);
    o.body = end < 0 ? QByteArray() : raw.mid(end + 4);
    const QList<QByteArray> lines = head.split('\n');
    if (!lines.isEmpty()) {
        const QList<QByteArray> status = lines.first().trimmed().split(' ');
        o.status = status.size() > 1 ? qBound(0, status.at(1).toInt(), 999) : 0;
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            o.headers.append({lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
    }
    return o;
}

} // namespace mistudio::fuzz
