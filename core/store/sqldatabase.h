#pragma once

#include "common/result.h"
#include "store/databaseurl.h"

#include <QDateTime>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

#include <functional>
#include <memory>

namespace mistudio {

enum class SqlBackend { Sqlite, Postgres };

// Where the catalogue lives: an SQLite file, or a PostgreSQL database.
struct SqlTarget
{
    SqlBackend backend = SqlBackend::Sqlite;
    QString sqliteFile;
    DatabaseUrl postgres;

    QString describe() const; // file path or redacted URL
};

// One catalogue database shared by the SQL stores: per-thread connections, the schema
// migrations and the few SQL fragments in which SQLite and PostgreSQL differ.
//
// A QSqlDatabase may only be used in the thread that created it, so every thread gets its own
// connection, named after this instance and the thread. A thread's connections are closed when
// the thread ends; all of them when this object is destroyed.
class SqlDatabase final
{
    Q_DISABLE_COPY_MOVE(SqlDatabase)

public:
    // Schema versions: 1 = models (base row + catalogue columns), 2 = jobs, 3 = indexes for
    // the list's sort keys, 4 = job ownership and fencing, workers, event outbox (docs/jobs.md),
    // 5 = quantized variants, 6 = the files of each download, 7 = the data directory's identity,
    // 8 = library state (model_library: verification, upstream access and commit, HF cache
    // publication).
    static constexpr int kLatestSchemaVersion = 8;

    // Connects and migrates the schema to targetVersion (tests pass an older one). A database
    // whose schema is newer than this code knows is left untouched: ErrorCode::SchemaTooNew.
    static Result<std::shared_ptr<SqlDatabase>> open(const SqlTarget &target,
                                                     int targetVersion = kLatestSchemaVersion);
    ~SqlDatabase();

    SqlBackend backend() const { return m_target.backend; }
    // The schema version this object was opened at (tests open older ones).
    int version() const { return m_version; }
    const SqlTarget &target() const { return m_target; }

    // This thread's connection, opened on first use.
    Result<QSqlDatabase> connection();
    // Prepares and runs one statement with positional (`?`) values on this thread's connection.
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values = {});
    Result<int> schemaVersion();

    // Runs `body` as one transaction on this thread's connection and commits if it succeeds
    // (rolls back otherwise). SQLite takes the write lock up front (BEGIN IMMEDIATE), so a
    // transaction never fails half-way on a lock; PostgreSQL runs READ COMMITTED and the body
    // takes the row locks it needs (forUpdate()). A serialization failure or deadlock is retried
    // a few times. Transactions do not nest: a body must not start another.
    Status transaction(const std::function<Status()> &body);

    // The database's clock, so that every process sharing the catalogue compares leases on one
    // clock: the current UTC time, and the current time plus `?` milliseconds (binds one number).
    QString nowExpr() const;
    QString nowPlusMsExpr() const;
    // " FOR UPDATE" on PostgreSQL (row lock), nothing on SQLite (the transaction holds the lock).
    QString forUpdate() const;
    // Whether `e` (from run()) is a unique-constraint violation.
    static bool isUniqueViolation(const Error &e);

    // SQL fragments where the dialects differ.
    QString uuidText(const QString &column) const;  // the UUID as lowercase text
    QString timeText(const QString &column) const;  // ISO 8601 UTC text with milliseconds
    QString jsonText(const QString &column) const;  // the JSON document as text
    QString jsonParam() const;                      // a `?` whose text becomes JSON(B)

    // Times are bound and read as ISO 8601 UTC text with milliseconds on both backends.
    static QString timeValue(const QDateTime &t);
    static QDateTime timeFromValue(const QVariant &v);
    // NULL for an empty string.
    static QVariant textOrNull(const QString &s);

    Error error(const QSqlError &e, const QString &what) const;

private:
    explicit SqlDatabase(SqlTarget target);
    Result<QSqlDatabase> addConnection(const QString &name);
    Status migrate(int targetVersion);
    QString expandDdl(QString ddl) const;

    SqlTarget m_target;
    int m_version = kLatestSchemaVersion;
    QString m_prefix; // unique per instance: connection names are never reused
    QMutex m_mutex;
    QStringList m_names;
};

} // namespace mistudio
