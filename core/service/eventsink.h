#pragma once

#include "service/modelevent.h"

namespace mistudio {

// Where events go besides in-process subscribers: e.g. a PostgreSQL NOTIFY publisher so that
// the other hosts sharing a catalogue see this host's events. deliver() is called on the
// publishing thread and must not block for long (queue, then send).
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void deliver(const ModelEvent &event) = 0;
};

} // namespace mistudio
