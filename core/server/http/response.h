#pragma once

#include "server/http/filerange.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <optional>

namespace mistudio::http {

// One response: a status, headers and either bytes or a file range streamed from disk.
// The server owns the framing: it writes Content-Length (never for 1xx, 204 and 304) and
// Connection itself and drops such headers set here; to a HEAD request it sends the headers
// of the same response without its body.
struct Response
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    std::optional<FileRange> file; // when set, the body is this range of a file
    bool closeConnection = false;  // close the connection once this response is sent

    static Response bytes(int status, QByteArray body, const QByteArray &contentType = {});
    static Response stream(int status, FileRange file, const QByteArray &contentType = {});

    void addHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
    }
    qint64 bodyLength() const { return file ? file->length() : body.size(); }
    bool allowsBody() const { return status >= 200 && status != 204 && status != 304; }
    // The status line and headers, ending with the empty line. Headers whose name is not a
    // token or whose value holds CR, LF or NUL are left out (no header injection).
    QByteArray serializeHead(bool keepAlive) const;

    static QByteArray reasonPhrase(int status);
};

} // namespace mistudio::http
