#include "store/sqldatabase.h"

#include "store/migrations.h"

#include <QMutexLocker>
#include <QThread>
#include <QSqlDriver>
#include <QSqlError>

#include <atomic>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

std::atomic<quint64> g_nextInstance{1};
std::atomic<quint64> g_nextThread{1};

// The connections this thread opened; closed and removed when the thread ends. A QThread's
// `finished` (emitted in that thread, before wait() returns) does it for Qt threads; the
// thread_local destructor for any other thread.
thread_local bool t_connectionsGone = false; // trivial: readable even after the object below died

struct ThreadConnections
{
    quint64 seq = g_nextThread.fetch_add(1);
    std::vector<QString> names;
    bool watchingThread = false;

    void closeAll()
    {
        for (const QString &name : names) {
            if (!QSqlDatabase::contains(name))
                continue;
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
        names.clear();
    }

    ~ThreadConnections()
    {
        closeAll();
        t_connectionsGone = true;
    }
};

thread_local ThreadConnections t_connections;

constexpr int kSqliteBusyTimeoutMs = 15000;
// Serialises migrations of concurrent processes on one PostgreSQL database.
constexpr qint64 kMigrationLockKey = 0x6d6973747564696f; // "mistudio"

} // namespace

QString SqlTarget::describe() const
{
    return backend == SqlBackend::Sqlite ? sqliteFile : postgres.redacted();
}

SqlDatabase::SqlDatabase(SqlTarget target)
    : m_target(std::move(target)),
      m_prefix(u"mistudio-store-%1-"_s.arg(g_nextInstance.fetch_add(1)))
{
}

SqlDatabase::~SqlDatabase()
{
    QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_names))
        QSqlDatabase::removeDatabase(name);
}

Result<std::shared_ptr<SqlDatabase>> SqlDatabase::open(const SqlTarget &target, int targetVersion)
{
    const QString driver = target.backend == SqlBackend::Sqlite ? u"QSQLITE"_s : u"QPSQL"_s;
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        return Error::make(ErrorCode::DatabaseError,
                           u"The Qt SQL driver %1 is not installed (Debian: %2)"_s.arg(
                               driver, target.backend == SqlBackend::Sqlite ? u"libqt6sql6-sqlite"_s
                                                                            : u"libqt6sql6-psql"_s),
                           {{u"driver"_s, driver}});
    }
    if (targetVersion < 1 || targetVersion > kLatestSchemaVersion)
        return Error::make(ErrorCode::InvalidInput, u"Unknown schema version %1"_s.arg(targetVersion));
    std::shared_ptr<SqlDatabase> db(new SqlDatabase(target));
    if (auto s = db->migrate(targetVersion); !s)
        return s.error();
    db->m_version = targetVersion;
    return db;
}

Result<QSqlDatabase> SqlDatabase::connection()
{
    const QString name = m_prefix + QString::number(t_connections.seq);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
        if (!db.open())
            return error(db.lastError(), u"Cannot reconnect to the catalogue %1"_s.arg(m_target.describe()));
        return db;
    }
    return addConnection(name);
}

Result<QSqlDatabase> SqlDatabase::addConnection(const QString &name)
{
    const bool sqlite = m_target.backend == SqlBackend::Sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(sqlite ? u"QSQLITE"_s : u"QPSQL"_s, name);
    {
        QMutexLocker lock(&m_mutex);
        m_names << name;
    }
    t_connections.names.push_back(name);
    if (!t_connections.watchingThread) {
        t_connections.watchingThread = true;
        QThread *thread = QThread::currentThread();
        // Disconnected once it ran: Qt frees the QThread of a non-Qt thread only when nothing
        // refers to its thread data any more, and a connection does (LeakSanitizer saw it).
        auto watch = std::make_shared<QMetaObject::Connection>();
        *watch = QObject::connect(thread, &QThread::finished, thread, [watch] {
            if (!t_connectionsGone)
                t_connections.closeAll();
            QObject::disconnect(*watch);
        }, Qt::DirectConnection);
    }
    if (sqlite) {
        db.setDatabaseName(m_target.sqliteFile);
    } else {
        const DatabaseUrl &u = m_target.postgres;
        db.setHostName(u.host);
        if (u.port > 0)
            db.setPort(u.port);
        db.setDatabaseName(u.database);
        db.setUserName(u.user);
        db.setPassword(u.password);
        QStringList options = u.options;
        if (!options.join(u' ').contains(u"connect_timeout="_s))
            options << u"connect_timeout=10"_s;
        db.setConnectOptions(options.join(u';'));
    }
    if (!db.open())
        return error(db.lastError(), u"Cannot open the catalogue %1"_s.arg(m_target.describe()));
    const QStringList setup = sqlite
        ? QStringList{u"PRAGMA busy_timeout = %1"_s.arg(kSqliteBusyTimeoutMs), u"PRAGMA foreign_keys = ON"_s,
                      u"PRAGMA synchronous = NORMAL"_s}
        : QStringList{u"SET client_min_messages = warning"_s};
    for (const QString &sql : setup) {
        QSqlQuery q(db);
        if (!q.exec(sql))
            return error(q.lastError(), u"Cannot set up the catalogue connection (%1)"_s.arg(sql));
    }
    return db;
}

