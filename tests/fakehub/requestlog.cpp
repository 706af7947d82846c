#include "requestlog.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

QJsonObject LogEntry::toJson() const
{
    return QJsonObject{
        {u"seq"_s, double(seq)},
        {u"elapsed_ms"_s, double(elapsedMs)},
        {u"listener"_s, listener == Listener::Cdn ? u"cdn"_s : listener == Listener::Other ? u"other"_s : u"hub"_s},
        {u"host"_s, QString::fromLatin1(host)},
        {u"method"_s, QString::fromLatin1(method)},
        {u"path"_s, path},
        {u"query"_s, query},
        {u"range"_s, QString::fromLatin1(range)},
        {u"authorization"_s, authorization},
        {u"user_agent"_s, QString::fromLatin1(userAgent)},
        {u"status"_s, status},
        {u"content_length"_s, double(contentLength)},
        {u"body_bytes"_s, double(bodyBytes)},
        {u"finished"_s, finished},
        {u"faults"_s, QJsonArray::fromStringList(faults)},
        {u"request_id"_s, QString::fromLatin1(requestId)},
        {u"connection"_s, connectionId},
    };
}

} // namespace mistudio::fakehub
