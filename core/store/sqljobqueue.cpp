#include "store/sqljobqueue.h"

#include "store/modelstatus.h"
#include "store/sqldatabase.h"
#include "store/sqlmodelstore.h"

#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// Outbox rows are for relaying to other processes as they happen, not an archive.
constexpr qint64 kOutboxRetentionMs = 60 * 60 * 1000;
// A worker row whose heartbeat is older than this is forgotten.
constexpr qint64 kWorkerRetentionMs = 24 * 60 * 60 * 1000;

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QString jsonText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QVariant textOrNull(const QString &s)
{
    return SqlDatabase::textOrNull(s);
}

// An empty string, never NULL (Qt binds a null QString as NULL).
QString notNull(const QString &s)
{
    return s.isNull() ? u""_s : s;
}

Error noJob(const QUuid &id)
{
    return Error::make(ErrorCode::NotFound, u"No job with id %1"_s.arg(idText(id)),
                       {{u"id"_s, idText(id)}});
}

Error leaseLost(const JobFence &f)
{
    return Error::make(ErrorCode::LeaseLost,
                       u"Job %1 is no longer ours (claim %2 of %3)"_s.arg(idText(f.jobId))
                           .arg(f.claimSeq)
                           .arg(f.ownerId),
                       {{u"job_id"_s, idText(f.jobId)}});
}

// The SQL list of the active states, for WHERE clauses.
const QString &activeStates()
{
    static const QString s = u"('queued', 'running', 'paused', 'needs_token')"_s;
    return s;
}

} // namespace

SqlJobQueue::SqlJobQueue(std::shared_ptr<SqlDatabase> db, QString originId)
    : m_db(std::move(db))
    , m_models(std::make_unique<SqlModelStore>(m_db))
    , m_originId(std::move(originId))
{
    m_columns = QStringList{m_db->uuidText(u"id"_s),
                            m_db->uuidText(u"model_id"_s),
                            u"kind"_s,
                            u"state"_s,
                            m_db->jsonText(u"params"_s),
                            u"device"_s,
                            u"run_device"_s,
                            u"owner_id"_s,
                            u"owner_host"_s,
                            u"claim_seq"_s,
                            m_db->timeText(u"lease_until"_s),
                            u"requested_stop"_s,
                            u"affinity_id"_s,
                            u"position"_s,
                            u"spec_version"_s,
                            u"progress"_s,
                            m_db->jsonText(u"progress_detail"_s),
                            u"attempts"_s,
                            u"last_error"_s,
                            m_db->timeText(u"created_at"_s),
                            m_db->timeText(u"updated_at"_s)}
                    .join(u", "_s);
}

SqlJobQueue::~SqlJobQueue() = default;

JobRecord SqlJobQueue::readJob(const QSqlQuery &q) const
{
    JobRecord r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.modelId = QUuid::fromString(q.value(1).toString());
    r.kind = jobKindFromName(q.value(2).toString()).value_or(JobKind::Download);
    r.state = jobStateFromName(q.value(3).toString()).value_or(JobState::Failed);
    if (!q.value(4).isNull())
        r.params = QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object();
    r.device = q.value(5).toString();
    r.runDevice = q.value(6).toString();
    r.ownerId = q.value(7).toString();
    r.ownerHost = q.value(8).toString();
    r.claimSeq = q.value(9).toLongLong();
    r.leaseUntil = SqlDatabase::timeFromValue(q.value(10));
    r.requestedStop = stopRequestFromName(q.value(11).toString());
    r.affinityId = q.value(12).toString();
    r.position = q.value(13).toDouble();
    r.specVersion = q.value(14).toInt();
    r.progress = q.value(15).toDouble();
    if (!q.value(16).isNull())
        r.progressDetail = QJsonDocument::fromJson(q.value(16).toString().toUtf8()).object();
    r.attempts = q.value(17).toInt();
    r.lastError = q.value(18).toString();
    r.createdAt = SqlDatabase::timeFromValue(q.value(19));
    r.updatedAt = SqlDatabase::timeFromValue(q.value(20));
    return r;
}

// --- building blocks ------------------------------------------------------------------------

Result<ModelRecord> SqlJobQueue::lockModel(const QUuid &id)
{
    // PostgreSQL: the row lock serialises every change of one model (and its jobs) between
    // processes; SQLite's BEGIN IMMEDIATE already serialises all writers.
    auto q = m_db->run(u"SELECT 1 FROM models WHERE id = ?"_s + m_db->forUpdate(), {idText(id)});
    if (!q)
        return q.error();
    if (!q->next())
        return Error::make(ErrorCode::NotFound, u"No model with id %1"_s.arg(idText(id)),
                           {{u"id"_s, idText(id)}});
    return m_models->get(id);
}