Result<QSqlQuery> SqlDatabase::run(const QString &sql, const QVariantList &values)
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    bool ok = false;
    if (values.isEmpty()) {
        // Not prepared: PostgreSQL cannot PREPARE DDL, SET or transaction control.
        ok = q.exec(sql);
    } else {
        if (!q.prepare(sql))
            return error(q.lastError(), u"Cannot prepare a catalogue query"_s);
        for (const QVariant &v : values)
            q.addBindValue(v);
        ok = q.exec();
    }
    if (!ok) {
        const QSqlError e = q.lastError();
        // A dropped PostgreSQL connection stays "open" in Qt: close it so the next call reconnects.
        if (e.type() == QSqlError::ConnectionError)
            db->close();
        return error(e, u"A catalogue query failed"_s);
    }
    return q;
}

Result<int> SqlDatabase::schemaVersion()
{
    auto q = run(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s);
    if (!q)
        return q.error();
    if (!q->next())
        return 0;
    return q->value(0).toInt();
}

Status SqlDatabase::transaction(const std::function<Status()> &body)
{
    const bool sqlite = m_target.backend == SqlBackend::Sqlite;
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
        if (auto b = run(sqlite ? u"BEGIN IMMEDIATE"_s : u"BEGIN"_s); !b)
            return b.error();
        Status s = body();
        if (s) {
            auto c = run(u"COMMIT"_s);
            if (c)
                return {};
            s = c.error();
        }
        (void)run(u"ROLLBACK"_s);
        // 40001 serialization_failure, 40P01 deadlock_detected: the whole transaction may run
        // again; anything else is the caller's to handle.
        const QString code = s.error().details.value(u"native_code"_s).toString();
        if (sqlite || attempt >= kAttempts || (code != u"40001"_s && code != u"40P01"_s))
            return s;
    }
}

QString SqlDatabase::nowExpr() const
{
    return m_target.backend == SqlBackend::Sqlite ? u"strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"_s
                                                  : u"NOW()"_s;
}

QString SqlDatabase::nowPlusMsExpr() const
{
    return m_target.backend == SqlBackend::Sqlite
        ? u"strftime('%Y-%m-%dT%H:%M:%fZ', julianday('now') + CAST(? AS REAL) / 86400000.0)"_s
        : u"(NOW() + CAST(? AS DOUBLE PRECISION) * INTERVAL '1 millisecond')"_s;
}

QString SqlDatabase::forUpdate() const
{
    return m_target.backend == SqlBackend::Sqlite ? QString() : u" FOR UPDATE"_s;
}

bool SqlDatabase::isUniqueViolation(const Error &e)
{
    const QString code = e.details.value(u"native_code"_s).toString();
    // PostgreSQL 23505; SQLite 2067 (SQLITE_CONSTRAINT_UNIQUE) or its primary code 19.
    return code == u"23505"_s || code == u"2067"_s
        || (code == u"19"_s && e.message.contains(u"UNIQUE"_s));
}

QString SqlDatabase::uuidText(const QString &column) const
{
    return m_target.backend == SqlBackend::Sqlite ? column : column + u"::text"_s;
}

QString SqlDatabase::timeText(const QString &column) const
{
    if (m_target.backend == SqlBackend::Sqlite)
        return column;
    return u"to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"_s.arg(column);
}

QString SqlDatabase::jsonText(const QString &column) const
{
    return m_target.backend == SqlBackend::Sqlite ? column : column + u"::text"_s;
}

QString SqlDatabase::jsonParam() const
{
    return m_target.backend == SqlBackend::Sqlite ? u"?"_s : u"CAST(? AS JSONB)"_s;
}

