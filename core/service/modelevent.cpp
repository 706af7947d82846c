#include "service/modelevent.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

double QuantizeProgressInfo::percent() const
{
    double fraction = 0.0;
    if (bytesTotal > 0)
        fraction = double(bytesDone) / double(bytesTotal);
    else if (tensorsTotal > 0)
        fraction = double(tensorsDone) / double(tensorsTotal);
    return 100.0 * std::clamp(fraction, 0.0, 1.0);
}

qint64 QuantizeProgressInfo::etaSeconds() const
{
    const double fraction = percent() / 100.0;
    if (fraction <= 0.0 || secondsElapsed <= 0.0)
        return -1;
    return qint64(std::ceil(secondsElapsed * (1.0 - fraction) / fraction));
}

ModelEvent::ModelEvent(const QUuid &modelId, ModelEventData data, const QDateTime &timestamp)
    : m_modelId(modelId)
    , m_timestamp(timestamp.isValid() ? timestamp : QDateTime::currentDateTimeUtc())
    , m_data(std::move(data))
{
}

ModelEvent ModelEvent::modelCreated(const ModelRecord &record)
{
    return ModelEvent(record.id, ModelCreatedEvent{record});
}

ModelEvent ModelEvent::modelDeleted(const QUuid &id, qint64 bytesFreed)
{
    return ModelEvent(id, ModelDeletedEvent{bytesFreed});
}

ModelEvent ModelEvent::statusChanged(const QUuid &id, ModelStatus from, ModelStatus to,
                                     const QString &errorMessage, std::optional<JobState> jobState)
{
    return ModelEvent(id, StatusChangedEvent{from, to, errorMessage, jobState});
}

ModelEvent ModelEvent::downloadProgress(const QUuid &id, const TransferProgress &progress)
{
    return ModelEvent(id, DownloadProgressEvent{progress});
}

ModelEvent ModelEvent::downloadCompleted(const QUuid &id, const QString &filePath,
                                         qint64 sizeBytes, const QString &commitSha, int files)
{
    return ModelEvent(id, DownloadCompletedEvent{filePath, sizeBytes, commitSha, files});
}

ModelEvent ModelEvent::downloadFailed(const QUuid &id, const Error &error)
{
    return ModelEvent(id, DownloadFailedEvent{error});
}

ModelEvent ModelEvent::quantizeProgress(const QUuid &id, const QuantizeProgressInfo &progress)
{
    return ModelEvent(id, QuantizeProgressEvent{progress});
}

ModelEvent ModelEvent::quantizeCompleted(const QUuid &id, const QString &filePath,
                                         qint64 sizeBytes, const QString &mode)
{
    return ModelEvent(id, QuantizeCompletedEvent{filePath, sizeBytes, mode});
}

ModelEvent ModelEvent::quantizeFailed(const QUuid &id, const Error &error, const QString &mode)
{
    return ModelEvent(id, QuantizeFailedEvent{error, mode});
}

ModelEvent ModelEvent::jobChanged(const JobRecord &job)
{
    JobChangedEvent e;
    e.jobId = job.id;
    e.kind = job.kind;
    e.state = job.state;
    e.device = job.runDevice.isEmpty() ? job.device : job.runDevice;
    e.requestedStop = job.requestedStop;
    if (job.state == JobState::Running)
        e.ownerHost = job.ownerHost;
    e.progress = job.progress;
    if (job.state == JobState::Failed)
        e.lastError = job.lastError;
    return ModelEvent(job.modelId, e);
}

QString ModelEvent::typeName(Type type)
{
    switch (type) {
    case Type::ModelCreated: return u"model_created"_s;
    case Type::ModelDeleted: return u"model_deleted"_s;
    case Type::StatusChanged: return u"status_changed"_s;
    case Type::DownloadProgress: return u"download_progress"_s;
    case Type::DownloadCompleted: return u"download_completed"_s;
    case Type::DownloadFailed: return u"download_failed"_s;
    case Type::QuantizeProgress: return u"quantize_progress"_s;
    case Type::QuantizeCompleted: return u"quantize_completed"_s;
    case Type::QuantizeFailed: return u"quantize_failed"_s;
    case Type::JobChanged: return u"job_changed"_s;
    }
    return u"status_changed"_s;
}

QString ModelEvent::channel() const
{
    if (type() == Type::JobChanged)
        return u"jobs"_s;
    return u"model/"_s + m_modelId.toString(QUuid::WithoutBraces);
}

} // namespace mistudio
