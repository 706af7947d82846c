#include "server/http/handler.h"

#include "server/httpstatus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::http {

void Handler::handleWebSocket(std::unique_ptr<QWebSocket> socket)
{
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"no WebSocket service here"_s);
    socket.release()->deleteLater();
}

Response Handler::errorResponse(const Error &error)
{
    const QJsonObject e{{u"code"_s, error.codeName()},
                        {u"message"_s, error.message},
                        {u"details"_s, error.details}};
    Response r =
        Response::bytes(httpStatusFor(error.code),
                        QJsonDocument(QJsonObject{{u"error"_s, e}}).toJson(QJsonDocument::Compact),
                        "application/json");
    const QJsonValue retry = error.details.value(u"retry_after"_s);
    if (retry.isDouble())
        r.addHeader("Retry-After", QByteArray::number(retry.toInteger()));
    return r;
}

} // namespace mistudio::http