Result<std::optional<JobRecord>> SqlJobQueue::latestJob(const QUuid &modelId)
{
    auto q = m_db->run(u"SELECT "_s + m_columns
                           + u" FROM jobs WHERE model_id = ? ORDER BY created_at DESC, id DESC LIMIT 1"_s,
                       {idText(modelId)});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<JobRecord>();
    return std::optional<JobRecord>(readJob(*q));
}

Result<JobRecord> SqlJobQueue::insertJob(const NewJob &job)
{
    double position = 1;
    {
        auto q = m_db->run(u"SELECT MAX(position) FROM jobs"_s);
        if (!q)
            return q.error();
        if (q->next() && !q->value(0).isNull())
            position = q->value(0).toDouble() + 1;
    }
    const QUuid id = QUuid::createUuid();
    const QString now = m_db->nowExpr();
    auto q = m_db->run(u"INSERT INTO jobs (id, model_id, kind, state, params, device, affinity_id,"
                       " position, spec_version, attempts, created_at, updated_at)"
                       " VALUES (?, ?, ?, 'queued', "_s
                           + m_db->jsonParam() + u", ?, ?, ?, ?, 0, "_s + now + u", "_s + now + u")"_s,
                       {idText(id), idText(job.modelId), jobKindName(job.kind), jsonText(job.params),
                        job.device.isEmpty() ? u"auto"_s : job.device, textOrNull(job.affinityId),
                        position, kJobSpecVersion});
    if (!q) {
        if (SqlDatabase::isUniqueViolation(q.error()))
            return Error::make(ErrorCode::Conflict, u"The model already has an active job"_s,
                               {{u"model_id"_s, idText(job.modelId)}});
        return q.error();
    }
    return get(id);
}

Result<std::vector<OutboxEvent>> SqlJobQueue::record(const ModelChange &change,
                                                     const EventRecorder &events)
{
    std::vector<OutboxEvent> out;
    if (!events)
        return out;
    for (OutboxEvent e : events(change)) {
        auto q = m_db->run(u"INSERT INTO events (model_id, type, payload, origin_id, created_at)"
                           " VALUES (?, ?, "_s
                               + m_db->jsonParam() + u", ?, "_s + m_db->nowExpr() + u") RETURNING seq"_s,
                           {e.modelId.isNull() ? QVariant(QMetaType(QMetaType::QString))
                                               : QVariant(idText(e.modelId)),
                            e.type, jsonText(e.payload), textOrNull(m_originId)});
        if (!q)
            return q.error();
        if (q->next())
            e.seq = q->value(0).toLongLong();
        e.originId = m_originId;
        e.createdAt = QDateTime::currentDateTimeUtc();
        out.push_back(std::move(e));
    }
    // Other processes' relays wake on it (PostgreSQL delivers it at commit, and not at all on a
    // rollback): the payload is only a hint, they read the outbox after the last seq they saw.
    if (!out.empty() && m_db->backend() == SqlBackend::Postgres) {
        if (auto q = m_db->run(u"SELECT pg_notify('"_s + QLatin1StringView(kEventsChannel) + u"', ?)"_s,
                               {QString::number(out.back().seq)});
            !q)
            return q.error();
    }
    return out;
}

Result<CommittedChange> SqlJobQueue::settle(const std::optional<ModelRecord> &before,
                                            const QUuid &modelId, const std::optional<QUuid> &jobId,
                                            const EventRecorder &events)
{
    Result<ModelRecord> model = m_models->get(modelId);
    if (!model)
        return model.error();
    Result<std::optional<JobRecord>> latest = latestJob(modelId);
    if (!latest)
        return latest.error();
    ModelFacts facts;
    facts.downloaded = !model->filePath.isEmpty();
    facts.variantMissing = model->quantization != u"none"_s && model->quantizedPath.isEmpty();
    facts.latestJob = *latest;
    const DerivedModelState d = deriveModelStatus(facts);
    QString sql = u"UPDATE models SET status = ?, progress = ?"_s;
    QVariantList values{modelStatusName(d.status), d.progress};
    if (!d.errorMessage.isEmpty()) {
        sql += u", error_message = ?"_s;
        values << d.errorMessage;
    } else if (*latest && (*latest)->isActive()) {
        sql += u", error_message = NULL"_s; // a new attempt runs: the old error is history
    }
    const bool changed = model->status != d.status || model->progress != d.progress
        || (!d.errorMessage.isEmpty() && d.errorMessage != model->errorMessage);
    if (changed)
        sql += u", updated_at = "_s + m_db->nowExpr();
    sql += u" WHERE id = ?"_s;
    values << idText(modelId);
    if (auto q = m_db->run(sql, values); !q)
        return q.error();
    Result<ModelRecord> after = m_models->get(modelId);
    if (!after)
        return after.error();
    CommittedChange c;
    c.change.before = before;
    c.change.after = *after;
    if (jobId) {
        Result<JobRecord> job = get(*jobId);
        if (!job)
            return job.error();
        c.change.job = *job;
    }
    Result<std::vector<OutboxEvent>> recorded = record(c.change, events);
    if (!recorded)
        return recorded.error();
    c.events = std::move(*recorded);
    return c;
}