QString SqlDatabase::timeValue(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime SqlDatabase::timeFromValue(const QVariant &v)
{
    if (v.isNull())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QVariant SqlDatabase::textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

Error SqlDatabase::error(const QSqlError &e, const QString &what) const
{
    QString detail = e.databaseText().trimmed();
    if (detail.isEmpty())
        detail = e.driverText().trimmed();
    return Error::make(ErrorCode::DatabaseError, what + u": "_s + detail,
                       {{u"database"_s, m_target.describe()},
                        {u"native_code"_s, e.nativeErrorCode()},
                        {u"driver_message"_s, e.driverText()}});
}

QString SqlDatabase::expandDdl(QString ddl) const
{
    const bool sqlite = m_target.backend == SqlBackend::Sqlite;
    ddl.replace(u"${UUID}"_s, sqlite ? u"TEXT"_s : u"UUID"_s);
    ddl.replace(u"${JSON}"_s, sqlite ? u"TEXT"_s : u"JSONB"_s);
    ddl.replace(u"${TIME}"_s, sqlite ? u"TEXT"_s : u"TIMESTAMPTZ"_s);
    ddl.replace(u"${SERIAL}"_s, sqlite ? u"INTEGER PRIMARY KEY AUTOINCREMENT"_s : u"BIGSERIAL PRIMARY KEY"_s);
    ddl.replace(u"${NOW}"_s, sqlite ? u"(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"_s : u"NOW()"_s);
    return ddl;
}

Status SqlDatabase::migrate(int targetVersion)
{
    const bool sqlite = m_target.backend == SqlBackend::Sqlite;
    auto conn = connection();
    if (!conn)
        return conn.error();
    auto exec = [&](const QString &sql, const QVariantList &values = {}) { return run(sql, values); };
    auto rollback = [&] { (void)exec(u"ROLLBACK"_s); };

    // IMMEDIATE takes SQLite's write lock up front, so two processes cannot both decide to
    // migrate; PostgreSQL gets the same from a transaction-scoped advisory lock.
    if (auto b = exec(sqlite ? u"BEGIN IMMEDIATE"_s : u"BEGIN"_s); !b)
        return b.error();
    if (!sqlite) {
        if (auto l = exec(u"SELECT pg_advisory_xact_lock(%1)"_s.arg(kMigrationLockKey)); !l) {
            rollback();
            return l.error();
        }
    }
    if (auto c = exec(expandDdl(u"CREATE TABLE IF NOT EXISTS schema_version ("
                                "version INTEGER PRIMARY KEY, "
                                "description VARCHAR(255) NOT NULL, "
                                "applied_at ${TIME} NOT NULL DEFAULT ${NOW})"_s));
        !c) {
        rollback();
        return c.error();
    }
    auto current = schemaVersion();
    if (!current) {
        rollback();
        return current.error();
    }
    if (*current > kLatestSchemaVersion) {
        rollback();
        return Error::make(ErrorCode::SchemaTooNew,
                           u"The catalogue %1 has schema version %2, newer than this version of "
                           "miStudio Models knows (%3). Upgrade miStudio Models; the catalogue was "
                           "left untouched."_s.arg(m_target.describe())
                               .arg(*current)
                               .arg(kLatestSchemaVersion),
                           {{u"found"_s, *current}, {u"supported"_s, kLatestSchemaVersion}});
    }
    for (const Migration &m : migrations()) {
        if (m.version <= *current || m.version > targetVersion)
            continue;
        for (const char *statement : m.statements) {
            if (auto r = exec(expandDdl(QString::fromUtf8(statement))); !r) {
                rollback();
                Error e = r.error();
                e.message = u"Migration to schema version %1 failed: %2"_s.arg(m.version).arg(e.message);
                return e;
            }
        }
        if (auto r = exec(u"INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"_s,
                          {m.version, QString::fromUtf8(m.description),
                           timeValue(QDateTime::currentDateTimeUtc())});
            !r) {
            rollback();
            return r.error();
        }
    }
    if (auto c = exec(u"COMMIT"_s); !c) {
        rollback();
        return c.error();
    }
    if (sqlite) {
        // WAL lets readers run while one thread writes; it is persistent, so set once, and only
        // after the version check (a refused database is not modified).
        if (auto w = exec(u"PRAGMA journal_mode = WAL"_s); !w)
            return w.error();
    }
    return {};
}

} // namespace mistudio
