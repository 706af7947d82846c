#include "pgtestdb.h"

#include "store/databaseurl.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::test {
namespace {

// Runs one statement on the cluster's `postgres` database through a short-lived connection.
Status adminExec(const QString &adminUrl, const QString &sql)
{
    auto url = DatabaseUrl::parse(adminUrl);
    if (!url)
        return url.error();
    const QString connName = u"mistudio-pgtest-"_s + QUuid::createUuid().toString(QUuid::Id128);
    Status result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connName);
        db.setHostName(url->host);
        if (url->port > 0)
            db.setPort(url->port);
        db.setDatabaseName(url->database);
        db.setUserName(url->user);
        db.setPassword(url->password);
        if (!db.open()) {
            result = Error::make(ErrorCode::DatabaseError,
                                 u"Cannot connect to the test cluster %1: %2"_s.arg(adminUrl, db.lastError().text()));
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql))
                result = Error::make(ErrorCode::DatabaseError, u"%1: %2"_s.arg(sql, q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connName);
    return result;
}

} // namespace

Result<QString> pgClusterUrl()
{
    const QString file = qEnvironmentVariable("MISTUDIO_TEST_PG_URL_FILE");
    if (file.isEmpty())
        return Error::make(ErrorCode::InvalidInput,
                           u"MISTUDIO_TEST_PG_URL_FILE is not set: run this test through ctest, which "
                           "starts the PostgreSQL fixture (tests/pg/README.md)"_s);
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::NotFound,
                           u"%1 does not exist: the PostgreSQL fixture (pg_cluster_start) did not run or "
                           "failed; see its output"_s.arg(file));
    const QString url = QString::fromUtf8(f.readAll()).trimmed();
    if (url.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"%1 is empty"_s.arg(file));
    return url;
}

Result<std::unique_ptr<ScratchPgDatabase>> ScratchPgDatabase::create()
{
    auto admin = pgClusterUrl();
    if (!admin)
        return admin.error();
    auto url = DatabaseUrl::parse(*admin);
    if (!url)
        return url.error();
    const QString name = u"t_"_s + QUuid::createUuid().toString(QUuid::Id128);
    if (auto s = adminExec(*admin, u"CREATE DATABASE %1"_s.arg(name)); !s)
        return s.error();
    DatabaseUrl scratch = *url;
    scratch.database = name;
    return std::unique_ptr<ScratchPgDatabase>(new ScratchPgDatabase(*admin, name, scratch.redacted()));
}

ScratchPgDatabase::ScratchPgDatabase(QString adminUrl, QString name, QString url)
    : m_adminUrl(std::move(adminUrl)), m_name(std::move(name)), m_url(std::move(url))
{
}

Status ScratchPgDatabase::reset()
{
    return adminExec(m_url, u"SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"_s);
}

ScratchPgDatabase::~ScratchPgDatabase()
{
    // WITH (FORCE) ends connections a test left open (PostgreSQL 13+).
    if (auto s = adminExec(m_adminUrl, u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_name)); !s)
        qWarning("%s", qPrintable(s.error().toString()));
}

} // namespace mistudio::test
