#pragma once

#include <functional>

#include "store/jobqueue.h"

#include <memory>

class QSqlQuery;

namespace mistudio {

class SqlDatabase;
class SqlModelStore;

// JobQueue over the catalogue database (SQLite or PostgreSQL). `originId` is the process
// instance recorded with the outbox events this object commits.
class SqlJobQueue final : public JobQueue
{
    Q_DISABLE_COPY_MOVE(SqlJobQueue)

public:
    SqlJobQueue(std::shared_ptr<SqlDatabase> db, QString originId);
    ~SqlJobQueue() override;

    Result<CommittedChange> createModel(const NewModel &model, const EventRecorder &events) override;
    Result<CommittedChange> removeModel(const QUuid &id, const EventRecorder &events) override;
    Result<CommittedChange> adoptModel(const NewModel &model, const ModelPatch &patch,
                                       const EventRecorder &events) override;
    Result<CommittedChange> amendModel(const QUuid &id, const ModelPatch &patch,
                                       const EventRecorder &events) override;

    Result<CommittedChange> enqueue(const NewJob &job, const ModelPatch &patch,
                                    const EventRecorder &events) override;
    Result<CommittedChange> requestStop(const QUuid &modelId, StopRequest request,
                                        const EventRecorder &events) override;
    Result<CommittedChange> resume(const QUuid &modelId, const QString &affinityId,
                                   const EventRecorder &events) override;
    Status reorder(const QUuid &jobId, const std::optional<QUuid> &beforeJobId) override;

    Result<std::optional<JobRecord>> claim(const WorkerRecord &owner, const ClaimFilter &filter,
                                           std::chrono::milliseconds lease,
                                           const EventRecorder &events = {},
                                           std::vector<OutboxEvent> *recorded = nullptr) override;
    Status setRunDevice(const JobFence &fence, const QString &device) override;
    Result<std::vector<OwnedJob>> heartbeat(const QString &ownerId,
                                            std::chrono::milliseconds lease) override;
    Result<std::vector<OwnedJob>> pendingStops(const QString &ownerId) override;
    Status saveProgress(const JobFence &fence, double percent, const QJsonObject &detail) override;
    Result<CommittedChange> finish(const JobFence &fence, JobState to, const QString &error,
                                   const ModelPatch &patch, const std::optional<NewJob> &next,
                                   const EventRecorder &events) override;

    Result<std::vector<CommittedChange>> reapExpired(const EventRecorder &events) override;
    Result<std::vector<CommittedChange>>
    requeueDeadOwners(const QString &host, const std::function<bool(const QString &)> &isDead,
                      const EventRecorder &events) override;

    Status registerWorker(const WorkerRecord &worker) override;
    Status unregisterWorker(const QString &id) override;
    Result<std::vector<WorkerRecord>> workers(std::chrono::milliseconds fresh) override;

    Result<JobRecord> get(const QUuid &id) override;
    Result<std::optional<JobRecord>> active(const QUuid &modelId) override;
    Result<std::vector<JobRecord>> list(const JobQuery &query) override;
    Result<std::vector<OutboxEvent>> eventsAfter(qint64 afterSeq, int limit) override;
    Result<qint64> lastEventSeq() override;

private:
    // Runs `body` in one transaction (docs/jobs.md: a change and its events, all or nothing) and
    // returns what it committed.
    Result<CommittedChange> change(const std::function<Result<CommittedChange>()> &body);
    // The pieces every transaction is made of (called inside SqlDatabase::transaction).
    Result<ModelRecord> lockModel(const QUuid &id);
    Result<std::optional<JobRecord>> latestJob(const QUuid &modelId);
    Result<std::optional<JobRecord>> activeJob(const QUuid &modelId, bool lock);
    Result<JobRecord> insertJob(const NewJob &job);
    // Derives the model's status from its facts, writes it, records the events: the common end.
    Result<CommittedChange> settle(const std::optional<ModelRecord> &before, const QUuid &modelId,
                                   const std::optional<QUuid> &jobId, const EventRecorder &events);
    Result<std::vector<OutboxEvent>> record(const ModelChange &change, const EventRecorder &events);
    // running → queued for jobs matching `where` (a pending cancel becomes cancelled, a pending
    // pause paused): the reaper and the start-up requeue.
    Result<std::vector<CommittedChange>> requeueRunning(const QString &where, const QVariantList &values,
                                                        const EventRecorder &events);
    Result<std::vector<OwnedJob>> ownedJobs(const QString &ownerId, bool onlyStops);
    JobRecord readJob(const QSqlQuery &q) const;

    std::shared_ptr<SqlDatabase> m_db;
    std::unique_ptr<SqlModelStore> m_models;
    QString m_originId;
    QString m_columns;
};

} // namespace mistudio
