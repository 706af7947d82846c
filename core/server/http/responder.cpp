#include "server/http/responder.h"

#include "server/http/connection.h"

namespace mistudio::http {

Responder::Responder(Connection *connection, quint64 exchange)
    : m_connection(connection)
    , m_exchange(exchange)
{}

bool Responder::isConnected() const
{
    return m_connection && m_connection->m_exchange == m_exchange &&
           m_connection->phase() == Connection::Phase::Handling;
}

void Responder::send(Response response) const
{
    if (isConnected())
        m_connection->respond(m_exchange, std::move(response));
}

QObject *Responder::context() const
{
    return m_connection.data();
}

} // namespace mistudio::http
