#include "store/sqljobstore.h"

#include "store/sqldatabase.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr int kMaxCasRetries = 16;
constexpr int kClaimCandidates = 8;

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

Error notFound(const QUuid &id)
{
    return Error::make(ErrorCode::NotFound, u"No job with id %1"_s.arg(idText(id)), {{u"id"_s, idText(id)}});
}

QString jsonValue(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString nowValue()
{
    return SqlDatabase::timeValue(QDateTime::currentDateTimeUtc());
}

QString leaseValue(std::chrono::milliseconds lease)
{
    return SqlDatabase::timeValue(QDateTime::currentDateTimeUtc().addMSecs(lease.count()));
}

} // namespace

SqlJobStore::SqlJobStore(std::shared_ptr<SqlDatabase> db)
    : m_db(std::move(db))
{
    m_columns = QStringList{m_db->uuidText(u"id"_s), m_db->uuidText(u"model_id"_s), u"kind"_s, u"state"_s,
                            m_db->jsonText(u"params"_s), u"owner_host"_s, m_db->timeText(u"lease_until"_s),
                            u"attempts"_s, u"last_error"_s, m_db->timeText(u"created_at"_s),
                            m_db->timeText(u"updated_at"_s)}
                    .join(u", "_s);
}

JobRecord SqlJobStore::readRecord(const QSqlQuery &q)
{
    JobRecord r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.modelId = QUuid::fromString(q.value(1).toString());
    r.kind = jobKindFromName(q.value(2).toString()).value_or(JobKind::Download);
    r.state = jobStateFromName(q.value(3).toString()).value_or(JobState::Failed);
    if (!q.value(4).isNull())
        r.params = QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object();
    r.ownerHost = q.value(5).toString();
    r.leaseUntil = SqlDatabase::timeFromValue(q.value(6));
    r.attempts = q.value(7).toInt();
    r.lastError = q.value(8).toString();
    r.createdAt = SqlDatabase::timeFromValue(q.value(9));
    r.updatedAt = SqlDatabase::timeFromValue(q.value(10));
    return r;
}

Result<JobRecord> SqlJobStore::create(const NewJob &job)
{
    {
        auto q = m_db->run(u"SELECT COUNT(*) FROM models WHERE id = ?"_s, {idText(job.modelId)});
        if (!q)
            return q.error();
        if (!q->next() || q->value(0).toInt() == 0)
            return Error::make(ErrorCode::NotFound, u"No model with id %1"_s.arg(idText(job.modelId)),
                               {{u"id"_s, idText(job.modelId)}});
    }
    const QUuid id = QUuid::createUuid();
    const QString now = nowValue();
    auto q = m_db->run(u"INSERT INTO jobs (id, model_id, kind, state, params, attempts, created_at, updated_at)"
                       " VALUES (?, ?, ?, 'queued', "_s
                           + m_db->jsonParam() + u", 0, ?, ?)"_s,
                       {idText(id), idText(job.modelId), jobKindName(job.kind), jsonValue(job.params), now, now});
    if (!q)
        return q.error();
    return get(id);
}

Result<JobRecord> SqlJobStore::get(const QUuid &id)
{
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM jobs WHERE id = ?"_s, {idText(id)});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(id);
    return readRecord(*q);
}

Result<std::vector<JobRecord>> SqlJobStore::list(const JobQuery &query)
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
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM jobs"_s + whereSql + u" ORDER BY created_at, id"_s,
                       values);
    if (!q)
        return q.error();
    std::vector<JobRecord> out;
    while (q->next())
        out.push_back(readRecord(*q));
    return out;
}