Result<CommittedChange> SqlJobQueue::change(const std::function<Result<CommittedChange>()> &body)
{
    std::optional<CommittedChange> out;
    Status s = m_db->transaction([&]() -> Status {
        Result<CommittedChange> c = body();
        if (!c)
            return c.error();
        out = std::move(*c);
        return {};
    });
    if (!s)
        return s.error();
    return std::move(*out);
}

// --- models --------------------------------------------------------------------------------

Result<CommittedChange> SqlJobQueue::createModel(const NewModel &model, const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> created = m_models->create(model);
        if (!created)
            return created.error();
        CommittedChange c;
        c.change.after = *created;
        Result<std::vector<OutboxEvent>> recorded = record(c.change, events);
        if (!recorded)
            return recorded.error();
        c.events = std::move(*recorded);
        return c;
    });
}

Result<CommittedChange> SqlJobQueue::adoptModel(const NewModel &model, const ModelPatch &patch,
                                                const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> created = m_models->create(model);
        if (!created)
            return created.error();
        if (Result<ModelRecord> p = m_models->update(created->id, patch); !p)
            return p.error();
        // No `before`: the faces hear of a new model, already in its derived state.
        return settle(std::nullopt, created->id, std::nullopt, events);
    });
}

Result<CommittedChange> SqlJobQueue::amendModel(const QUuid &id, const ModelPatch &patch,
                                                const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> model = lockModel(id);
        if (!model)
            return model.error();
        Result<std::optional<JobRecord>> job = activeJob(id, true);
        if (!job)
            return job.error();
        if (*job)
            return Error::make(ErrorCode::Conflict, u"The model has an active job; wait for it or cancel it"_s,
                               {{u"job_id"_s, idText((*job)->id)}});
        if (Result<ModelRecord> p = m_models->update(id, patch); !p)
            return p.error();
        return settle(*model, id, std::nullopt, events);
    });
}

Result<CommittedChange> SqlJobQueue::removeModel(const QUuid &id, const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> model = lockModel(id);
        if (!model)
            return model.error();
        Result<std::optional<JobRecord>> job = activeJob(id, true);
        if (!job)
            return job.error();
        if (*job && (*job)->state == JobState::Running)
            return Error::make(ErrorCode::Conflict,
                               u"A job of this model is still running; stop it first"_s,
                               {{u"job_id"_s, idText((*job)->id)}});
        if (Status r = m_models->remove(id); !r)
            return r.error();
        CommittedChange c;
        c.change.before = *model;
        Result<std::vector<OutboxEvent>> recorded = record(c.change, events);
        if (!recorded)
            return recorded.error();
        c.events = std::move(*recorded);
        return c;
    });
}

// --- requests ------------------------------------------------------------------------------

Result<CommittedChange> SqlJobQueue::enqueue(const NewJob &job, const ModelPatch &patch,
                                             const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> model = lockModel(job.modelId);
        if (!model)
            return model.error();
        Result<std::optional<JobRecord>> current = activeJob(job.modelId, true);
        if (!current)
            return current.error();
        if (*current)
            return Error::make(ErrorCode::Conflict,
                               u"The model already has a %1 job (%2)"_s.arg(
                                   jobKindName((*current)->kind), jobStateName((*current)->state)),
                               {{u"job_id"_s, idText((*current)->id)},
                                {u"job_state"_s, jobStateName((*current)->state)}});
        if (Result<ModelRecord> p = m_models->update(job.modelId, patch); !p)
            return p.error();
        Result<JobRecord> created = insertJob(job);
        if (!created)
            return created.error();
        return settle(*model, job.modelId, created->id, events);
    });
}

