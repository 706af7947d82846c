#include "store/workerrecord.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QJsonObject WorkerRecord::toJson() const
{
    auto time = [](const QDateTime &t) {
        return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
    };
    return QJsonObject{
        {u"id"_s, id},
        {u"host"_s, host},
        {u"pid"_s, pid},
        {u"role"_s, role},
        {u"kinds"_s, QJsonArray::fromStringList(kinds)},
        {u"devices"_s, QJsonArray::fromStringList(devices)},
        {u"version"_s, version},
        {u"spec_version"_s, specVersion},
        {u"started_at"_s, time(startedAt)},
        {u"heartbeat_at"_s, time(heartbeatAt)},
    };
}

} // namespace mistudio
