#include "service/processidentity.h"

#include <QFile>
#include <QHostInfo>
#include <QStringList>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QString readBootId()
{
    QFile f(u"/proc/sys/kernel/random/boot_id"_s);
    if (!f.open(QIODevice::ReadOnly))
        return u"unknown-boot"_s;
    return QString::fromLatin1(f.readAll().trimmed());
}

// Field 22 of /proc/PID/stat (start time in clock ticks since boot); -1 when there is no such
// process. The command name (field 2) may hold spaces and parentheses: fields are counted after
// its closing parenthesis.
qint64 startTicksOf(qint64 pid)
{
    QFile f(u"/proc/%1/stat"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After ") " comes field 3 (state); field 22 is at index 19.
    if (fields.size() < 20)
        return -1;
    return fields.at(19).toLongLong();
}

} // namespace

QString ProcessIdentity::id() const
{
    QString s = u"%1/%2/%3/%4"_s.arg(host, bootId).arg(pid).arg(startTicks);
    if (!m_suffix.isEmpty())
        s += u'/' + m_suffix;
    return s;
}

ProcessIdentity ProcessIdentity::current(const QString &suffix)
{
    ProcessIdentity p;
    p.host = QHostInfo::localHostName();
    p.bootId = readBootId();
    p.pid = qint64(::getpid());
    p.startTicks = startTicksOf(p.pid);
    p.m_suffix = suffix;
    return p;
}

bool ProcessIdentity::parse(const QString &id, ProcessIdentity *out)
{
    const QStringList parts = id.split(u'/');
    if (parts.size() < 4)
        return false;
    bool ok1 = false, ok2 = false;
    ProcessIdentity p;
    p.host = parts.at(0);
    p.bootId = parts.at(1);
    p.pid = parts.at(2).toLongLong(&ok1);
    p.startTicks = parts.at(3).toLongLong(&ok2);
    if (!ok1 || !ok2 || p.host.isEmpty())
        return false;
    if (parts.size() > 4)
        p.m_suffix = parts.mid(4).join(u'/');
    *out = p;
    return true;
}

bool ProcessIdentity::isDeadOnThisHost(const QString &id)
{
    ProcessIdentity owner;
    if (!parse(id, &owner))
        return false;
    if (owner.host != QHostInfo::localHostName())
        return false;
    if (owner.bootId != readBootId())
        return true; // the machine restarted since: every process of that boot is gone
    const qint64 ticks = startTicksOf(owner.pid);
    return ticks < 0 || ticks != owner.startTicks;
}

} // namespace mistudio