Result<std::optional<JobRecord>> SqlJobStore::claim(const QString &ownerHost, std::chrono::milliseconds lease,
                                                    const std::vector<JobKind> &kinds)
{
    if (ownerHost.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"A job owner host is required"_s);
    const QString claimable = u"(state = 'queued' OR (state = 'running' AND lease_until < ?))"_s;
    QString kindSql;
    QVariantList kindValues;
    if (!kinds.empty()) {
        QStringList marks;
        for (JobKind k : kinds) {
            marks << u"?"_s;
            kindValues << jobKindName(k);
        }
        kindSql = u" AND kind IN (%1)"_s.arg(marks.join(u", "_s));
    }
    for (int attempt = 0; attempt < kMaxCasRetries; ++attempt) {
        const QString now = nowValue();
        std::vector<QUuid> candidates;
        {
            auto q = m_db->run(u"SELECT "_s + m_db->uuidText(u"id"_s) + u" FROM jobs WHERE "_s + claimable
                                   + kindSql + u" ORDER BY created_at, id LIMIT %1"_s.arg(kClaimCandidates),
                               QVariantList{now} + kindValues);
            if (!q)
                return q.error();
            while (q->next())
                candidates.push_back(QUuid::fromString(q->value(0).toString()));
        }
        if (candidates.empty())
            return std::optional<JobRecord>();
        for (const QUuid &id : candidates) {
            // Compare-and-set: only one claimer sees its UPDATE touch the row.
            auto q = m_db->run(u"UPDATE jobs SET state = 'running', owner_host = ?, lease_until = ?,"
                               " attempts = attempts + 1, updated_at = ? WHERE id = ? AND "_s
                                   + claimable,
                               {ownerHost, leaseValue(lease), now, idText(id), now});
            if (!q)
                return q.error();
            if (q->numRowsAffected() == 1) {
                auto job = get(id);
                if (!job)
                    return job.error();
                return std::optional<JobRecord>(*job);
            }
        }
    }
    return std::optional<JobRecord>();
}

Status SqlJobStore::renewLease(const QUuid &id, const QString &ownerHost, std::chrono::milliseconds lease)
{
    auto q = m_db->run(u"UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND state = 'running'"
                       " AND owner_host = ?"_s,
                       {leaseValue(lease), nowValue(), idText(id), ownerHost});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 1)
        return {};
    auto job = get(id);
    if (!job)
        return job.error();
    return Error::make(ErrorCode::Conflict,
                       u"Job %1 is no longer running on %2 (state %3, owner %4)"_s.arg(
                           idText(id), ownerHost, jobStateName(job->state), job->ownerHost),
                       {{u"state"_s, jobStateName(job->state)}});
}

Result<JobRecord> SqlJobStore::transition(const QUuid &id, JobState to, const QString &lastError)
{
    for (int attempt = 0; attempt < kMaxCasRetries; ++attempt) {
        auto current = get(id);
        if (!current)
            return current.error();
        const JobState from = current->state;
        if (!isAllowedJobTransition(from, to)) {
            return Error::make(ErrorCode::IllegalTransition,
                               u"Job %1 cannot go from %2 to %3"_s.arg(idText(id), jobStateName(from),
                                                                        jobStateName(to)),
                               {{u"from"_s, jobStateName(from)}, {u"to"_s, jobStateName(to)}});
        }
        QString sql = u"UPDATE jobs SET state = ?, updated_at = ?"_s;
        QVariantList values{jobStateName(to), nowValue()};
        if (from == JobState::Running && to != JobState::Running)
            sql += u", owner_host = NULL, lease_until = NULL"_s;
        if (!lastError.isEmpty()) {
            sql += u", last_error = ?"_s;
            values << lastError;
        }
        sql += u" WHERE id = ? AND state = ?"_s;
        values << idText(id) << jobStateName(from);
        auto q = m_db->run(sql, values);
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 1)
            return get(id);
    }
    return Error::make(ErrorCode::Conflict, u"The state of job %1 keeps changing; try again"_s.arg(idText(id)));
}

Result<JobRecord> SqlJobStore::updateParams(const QUuid &id, const QJsonObject &params)
{
    auto q = m_db->run(u"UPDATE jobs SET params = "_s + m_db->jsonParam() + u", updated_at = ? WHERE id = ?"_s,
                       {jsonValue(params), nowValue(), idText(id)});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(id);
    return get(id);
}

Result<int> SqlJobStore::requeueOwnedBy(const QString &ownerHost)
{
    auto q = m_db->run(u"UPDATE jobs SET state = 'queued', owner_host = NULL, lease_until = NULL, updated_at = ?"
                       " WHERE state = 'running' AND owner_host = ?"_s,
                       {nowValue(), ownerHost});
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

Status SqlJobStore::remove(const QUuid &id)
{
    auto q = m_db->run(u"DELETE FROM jobs WHERE id = ?"_s, {idText(id)});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(id);
    return {};
}

} // namespace mistudio
