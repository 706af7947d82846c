#pragma once

#include "common/result.h"
#include "store/jobrecord.h"
#include "store/modelrecord.h"
#include "store/workerrecord.h"

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace mistudio {

// PostgreSQL notification channels (docs/deploy.md): a committed outbox row's seq, and the saved
// progress of a running job as JSON {"job","model","kind","owner","progress","detail"}.
inline constexpr char kEventsChannel[] = "mistudio_events";
inline constexpr char kProgressChannel[] = "mistudio_progress";

// One event recorded in the outbox (the `events` table) by the transaction that caused it.
// The store treats type and payload as opaque: core/service renders and reads them.
struct OutboxEvent
{
    qint64 seq = 0; // assigned by the database, increasing
    QUuid modelId;
    QString type;
    QJsonObject payload;
    QString originId; // the process that committed it
    QDateTime createdAt;
};

// The state of one model just before and just after a committed change, as the event recorder
// (and the caller) sees it. `before` is empty when the model was created, `after` when it was
// removed.
struct ModelChange
{
    std::optional<ModelRecord> before;
    std::optional<ModelRecord> after;
    std::optional<JobRecord> job; // the job the change was about, after it
};

// Called inside the transaction, after the rows were written: returns the events to record in
// the outbox with them. May be empty (then nothing is recorded).
using EventRecorder = std::function<std::vector<OutboxEvent>(const ModelChange &change)>;

// What a committed change did: the rows after it and the outbox events it recorded (with their
// sequence numbers), for the caller to publish now that they are durable.
struct CommittedChange
{
    ModelChange change;
    std::vector<OutboxEvent> events;
};

// Which jobs a worker can take now: the kinds it runs, and for quantizations the devices with
// a free slot (a job that requested "cpu" or "cuda:1" goes only to a worker offering that
// device) and whether it takes an "auto" job now (the worker decides where such a job runs).
struct ClaimFilter
{
    struct Offer
    {
        JobKind kind = JobKind::Download;
        QStringList devices; // quantize: free devices; downloads run anywhere
        bool acceptAuto = true; // quantize: take jobs that asked for "auto"
    };
    std::vector<Offer> offers;
    std::optional<QUuid> onlyModel; // a CLI run works on its own model only
    int specVersion = kJobSpecVersion;
};

// What the owner hears at a heartbeat about one job it believes it runs.
struct OwnedJob
{
    QUuid jobId;
    qint64 claimSeq = 0;
    std::optional<StopRequest> requestedStop;
};

// The jobs table as the one authority (docs/jobs.md). Every method is one transaction that
// updates the job, derives the model's status from its facts (deriveModelStatus) and records the
// recorder's events in the outbox, all or nothing. Safe from any thread (each thread its own
// connection) and from any number of processes sharing the catalogue.
class JobQueue
{
public:
    virtual ~JobQueue() = default;

    // --- models (the changes faces must hear about) -----------------------------------------
    virtual Result<CommittedChange> createModel(const NewModel &model, const EventRecorder &events) = 0;
    // A model whose files are already in place (an import): created with `patch` applied (its
    // file path, commit, files, ...), its status derived from those facts (ready) at once.
    virtual Result<CommittedChange> adoptModel(const NewModel &model, const ModelPatch &patch,
                                               const EventRecorder &events) = 0;
    // Changes a model outside any job (e.g. an update that only removes files) and derives its
    // status again. Conflict while the model has an active job.
    virtual Result<CommittedChange> amendModel(const QUuid &id, const ModelPatch &patch,
                                               const EventRecorder &events) = 0;
    // NotFound when absent. Its jobs go with it; Conflict while one of them is running.
    virtual Result<CommittedChange> removeModel(const QUuid &id, const EventRecorder &events) = 0;

    // --- requests (any process) -------------------------------------------------------------
    // A queued job, with `patch` applied to the model in the same transaction. Conflict when the
    // model already has an active job.
    virtual Result<CommittedChange> enqueue(const NewJob &job, const ModelPatch &patch,
                                            const EventRecorder &events) = 0;
    // Stops the model's active job: a queued, paused or waiting one moves at once (to paused
    // for a pause of a queued job, else cancelled); a running one gets the request for its
    // owner. IllegalTransition when there is no active job (or a pause of a paused one).
    virtual Result<CommittedChange> requestStop(const QUuid &modelId, StopRequest request,
                                                const EventRecorder &events) = 0;
    // paused | needs_token → queued. IllegalTransition otherwise.
    virtual Result<CommittedChange> resume(const QUuid &modelId, const QString &affinityId,
                                           const EventRecorder &events) = 0;
    // Moves a queued job before `beforeJobId` (or to the end when null) in the claim order.
    virtual Status reorder(const QUuid &jobId, const std::optional<QUuid> &beforeJobId) = 0;

    // --- workers (fenced) --------------------------------------------------------------------
    // Takes the first claimable job (docs/jobs.md "Claim") for `owner`, with a lease, or nothing.
    // The device a claimed "auto" quantize job runs on is the worker's to choose: setRunDevice.
    // With `events`, the claim is recorded in the outbox in the same transaction (job_changed
    // "running", so that every process's faces see who took it) and the recorded events are
    // appended to `recorded` for the caller to publish.
    virtual Result<std::optional<JobRecord>> claim(const WorkerRecord &owner, const ClaimFilter &filter,
                                                   std::chrono::milliseconds lease,
                                                   const EventRecorder &events = {},
                                                   std::vector<OutboxEvent> *recorded = nullptr) = 0;
    virtual Status setRunDevice(const JobFence &fence, const QString &device) = 0;
    // Extends the leases of every running job `ownerId` holds and its worker heartbeat; returns
    // those jobs (with any stop request). A job the owner thinks it runs but that is not listed
    // is lost.
    virtual Result<std::vector<OwnedJob>> heartbeat(const QString &ownerId,
                                                    std::chrono::milliseconds lease) = 0;
    // The stop requests for jobs `ownerId` runs (a cheap read, polled often).
    virtual Result<std::vector<OwnedJob>> pendingStops(const QString &ownerId) = 0;
    // Progress of a running job, about once a second: job.progress/progress_detail and the
    // model's progress. LeaseLost when the fence no longer holds.
    virtual Status saveProgress(const JobFence &fence, double percent, const QJsonObject &detail) = 0;
    // Ends a running job (done, failed, cancelled, paused, needs_token; queued = released for
    // another worker) with `patch` applied to the model; with `next`, the follow-up job (a
    // quantization after a download) is queued in the same transaction. LeaseLost (nothing
    // written) when the fence no longer holds.
    virtual Result<CommittedChange> finish(const JobFence &fence, JobState to, const QString &error,
                                           const ModelPatch &patch, const std::optional<NewJob> &next,
                                           const EventRecorder &events) = 0;

    // --- recovery ----------------------------------------------------------------------------
    // Requeues running jobs whose lease has expired (any owner). Also prunes old outbox rows
    // and long-dead workers.
    virtual Result<std::vector<CommittedChange>> reapExpired(const EventRecorder &events) = 0;
    // Requeues at once the running jobs of owners on `host` for which `isDead(ownerId)` holds
    // (this host's processes that died: pid gone, or another boot).
    virtual Result<std::vector<CommittedChange>>
    requeueDeadOwners(const QString &host, const std::function<bool(const QString &ownerId)> &isDead,
                      const EventRecorder &events) = 0;

    // --- workers registry --------------------------------------------------------------------
    virtual Status registerWorker(const WorkerRecord &worker) = 0;
    virtual Status unregisterWorker(const QString &id) = 0;
    // Workers whose heartbeat is younger than `fresh` (all when zero).
    virtual Result<std::vector<WorkerRecord>> workers(std::chrono::milliseconds fresh) = 0;

    // --- reads ---------------------------------------------------------------------------------
    virtual Result<JobRecord> get(const QUuid &id) = 0;
    virtual Result<std::optional<JobRecord>> active(const QUuid &modelId) = 0;
    // Queue order for queued jobs, then creation order.
    virtual Result<std::vector<JobRecord>> list(const JobQuery &query) = 0;
    // Outbox events after `afterSeq`, oldest first, at most `limit`.
    virtual Result<std::vector<OutboxEvent>> eventsAfter(qint64 afterSeq, int limit) = 0;
    virtual Result<qint64> lastEventSeq() = 0;
};

} // namespace mistudio