Result<CommittedChange> SqlJobQueue::requestStop(const QUuid &modelId, StopRequest request,
                                                 const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> model = lockModel(modelId);
        if (!model)
            return model.error();
        Result<std::optional<JobRecord>> current = activeJob(modelId, true);
        if (!current)
            return current.error();
        if (!*current)
            return Error::make(ErrorCode::IllegalTransition, u"The model has no job to stop"_s,
                               {{u"status"_s, modelStatusName(model->status)}});
        const JobRecord &job = **current;
        const bool pause = request == StopRequest::Pause;
        QString sql;
        QVariantList values;
        switch (job.state) {
        case JobState::Queued:
            sql = u"UPDATE jobs SET state = ?, updated_at = "_s + m_db->nowExpr()
                + u" WHERE id = ? AND state = 'queued'"_s;
            values = {jobStateName(pause ? JobState::Paused : JobState::Cancelled), idText(job.id)};
            break;
        case JobState::Running:
            // The owner stops it and writes the final state. A cancel replaces a pending pause,
            // never the other way round.
            if (pause && job.requestedStop == StopRequest::Cancel)
                break;
            sql = u"UPDATE jobs SET requested_stop = ?, updated_at = "_s + m_db->nowExpr()
                + u" WHERE id = ? AND state = 'running'"_s;
            values = {stopRequestName(request), idText(job.id)};
            break;
        case JobState::Paused:
        case JobState::NeedsToken:
            if (pause)
                return Error::make(ErrorCode::IllegalTransition, u"The job is already %1"_s.arg(
                                                                     jobStateName(job.state)));
            sql = u"UPDATE jobs SET state = 'cancelled', updated_at = "_s + m_db->nowExpr()
                + u" WHERE id = ? AND state IN ('paused', 'needs_token')"_s;
            values = {idText(job.id)};
            break;
        default:
            break;
        }
        if (!sql.isEmpty()) {
            auto q = m_db->run(sql, values);
            if (!q)
                return q.error();
            if (q->numRowsAffected() != 1) // cannot happen with the row locked; never guess
                return Error::make(ErrorCode::Conflict, u"The job changed meanwhile; try again"_s);
        }
        return settle(*model, modelId, job.id, events);
    });
}

Result<CommittedChange> SqlJobQueue::resume(const QUuid &modelId, const QString &affinityId,
                                            const EventRecorder &events)
{
    return change([&]() -> Result<CommittedChange> {
        Result<ModelRecord> model = lockModel(modelId);
        if (!model)
            return model.error();
        Result<std::optional<JobRecord>> current = activeJob(modelId, true);
        if (!current)
            return current.error();
        if (!*current || ((*current)->state != JobState::Paused
                          && (*current)->state != JobState::NeedsToken))
            return Error::make(ErrorCode::IllegalTransition,
                               *current ? u"The job is %1, not paused"_s.arg(jobStateName((*current)->state))
                                        : u"The model has no paused job"_s);
        auto q = m_db->run(u"UPDATE jobs SET state = 'queued', requested_stop = NULL, affinity_id = ?,"
                           " updated_at = "_s
                               + m_db->nowExpr() + u" WHERE id = ? AND state IN ('paused', 'needs_token')"_s,
                           {textOrNull(affinityId), idText((*current)->id)});
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return Error::make(ErrorCode::Conflict, u"The job changed meanwhile; try again"_s);
        return settle(*model, modelId, (*current)->id, events);
    });
}

Status SqlJobQueue::reorder(const QUuid &jobId, const std::optional<QUuid> &beforeJobId)
{
    return m_db->transaction([&]() -> Status {
        Result<JobRecord> job = get(jobId);
        if (!job)
            return job.error();
        if (job->state != JobState::Queued)
            return Error::make(ErrorCode::IllegalTransition, u"Only a queued job can be moved"_s);
        double position = 0;
        if (!beforeJobId) {
            auto q = m_db->run(u"SELECT MAX(position) FROM jobs"_s);
            if (!q)
                return q.error();
            position = (q->next() ? q->value(0).toDouble() : 0) + 1;
        } else {
            Result<JobRecord> before = get(*beforeJobId);
            if (!before)
                return before.error();
            // Halfway between `before` and the queued job ahead of it.
            auto q = m_db->run(u"SELECT MAX(position) FROM jobs WHERE state = 'queued' AND position < ?"
                               " AND id <> ?"_s,
                               {before->position, idText(jobId)});
            if (!q)
                return q.error();
            const bool hasAhead = q->next() && !q->value(0).isNull();
            position = hasAhead ? (q->value(0).toDouble() + before->position) / 2
                                : before->position - 1;
        }
        auto q = m_db->run(u"UPDATE jobs SET position = ? WHERE id = ? AND state = 'queued'"_s,
                           {position, idText(jobId)});
        if (!q)
            return q.error();
        return {};
    });
}

// --- workers -------------------------------------------------------------------------------

