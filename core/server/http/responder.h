#pragma once

#include "server/http/response.h"

#include <QPointer>

namespace mistudio::http {

class Connection;

// Answers one request, now or later (a deferred response: a worker's result, a long poll).
// A cheap value: copies answer the same request and only the first send() counts. Use it on
// the server's thread only. It knows when the client has gone: isConnected() turns false and
// context() is destroyed, which cancels a QFuture::then(context(), ...) continuation.
class Responder final
{
public:
    Responder() = default;

    // False once the client closed the connection, it was closed for a limit, or the request
    // has been answered.
    bool isConnected() const;
    // Sends the response (bytes or a streamed file range); ignored when !isConnected().
    void send(Response response) const;
    // Lives exactly as long as the client's connection.
    QObject *context() const;

private:
    friend class Connection;
    Responder(Connection *connection, quint64 exchange);

    QPointer<Connection> m_connection;
    quint64 m_exchange = 0;
};

} // namespace mistudio::http
