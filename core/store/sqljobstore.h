#pragma once

#include "store/jobstore.h"

#include <memory>

class QSqlQuery;

namespace mistudio {

class SqlDatabase;

// JobStore over the same SQL database as SqlModelStore (SQLite or PostgreSQL).
class SqlJobStore final : public JobStore
{
    Q_DISABLE_COPY_MOVE(SqlJobStore)

public:
    explicit SqlJobStore(std::shared_ptr<SqlDatabase> db);

    Result<JobRecord> create(const NewJob &job) override;
    Result<JobRecord> get(const QUuid &id) override;
    Result<std::vector<JobRecord>> list(const JobQuery &query) override;
    Result<std::optional<JobRecord>> claim(const QString &ownerHost, std::chrono::milliseconds lease,
                                           const std::vector<JobKind> &kinds = {}) override;
    Status renewLease(const QUuid &id, const QString &ownerHost, std::chrono::milliseconds lease) override;
    Result<JobRecord> transition(const QUuid &id, JobState to, const QString &lastError = {}) override;
    Result<JobRecord> updateParams(const QUuid &id, const QJsonObject &params) override;
    Result<int> requeueOwnedBy(const QString &ownerHost) override;
    Status remove(const QUuid &id) override;

private:
    static JobRecord readRecord(const QSqlQuery &q);

    std::shared_ptr<SqlDatabase> m_db;
    QString m_columns;
};

} // namespace mistudio
