#include "download/headresolver.h"

#include "common/retrypolicy.h"
#include "hub/redirectpolicy.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr int kMaxRelativeHops = 5;

QString normaliseEtag(QByteArray etag)
{
    etag = etag.trimmed();
    if (etag.startsWith("W/"))
        etag = etag.mid(2);
    while (etag.startsWith('"'))
        etag = etag.mid(1);
    while (etag.endsWith('"'))
        etag.chop(1);
    return QString::fromLatin1(etag).toLower();
}

Error networkError(QNetworkReply *reply)
{
    const auto e = reply->error();
    ErrorCode code = ErrorCode::NetworkError;
    if (e == QNetworkReply::TimeoutError || e == QNetworkReply::OperationCanceledError)
        code = ErrorCode::Timeout;
    return Error::make(code, u"HEAD %1: %2"_s.arg(reply->url().toString(QUrl::RemoveQuery), reply->errorString()),
                       {{u"url"_s, reply->url().toString(QUrl::RemoveQuery)}});
}

} // namespace

HeadResolver::HeadResolver(QObject *parent)
    : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
}

HeadResolver::~HeadResolver() = default;

void HeadResolver::resolve(const PinnedDownload &download, const RemoteFile &file, Callback done)
{
    sendHead(download.endpoint, resolveUrl(download.endpoint, download.repoId, download.commit, file.path),
             download.token, 0, std::move(done));
}

void HeadResolver::sendHead(const QUrl &endpoint, const QUrl &url, const QString &token, int hops, Callback done)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("Accept-Encoding", "identity");
    req.setRawHeader("User-Agent", m_userAgent);
    if (!token.isEmpty() && hub::sameOrigin(url, endpoint))
        req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    req.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_nam->head(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, endpoint, token, hops, done = std::move(done)]() mutable {
        reply->deleteLater();
        handleReply(reply, endpoint, token, hops, std::move(done));
    });
}

Error HeadResolver::errorForResponse(int status, const QByteArray &errorCode, const QByteArray &message,
                                     const QByteArray &rateLimit, const QByteArray &retryAfter,
                                     const QByteArray &requestId)
{
    const QString msg = QString::fromUtf8(message);
    ErrorCode code = ErrorCode::InvalidResponse;
    QJsonObject details{{u"http_status"_s, status}};
    if (status == 401) {
        if (msg == u"Invalid credentials in Authorization header"_s)
            code = ErrorCode::InvalidToken;
        else if (errorCode == "GatedRepo")
            code = ErrorCode::GatedAuthRequired;
        else
            code = ErrorCode::RepoNotFound;
    } else if (status == 403) {
        if (errorCode == "GatedRepo")
            code = ErrorCode::GatedAccessDenied;
        else if (msg == u"Access to this resource is disabled."_s)
            code = ErrorCode::RepoDisabled;
        else
            code = ErrorCode::Forbidden;
    } else if (status == 404) {
        if (errorCode == "RevisionNotFound")
            code = ErrorCode::RevisionNotFound;
        else if (errorCode == "RepoNotFound")
            code = ErrorCode::RepoNotFound;
        else
            code = ErrorCode::EntryNotFound;
    } else if (status == 429) {
        code = ErrorCode::RateLimited;
        if (const auto wait = rateLimitWaitMs(rateLimit, retryAfter))
            details.insert(u"retry_after_ms"_s, *wait);
    } else if (status == 408) {
        code = ErrorCode::Timeout;
    } else if (status >= 500) {
        code = ErrorCode::ServerError;
    }
    Error e = Error::make(code, msg.isEmpty() ? u"HTTP %1"_s.arg(status) : msg, details);
    e.requestId = QString::fromLatin1(requestId);
    return e;
}

void HeadResolver::handleReply(QNetworkReply *reply, const QUrl &endpoint, const QString &token, int hops, Callback done)
{
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttr.isValid()) {
        done(networkError(reply));
        return;
    }
    const int status = statusAttr.toInt();
    const bool redirect = status >= 300 && status < 400;
    ResolvedFile r;
    r.url = reply->url();
    if (redirect) {
        const QUrl location = QUrl::fromEncoded(reply->rawHeader("Location"));
        if (!location.isValid() || location.isEmpty()) {
            done(Error::make(ErrorCode::InvalidResponse, u"Redirect without a Location header"_s));
            return;
        }
        const Result<QUrl> allowed = hub::checkRedirect(reply->url(), reply->rawHeader("Location"),
                                                        hub::RedirectRules{endpoint, m_allowOffLoopback});
        if (!allowed) {
            done(allowed.error()); // another scheme or off loopback: refused at once, not retried
            return;
        }
        if (location.isRelative() || location.host().isEmpty()) {
            if (hops >= kMaxRelativeHops) {
                done(Error::make(ErrorCode::InvalidResponse, u"Too many redirects"_s));
                return;
            }
            // Same host, the Location's path only (query dropped), token kept: docs/hub.md H5 (1).
            QUrl next = reply->url();
            next.setQuery(QString());
            next.setPath(reply->url().resolved(location).path(QUrl::FullyDecoded), QUrl::DecodedMode);
            sendHead(endpoint, next, token, hops + 1, std::move(done));
            return;
        }
        r.url = location;
    } else if (status < 200 || status >= 300) {
        done(errorForResponse(status, reply->rawHeader("X-Error-Code"), reply->rawHeader("X-Error-Message"),
                              reply->rawHeader("RateLimit"), reply->rawHeader("Retry-After"),
                              reply->rawHeader("X-Request-Id")));
        return;
    }

    r.commit = QString::fromLatin1(reply->rawHeader("X-Repo-Commit")).trimmed();
    const QByteArray linked = reply->rawHeader("X-Linked-Etag");
    r.etag = normaliseEtag(linked.isEmpty() ? reply->rawHeader("ETag") : linked);
    bool ok = false;
    const QByteArray linkedSize = reply->rawHeader("X-Linked-Size");
    if (!linkedSize.isEmpty())
        r.size = linkedSize.trimmed().toLongLong(&ok);
    else if (!redirect && reply->hasRawHeader("Content-Length"))
        r.size = reply->rawHeader("Content-Length").trimmed().toLongLong(&ok);
    if (!ok)
        r.size = -1;
    r.sendToken = hub::sameOrigin(r.url, endpoint);

    QString missing;
    if (r.commit.isEmpty())
        missing = u"X-Repo-Commit"_s;
    else if (r.etag.isEmpty())
        missing = u"ETag"_s;
    else if (r.size < 0)
        missing = u"size (X-Linked-Size / Content-Length)"_s;
    if (!missing.isEmpty()) {
        // A proxy that strips these breaks every Hub client (docs/hub.md H5 (4)); say which.
        done(Error::make(ErrorCode::InvalidResponse,
                         u"The Hub's answer for %1 lacks %2 (a proxy may strip it)"_s
                             .arg(reply->url().toString(QUrl::RemoveQuery), missing),
                         {{u"missing_header"_s, missing}}));
        return;
    }
    done(std::move(r));
}

} // namespace mistudio
