#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

namespace mistudio {

// A PostgreSQL connection URL in libpq's URI form:
//   postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]
// `host=/socket/dir` (or a percent-encoded host starting with '/') selects a Unix socket
// directory; the other query parameters (sslmode, connect_timeout, application_name, ...) are
// passed to libpq unchanged.
struct DatabaseUrl
{
    QString user;
    QString password;
    QString host; // name, IP address or Unix socket directory; empty: libpq's default socket
    int port = -1; // -1: libpq's default (5432)
    QString database;
    QStringList options; // "key=value" pairs for libpq

    static Result<DatabaseUrl> parse(QStringView url);
    static bool isPostgresUrl(QStringView url);

    // The URL again, with the password replaced by "***", for messages and logs.
    QString redacted() const;
};

} // namespace mistudio
