#include "hub/huberror.h"

#include "common/retrypolicy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

const QString kInvalidCredentials = u"Invalid credentials in Authorization header"_s;
const QString kDisabled = u"Access to this resource is disabled."_s;

// The Hub's human message: X-Error-Message, else {"error": ...} variants, else short plain text.
QString hubMessage(const HttpOutcome &o)
{
    const QString header = QString::fromUtf8(o.header("X-Error-Message"));
    if (!header.isEmpty())
        return header;
    const QJsonDocument doc = QJsonDocument::fromJson(o.body);
    if (doc.isObject()) {
        const QJsonObject obj = doc.object();
        const QJsonValue err = obj.value(u"error"_s);
        QString msg;
        if (err.isString())
            msg = err.toString();
        else if (err.isArray()) {
            QStringList parts;
            for (const QJsonValue &v : err.toArray())
                parts << v.toString();
            msg = parts.join(u"; "_s);
        }
        if (obj.contains(u"error_description"_s))
            msg += (msg.isEmpty() ? QString() : u": "_s) + obj.value(u"error_description"_s).toString();
        if (msg.isEmpty()) {
            for (const QJsonValue &v : obj.value(u"errors"_s).toArray())
                msg += (msg.isEmpty() ? QString() : u"; "_s) + v.toObject().value(u"message"_s).toString();
        }
        if (!msg.isEmpty())
            return msg;
    }
    const QString text = QString::fromUtf8(o.body.left(300)).trimmed();
    if (!text.isEmpty() && !text.startsWith(u'<'))
        return text;
    return QString();
}

bool isRepoUrl(const QUrl &url)
{
    static const QRegularExpression re(u"^(/api/(models|datasets|spaces)/.+|/.+/resolve/.+)$"_s);
    return re.match(url.path()).hasMatch();
}

} // namespace

QByteArray HttpOutcome::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return QByteArray();
}

bool isRetryable(const HttpOutcome &o)
{
    if (o.status == 0) {
        switch (o.networkError) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
            return false; // nobody is listening: repeating only delays the answer
        default:
            return true;
        }
    }
    return o.status == 408 || o.status == 429 || o.status == 500 || o.status == 502 || o.status == 503
        || o.status == 504;
}

Error errorFromOutcome(const HttpOutcome &o)
{
    Error e;
    e.requestId = QString::fromUtf8(o.header("X-Request-Id"));
    if (e.requestId.isEmpty())
        e.requestId = QString::fromUtf8(o.header("X-Amzn-Trace-Id"));
    if (e.requestId.isEmpty())
        e.requestId = QString::fromUtf8(o.header("X-Amz-Cf-Id"));
    QUrl shown = o.url;
    shown.setQuery(QString()); // signed CDN queries are secrets of a sort; keep them out of messages
    e.details.insert(u"url"_s, shown.toString());
    if (o.status > 0)
        e.details.insert(u"http_status"_s, o.status);

    if (o.status == 0) {
        if (o.timedOut || o.networkError == QNetworkReply::TimeoutError) {
            e.code = ErrorCode::Timeout;
            e.message = u"the Hub did not answer in time ("_s + shown.host() + u')';
        } else {
            e.code = ErrorCode::NetworkError;
            e.message = u"cannot reach "_s + shown.host() + u": "_s + o.networkErrorText;
        }
        return e;
    }

    const QByteArray code = o.header("X-Error-Code");
    const QString msg = hubMessage(o);
    e.message = msg;
    if (code == "RevisionNotFound") {
        e.code = ErrorCode::RevisionNotFound;
    } else if (code == "EntryNotFound") {
        e.code = ErrorCode::EntryNotFound;
    } else if (code == "GatedRepo") {
        e.code = o.status == 403 ? ErrorCode::GatedAccessDenied : ErrorCode::GatedAuthRequired;
    } else if (msg == kDisabled) {
        e.code = ErrorCode::RepoDisabled;
    } else if (o.status == 401 && msg == kInvalidCredentials) {
        e.code = ErrorCode::InvalidToken;
    } else if (code == "RepoNotFound" || (o.status == 401 && isRepoUrl(o.url))
               || (o.status == 404 && o.url.path().startsWith(u"/api/models/"_s))) {
        e.code = ErrorCode::RepoNotFound;
        if (o.status == 401 && !o.authSent)
            e.details.insert(u"hint"_s, u"the repository does not exist, or it is private and needs a token"_s);
    } else if (o.status == 404) {
        e.code = ErrorCode::EntryNotFound;
    } else if (o.status == 401) {
        e.code = ErrorCode::InvalidToken;
    } else if (o.status == 403) {
        e.code = ErrorCode::Forbidden; // e.g. a fine-grained token without the needed scope
    } else if (o.status == 429) {
        e.code = ErrorCode::RateLimited;
    } else if (o.status == 408) {
        e.code = ErrorCode::Timeout;
    } else if (o.status >= 500) {
        e.code = ErrorCode::ServerError;
    } else if (o.status == 400) {
        e.code = ErrorCode::InvalidInput;
    } else {
        e.code = ErrorCode::InvalidResponse;
    }
    if (e.message.isEmpty())
        e.message = u"HTTP "_s + QString::number(o.status) + u" from "_s + shown.toString();
    return e;
}

qint64 retryWaitMs(const HttpOutcome &o, int attempt)
{
    if (o.status == 429) {
        if (const std::optional<int> wait = rateLimitWaitMs(o.header("RateLimit"), o.header("Retry-After")))
            return *wait;
    }
    return backoffDelayMs(attempt, 1000, 8000, 1.0);
}

} // namespace mistudio::hub
