#pragma once

#include "service/modelevent.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace mistudio {

class CatalogueListener;
class EventBus;

// Relays to this process's EventBus what other processes sharing the catalogue commit (docs/
// deploy.md "Events across processes"), so that its WebSocket clients, its GUI and its list
// caches see jobs that run elsewhere:
// - state changes: the outbox rows after the last seq it saw, in seq order, except its own
//   (`originId`: those were published at commit). Never dropped: a seq that stays missing longer
//   than `holeGrace` (a transaction that rolled back, or rows pruned while it was behind) counts
//   as a gap, after which the current state of every model is published instead (resync);
// - progress: the PostgreSQL notifications of saved progress, coalesced per model to one per
//   `progressInterval` (latest wins).
// It wakes on LISTEN (PostgreSQL) and polls the outbox every `poll` as well (all SQLite has).
class EventRelay final
{
    Q_DISABLE_COPY_MOVE(EventRelay)

public:
    struct Options
    {
        QString originId; // this process: its own events are not relayed
        std::chrono::milliseconds poll{1000};
        std::chrono::milliseconds progressInterval{250};
        std::chrono::milliseconds holeGrace{2000};
        // Called on the relay's thread for every event it publishes (e.g. wake the worker
        // when another process queued a job).
        std::function<void(const ModelEvent &)> onRelayed;
    };
    struct Counters
    {
        qint64 relayed = 0;       // outbox events published here
        qint64 progress = 0;      // progress events published here
        qint64 notifications = 0; // notifications heard
        qint64 resyncs = 0;
    };

    // `listener` may be null (no notifications: polling only).
    EventRelay(std::shared_ptr<JobQueue> queue, std::shared_ptr<ModelStore> models, EventBus *bus,
               std::unique_ptr<CatalogueListener> listener, Options options);
    ~EventRelay(); // stop()

    // Starts after the outbox's current end: what was committed before is in the catalogue the
    // faces read at start.
    Status start();
    void stop();
    bool listening() const { return m_listening.load(); }
    Counters counters() const;

private:
    class Loop;

    std::shared_ptr<JobQueue> m_queue;
    std::shared_ptr<ModelStore> m_models;
    EventBus *m_bus;
    std::unique_ptr<CatalogueListener> m_listener;
    Options m_options;
    QThread m_thread;
    Loop *m_loop = nullptr;
    std::atomic_bool m_listening = false;
    std::atomic<qint64> m_relayed = 0;
    std::atomic<qint64> m_progress = 0;
    std::atomic<qint64> m_notifications = 0;
    std::atomic<qint64> m_resyncs = 0;
};

} // namespace mistudio
