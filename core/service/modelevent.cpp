#include "service/modelevent.h"

#include <QJsonValue>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

double toGb(qint64 bytes)
{
    // Decimal gigabytes rounded to 3 places: what the design's downloaded_gb/total_gb show.
    return std::round(double(bytes) / 1e6) / 1e3;
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

QString idString(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QJsonValue etaValue(double remaining, double rate)
{
    if (rate <= 0.0 || remaining < 0.0)
        return QJsonValue(QJsonValue::Null);
    return qint64(std::ceil(remaining / rate));
}

} // namespace

ModelEvent::ModelEvent(Type type, const QUuid &id, QJsonObject payload)
    : m_type(type)
    , m_modelId(id)
    , m_timestamp(QDateTime::currentDateTimeUtc())
    , m_payload(std::move(payload))
{
    m_payload.insert(u"model_id"_s, idString(id));
}

ModelEvent ModelEvent::modelCreated(const ModelRecord &record)
{
    return ModelEvent(Type::ModelCreated, record.id, {{u"model"_s, record.toJson()}});
}

ModelEvent ModelEvent::modelDeleted(const QUuid &id, qint64 bytesFreed)
{
    return ModelEvent(Type::ModelDeleted, id, {{u"bytes_freed"_s, bytesFreed}});
}

ModelEvent ModelEvent::statusChanged(const QUuid &id, ModelStatus from, ModelStatus to,
                                     const QString &errorMessage, const QString &jobState)
{
    QJsonObject p{{u"status"_s, modelStatusName(to)},
                  {u"previous_status"_s, modelStatusName(from)}};
    if (!errorMessage.isEmpty())
        p.insert(u"error_message"_s, errorMessage);
    if (!jobState.isEmpty())
        p.insert(u"job_state"_s, jobState);
    return ModelEvent(Type::StatusChanged, id, std::move(p));
}

ModelEvent ModelEvent::downloadProgress(const QUuid &id, const DownloadProgressInfo &info)
{
    const double progress = info.totalBytes > 0
        ? std::min(100.0, 100.0 * double(info.downloadedBytes) / double(info.totalBytes))
        : 0.0;
    QJsonObject p{
        {u"progress"_s, round2(progress)},
        {u"downloaded_gb"_s, toGb(info.downloadedBytes)},
        {u"total_gb"_s, toGb(info.totalBytes)},
        // Megabytes (10^6 bytes) per second; speed_bytes_per_sec is the exact figure.
        {u"speed_mbps"_s, round2(info.bytesPerSecond / 1e6)},
        {u"downloaded_bytes"_s, info.downloadedBytes},
        {u"total_bytes"_s, info.totalBytes},
        {u"speed_bytes_per_sec"_s, qint64(info.bytesPerSecond)},
        {u"eta_seconds"_s, info.totalBytes > 0
             ? etaValue(double(info.totalBytes - info.downloadedBytes), info.bytesPerSecond)
             : QJsonValue(QJsonValue::Null)},
        {u"files_done"_s, info.filesDone},
        {u"files_total"_s, info.filesTotal},
    };
    if (!info.currentFile.isEmpty())
        p.insert(u"current_file"_s, info.currentFile);
    return ModelEvent(Type::DownloadProgress, id, std::move(p));
}

ModelEvent ModelEvent::downloadCompleted(const QUuid &id, const QString &filePath,
                                         qint64 sizeBytes, const QString &commitSha, int files)
{
    QJsonObject p{{u"file_path"_s, filePath}, {u"size_bytes"_s, sizeBytes}, {u"files"_s, files}};
    if (!commitSha.isEmpty())
        p.insert(u"commit_sha"_s, commitSha);
    return ModelEvent(Type::DownloadCompleted, id, std::move(p));
}

ModelEvent ModelEvent::downloadFailed(const QUuid &id, const Error &error)
{
    QJsonObject p{{u"error"_s, error.message}, {u"error_code"_s, error.codeName()}};
    if (!error.details.isEmpty())
        p.insert(u"details"_s, error.details);
    return ModelEvent(Type::DownloadFailed, id, std::move(p));
}

ModelEvent ModelEvent::quantizeProgress(const QUuid &id, const QuantizeProgressInfo &info)
{
    double fraction = 0.0;
    if (info.bytesTotal > 0)
        fraction = double(info.bytesDone) / double(info.bytesTotal);
    else if (info.tensorsTotal > 0)
        fraction = double(info.tensorsDone) / double(info.tensorsTotal);
    fraction = std::clamp(fraction, 0.0, 1.0);
    QJsonValue eta(QJsonValue::Null);
    if (fraction > 0.0 && info.secondsElapsed > 0.0)
        eta = qint64(std::ceil(info.secondsElapsed * (1.0 - fraction) / fraction));
    QJsonObject p{{u"progress"_s, round2(100.0 * fraction)},
                  {u"tensors_done"_s, info.tensorsDone},
                  {u"tensors_total"_s, info.tensorsTotal},
                  {u"eta_seconds"_s, eta},
                  {u"mode"_s, info.mode},
                  {u"device"_s, info.device}};
    return ModelEvent(Type::QuantizeProgress, id, std::move(p));
}

ModelEvent ModelEvent::quantizeCompleted(const QUuid &id, const QString &filePath,
                                         qint64 sizeBytes, const QString &mode)
{
    return ModelEvent(Type::QuantizeCompleted, id,
                      {{u"file_path"_s, filePath}, {u"size_bytes"_s, sizeBytes}, {u"mode"_s, mode}});
}

ModelEvent ModelEvent::quantizeFailed(const QUuid &id, const Error &error, const QString &mode)
{
    QJsonObject p{{u"error"_s, error.message}, {u"error_code"_s, error.codeName()},
                  {u"mode"_s, mode}};
    if (!error.details.isEmpty())
        p.insert(u"details"_s, error.details);
    return ModelEvent(Type::QuantizeFailed, id, std::move(p));
}

ModelEvent ModelEvent::jobChanged(const JobRecord &job)
{
    QJsonObject j{{u"id"_s, idString(job.id)},
                  {u"kind"_s, jobKindName(job.kind)},
                  {u"state"_s, jobStateName(job.state)},
                  {u"device"_s, job.runDevice.isEmpty() ? job.device : job.runDevice},
                  {u"progress"_s, round2(job.progress)}};
    if (job.requestedStop)
        j.insert(u"requested_stop"_s, stopRequestName(*job.requestedStop));
    if (!job.ownerHost.isEmpty() && job.state == JobState::Running)
        j.insert(u"owner_host"_s, job.ownerHost);
    if (!job.lastError.isEmpty() && job.state == JobState::Failed)
        j.insert(u"last_error"_s, job.lastError);
    return ModelEvent(Type::JobChanged, job.modelId, {{u"job"_s, j}});
}

std::optional<ModelEvent> ModelEvent::fromRecorded(QStringView name, const QUuid &id,
                                                   const QJsonObject &payload,
                                                   const QDateTime &timestamp)
{
    for (int t = int(Type::ModelCreated); t <= int(Type::JobChanged); ++t) {
        if (typeName(Type(t)) == name) {
            ModelEvent e(Type(t), id, payload);
            if (timestamp.isValid())
                e.m_timestamp = timestamp;
            return e;
        }
    }
    return std::nullopt;
}

QString ModelEvent::typeName(Type type)
{
    switch (type) {
    case Type::JobChanged: return u"job_changed"_s;
    case Type::ModelCreated: return u"model_created"_s;
    case Type::ModelDeleted: return u"model_deleted"_s;
    case Type::StatusChanged: return u"status_changed"_s;
    case Type::DownloadProgress: return u"download_progress"_s;
    case Type::DownloadCompleted: return u"download_completed"_s;
    case Type::DownloadFailed: return u"download_failed"_s;
    case Type::QuantizeProgress: return u"quantize_progress"_s;
    case Type::QuantizeCompleted: return u"quantize_completed"_s;
    case Type::QuantizeFailed: return u"quantize_failed"_s;
    }
    return u"status_changed"_s;
}

QString ModelEvent::name() const
{
    return typeName(m_type);
}

QString ModelEvent::channel() const
{
    if (m_type == Type::JobChanged)
        return u"jobs"_s;
    return u"model/"_s + idString(m_modelId);
}

QJsonObject ModelEvent::toMessage(const QString &channel) const
{
    return {{u"channel"_s, channel}, {u"event"_s, name()}, {u"data"_s, m_payload}};
}

} // namespace mistudio
