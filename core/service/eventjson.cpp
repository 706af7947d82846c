// The one JSON writer (and reader) of model events: what the WebSocket, the CLI's NDJSON and the
// event outbox carry. Keys follow docs/api.md: the base keys plus the documented extensions.
#include "service/modelevent.h"

#include <QJsonArray>
#include <QJsonValue>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

double toGb(qint64 bytes)
{
    // Decimal gigabytes rounded to 3 places: what the base downloaded_gb/total_gb show.
    return std::round(double(bytes) / 1e6) / 1e3;
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

QJsonValue orNull(qint64 v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

QJsonObject errorPayload(const Error &error)
{
    QJsonObject p{{u"error"_s, error.message}, {u"error_code"_s, error.codeName()}};
    if (!error.details.isEmpty())
        p.insert(u"details"_s, error.details);
    return p;
}

Error errorFrom(const QJsonObject &p)
{
    Error e;
    if (!errorCodeFromName(p.value(u"error_code"_s).toString(), &e.code))
        e.code = ErrorCode::Internal;
    e.message = p.value(u"error"_s).toString();
    e.details = p.value(u"details"_s).toObject();
    return e;
}

std::optional<TransferFile::State> fileStateFrom(const QString &name)
{
    for (int s = int(TransferFile::State::Queued); s <= int(TransferFile::State::Paused); ++s) {
        if (TransferFile::stateName(TransferFile::State(s)) == name)
            return TransferFile::State(s);
    }
    return std::nullopt;
}

struct Writer
{
    QJsonObject operator()(const ModelCreatedEvent &e) const { return {{u"model"_s, e.model.toJson()}}; }
    QJsonObject operator()(const ModelDeletedEvent &e) const { return {{u"bytes_freed"_s, e.bytesFreed}}; }
    QJsonObject operator()(const StatusChangedEvent &e) const
    {
        QJsonObject p{{u"status"_s, modelStatusName(e.to)},
                      {u"previous_status"_s, modelStatusName(e.from)}};
        if (!e.errorMessage.isEmpty())
            p.insert(u"error_message"_s, e.errorMessage);
        if (e.jobState)
            p.insert(u"job_state"_s, jobStateName(*e.jobState));
        return p;
    }
    QJsonObject operator()(const DownloadProgressEvent &e) const
    {
        const TransferProgress &t = e.progress;
        QJsonObject p{
            {u"progress"_s, round2(t.percent())},
            {u"downloaded_gb"_s, toGb(t.downloadedBytes)},
            {u"total_gb"_s, toGb(t.totalBytes)},
            // Megabytes (10^6 bytes) per second; speed_bytes_per_sec is the exact figure.
            {u"speed_mbps"_s, round2(t.bytesPerSecond / 1e6)},
            {u"downloaded_bytes"_s, t.downloadedBytes},
            {u"total_bytes"_s, t.totalBytes},
            {u"speed_bytes_per_sec"_s, qint64(t.bytesPerSecond)},
            {u"eta_seconds"_s, orNull(t.etaSeconds())},
            {u"files_done"_s, t.filesDone},
            {u"files_total"_s, t.filesTotal},
        };
        if (!t.currentFile.isEmpty())
            p.insert(u"current_file"_s, t.currentFile);
        if (!t.files.isEmpty()) {
            QJsonArray files;
            for (const TransferFile &f : t.files) {
                QJsonObject o{{u"path"_s, f.path},
                              {u"bytes_done"_s, f.bytesDone},
                              {u"bytes_total"_s, f.bytesTotal},
                              {u"state"_s, TransferFile::stateName(f.state)}};
                if (!f.retryCause.isEmpty())
                    o.insert(u"retry_cause"_s, f.retryCause);
                files.append(o);
            }
            p.insert(u"file_states"_s, files);
        }
        return p;
    }
    QJsonObject operator()(const DownloadCompletedEvent &e) const
    {
        QJsonObject p{{u"file_path"_s, e.filePath}, {u"size_bytes"_s, e.sizeBytes}, {u"files"_s, e.files}};
        if (!e.commitSha.isEmpty())
            p.insert(u"commit_sha"_s, e.commitSha);
        return p;
    }
    QJsonObject operator()(const DownloadFailedEvent &e) const { return errorPayload(e.error); }
    QJsonObject operator()(const QuantizeProgressEvent &e) const
    {
        const QuantizeProgressInfo &q = e.progress;
        return {{u"progress"_s, round2(q.percent())},
                {u"tensors_done"_s, q.tensorsDone},
                {u"tensors_total"_s, q.tensorsTotal},
                {u"eta_seconds"_s, orNull(q.etaSeconds())},
                {u"mode"_s, q.mode},
                {u"device"_s, q.device},
                {u"bytes_done"_s, q.bytesDone},
                {u"bytes_total"_s, q.bytesTotal},
                {u"seconds_elapsed"_s, q.secondsElapsed}};
    }
    QJsonObject operator()(const QuantizeCompletedEvent &e) const
    {
        return {{u"file_path"_s, e.filePath}, {u"size_bytes"_s, e.sizeBytes}, {u"mode"_s, e.mode}};
    }
    QJsonObject operator()(const QuantizeFailedEvent &e) const
    {
        QJsonObject p = errorPayload(e.error);
        p.insert(u"mode"_s, e.mode);
        return p;
    }
    QJsonObject operator()(const JobChangedEvent &e) const
    {
        QJsonObject j{{u"id"_s, e.jobId.toString(QUuid::WithoutBraces)},
                      {u"kind"_s, jobKindName(e.kind)},
                      {u"state"_s, jobStateName(e.state)},
                      {u"device"_s, e.device},
                      {u"progress"_s, round2(e.progress)}};
        if (e.requestedStop)
            j.insert(u"requested_stop"_s, stopRequestName(*e.requestedStop));
        if (!e.ownerHost.isEmpty())
            j.insert(u"owner_host"_s, e.ownerHost);
        if (!e.lastError.isEmpty())
            j.insert(u"last_error"_s, e.lastError);
        return {{u"job"_s, j}};
    }
};

std::optional<ModelEventData> read(ModelEvent::Type type, const QJsonObject &p)
{
    using T = ModelEvent::Type;
    switch (type) {
    case T::ModelCreated: {
        const std::optional<ModelRecord> r = ModelRecord::fromJson(p.value(u"model"_s).toObject());
        if (!r)
            return std::nullopt;
        return ModelCreatedEvent{*r};
    }
    case T::ModelDeleted:
        return ModelDeletedEvent{p.value(u"bytes_freed"_s).toInteger()};
    case T::StatusChanged: {
        const auto to = modelStatusFromName(p.value(u"status"_s).toString());
        const auto from = modelStatusFromName(p.value(u"previous_status"_s).toString());
        if (!to || !from)
            return std::nullopt;
        return StatusChangedEvent{*from, *to, p.value(u"error_message"_s).toString(),
                                  jobStateFromName(p.value(u"job_state"_s).toString())};
    }
    case T::DownloadProgress: {
        TransferProgress t;
        t.downloadedBytes = p.value(u"downloaded_bytes"_s).toInteger();
        t.totalBytes = p.value(u"total_bytes"_s).toInteger();
        t.bytesPerSecond = double(p.value(u"speed_bytes_per_sec"_s).toInteger());
        t.filesDone = p.value(u"files_done"_s).toInt();
        t.filesTotal = p.value(u"files_total"_s).toInt();
        t.currentFile = p.value(u"current_file"_s).toString();
        for (const QJsonValue &v : p.value(u"file_states"_s).toArray()) {
            const QJsonObject o = v.toObject();
            TransferFile f;
            f.path = o.value(u"path"_s).toString();
            f.bytesDone = o.value(u"bytes_done"_s).toInteger();
            f.bytesTotal = o.value(u"bytes_total"_s).toInteger();
            f.state = fileStateFrom(o.value(u"state"_s).toString()).value_or(TransferFile::State::Queued);
            f.retryCause = o.value(u"retry_cause"_s).toString();
            t.files << f;
        }
        return DownloadProgressEvent{t};
    }
    case T::DownloadCompleted:
        return DownloadCompletedEvent{p.value(u"file_path"_s).toString(), p.value(u"size_bytes"_s).toInteger(),
                                      p.value(u"commit_sha"_s).toString(), p.value(u"files"_s).toInt()};
    case T::DownloadFailed:
        return DownloadFailedEvent{errorFrom(p)};
    case T::QuantizeProgress: {
        QuantizeProgressInfo q;
        q.mode = p.value(u"mode"_s).toString();
        q.device = p.value(u"device"_s).toString();
        q.tensorsDone = p.value(u"tensors_done"_s).toInt();
        q.tensorsTotal = p.value(u"tensors_total"_s).toInt();
        q.bytesDone = p.value(u"bytes_done"_s).toInteger();
        q.bytesTotal = p.value(u"bytes_total"_s).toInteger();
        q.secondsElapsed = p.value(u"seconds_elapsed"_s).toDouble();
        return QuantizeProgressEvent{q};
    }
    case T::QuantizeCompleted:
        return QuantizeCompletedEvent{p.value(u"file_path"_s).toString(), p.value(u"size_bytes"_s).toInteger(),
                                      p.value(u"mode"_s).toString()};
    case T::QuantizeFailed:
        return QuantizeFailedEvent{errorFrom(p), p.value(u"mode"_s).toString()};
    case T::JobChanged: {
        const QJsonObject j = p.value(u"job"_s).toObject();
        JobChangedEvent e;
        e.jobId = QUuid::fromString(j.value(u"id"_s).toString());
        e.kind = jobKindFromName(j.value(u"kind"_s).toString()).value_or(JobKind::Download);
        const auto state = jobStateFromName(j.value(u"state"_s).toString());
        if (e.jobId.isNull() || !state)
            return std::nullopt;
        e.state = *state;
        e.device = j.value(u"device"_s).toString();
        e.requestedStop = stopRequestFromName(j.value(u"requested_stop"_s).toString());
        e.ownerHost = j.value(u"owner_host"_s).toString();
        e.progress = j.value(u"progress"_s).toDouble();
        e.lastError = j.value(u"last_error"_s).toString();
        return e;
    }
    }
    return std::nullopt;
}

} // namespace

QJsonObject ModelEvent::payload() const
{
    QJsonObject p = std::visit(Writer{}, m_data);
    p.insert(u"model_id"_s, m_modelId.toString(QUuid::WithoutBraces));
    return p;
}

QJsonObject ModelEvent::toMessage(const QString &channel) const
{
    return {{u"channel"_s, channel}, {u"event"_s, name()}, {u"data"_s, payload()}};
}

std::optional<ModelEvent> ModelEvent::fromRecorded(QStringView name, const QUuid &id,
                                                   const QJsonObject &payload,
                                                   const QDateTime &timestamp)
{
    for (int t = int(Type::ModelCreated); t <= int(Type::JobChanged); ++t) {
        if (typeName(Type(t)) != name)
            continue;
        std::optional<ModelEventData> data = read(Type(t), payload);
        if (!data)
            return std::nullopt;
        return ModelEvent(id, std::move(*data), timestamp);
    }
    return std::nullopt;
}

} // namespace mistudio
