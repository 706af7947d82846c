#include "server/apireply.h"

#include "server/httpstatus.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

ApiReply ApiReply::json(int status, const QJsonObject &object)
{
    return ApiReply{status, QJsonDocument(object).toJson(QJsonDocument::Compact), {}};
}

ApiReply ApiReply::error(const Error &error)
{
    QJsonObject e{{u"code"_s, error.codeName()},
                  {u"message"_s, error.message},
                  {u"details"_s, error.details}};
    if (!error.requestId.isEmpty())
        e.insert(u"request_id"_s, error.requestId);
    ApiReply r = json(httpStatusFor(error.code), {{u"error"_s, e}});
    const QJsonValue retry = error.details.value(u"retry_after"_s);
    if (retry.isDouble())
        r.headers.append({"Retry-After", QByteArray::number(retry.toInteger())});
    return r;
}

} // namespace mistudio
