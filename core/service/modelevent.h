#pragma once

#include "common/error.h"
#include "common/transferprogress.h"
#include "store/jobrecord.h"
#include "store/modelrecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QUuid>

#include <optional>
#include <variant>

namespace mistudio {

// The download progress a DownloadBackend reports (the struct core/common shares).
using DownloadProgressInfo = TransferProgress;

struct QuantizeProgressInfo
{
    QString mode;   // bnb-4bit | bnb-8bit
    QString device; // "cpu", "cuda:0"
    int tensorsDone = 0;
    int tensorsTotal = 0;
    qint64 bytesDone = 0;  // input bytes processed
    qint64 bytesTotal = 0; // input bytes to process
    double secondsElapsed = 0.0;

    double percent() const; // 0..100
    qint64 etaSeconds() const; // -1 when unknown
};

// One plain struct per thing that happens to a model. Faces read these; the wire (WebSocket,
// NDJSON, the event outbox) gets them through the one JSON writer (eventjson.h).
struct ModelCreatedEvent
{
    ModelRecord model;
};
struct ModelDeletedEvent
{
    qint64 bytesFreed = 0;
};
struct StatusChangedEvent
{
    ModelStatus from = ModelStatus::Pending;
    ModelStatus to = ModelStatus::Pending;
    QString errorMessage;
    std::optional<JobState> jobState;
};
struct DownloadProgressEvent
{
    TransferProgress progress;
};
struct DownloadCompletedEvent
{
    QString filePath;
    qint64 sizeBytes = 0;
    QString commitSha;
    int files = 0;
};
struct DownloadFailedEvent
{
    Error error;
};
struct QuantizeProgressEvent
{
    QuantizeProgressInfo progress;
};
struct QuantizeCompletedEvent
{
    QString filePath;
    qint64 sizeBytes = 0;
    QString mode;
};
struct QuantizeFailedEvent
{
    Error error;
    QString mode;
};
// A job of the model moved (queued, running, paused, ... or a stop was asked of its owner).
struct JobChangedEvent
{
    QUuid jobId;
    JobKind kind = JobKind::Download;
    JobState state = JobState::Queued;
    QString device;
    std::optional<StopRequest> requestedStop;
    QString ownerHost; // while running
    double progress = 0;
    QString lastError; // when failed
};

// In the order of ModelEvent::Type.
using ModelEventData = std::variant<ModelCreatedEvent, ModelDeletedEvent, StatusChangedEvent,
                                    DownloadProgressEvent, DownloadCompletedEvent, DownloadFailedEvent,
                                    QuantizeProgressEvent, QuantizeCompletedEvent, QuantizeFailedEvent,
                                    JobChangedEvent>;

// One thing that happened to a model: which model, when, and what (a typed struct). The same
// event is rendered three ways: the WebSocket message {"channel","event","data"}, the CLI's
// NDJSON line (both by the one JSON writer: payload(), toMessage()) and the GUI's table update
// (from the struct). The JSON has docs/api.md's base keys exactly, plus the extras documented
// there; it never contains a Hub token.
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
    ModelEvent(const QUuid &modelId, ModelEventData data, const QDateTime &timestamp = {});

    static ModelEvent modelCreated(const ModelRecord &record);
    static ModelEvent modelDeleted(const QUuid &id, qint64 bytesFreed);
    static ModelEvent statusChanged(const QUuid &id, ModelStatus from, ModelStatus to,
                                    const QString &errorMessage = {},
                                    std::optional<JobState> jobState = std::nullopt);
    static ModelEvent downloadProgress(const QUuid &id, const TransferProgress &progress);
    static ModelEvent downloadCompleted(const QUuid &id, const QString &filePath, qint64 sizeBytes,
                                        const QString &commitSha, int files);
    static ModelEvent downloadFailed(const QUuid &id, const Error &error);
    static ModelEvent quantizeProgress(const QUuid &id, const QuantizeProgressInfo &progress);
    static ModelEvent quantizeCompleted(const QUuid &id, const QString &filePath, qint64 sizeBytes,
                                        const QString &mode);
    static ModelEvent quantizeFailed(const QUuid &id, const Error &error, const QString &mode);
    static ModelEvent jobChanged(const JobRecord &job);
    // An event as it was recorded (the outbox, another process): its name, model and JSON
    // payload, read back by the one JSON reader. Empty for a name this build does not know.
    static std::optional<ModelEvent> fromRecorded(QStringView name, const QUuid &id,
                                                  const QJsonObject &payload,
                                                  const QDateTime &timestamp = {});

    Type type() const { return Type(m_data.index()); }
    const ModelEventData &data() const { return m_data; }
    template<class T> const T *as() const { return std::get_if<T>(&m_data); }
    QUuid modelId() const { return m_modelId; }
    QDateTime timestamp() const { return m_timestamp; }
    // "download_progress", ...
    QString name() const { return typeName(type()); }
    static QString typeName(Type type);
    // "model/<uuid>" ("jobs" for job_changed): the WebSocket channel the event belongs to.
    QString channel() const;
    // Progress events may be coalesced (latest wins) by slow consumers; others never.
    bool isProgress() const
    {
        return type() == Type::DownloadProgress || type() == Type::QuantizeProgress;
    }
    // Whether the `models` channel (list changes) carries it: everything but progress.
    bool isListChange() const { return !isProgress(); }

    // The wire: the event's JSON `data` and {"channel", "event", "data"} (eventjson.cpp).
    QJsonObject payload() const;
    QJsonObject toMessage(const QString &channel) const;
    QJsonObject toMessage() const { return toMessage(channel()); }

private:
    QUuid m_modelId;
    QDateTime m_timestamp;
    ModelEventData m_data;
};

} // namespace mistudio

Q_DECLARE_METATYPE(mistudio::ModelEvent)
