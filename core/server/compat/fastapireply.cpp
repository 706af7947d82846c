#include "server/compat/fastapireply.h"

#include "server/httpstatus.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {

QJsonObject ValidationIssue::toJson() const
{
    QJsonObject o{{u"type"_s, type}, {u"loc"_s, loc}, {u"msg"_s, msg}, {u"input"_s, input}};
    if (!ctx.isEmpty())
        o.insert(u"ctx"_s, ctx);
    return o;
}

ApiReply FastApiReply::detail(int status, const QString &detail)
{
    return ApiReply::json(status, {{u"detail"_s, detail}});
}

ApiReply FastApiReply::validation(const QList<ValidationIssue> &issues)
{
    QJsonArray a;
    for (const ValidationIssue &i : issues)
        a.append(i.toJson());
    return ApiReply::json(422, {{u"detail"_s, a}});
}

ApiReply FastApiReply::error(const Error &error)
{
    ApiReply r = detail(httpStatusFor(error.code), error.message);
    const QJsonValue retry = error.details.value(u"retry_after"_s);
    if (retry.isDouble())
        r.headers.append({QByteArray("Retry-After"), QByteArray::number(retry.toInteger())});
    return r;
}

ApiReply FastApiReply::methodNotAllowed(const QStringList &allowed)
{
    ApiReply r = detail(405, u"Method Not Allowed"_s);
    r.headers.append({QByteArray("Allow"), allowed.join(u", "_s).toLatin1()});
    return r;
}

ApiReply FastApiReply::notImplemented(const QString &what)
{
    return detail(501, u"%1 is not available on this server: miStudio Models serves model "
                       "management only (download, list, cancel, delete, architecture). See "
                       "docs/remote-frontends.md."_s.arg(what));
}

} // namespace mistudio::compat
