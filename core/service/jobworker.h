#pragma once

#include "common/result.h"
#include "service/engines.h"
#include "service/servicetypes.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QThread>
#include <QThreadPool>

#include <memory>
#include <optional>
#include <vector>

namespace mistudio {

class EventBus;
class TokenVault;

// The process's worker (docs/jobs.md): claims rows of the jobs table it has a free slot for
// (downloads; quantizations per device: one slot per GPU, a CPU pool), runs each claimed job on
// a pool thread, and keeps what it runs honest on timers of its own thread: a heartbeat that
// renews the leases (and stops a job found lost), a poll of the stop requests other processes
// wrote, a reaper for expired leases, and a poll for jobs other processes queued.
class JobWorker final
{
    Q_DISABLE_COPY_MOVE(JobWorker)

public:
    JobWorker(std::shared_ptr<ModelStore> models, std::shared_ptr<JobQueue> queue, EventBus *bus,
              Engines engines, ServiceOptions options, TokenVault *tokens);
    ~JobWorker(); // stop()

    // Registers this process, requeues what dead processes of this host were running, and
    // starts claiming (with `onlyModel`, that model's jobs only: a CLI download).
    Status start(std::optional<QUuid> onlyModel = std::nullopt);
    // Drains: no new claims, running jobs are stopped and released (queued again for another
    // worker or the next start; a pause or cancel already asked of them is honoured), then the
    // process is unregistered. Returns when every job has returned.
    void stop();

    // Something was queued: claim now (any thread).
    void wake();
    // Whether this process runs job `jobId` now.
    bool runs(const QUuid &jobId) const;
    // Asks a job this process runs to stop, at once (the request is also on the row for the
    // record), and waits up to `wait` for it to end. False when it is not ours or did not end.
    bool stopLocal(const QUuid &jobId, StopRequest request, std::chrono::milliseconds wait);

    QString ownerId() const { return m_identity.id; }
    QStringList gpus() const { return m_gpus; }

private:
    struct Running;
    class Loop;
    friend class Loop;

    void claimWhileFree();
    void heartbeat();
    void pollStops();
    void reap();
    ClaimFilter freeSlots() const; // under m_mutex
    void launch(const JobRecord &job);
    void release(const std::shared_ptr<Running> &run);
    std::shared_ptr<Running> find(const QUuid &jobId) const;

    std::shared_ptr<ModelStore> m_models;
    std::shared_ptr<JobQueue> m_queue;
    EventBus *m_bus;
    Engines m_engines;
    ServiceOptions m_options;
    TokenVault *m_tokens;
    WorkerRecord m_identity;
    QStringList m_gpus;      // the GPUs it may use
    bool m_runsDownloads = true;
    bool m_runsQuantize = false;
    bool m_cpuAllowed = true; // quantizations on the CPU
    std::optional<QUuid> m_onlyModel;

    QThread m_thread; // runs the Loop (timers, claims)
    Loop *m_loop = nullptr;
    QThreadPool m_downloadPool;
    QThreadPool m_cpuPool;
    std::vector<std::unique_ptr<QThreadPool>> m_gpuPools;

    mutable QMutex m_mutex; // the running set, the busy slots and m_stopping
    QHash<QUuid, std::shared_ptr<Running>> m_running; // by job id
    int m_downloadsBusy = 0;
    int m_cpuBusy = 0;
    QSet<QString> m_gpusBusy;
    bool m_started = false;
    bool m_stopping = false;
    qint64 m_lastHeartbeatOkMs = 0;
};

} // namespace mistudio
