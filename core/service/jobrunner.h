#pragma once

#include "service/engines.h"
#include "service/eventbus.h"
#include "service/servicetypes.h"
#include "store/jobstore.h"
#include "store/modelstore.h"

#include <QFuture>
#include <QHash>
#include <QMutex>
#include <QRecursiveMutex>
#include <QThreadPool>

#include <memory>
#include <optional>
#include <vector>

namespace mistudio {

// Runs the service's jobs on QThreadPools: downloads on their own pool, quantization on one
// single-thread pool per GPU (GPU work is serialized per device) and a CPU pool. Owns the
// state changes a job makes (transition + status_changed) and the events it reports.
// Internal to core/service: faces use ModelService.
class JobRunner final
{
    Q_DISABLE_COPY_MOVE(JobRunner)

public:
    JobRunner(std::shared_ptr<ModelStore> store, std::shared_ptr<JobStore> jobs, EventBus *bus,
              Engines engines, ServiceOptions options);
    ~JobRunner();

    Status recover(std::optional<QUuid> onlyModel = std::nullopt);
    void shutdown();

    Result<ModelRecord> startDownload(const ModelRecord &record, const DownloadRequest &request);
    Result<ModelRecord> startQuantize(const ModelRecord &record, const QuantizeRequest &request);
    Result<ModelRecord> cancel(const QUuid &modelId);
    Result<ModelRecord> pause(const QUuid &modelId);
    Result<ModelRecord> resume(const QUuid &modelId, const QString &token);
    Result<ModelRecord> retry(const ModelRecord &record, const QString &token);
    // Stops and forgets the model's job (for delete); the future finishes when its worker
    // has returned, so that files can be removed safely.
    QFuture<void> stopForDelete(const QUuid &modelId);

    std::optional<JobView> job(const QUuid &modelId) const;
    QList<JobView> jobs() const;
    QStringList gpus() const { return m_gpus; }

    // transition + status_changed event, in one place.
    Result<ModelRecord> setStatus(const QUuid &id, ModelStatus to, const QString &error = {},
                                  const QString &jobState = {});

    struct Job;
    struct Execution;

private:
    enum class StopKind { Cancel, Pause };
    Result<ModelRecord> stop(const QUuid &modelId, StopKind kind);
    // Persists nothing: the job must already be `queued` in the jobs table. Posts one worker
    // slot to the job's pool; the slot claims the oldest queued job of that kind.
    void enqueue(const std::shared_ptr<Job> &job);
    void runSlot(QThreadPool *pool, JobKind kind, const QString &device);
    std::shared_ptr<Job> adopt(const JobRecord &record);
    QThreadPool *poolFor(Job &job);
    void runDownload(const std::shared_ptr<Job> &job, Execution &exec);
    void runQuantize(const std::shared_ptr<Job> &job, Execution &exec);
    void finishJob(const std::shared_ptr<Job> &job, JobState state, const QString &error = {});
    void persistState(const Job &job, JobState state, const QString &error = {});
    // A cancelled job's worker may still be stopping: the model's next job waits for it.
    void rememberCancelledRun(Job &job);
    std::shared_ptr<Job> findJob(const QUuid &modelId) const;
    void failModel(const QUuid &id, const Error &error, bool quantizeStep, const QString &mode);

    std::shared_ptr<ModelStore> m_store;
    std::shared_ptr<JobStore> m_jobStore;
    EventBus *m_bus;
    Engines m_engines;
    ServiceOptions m_options;
    QStringList m_gpus;

    QThreadPool m_downloadPool;
    QThreadPool m_cpuPool;
    std::vector<std::unique_ptr<QThreadPool>> m_gpuPools;

    // Held from the moment a job becomes claimable in the jobs table (created queued, or
    // moved back to queued by a resume) until its Job and fresh Execution are registered in
    // memory. A slot takes it after its claim: slots claim the oldest queued job, not the one
    // that posted them, so a left-over slot (its execution abandoned by a pause) could
    // otherwise claim a half-registered job and run a stale execution or adopt a duplicate.
    // Recursive: event sinks run synchronously and may call back into the service.
    QRecursiveMutex m_registerMutex;
    mutable QMutex m_mutex; // guards m_jobs, m_lastDownload and m_cancelledRuns
    QHash<QUuid, std::shared_ptr<Job>> m_jobs; // by model id: at most one job per model
    QHash<QUuid, std::shared_ptr<Job>> m_byJobId;
    QHash<QUuid, DownloadRequest> m_lastDownload; // for retry (token removed)
    QHash<QUuid, QFuture<void>> m_cancelledRuns;  // by model id, see rememberCancelledRun
    int m_nextGpu = 0;
};

} // namespace mistudio
