#pragma once

#include "service/modelevent.h"
#include "service/servicetypes.h"
#include "store/modelrecord.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace mistudio::compat {

// One Socket.IO event for the original frontend: the room (its "channel") it goes to, its
// name and its payload, {type, model_id, progress, status, message?, error?} (+ speed_mbps,
// eta_seconds while downloading). Progress events of a channel share a coalescing key, so a
// slow client gets the latest one.
struct SocketEvent
{
    QString channel; // "models/<id>/progress"
    QString event;   // "model:progress", "model:completed", "model:error"
    QJsonObject data;
    QString coalesceKey; // non-empty for model:progress

    // {"channel", "event", "data"}: what the original backend's internal emit endpoint takes.
    QJsonObject toEmitBody() const;
};

// Our events in the original frontend's Socket.IO vocabulary: the one place that translation
// is written, for our Socket.IO server and for the sink that posts to an original backend.
class CompatEvents final
{
public:
    static QString progressChannel(const QUuid &modelId);
    // The model of a "models/<uuid>/progress" channel.
    static std::optional<QUuid> modelOfProgressChannel(QStringView channel);

    // download/quantize progress → model:progress (status downloading/quantizing); a status
    // change → model:progress with the new status, and for ready also model:completed, for
    // failed or stopped also model:error (the frontend's list listens for those two). Events
    // the frontend has no use for (created, deleted, job changes, the *_completed/_failed
    // companions of a status change) translate to nothing.
    static QList<SocketEvent> translate(const ModelEvent &event);
    // A model's state now, as the same events: what a client subscribing to a model's channel
    // gets at once (a download already running, or one that ended before it subscribed).
    static QList<SocketEvent> snapshot(const ModelRecord &record, const std::optional<JobView> &job);
};

} // namespace mistudio::compat
