#pragma once

#include "common/error.h"
#include "store/jobrecord.h"
#include "store/modelrecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QUuid>

#include <optional>

namespace mistudio {

// Download progress as the service reports it (one snapshot, all counters since the job began).
struct DownloadProgressInfo
{
    qint64 downloadedBytes = 0;
    qint64 totalBytes = 0;       // 0 while unknown
    double bytesPerSecond = 0.0; // smoothed
    int filesDone = 0;
    int filesTotal = 0;
    QString currentFile;
};

struct QuantizeProgressInfo
{
    QString mode;   // bnb-4bit | bnb-8bit
    QString device; // "cpu", "cuda:0"
    int tensorsDone = 0;
    int tensorsTotal = 0;
    qint64 bytesDone = 0;  // input bytes processed
    qint64 bytesTotal = 0; // input bytes to process
    double secondsElapsed = 0.0;
};

// One thing that happened to a model. The same object is rendered three ways: the WebSocket
// message {"channel","event","data"}, the CLI's NDJSON line and the GUI's table update.
// name() and payload() follow the design's §7 exactly, plus extra keys (documented in
// docs/api.md). A payload never contains a Hub token.
class ModelEvent
{
public:
    enum class Type {
        ModelCreated,
        ModelDeleted,
        StatusChanged,
        DownloadProgress,
        DownloadCompleted,
        DownloadFailed,
        QuantizeProgress,
        QuantizeCompleted,
        QuantizeFailed,
        JobChanged,
    };

    ModelEvent() = default;

    // {"model_id", "model": {record}}
    static ModelEvent modelCreated(const ModelRecord &record);
    // {"model_id", "bytes_freed"}
    static ModelEvent modelDeleted(const QUuid &id, qint64 bytesFreed);
    // {"model_id", "status", "previous_status", "error_message"?, "job_state"?}
    static ModelEvent statusChanged(const QUuid &id, ModelStatus from, ModelStatus to,
                                    const QString &errorMessage = {},
                                    const QString &jobState = {});
    // {progress, downloaded_gb, total_gb, speed_mbps} + model_id, downloaded_bytes, total_bytes,
    // speed_bytes_per_sec, eta_seconds (null while unknown), files_done, files_total, current_file
    static ModelEvent downloadProgress(const QUuid &id, const DownloadProgressInfo &info);
    // {file_path, size_bytes} + model_id, commit_sha, files
    static ModelEvent downloadCompleted(const QUuid &id, const QString &filePath, qint64 sizeBytes,
                                        const QString &commitSha, int files);
    // {error} + model_id, error_code, details
    static ModelEvent downloadFailed(const QUuid &id, const Error &error);
    // {progress, tensors_done, tensors_total, eta_seconds, mode, device} + model_id
    static ModelEvent quantizeProgress(const QUuid &id, const QuantizeProgressInfo &info);
    // {file_path, size_bytes, mode} + model_id
    static ModelEvent quantizeCompleted(const QUuid &id, const QString &filePath, qint64 sizeBytes,
                                        const QString &mode);
    // {error} + model_id, error_code, mode
    static ModelEvent quantizeFailed(const QUuid &id, const Error &error, const QString &mode);
    // A job of the model moved (queued, running, paused, ... or a stop was asked of its owner):
    // {model_id, job: {id, kind, state, device, requested_stop, owner_host, progress, last_error}}
    static ModelEvent jobChanged(const JobRecord &job);
    // An event as it was recorded (the outbox, another process): its name, model and payload.
    // Empty for a name this build does not know.
    static std::optional<ModelEvent> fromRecorded(QStringView name, const QUuid &id,
                                                  const QJsonObject &payload,
                                                  const QDateTime &timestamp = {});

    Type type() const { return m_type; }
    QUuid modelId() const { return m_modelId; }
    QDateTime timestamp() const { return m_timestamp; }
    // "download_progress", ...
    QString name() const;
    static QString typeName(Type type);
    QJsonObject payload() const { return m_payload; }
    // "model/<uuid>" ("jobs" for job_changed): the WebSocket channel the event belongs to.
    QString channel() const;
    // Progress events may be coalesced (latest wins) by slow consumers; others never.
    bool isProgress() const
    {
        return m_type == Type::DownloadProgress || m_type == Type::QuantizeProgress;
    }
    // Whether the `models` channel (list changes) carries it: everything but progress.
    bool isListChange() const { return !isProgress(); }

    // {"channel", "event", "data"}: the WebSocket message and the NDJSON line.
    QJsonObject toMessage(const QString &channel) const;
    QJsonObject toMessage() const { return toMessage(channel()); }

private:
    ModelEvent(Type type, const QUuid &id, QJsonObject payload);

    Type m_type = Type::StatusChanged;
    QUuid m_modelId;
    QDateTime m_timestamp;
    QJsonObject m_payload;
};

} // namespace mistudio

Q_DECLARE_METATYPE(mistudio::ModelEvent)
