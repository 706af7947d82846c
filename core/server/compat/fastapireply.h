#pragma once

#include "common/error.h"
#include "server/apireply.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>

namespace mistudio::compat {

// One entry of FastAPI's validation error array (pydantic v2's shape):
// {"type", "loc", "msg", "input", "ctx"?}.
struct ValidationIssue
{
    QString type;    // "missing", "string_type", "enum", "int_parsing", "json_invalid", ...
    QJsonArray loc;  // ["body", "repo_id"], ["query", "limit"]
    QString msg;     // "Field required", ...
    QJsonValue input = QJsonValue(QJsonValue::Null);
    QJsonObject ctx; // omitted when empty

    QJsonObject toJson() const;
};

// The answers the original frontend's API client reads: {"detail": "..."} with FastAPI's status
// codes, or 422 {"detail": [issues]} for request validation.
class FastApiReply final
{
public:
    static ApiReply detail(int status, const QString &detail);
    static ApiReply validation(const QList<ValidationIssue> &issues);
    // Our typed error in that shape: the status our error code has everywhere (httpstatus.h),
    // the message as the detail, Retry-After and WWW-Authenticate kept.
    static ApiReply error(const Error &error);
    static ApiReply notFound() { return detail(404, QStringLiteral("Not Found")); }
    static ApiReply methodNotAllowed(const QStringList &allowed);
    // Routes of the original that this server does not serve (activation extraction, ...).
    static ApiReply notImplemented(const QString &what);
};

} // namespace mistudio::compat
