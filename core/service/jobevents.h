#pragma once

#include "service/modelevent.h"
#include "store/jobqueue.h"

#include <vector>

namespace mistudio {

class EventBus;

// The events a committed catalogue change produces, in the order faces hear them: `leading`
// first (what the job itself reported: download_completed, quantize_failed, ...), then
// model_created / job_changed / status_changed / model_deleted as the rows moved. The recorder
// runs inside the transaction (the events are stored in the outbox with the change); the same
// events are published in this process once the change is committed (publishCommitted).
EventRecorder recordEvents(std::vector<ModelEvent> leading = {}, qint64 bytesFreed = 0);

// Publishes what a committed change recorded, read back from its outbox rows, so that every
// process (this one now, others through the outbox) sees exactly the same events.
void publishCommitted(EventBus *bus, const CommittedChange &change);
void publishCommitted(EventBus *bus, const std::vector<CommittedChange> &changes);

} // namespace mistudio