Result<std::optional<JobRecord>> SqlJobQueue::claim(const WorkerRecord &owner,
                                                    const ClaimFilter &filter,
                                                    std::chrono::milliseconds lease,
                                                    const EventRecorder &events,
                                                    std::vector<OutboxEvent> *recorded)
{
    if (owner.id.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"A job owner is required"_s);
    QStringList offers;
    QVariantList values;
    for (const ClaimFilter::Offer &o : filter.offers) {
        if (o.kind == JobKind::Download) {
            offers << u"kind = 'download'"_s;
            continue;
        }
        QStringList devices;
        if (o.acceptAuto)
            devices << u"device = 'auto'"_s;
        if (!o.devices.isEmpty()) {
            QStringList marks;
            for (const QString &d : o.devices) {
                marks << u"?"_s;
                values << d;
            }
            devices << u"device IN (%1)"_s.arg(marks.join(u", "_s));
        }
        if (devices.isEmpty())
            continue;
        offers << u"(kind = 'quantize' AND (%1))"_s.arg(devices.join(u" OR "_s));
    }
    if (offers.isEmpty())
        return std::optional<JobRecord>();
    QString where = u"state = 'queued' AND spec_version <= ? AND ("_s + offers.join(u" OR "_s) + u")"_s;
    values.prepend(filter.specVersion);
    // A job waits for the process that holds its token while that process is alive.
    where += u" AND (affinity_id IS NULL OR affinity_id = ? OR NOT EXISTS (SELECT 1 FROM workers w"
             " WHERE w.id = jobs.affinity_id AND w.heartbeat_at > "_s
        + m_db->nowPlusMsExpr() + u"))"_s;
    values << owner.id << -double(lease.count());
    if (filter.onlyModel) {
        where += u" AND model_id = ?"_s;
        values << idText(*filter.onlyModel);
    }
    const bool postgres = m_db->backend() == SqlBackend::Postgres;
    std::optional<JobRecord> claimed;
    Status s = m_db->transaction([&]() -> Status {
        auto pick = m_db->run(u"SELECT "_s + m_db->uuidText(u"id"_s) + u" FROM jobs WHERE "_s + where
                                  + u" ORDER BY position, created_at, id LIMIT 1"_s
                                  + (postgres ? u" FOR UPDATE SKIP LOCKED"_s : QString()),
                              values);
        if (!pick)
            return pick.error();
        if (!pick->next())
            return {};
        const QString id = pick->value(0).toString();
        auto q = m_db->run(u"UPDATE jobs SET state = 'running', owner_id = ?, owner_host = ?,"
                           " claim_seq = claim_seq + 1, lease_until = "_s
                               + m_db->nowPlusMsExpr()
                               + u", attempts = attempts + 1, run_device = CASE WHEN kind = 'quantize'"
                                 " AND device <> 'auto' THEN device ELSE NULL END, updated_at = "_s
                               + m_db->nowExpr() + u" WHERE id = ? AND state = 'queued'"_s,
                           {owner.id, owner.host, double(lease.count()), id});
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return {}; // taken meanwhile (SQLite cannot get here: the transaction holds the lock)
        Result<JobRecord> job = get(QUuid::fromString(id));
        if (!job)
            return job.error();
        claimed = *job;
        if (events) {
            // The model's status does not move (queued and running derive the same one), so its
            // row is only read, not locked.
            Result<ModelRecord> model = m_models->get(job->modelId);
            if (!model)
                return model.error();
            ModelChange change;
            change.before = *model;
            change.after = *model;
            change.job = *job;
            Result<std::vector<OutboxEvent>> written = record(change, events);
            if (!written)
                return written.error();
            if (recorded)
                recorded->insert(recorded->end(), written->begin(), written->end());
        }
        return {};
    });
    if (!s)
        return s.error();
    return claimed;
}

Status SqlJobQueue::setRunDevice(const JobFence &fence, const QString &device)
{
    auto q = m_db->run(u"UPDATE jobs SET run_device = ? WHERE id = ? AND owner_id = ? AND claim_seq = ?"
                       " AND state = 'running'"_s,
                       {device, idText(fence.jobId), fence.ownerId, fence.claimSeq});
    if (!q)
        return q.error();
    if (q->numRowsAffected() != 1)
        return leaseLost(fence);
    return {};
}

Result<std::vector<OwnedJob>> SqlJobQueue::ownedJobs(const QString &ownerId, bool onlyStops)
{
    auto q = m_db->run(u"SELECT "_s + m_db->uuidText(u"id"_s)
                           + u", claim_seq, requested_stop FROM jobs WHERE owner_id = ? AND state = 'running'"_s
                           + (onlyStops ? u" AND requested_stop IS NOT NULL"_s : QString()),
                       {ownerId});
    if (!q)
        return q.error();
    std::vector<OwnedJob> out;
    while (q->next())
        out.push_back(OwnedJob{QUuid::fromString(q->value(0).toString()), q->value(1).toLongLong(),
                               stopRequestFromName(q->value(2).toString())});
    return out;
}

