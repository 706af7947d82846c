#include "service/servicetypes.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QJsonObject DownloadRequest::toParams() const
{
    QJsonObject o{{u"quantization"_s, quantization}};
    if (quantization == u"bnb-4bit"_s) {
        o.insert(u"quant_type"_s, quantType);
        o.insert(u"double_quant"_s, doubleQuant);
    }
    if (!revision.isEmpty())
        o.insert(u"revision"_s, revision);
    if (!include.isEmpty())
        o.insert(u"include"_s, QJsonArray::fromStringList(include));
    if (!exclude.isEmpty())
        o.insert(u"exclude"_s, QJsonArray::fromStringList(exclude));
    if (connections > 0)
        o.insert(u"connections"_s, connections);
    if (maxBytesPerSecond > 0)
        o.insert(u"max_bytes_per_second"_s, maxBytesPerSecond);
    if (update) {
        o.insert(u"update"_s, true);
        o.insert(u"commit"_s, commit);
        if (!removePaths.isEmpty())
            o.insert(u"remove"_s, QJsonArray::fromStringList(removePaths));
    }
    return o;
}

DownloadRequest DownloadRequest::fromParams(const QJsonObject &params)
{
    auto strings = [](const QJsonValue &v) {
        QStringList out;
        const QJsonArray a = v.toArray();
        for (const QJsonValue &e : a)
            out << e.toString();
        return out;
    };
    DownloadRequest r;
    r.quantization = params.value(u"quantization"_s).toString(u"none"_s);
    r.quantType = params.value(u"quant_type"_s).toString(u"nf4"_s);
    r.doubleQuant = params.value(u"double_quant"_s).toBool(true);
    r.revision = params.value(u"revision"_s).toString();
    r.include = strings(params.value(u"include"_s));
    r.exclude = strings(params.value(u"exclude"_s));
    r.connections = params.value(u"connections"_s).toInt();
    r.maxBytesPerSecond = params.value(u"max_bytes_per_second"_s).toInteger();
    r.update = params.value(u"update"_s).toBool();
    r.commit = params.value(u"commit"_s).toString();
    r.removePaths = strings(params.value(u"remove"_s));
    return r;
}

QJsonObject JobView::toJson() const
{
    QJsonObject o{{u"id"_s, id.toString(QUuid::WithoutBraces)},
                  {u"model_id"_s, modelId.toString(QUuid::WithoutBraces)},
                  {u"kind"_s, kind},
                  {u"state"_s, state},
                  {u"progress"_s, progress},
                  {u"attempts"_s, attempts},
                  {u"created_at"_s, createdAt.toString(Qt::ISODateWithMs)},
                  {u"updated_at"_s, updatedAt.toString(Qt::ISODateWithMs)}};
    if (!device.isEmpty())
        o.insert(u"device"_s, device);
    if (!lastError.isEmpty())
        o.insert(u"last_error"_s, lastError);
    if (!ownerHost.isEmpty())
        o.insert(u"owner_host"_s, ownerHost);
    if (!requestedStop.isEmpty())
        o.insert(u"requested_stop"_s, requestedStop);
    if (kind == u"download"_s && transfer.totalBytes > 0) {
        o.insert(u"downloaded_bytes"_s, transfer.downloadedBytes);
        o.insert(u"total_bytes"_s, transfer.totalBytes);
    }
    return o;
}

} // namespace mistudio
