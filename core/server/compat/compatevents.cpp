#include "server/compat/compatevents.h"

#include "common/units.h"
#include "server/compat/compatvocabulary.h"

#include <QRegularExpression>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

const QString kProgress = u"model:progress"_s;
const QString kCompleted = u"model:completed"_s;
const QString kError = u"model:error"_s;

QString idString(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

SocketEvent progressEvent(const QUuid &id, Status status, double progress, const QString &message,
                          QJsonObject extra = {})
{
    QJsonObject data{{u"type"_s, u"progress"_s},
                     {u"model_id"_s, idString(id)},
                     {u"progress"_s, progress},
                     {u"status"_s, statusName(status)},
                     {u"message"_s, message}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        data.insert(it.key(), it.value());
    const QString channel = CompatEvents::progressChannel(id);
    return {channel, kProgress, data, channel + u'\n' + kProgress};
}

// The end of a model's work: model:progress says it (for whoever listens to progress only),
// then model:completed or model:error (for the list).
QList<SocketEvent> readyEvents(const QUuid &id)
{
    SocketEvent progress = progressEvent(id, Status::Ready, 100.0, u"Model ready"_s);
    progress.data.insert(u"type"_s, u"completed"_s);
    SocketEvent completed{progress.channel, kCompleted, progress.data, {}};
    return {progress, completed};
}

QList<SocketEvent> errorEvents(const QUuid &id, const QString &error)
{
    SocketEvent progress = progressEvent(id, Status::Error, 0.0, error, {{u"error"_s, error}});
    progress.data.insert(u"type"_s, u"error"_s);
    SocketEvent failed{progress.channel, kError, progress.data, {}};
    return {progress, failed};
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

} // namespace

QJsonObject SocketEvent::toEmitBody() const
{
    return {{u"channel"_s, channel}, {u"event"_s, event}, {u"data"_s, data}};
}

QString CompatEvents::progressChannel(const QUuid &modelId)
{
    return u"models/"_s + idString(modelId) + u"/progress"_s;
}

std::optional<QUuid> CompatEvents::modelOfProgressChannel(QStringView channel)
{
    static const QRegularExpression re(u"^models/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/progress$"_s);
    const QRegularExpressionMatch m = re.match(channel.toString());
    if (!m.hasMatch())
        return std::nullopt;
    return QUuid::fromString(m.capturedView(1));
}

QList<SocketEvent> CompatEvents::translate(const ModelEvent &e)
{
    const QUuid id = e.modelId();
    if (const auto *d = e.as<DownloadProgressEvent>()) {
        const TransferProgress &p = d->progress;
        QJsonObject extra{{u"speed_mbps"_s, round2(p.bytesPerSecond / 1e6)}};
        if (const qint64 eta = p.etaSeconds(); eta >= 0)
            extra.insert(u"eta_seconds"_s, eta);
        const QString message = p.totalBytes > 0
            ? u"Downloaded %1 of %2"_s.arg(formatBytes(p.downloadedBytes), formatBytes(p.totalBytes))
            : u"Downloading"_s;
        return {progressEvent(id, Status::Downloading, round2(p.percent()), message, extra)};
    }
    if (const auto *q = e.as<QuantizeProgressEvent>()) {
        const QuantizeProgressInfo &p = q->progress;
        QJsonObject extra;
        if (const qint64 eta = p.etaSeconds(); eta >= 0)
            extra.insert(u"eta_seconds"_s, eta);
        const QString message = u"Quantizing (%1 on %2): %3 of %4 tensors"_s.arg(p.mode, p.device)
                                    .arg(p.tensorsDone)
                                    .arg(p.tensorsTotal);
        return {progressEvent(id, Status::Quantizing, round2(p.percent()), message, extra)};
    }
    if (const auto *c = e.as<StatusChangedEvent>()) {
        switch (c->to) {
        case ModelStatus::Downloading:
            return {progressEvent(id, Status::Downloading, 0.0, u"Download queued"_s)};
        case ModelStatus::Quantizing:
            return {progressEvent(id, Status::Quantizing, 0.0, u"Quantization queued"_s)};
        case ModelStatus::Ready:
            return readyEvents(id);
        case ModelStatus::Failed:
            return errorEvents(id, c->errorMessage.isEmpty() ? u"The download failed"_s : c->errorMessage);
        case ModelStatus::Pending:
            return errorEvents(id, pendingMessage(c->jobState ? jobStateName(*c->jobState) : QString()));
        }
    }
    // Nothing the frontend listens for: created, deleted, job changes, and the completed/failed
    // companions of a status change (which says the same).
    return {};
}

QList<SocketEvent> CompatEvents::snapshot(const ModelRecord &record, const std::optional<JobView> &job)
{
    const Status s = statusOf(record);
    switch (s) {
    case Status::Ready:
        return readyEvents(record.id);
    case Status::Error:
        return errorEvents(record.id, errorMessageOf(record, job));
    case Status::Downloading:
    case Status::Loading:
    case Status::Quantizing:
        break;
    }
    const double progress = job ? job->progress : record.progress;
    return {progressEvent(record.id, s, progress,
                          s == Status::Quantizing ? u"Quantizing"_s : u"Downloading"_s)};
}

} // namespace mistudio::compat
