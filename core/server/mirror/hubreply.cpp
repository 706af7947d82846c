#include "server/mirror/hubreply.h"

#include <QJsonDocument>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::mirror::hubreply {

http::Response json(int status, const QJsonDocument &document)
{
    return http::Response::bytes(status, document.toJson(QJsonDocument::Compact),
                                 "application/json; charset=utf-8");
}

http::Response json(int status, const QJsonObject &object)
{
    return json(status, QJsonDocument(object));
}

http::Response json(int status, const QJsonArray &array)
{
    return json(status, QJsonDocument(array));
}

http::Response error(int status, const QByteArray &code, const QString &message)
{
    http::Response r = json(status, QJsonObject{{u"error"_s, message}});
    if (!code.isEmpty())
        r.addHeader("X-Error-Code", code);
    // Header values are Latin-1; a message that is not stays in the body only.
    const QByteArray latin = message.toLatin1();
    if (QString::fromLatin1(latin) == message)
        r.addHeader("X-Error-Message", latin);
    return r;
}

http::Response repoNotFound(bool tokenHolder)
{
    return error(tokenHolder ? 404 : 401, "RepoNotFound", u"Repository not found"_s);
}

http::Response gated(const QString &repo)
{
    return error(401, "GatedRepo",
                 u"Access to model %1 is restricted. You must have access to it and be authenticated to access it. Please log in."_s
                     .arg(repo));
}

http::Response invalidCredentials()
{
    return error(401, {}, u"Invalid credentials in Authorization header"_s);
}

http::Response fromError(const Error &e, bool tokenHolder)
{
    switch (e.code) {
    case ErrorCode::RepoNotFound:
        return repoNotFound(tokenHolder);
    case ErrorCode::RevisionNotFound:
        return error(404, "RevisionNotFound", e.message);
    case ErrorCode::EntryNotFound:
        return error(404, "EntryNotFound", e.message);
    default:
        // The catalogue or the disk failed: the client may retry, as with a Hub 5xx.
        return error(500, {}, u"Internal error: "_s + e.message);
    }
}

void addCommonHeaders(http::Response *response, const QByteArray &traceId)
{
    const bool ok = !traceId.isEmpty() && traceId.size() <= 200;
    response->addHeader("X-Request-Id", ok ? traceId : QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    response->addHeader("Access-Control-Expose-Headers",
                        "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,"
                        "Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag");
}

} // namespace mistudio::mirror::hubreply
