#include "store/databaseurl.h"

#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

Error invalid(QStringView url, const QString &why)
{
    // Never echo a password: cut the userinfo out of the message.
    QString safe = url.toString();
    const qsizetype at = safe.indexOf(u'@');
    const qsizetype scheme = safe.indexOf(u"://"_s);
    if (at > 0 && scheme > 0 && at > scheme)
        safe = safe.left(scheme + 3) + u"***"_s + safe.mid(at);
    return Error::make(ErrorCode::InvalidInput, u"Invalid database URL '%1': %2"_s.arg(safe, why),
                       {{u"field"_s, u"database_url"_s}});
}

QString decode(QStringView s)
{
    return QUrl::fromPercentEncoding(s.toUtf8());
}

} // namespace

bool DatabaseUrl::isPostgresUrl(QStringView url)
{
    return url.startsWith(u"postgresql://"_s) || url.startsWith(u"postgres://"_s);
}

Result<DatabaseUrl> DatabaseUrl::parse(QStringView url)
{
    if (!isPostgresUrl(url))
        return invalid(url, u"it must start with postgresql://"_s);
    QStringView rest = url.mid(url.indexOf(u"://"_s) + 3);
    QStringView query;
    if (const qsizetype q = rest.indexOf(u'?'); q >= 0) {
        query = rest.mid(q + 1);
        rest = rest.left(q);
    }
    QStringView authority = rest;
    QStringView path;
    if (const qsizetype slash = rest.indexOf(u'/'); slash >= 0) {
        authority = rest.left(slash);
        path = rest.mid(slash + 1);
    }
    DatabaseUrl u;
    if (const qsizetype at = authority.lastIndexOf(u'@'); at >= 0) {
        const QStringView userinfo = authority.left(at);
        authority = authority.mid(at + 1);
        const qsizetype colon = userinfo.indexOf(u':');
        u.user = decode(colon >= 0 ? userinfo.left(colon) : userinfo);
        if (colon >= 0)
            u.password = decode(userinfo.mid(colon + 1));
    }
    QStringView hostPart = authority;
    QStringView portPart;
    if (authority.startsWith(u'[')) { // [::1]:5432
        const qsizetype close = authority.indexOf(u']');
        if (close < 0)
            return invalid(url, u"unterminated IPv6 address"_s);
        hostPart = authority.mid(1, close - 1);
        if (authority.size() > close + 1) {
            if (authority.at(close + 1) != u':')
                return invalid(url, u"unexpected text after the IPv6 address"_s);
            portPart = authority.mid(close + 2);
        }
    } else if (const qsizetype colon = authority.lastIndexOf(u':'); colon >= 0) {
        hostPart = authority.left(colon);
        portPart = authority.mid(colon + 1);
    }
    u.host = decode(hostPart);
    auto parsePort = [&](QStringView text) -> Status {
        bool ok = false;
        const int p = text.toInt(&ok);
        if (!ok || p < 1 || p > 65535)
            return invalid(url, u"the port '%1' is not a number from 1 to 65535"_s.arg(text.toString()));
        u.port = p;
        return {};
    };
    if (!portPart.isEmpty()) {
        if (auto s = parsePort(portPart); !s)
            return s.error();
    }
    u.database = decode(path);
    if (u.database.contains(u'/'))
        return invalid(url, u"the database name may not contain '/'"_s);
    if (!query.isEmpty()) {
        for (QStringView pair : query.split(u'&', Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq <= 0)
                return invalid(url, u"parameter '%1' has no value"_s.arg(pair.toString()));
            const QString key = decode(pair.left(eq));
            const QString value = decode(pair.mid(eq + 1));
            if (value.contains(u' ') || value.contains(u';') || value.contains(u'\''))
                return invalid(url, u"parameter '%1' contains a space, ';' or a quote"_s.arg(key));
            if (key == u"host"_s) {
                u.host = value;
            } else if (key == u"port"_s) {
                if (auto s = parsePort(value); !s)
                    return s.error();
            } else if (key == u"user"_s) {
                u.user = value;
            } else if (key == u"password"_s) {
                u.password = value;
            } else if (key == u"dbname"_s) {
                u.database = value;
            } else {
                u.options << key + u'=' + value;
            }
        }
    }
    return u;
}

QString DatabaseUrl::redacted() const
{
    QString s = u"postgresql://"_s;
    if (!user.isEmpty()) {
        s += QString::fromUtf8(QUrl::toPercentEncoding(user));
        if (!password.isEmpty())
            s += u":***"_s;
        s += u'@';
    }
    const bool socket = host.startsWith(u'/');
    if (!socket)
        s += host.contains(u':') ? u'[' + host + u']' : host;
    if (port > 0)
        s += u':' + QString::number(port);
    s += u'/' + database;
    QStringList params;
    if (socket)
        params << u"host="_s + host;
    params << options;
    if (!params.isEmpty())
        s += u'?' + params.join(u'&');
    return s;
}

} // namespace mistudio