Result<std::vector<OwnedJob>> SqlJobQueue::heartbeat(const QString &ownerId,
                                                     std::chrono::milliseconds lease)
{
    std::vector<OwnedJob> out;
    Status s = m_db->transaction([&]() -> Status {
        auto q = m_db->run(u"UPDATE jobs SET lease_until = "_s + m_db->nowPlusMsExpr()
                               + u" WHERE owner_id = ? AND state = 'running'"_s,
                           {double(lease.count()), ownerId});
        if (!q)
            return q.error();
        auto w = m_db->run(u"UPDATE workers SET heartbeat_at = "_s + m_db->nowExpr() + u" WHERE id = ?"_s,
                           {ownerId});
        if (!w)
            return w.error();
        Result<std::vector<OwnedJob>> owned = ownedJobs(ownerId, false);
        if (!owned)
            return owned.error();
        out = std::move(*owned);
        return {};
    });
    if (!s)
        return s.error();
    return out;
}

Result<std::vector<OwnedJob>> SqlJobQueue::pendingStops(const QString &ownerId)
{
    return ownedJobs(ownerId, true);
}

Status SqlJobQueue::saveProgress(const JobFence &fence, double percent, const QJsonObject &detail)
{
    percent = std::clamp(percent, 0.0, 100.0);
    return m_db->transaction([&]() -> Status {
        // The model's row first, as every transaction that changes a job does (no deadlock).
        if (auto l = m_db->run(u"SELECT 1 FROM models WHERE id = (SELECT model_id FROM jobs WHERE id = ?)"_s
                                   + m_db->forUpdate(),
                               {idText(fence.jobId)});
            !l)
            return l.error();
        auto q = m_db->run(u"UPDATE jobs SET progress = ?, progress_detail = "_s + m_db->jsonParam()
                               + u" WHERE id = ? AND owner_id = ? AND claim_seq = ? AND state = 'running'"_s,
                           {percent, jsonText(detail), idText(fence.jobId), fence.ownerId, fence.claimSeq});
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return leaseLost(fence);
        auto m = m_db->run(u"UPDATE models SET progress = ?, updated_at = "_s + m_db->nowExpr()
                               + u" WHERE id = (SELECT model_id FROM jobs WHERE id = ?)"_s,
                           {percent, idText(fence.jobId)});
        if (!m)
            return m.error();
        // Progress is not an outbox row (it would be most of them): the saved progress goes to
        // the other processes as a notification at commit, at the rate it is saved (about once
        // a second per running job). A lost one is superseded by the next.
        if (m_db->backend() == SqlBackend::Postgres) {
            if (auto n = m_db->run(u"SELECT pg_notify('"_s + QLatin1StringView(kProgressChannel)
                                       + u"', json_build_object('job', id::text, 'model', model_id::text,"
                                         " 'kind', kind, 'owner', owner_id, 'progress', progress,"
                                         " 'detail', progress_detail)::text) FROM jobs WHERE id = ?"_s,
                                   {idText(fence.jobId)});
                !n)
                return n.error();
        }
        return {};
    });
}

Result<CommittedChange> SqlJobQueue::finish(const JobFence &fence, JobState to, const QString &error,
                                            const ModelPatch &patch, const std::optional<NewJob> &next,
                                            const EventRecorder &events)
{
    if (to == JobState::Running || !isAllowedJobTransition(JobState::Running, to))
        return Error::make(ErrorCode::InvalidInput,
                           u"A running job cannot end as %1"_s.arg(jobStateName(to)));
    return change([&]() -> Result<CommittedChange> {
        Result<JobRecord> job = get(fence.jobId);
        if (!job)
            return job.error();
        if (job->state != JobState::Running || job->ownerId != fence.ownerId
            || job->claimSeq != fence.claimSeq)
            return leaseLost(fence);
        Result<ModelRecord> model = lockModel(job->modelId);
        if (!model)
            return model.error();
        QString sql = u"UPDATE jobs SET state = ?, owner_id = NULL, lease_until = NULL,"
                      " requested_stop = NULL, updated_at = "_s
            + m_db->nowExpr();
        QVariantList values{jobStateName(to)};
        if (!error.isEmpty()) {
            sql += u", last_error = ?"_s;
            values << error;
        }
        if (to == JobState::Done)
            sql += u", progress = 100"_s;
        else if (to == JobState::Cancelled)
            sql += u", progress = 0"_s;
        sql += u" WHERE id = ? AND owner_id = ? AND claim_seq = ? AND state = 'running'"_s;
        values << idText(fence.jobId) << fence.ownerId << fence.claimSeq;
        auto q = m_db->run(sql, values);
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return leaseLost(fence);
        if (Result<ModelRecord> p = m_models->update(job->modelId, patch); !p)
            return p.error();
        std::optional<QUuid> subject = job->id;
        if (next) {
            Result<JobRecord> created = insertJob(*next);
            if (!created)
                return created.error();
            subject = created->id;
        }
        return settle(*model, job->modelId, subject, events);
    });
}

// --- recovery ------------------------------------------------------------------------------

