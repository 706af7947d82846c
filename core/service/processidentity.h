#pragma once

#include <QString>

namespace mistudio {

// This process as a job owner (docs/jobs.md, "Ownership"): host, boot id, pid and the process's
// start time, written "host/boot/pid/start". Two processes on one host are two owners; a
// restarted process (or a reused pid) is a new one.
struct ProcessIdentity
{
    QString host;
    QString bootId;
    qint64 pid = 0;
    qint64 startTicks = 0; // /proc/self/stat field 22: tells a reused pid apart

    QString id() const;
    // This process; `suffix` tells apart several owners inside one process (tests, benches).
    static ProcessIdentity current(const QString &suffix = {});
    static bool parse(const QString &id, ProcessIdentity *out);

    // Whether the owner `id` is a process of this host that is certainly gone: another boot, or
    // no process with that pid and start time. An owner of another host is never judged here
    // (its jobs come back by lease expiry).
    static bool isDeadOnThisHost(const QString &id);

private:
    QString m_suffix;
};

} // namespace mistudio
