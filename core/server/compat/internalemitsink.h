#pragma once

#include "service/eventsink.h"

#include <QMutex>
#include <QString>
#include <QThread>
#include <QUrl>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>

namespace mistudio::compat {

class EmitPoster;

// Mixed deployments (docs/remote-frontends.md): the original miStudio backend keeps its
// Socket.IO server and everything but models; this sink posts our model events, translated by
// CompatEvents, to its internal emit endpoint (POST {"channel","event","data"} with
// X-Internal-Token), which relays them to the frontend's rooms. deliver() only queues (the
// publishing thread never waits on the network); one thread of the sink's own posts them in
// order, one at a time. The queue is bounded: a newer progress event of a channel replaces a
// queued one, and beyond the bound the oldest event is dropped (and counted).
class InternalEmitSink final : public EventSink
{
public:
    struct Options
    {
        QUrl url; // e.g. http://backend:8000/api/internal/ws/emit
        QString token;
        int maxQueued = 1024;
        int timeoutMs = 5000;
    };
    struct Counters
    {
        qint64 posted = 0;  // answered 200
        qint64 failed = 0;  // another status, a timeout or a network error
        qint64 dropped = 0; // pushed out of a full queue
    };

    explicit InternalEmitSink(Options options);
    ~InternalEmitSink() override;
    Q_DISABLE_COPY_MOVE(InternalEmitSink)

    void deliver(const ModelEvent &event) override;
    Counters counters() const;

private:
    friend class EmitPoster;
    struct Pending
    {
        QByteArray body;
        QString coalesceKey;
    };
    // The next body to post, or nothing (the poster then waits for the next wake-up).
    std::optional<QByteArray> take();
    void record(bool ok);

    Options m_options;
    mutable QMutex m_mutex;
    std::deque<Pending> m_queue;
    Counters m_counters;
    QThread m_thread;
    EmitPoster *m_poster = nullptr; // lives in m_thread
};

} // namespace mistudio::compat