Result<std::vector<CommittedChange>> SqlJobQueue::requeueRunning(const QString &where,
                                                                 const QVariantList &values,
                                                                 const EventRecorder &events)
{
    auto q = m_db->run(u"SELECT "_s + m_db->uuidText(u"id"_s) + u", "_s + m_db->uuidText(u"model_id"_s)
                           + u" FROM jobs WHERE state = 'running' AND "_s + where,
                       values);
    if (!q)
        return q.error();
    std::vector<std::pair<QUuid, QUuid>> candidates;
    while (q->next())
        candidates.emplace_back(QUuid::fromString(q->value(0).toString()),
                                QUuid::fromString(q->value(1).toString()));
    std::vector<CommittedChange> out;
    for (const auto &candidate : candidates) {
        // Named copies, not a structured binding: clang 14 cannot capture one in the lambda.
        const QUuid jobId = candidate.first;
        const QUuid modelId = candidate.second;
        Status s = m_db->transaction([&]() -> Status {
            Result<ModelRecord> model = lockModel(modelId);
            if (!model)
                return model.error().code == ErrorCode::NotFound ? Status() : Status(model.error());
            // The condition again, inside the transaction: the owner may have renewed or
            // finished meanwhile. A stop that was asked of the lost owner is honoured here
            // (a cancelled job's partial files stay until the model is downloaded again or
            // deleted).
            auto u = m_db->run(u"UPDATE jobs SET state = CASE requested_stop WHEN 'cancel' THEN 'cancelled'"
                               " WHEN 'pause' THEN 'paused' ELSE 'queued' END, owner_id = NULL,"
                               " lease_until = NULL, requested_stop = NULL, updated_at = "_s
                                   + m_db->nowExpr() + u" WHERE id = ? AND state = 'running' AND "_s + where,
                               QVariantList{idText(jobId)} + values);
            if (!u)
                return u.error();
            if (u->numRowsAffected() != 1)
                return {};
            Result<CommittedChange> c = settle(*model, modelId, jobId, events);
            if (!c)
                return c.error();
            out.push_back(std::move(*c));
            return {};
        });
        if (!s)
            return s.error();
    }
    return out;
}

Result<std::vector<CommittedChange>> SqlJobQueue::reapExpired(const EventRecorder &events)
{
    Result<std::vector<CommittedChange>> out =
        requeueRunning(u"lease_until < "_s + m_db->nowExpr(), {}, events);
    if (!out)
        return out;
    // Housekeeping rides on the reaper's schedule.
    if (auto q = m_db->run(u"DELETE FROM events WHERE created_at < "_s + m_db->nowPlusMsExpr(),
                           {-double(kOutboxRetentionMs)});
        !q)
        return q.error();
    if (auto q = m_db->run(u"DELETE FROM workers WHERE heartbeat_at < "_s + m_db->nowPlusMsExpr(),
                           {-double(kWorkerRetentionMs)});
        !q)
        return q.error();
    return out;
}

Result<std::vector<CommittedChange>>
SqlJobQueue::requeueDeadOwners(const QString &host, const std::function<bool(const QString &)> &isDead,
                               const EventRecorder &events)
{
    auto q = m_db->run(u"SELECT DISTINCT owner_id FROM jobs WHERE state = 'running' AND owner_host = ?"_s,
                       {host});
    if (!q)
        return q.error();
    QStringList dead;
    while (q->next()) {
        const QString owner = q->value(0).toString();
        if (!owner.isEmpty() && isDead(owner))
            dead << owner;
    }
    std::vector<CommittedChange> out;
    for (const QString &owner : std::as_const(dead)) {
        Result<std::vector<CommittedChange>> r = requeueRunning(u"owner_id = ?"_s, {owner}, events);
        if (!r)
            return r.error();
        for (CommittedChange &c : *r)
            out.push_back(std::move(c));
        if (auto w = m_db->run(u"DELETE FROM workers WHERE id = ?"_s, {owner}); !w)
            return w.error();
    }
    return out;
}

Status SqlJobQueue::registerWorker(const WorkerRecord &w)
{
    return m_db->transaction([&]() -> Status {
        if (auto d = m_db->run(u"DELETE FROM workers WHERE id = ?"_s, {w.id}); !d)
            return d.error();
        auto q = m_db->run(u"INSERT INTO workers (id, host, pid, role, kinds, devices, version, spec_version,"
                           " started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "_s
                               + m_db->nowExpr() + u", "_s + m_db->nowExpr() + u")"_s,
                           {w.id, w.host, w.pid, w.role, notNull(w.kinds.join(u',')),
                            notNull(w.devices.join(u',')), notNull(w.version), w.specVersion});
        if (!q)
            return q.error();
        return {};
    });
}

