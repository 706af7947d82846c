#include "service/jobevents.h"

#include "service/eventbus.h"

namespace mistudio {
namespace {

OutboxEvent toOutbox(const ModelEvent &e)
{
    OutboxEvent o;
    o.modelId = e.modelId();
    o.type = e.name();
    o.payload = e.payload();
    return o;
}

} // namespace

EventRecorder recordEvents(std::vector<ModelEvent> leading, qint64 bytesFreed)
{
    return [leading = std::move(leading), bytesFreed](const ModelChange &c) {
        std::vector<OutboxEvent> out;
        for (const ModelEvent &e : leading)
            out.push_back(toOutbox(e));
        if (!c.before && c.after) {
            out.push_back(toOutbox(ModelEvent::modelCreated(*c.after)));
            return out;
        }
        if (c.before && !c.after) {
            out.push_back(toOutbox(ModelEvent::modelDeleted(c.before->id, bytesFreed)));
            return out;
        }
        if (!c.after)
            return out;
        if (c.job)
            out.push_back(toOutbox(ModelEvent::jobChanged(*c.job)));
        if (c.before && c.before->status != c.after->status) {
            const bool failedJob = c.job && c.job->state == JobState::Failed;
            const QString error = c.after->status == ModelStatus::Failed || failedJob
                ? c.after->errorMessage
                : QString();
            out.push_back(toOutbox(ModelEvent::statusChanged(
                c.after->id, c.before->status, c.after->status, error,
                c.job ? std::optional<JobState>(c.job->state) : std::nullopt)));
        }
        return out;
    };
}

void publishCommitted(EventBus *bus, const CommittedChange &change)
{
    for (const OutboxEvent &o : change.events) {
        if (std::optional<ModelEvent> e = ModelEvent::fromRecorded(o.type, o.modelId, o.payload))
            bus->publish(*e);
    }
}

void publishCommitted(EventBus *bus, const std::vector<CommittedChange> &changes)
{
    for (const CommittedChange &c : changes)
        publishCommitted(bus, c);
}

} // namespace mistudio
