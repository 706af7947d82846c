#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mistudio {

// A process that may own jobs: one row of the `workers` table, kept fresh by its heartbeat.
// The id is the process instance (host/boot-id/pid/start-time, see ProcessIdentity), so two
// processes on one host are two owners, and a restarted process is a new one.
struct WorkerRecord
{
    QString id;
    QString host;
    qint64 pid = 0;
    QString role;        // desktop | serve | cli | worker
    QStringList kinds;   // job kinds it runs ("download", "quantize"); empty: a front end only
    QStringList devices; // "cpu", "cuda:0", ...
    QString version;     // the program's version
    int specVersion = 0; // the job format it understands
    QDateTime startedAt;
    QDateTime heartbeatAt;

    // {"id","host","pid","role","kinds","devices","version","spec_version","started_at",
    //  "heartbeat_at"}
    QJsonObject toJson() const;
};

} // namespace mistudio