Status SqlJobQueue::unregisterWorker(const QString &id)
{
    auto q = m_db->run(u"DELETE FROM workers WHERE id = ?"_s, {id});
    if (!q)
        return q.error();
    return {};
}

Result<std::vector<WorkerRecord>> SqlJobQueue::workers(std::chrono::milliseconds fresh)
{
    QString sql = u"SELECT id, host, pid, role, kinds, devices, version, spec_version, "_s
        + m_db->timeText(u"started_at"_s) + u", "_s + m_db->timeText(u"heartbeat_at"_s)
        + u" FROM workers"_s;
    QVariantList values;
    if (fresh.count() > 0) {
        sql += u" WHERE heartbeat_at > "_s + m_db->nowPlusMsExpr();
        values << -double(fresh.count());
    }
    sql += u" ORDER BY host, started_at, id"_s;
    auto q = m_db->run(sql, values);
    if (!q)
        return q.error();
    std::vector<WorkerRecord> out;
    while (q->next()) {
        WorkerRecord w;
        w.id = q->value(0).toString();
        w.host = q->value(1).toString();
        w.pid = q->value(2).toLongLong();
        w.role = q->value(3).toString();
        w.kinds = q->value(4).toString().split(u',', Qt::SkipEmptyParts);
        w.devices = q->value(5).toString().split(u',', Qt::SkipEmptyParts);
        w.version = q->value(6).toString();
        w.specVersion = q->value(7).toInt();
        w.startedAt = SqlDatabase::timeFromValue(q->value(8));
        w.heartbeatAt = SqlDatabase::timeFromValue(q->value(9));
        out.push_back(std::move(w));
    }
    return out;
}

// --- reads ---------------------------------------------------------------------------------

Result<JobRecord> SqlJobQueue::get(const QUuid &id)
{
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM jobs WHERE id = ?"_s, {idText(id)});
    if (!q)
        return q.error();
    if (!q->next())
        return noJob(id);
    return readJob(*q);
}

Result<std::optional<JobRecord>> SqlJobQueue::active(const QUuid &modelId)
{
    return activeJob(modelId, false);
}

Result<std::optional<JobRecord>> SqlJobQueue::activeJob(const QUuid &modelId, bool lock)
{
    // Locked inside a transaction that changes the job: on PostgreSQL a claim that took the row
    // meanwhile is waited for and its result read, so no change is ever applied to a state
    // other than the one it was decided on.
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM jobs WHERE model_id = ? AND state IN "_s
                           + activeStates() + (lock ? m_db->forUpdate() : QString()),
                       {idText(modelId)});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<JobRecord>();
    return std::optional<JobRecord>(readJob(*q));
}

Result<std::vector<JobRecord>> SqlJobQueue::list(const JobQuery &query)
{
    QStringList where;
    QVariantList values;
    if (query.modelId) {
        where << u"model_id = ?"_s;
        values << idText(*query.modelId);
    }
    if (query.kind) {
        where << u"kind = ?"_s;
        values << jobKindName(*query.kind);
    }
    if (!query.states.empty()) {
        QStringList marks;
        for (JobState s : query.states) {
            marks << u"?"_s;
            values << jobStateName(s);
        }
        where << u"state IN (%1)"_s.arg(marks.join(u", "_s));
    }
    const QString whereSql = where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s);
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM jobs"_s + whereSql
                           + u" ORDER BY position, created_at, id"_s,
                       values);
    if (!q)
        return q.error();
    std::vector<JobRecord> out;
    while (q->next())
        out.push_back(readJob(*q));
    return out;
}

Result<std::vector<OutboxEvent>> SqlJobQueue::eventsAfter(qint64 afterSeq, int limit)
{
    auto q = m_db->run(u"SELECT seq, "_s + m_db->uuidText(u"model_id"_s) + u", type, "_s
                           + m_db->jsonText(u"payload"_s) + u", origin_id, "_s + m_db->timeText(u"created_at"_s)
                           + u" FROM events WHERE seq > ? ORDER BY seq LIMIT ?"_s,
                       {afterSeq, limit});
    if (!q)
        return q.error();
    std::vector<OutboxEvent> out;
    while (q->next()) {
        OutboxEvent e;
        e.seq = q->value(0).toLongLong();
        e.modelId = QUuid::fromString(q->value(1).toString());
        e.type = q->value(2).toString();
        e.payload = QJsonDocument::fromJson(q->value(3).toString().toUtf8()).object();
        e.originId = q->value(4).toString();
        e.createdAt = SqlDatabase::timeFromValue(q->value(5));
        out.push_back(std::move(e));
    }
    return out;
}

Result<qint64> SqlJobQueue::lastEventSeq()
{
    auto q = m_db->run(u"SELECT COALESCE(MAX(seq), 0) FROM events"_s);
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

} // namespace mistudio
