#include "hub/hubclient.h"

#include "common/namepolicy.h"
#include "common/repoid.h"
#include "hub/cancelsource.h"
#include "hub/hublimits.h"
#include "hub/replyguard.h"
#include "hub/safetensorsheader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

constexpr qint64 kHeaderProbeBytes = 100001; // bytes=0-100000

// The environment's proxies (http_proxy, https_proxy, no_proxy), per request.
class EnvironmentProxyFactory final : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override
    {
        return systemProxyForQuery(query);
    }
};

QByteArray encodeRepo(const QString &repo)
{
    QByteArray out;
    for (const QString &part : repo.split(u'/'))
        out += (out.isEmpty() ? QByteArray() : QByteArray("/")) + QUrl::toPercentEncoding(part);
    return out;
}

// hf_hub_url: quote(revision, safe="") and quote(filename) keeping slashes.
QByteArray encodeRevision(const QString &rev) { return QUrl::toPercentEncoding(rev); }
QByteArray encodePath(const QString &path) { return QUrl::toPercentEncoding(path, "/"); }

QString stripEtag(QString etag)
{
    if (etag.startsWith(u"W/"_s))
        etag = etag.mid(2);
    if (etag.size() >= 2 && etag.startsWith(u'"') && etag.endsWith(u'"'))
        etag = etag.mid(1, etag.size() - 2);
    return etag;
}

std::optional<QUrl> nextLink(const QByteArray &link, const QUrl &base)
{
    static const QRegularExpression re(uR"(<([^>]+)>\s*;\s*rel="?next"?)"_s);
    const auto m = re.match(QString::fromUtf8(link));
    if (!m.hasMatch())
        return std::nullopt;
    return base.resolved(QUrl::fromEncoded(m.captured(1).toUtf8()));
}

Result<QJsonDocument> parseJson(const HttpOutcome &o)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(o.body, &err);
    if (err.error != QJsonParseError::NoError) {
        Error e = Error::make(ErrorCode::InvalidResponse,
                              u"the Hub sent malformed JSON: "_s + err.errorString(),
                              QJsonObject{{u"url"_s, o.url.adjusted(QUrl::RemoveQuery).toString()}});
        e.requestId = QString::fromUtf8(o.header("X-Request-Id"));
        return e;
    }
    return doc;
}

Error malformed(const HttpOutcome &o, const QString &what)
{
    Error e = Error::make(ErrorCode::InvalidResponse, what,
                          QJsonObject{{u"url"_s, o.url.adjusted(QUrl::RemoveQuery).toString()}});
    e.requestId = QString::fromUtf8(o.header("X-Request-Id"));
    return e;
}

} // namespace

struct HubClient::Request
{
    QByteArray method = "GET";
    QUrl url;
    QByteArray range;
    bool followAbsolute = true;
    qint64 limit = kMaxApiResponseBytes; // bytes of a 2xx body; more is refused (not retried)
    qint64 acceptPrefix = -1; // > 0: complete once this many bytes are in (a Range the server ignored)
    int attempt = 1;
    int redirects = 0;
    int shortBodies = 0;
    QElapsedTimer clock; // since the first send: the call's deadline
    std::function<void(Result<HttpOutcome>)> done;
};

HubClient::HubClient(HubOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_scheduler = [this](qint64 delayMs, std::function<void()> fn) {
        QTimer::singleShot(std::chrono::milliseconds(delayMs), this, std::move(fn));
    };
}

HubClient::~HubClient() = default;

QString HubClient::userAgent() const
{
    return u"mistudio/"_s + QLatin1StringView(MISTUDIO_VERSION) + u"; qt/"_s + QLatin1StringView(qVersion());
}

QNetworkAccessManager *HubClient::nam()
{
    if (!m_nam) {
        m_nam = new QNetworkAccessManager(this);
        if (m_options.proxy.isValid() && !m_options.proxy.host().isEmpty()) {
            const bool socks = m_options.proxy.scheme().startsWith(u"socks"_s);
            m_nam->setProxy(QNetworkProxy(socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                                          m_options.proxy.host(), quint16(m_options.proxy.port(socks ? 1080 : 8080)),
                                          m_options.proxy.userName(), m_options.proxy.password()));
        } else {
            m_nam->setProxyFactory(new EnvironmentProxyFactory);
        }
    }
    return m_nam;
}

bool HubClient::mayAuthorize(const QUrl &url) const
{
    return sameOrigin(url, m_options.endpoint);
}

QUrl HubClient::apiUrl(const QByteArray &encodedPath, const QByteArray &encodedQuery) const
{
    QByteArray s = m_options.endpoint.toEncoded(QUrl::StripTrailingSlash) + encodedPath;
    if (!encodedQuery.isEmpty())
        s += '?' + encodedQuery;
    return QUrl::fromEncoded(s);
}

QUrl HubClient::resolveUrl(const QString &repo, const QString &revision, const QString &path) const
{
    return apiUrl('/' + encodeRepo(repo) + "/resolve/" + encodeRevision(revision) + '/' + encodePath(path));
}

void HubClient::fail(const std::shared_ptr<Request> &request, const Error &error)
{
    // Always asynchronous, so callers never see their callback run inside the call.
    QTimer::singleShot(0, this, [request, error] { request->done(error); });
}

void HubClient::send(const std::shared_ptr<Request> &request)
{
    const QJsonObject where{{u"url"_s, request->url.adjusted(QUrl::RemoveQuery).toString()}};
    if (m_options.offline) {
        fail(request, Error::make(ErrorCode::Offline, u"HF_HUB_OFFLINE is set: the Hub is not contacted"_s, where));
        return;
    }
    if (m_options.cancel && m_options.cancel->isCancelled()) {
        fail(request, Error::make(ErrorCode::Cancelled, u"the Hub call was cancelled"_s, where));
        return;
    }
    if (!request->clock.isValid())
        request->clock.start();
    QNetworkRequest req(request->url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setTransferTimeout(m_options.timeoutMs);
    req.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    req.setRawHeader("X-Amzn-Trace-Id", QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    if (!m_options.token.token.isEmpty() && mayAuthorize(request->url))
        req.setRawHeader("Authorization", "Bearer " + m_options.token.token.toUtf8());
    if (!request->range.isEmpty())
        req.setRawHeader("Range", request->range);
    if (request->method == "HEAD")
        req.setRawHeader("Accept-Encoding", "identity"); // sizes of the real bytes, not of a gzip body
    QNetworkReply *reply = request->method == "HEAD" ? nam()->head(req) : nam()->get(req);
    reply->setProperty("mistudio_auth", req.hasRawHeader("Authorization"));
    ReplyGuard::Limits limits;
    limits.body = request->limit;
    limits.acceptPrefix = request->acceptPrefix;
    limits.errorBody = kMaxErrorBodyBytes;
    limits.lowSpeedBytes = m_options.lowSpeedBytes;
    limits.lowSpeedWindowMs = m_options.lowSpeedWindowMs;
    limits.deadlineMs = m_options.callDeadlineMs;
    auto *guard = new ReplyGuard(reply, limits, request->clock);
    if (m_options.cancel) {
        // Connected before the flag is read again: a cancel in between is never missed.
        connect(m_options.cancel.get(), &CancelSource::cancelled, guard, &ReplyGuard::cancel, Qt::QueuedConnection);
        if (m_options.cancel->isCancelled())
            QMetaObject::invokeMethod(guard, &ReplyGuard::cancel, Qt::QueuedConnection);
    }
    connect(reply, &QNetworkReply::finished, this, [this, request, reply, guard] { handleFinished(request, reply, guard); });
}

Error HubClient::stoppedError(const std::shared_ptr<Request> &request, int stop) const
{
    const QString url = request->url.adjusted(QUrl::RemoveQuery).toString();
    switch (ReplyGuard::Stop(stop)) {
    case ReplyGuard::Stop::TooLarge:
        return Error::make(ErrorCode::InvalidResponse,
                           u"the Hub's answer for %1 is larger than %2 bytes; it was cut off there"_s.arg(url).arg(request->limit),
                           {{u"url"_s, url}, {u"limit_bytes"_s, request->limit}});
    case ReplyGuard::Stop::LowSpeed:
        return Error::make(ErrorCode::Timeout,
                           u"the Hub sent fewer than %1 bytes in %2 s for %3"_s.arg(m_options.lowSpeedBytes)
                               .arg(m_options.lowSpeedWindowMs / 1000.0).arg(url),
                           {{u"url"_s, url}, {u"reason"_s, u"low_speed"_s}});
    case ReplyGuard::Stop::Deadline:
        return Error::make(ErrorCode::Timeout,
                           u"no complete answer for %1 within %2 s"_s.arg(url).arg(m_options.callDeadlineMs / 1000.0),
                           {{u"url"_s, url}, {u"reason"_s, u"deadline"_s}});
    case ReplyGuard::Stop::Cancelled:
        return Error::make(ErrorCode::Cancelled, u"the Hub call was cancelled"_s, {{u"url"_s, url}});
    case ReplyGuard::Stop::None:
    case ReplyGuard::Stop::PrefixComplete:
        break;
    }
    return Error::make(ErrorCode::Internal, u"unexpected stop for "_s + url);
}

void HubClient::handleFinished(const std::shared_ptr<Request> &request, QNetworkReply *reply, ReplyGuard *guard)
{
    reply->deleteLater();
    const ReplyGuard::Stop stop = guard->stop();
    if (stop != ReplyGuard::Stop::None && stop != ReplyGuard::Stop::PrefixComplete) {
        request->done(stoppedError(request, int(stop)));
        return;
    }
    const bool stoppedEarly = stop == ReplyGuard::Stop::PrefixComplete;
    HttpOutcome o;
    o.url = request->url;
    o.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    o.headers = reply->rawHeaderPairs();
    o.body = guard->takeBody();
    o.authSent = reply->property("mistudio_auth").toBool();
    m_bytesReceived += o.body.size();
    bool shortBody = false;
    if (!stoppedEarly && reply->error() != QNetworkReply::NoError && o.status == 0) {
        o.networkError = reply->error();
        o.networkErrorText = reply->errorString();
        o.timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
    } else if (!stoppedEarly && o.status >= 200 && o.status < 300 && reply->error() != QNetworkReply::NoError) {
        // Headers arrived but the body broke off.
        o.status = 0;
        o.networkError = reply->error();
        o.networkErrorText = reply->errorString();
        o.timedOut = reply->error() == QNetworkReply::OperationCanceledError;
        shortBody = !o.timedOut;
    }

    if (o.status >= 200 && o.status < 300 && request->method != "HEAD" && !stoppedEarly
        && o.header("Content-Encoding").isEmpty()) {
        // Qt may report a connection closed mid-body as a normal end: hold the body to its length.
        bool known = false;
        const qint64 promised = o.header("Content-Length").toLongLong(&known);
        if (known && o.body.size() < promised) {
            o.networkError = QNetworkReply::RemoteHostClosedError;
            o.networkErrorText = u"connection closed after "_s + QString::number(o.body.size()) + u" of "_s
                + QString::number(promised) + u" bytes"_s;
            o.status = 0;
            shortBody = true;
        }
    }

    if (o.status >= 300 && o.status < 400 && o.status != 304) {
        const QByteArray location = o.header("Location");
        if (location.isEmpty()) {
            request->done(malformed(o, u"redirect without a Location header"_s));
            return;
        }
        const Result<QUrl> target = checkRedirect(request->url, location, m_options.redirectRules());
        if (!target) {
            request->done(target.error()); // another scheme, or off loopback: at once, never retried
            return;
        }
        const bool relative = QUrl::fromEncoded(location.trimmed()).host().isEmpty();
        if (!relative && !request->followAbsolute) {
            request->done(o); // HEAD metadata: the 302 itself carries X-Linked-* and X-Repo-Commit
            return;
        }
        if (++request->redirects > kMaxRedirects) {
            request->done(malformed(o, u"too many redirects"_s));
            return;
        }
        QUrl next = *target;
        if (relative && request->method == "HEAD") {
            // huggingface_hub repeats the HEAD on the same host with only the Location's path.
            next = request->url;
            next.setPath(target->path(QUrl::FullyEncoded), QUrl::StrictMode);
            next.setQuery(QString());
        }
        request->url = next; // send() decides again whether this host may see the token
        send(request);
        return;
    }
    if (o.status >= 200 && o.status < 300) {
        request->done(o);
        return;
    }
    // A body cut short is tried once more, not maxAttempts times: a server that keeps doing it
    // would otherwise make us fetch it again and again.
    const bool retryShort = !shortBody || ++request->shortBodies <= 1;
    if (retryShort && isRetryable(o) && request->attempt < m_options.maxAttempts) {
        const qint64 wait = retryWaitMs(o, request->attempt);
        const bool withinDeadline = request->clock.elapsed() + wait < m_options.callDeadlineMs;
        if ((o.status != 429 || wait <= m_options.maxRateLimitWaitMs) && withinDeadline) {
            const Error why = errorFromOutcome(o);
            Q_EMIT retryScheduled(request->url, request->attempt, wait, why.codeName());
            ++request->attempt;
            m_scheduler(wait, [this, request] { send(request); });
            return;
        }
    }
    Error e = errorFromOutcome(o);
    if (o.status == 429) {
        e.details.insert(u"retry_after_ms"_s, retryWaitMs(o, request->attempt));
        e.details.insert(u"attempts"_s, request->attempt);
    }
    request->done(e);
}

void HubClient::getJson(const QUrl &url, qint64 limit, std::function<void(Result<HttpOutcome>)> done)
{
    auto r = std::make_shared<Request>();
    r->url = url;
    r->limit = limit;
    r->done = std::move(done);
    send(r);
}

std::optional<Error> HubClient::checkInput(const QString &repo, const QString &revision)
{
    if (const auto id = RepoId::parse(repo); !id.ok())
        return id.error();
    if (const auto rev = validateRevision(revision); !rev.ok())
        return rev.error();
    return std::nullopt;
}

void HubClient::later(std::function<void()> fn)
{
    QTimer::singleShot(0, this, std::move(fn));
}

void HubClient::modelInfo(const QString &repo, const QString &revision, Callback<ModelInfo> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    getJson(apiUrl("/api/models/" + encodeRepo(repo) + "/revision/" + encodeRevision(rev), "blobs=true"),
            kMaxApiResponseBytes, [done](Result<HttpOutcome> r) {
                if (!r.ok())
                    return done(r.error());
                const auto doc = parseJson(*r);
                if (!doc.ok())
                    return done(doc.error());
                if (!doc->isObject() || doc->object().value(u"sha"_s).toString().isEmpty())
                    return done(malformed(*r, u"model info without a commit sha"_s));
                ModelInfo info = ModelInfo::fromJson(doc->object());
                if (Status s = checkNames(info.siblings); !s)
                    return done(s.error());
                done(std::move(info));
            });
}

void HubClient::listTree(const QString &repo, const QString &revision, Callback<QList<RepoFile>> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    fetchTreePage(apiUrl("/api/models/" + encodeRepo(repo) + "/tree/" + encodeRevision(rev),
                         "recursive=true&expand=false"),
                  std::make_shared<QList<RepoFile>>(), 1, std::move(done));
}

void HubClient::fetchTreePage(const QUrl &url, std::shared_ptr<QList<RepoFile>> acc, int page,
                              Callback<QList<RepoFile>> done)
{
    getJson(url, kMaxApiResponseBytes, [this, url, acc, page, done](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        const auto doc = parseJson(*r);
        if (!doc.ok())
            return done(doc.error());
        if (!doc->isArray())
            return done(malformed(*r, u"tree listing is not a JSON array"_s));
        acc->append(RepoFile::listFromTree(doc->array()));
        if (acc->size() > kMaxTreeEntries)
            return done(malformed(*r, u"the tree listing has more than %1 files"_s.arg(kMaxTreeEntries)));
        if (const auto next = nextLink(r->header("Link"), url)) {
            if (*next == url)
                return done(malformed(*r, u"tree pagination points at the same page"_s));
            if (page >= kMaxTreePages)
                return done(malformed(*r, u"the tree listing has more than %1 pages"_s.arg(kMaxTreePages)));
            // A next page elsewhere is followed like a redirect (same scheme and loopback rules).
            if (Status s = checkRedirectTarget(url, *next, m_options.redirectRules()); !s)
                return done(s.error());
            return fetchTreePage(*next, acc, page + 1, done);
        }
        if (Status s = checkNames(*acc); !s)
            return done(s.error());
        done(*acc);
    });
}

Status HubClient::checkNames(const QList<RepoFile> &files)
{
    QStringList paths;
    paths.reserve(files.size());
    for (const RepoFile &f : files)
        paths << f.path;
    return validateRepoPaths(paths);
}

void HubClient::fileMetadata(const QString &repo, const QString &revision, const QString &path,
                             Callback<FileMetadata> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    auto r = std::make_shared<Request>();
    r->method = "HEAD";
    r->url = resolveUrl(repo, rev, path);
    r->followAbsolute = false;
    r->done = [this, r, done](Result<HttpOutcome> res) {
        if (!res.ok())
            return done(res.error());
        const HttpOutcome &o = *res;
        FileMetadata m;
        m.commit = QString::fromUtf8(o.header("X-Repo-Commit"));
        QByteArray etag = o.header("X-Linked-Etag");
        if (etag.isEmpty())
            etag = o.header("ETag");
        m.etag = stripEtag(QString::fromUtf8(etag));
        bool ok = false;
        m.size = o.header("X-Linked-Size").toLongLong(&ok);
        if (!ok)
            m.size = o.header("Content-Length").toLongLong(&ok);
        if (!ok)
            m.size = -1;
        m.requestId = QString::fromUtf8(o.header("X-Request-Id"));
        if (o.status >= 300) {
            // send() already checked this Location against the redirect rules.
            m.location = r->url.resolved(QUrl::fromEncoded(o.header("Location").trimmed()));
            m.redirected = !mayAuthorize(m.location);
        } else {
            m.location = r->url;
        }
        if (m.commit.isEmpty())
            return done(malformed(o, u"file metadata without X-Repo-Commit (a proxy may strip it)"_s));
        if (m.size < 0)
            return done(malformed(o, u"file metadata without a size"_s));
        if (m.etag.isEmpty())
            return done(malformed(o, u"file metadata without an ETag"_s));
        done(m);
    };
    send(r);
}

void HubClient::fetchFile(const QString &repo, const QString &revision, const QString &path, qint64 maxBytes,
                          Callback<QByteArray> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    getJson(resolveUrl(repo, rev, path), maxBytes, [done, path](Result<HttpOutcome> r) {
        if (!r.ok()) {
            Error e = r.error();
            if (e.details.contains(u"limit_bytes"_s))
                e.message = u"%1 is larger than %2 bytes (the limit); it was cut off there"_s.arg(path).arg(
                    e.details.value(u"limit_bytes"_s).toInteger());
            return done(e);
        }
        done(r->body);
    });
}

void HubClient::fetchJson(const QString &repo, const QString &revision, const QString &path,
                          Callback<QJsonObject> done, qint64 maxBytes)
{
    fetchFile(repo, revision, path, maxBytes > 0 ? maxBytes : kMaxJsonFileBytes, [done, path](Result<QByteArray> r) {
        if (!r.ok())
            return done(r.error());
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(*r, &err);
        if (!doc.isObject())
            return done(Error::make(ErrorCode::InvalidResponse,
                                    path + u" is not a JSON object: "_s + err.errorString()));
        done(doc.object());
    });
}

void HubClient::safetensorsHeader(const QString &repo, const QString &revision, const QString &path,
                                  Callback<SafetensorsHeader> done, qint64 fileSize)
{
    fetchHeader(repo, revision, path, fileSize, std::make_shared<qint64>(kMaxSafetensorsHeader), std::move(done));
}

void HubClient::fetchHeader(const QString &repo, const QString &revision, const QString &path, qint64 fileSize,
                            std::shared_ptr<qint64> budget, Callback<SafetensorsHeader> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    auto first = std::make_shared<Request>();
    first->url = resolveUrl(repo, rev, path);
    first->range = "bytes=0-" + QByteArray::number(kHeaderProbeBytes - 1);
    first->acceptPrefix = kHeaderProbeBytes;
    first->done = [this, done, path, first, fileSize, budget](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        const auto n = safetensorsHeaderLength(r->body, fileSize);
        if (!n.ok()) {
            Error e = n.error();
            e.message = path + u": "_s + e.message;
            e.details.insert(u"file"_s, path);
            return done(e);
        }
        if (quint64(r->body.size()) >= *n + 8)
            return done(parseSafetensorsHeaderJson(path, r->body.mid(8, qsizetype(*n)), fileSize));
        // One preview may not make us hold more than its budget of headers, whatever each claims.
        if (qint64(*n) > *budget)
            return done(Error::make(ErrorCode::InvalidCheckpoint,
                                    u"%1: the safetensors headers of this repo total more than %2 bytes"_s.arg(path).arg(
                                        kMaxPreviewHeaderBytes),
                                    {{u"file"_s, path}}));
        *budget -= qint64(*n);
        // A longer header: one more Range from where the first one ended up (the CDN URL; a
        // cross-host redirect means no token goes with it).
        auto second = std::make_shared<Request>();
        second->url = first->url;
        second->range = "bytes=8-" + QByteArray::number(*n + 7);
        second->acceptPrefix = qint64(*n) + 8;
        const quint64 length = *n;
        second->done = [done, path, length, fileSize](Result<HttpOutcome> r2) {
            if (!r2.ok())
                return done(r2.error());
            QByteArray json = r2->body;
            if (r2->status == 200) // Range ignored: the body starts at byte 0
                json = json.mid(8);
            if (quint64(json.size()) < length)
                return done(malformed(*r2, path + u": safetensors header cut short"_s));
            done(parseSafetensorsHeaderJson(path, json.left(qsizetype(length)), fileSize));
        };
        send(second);
    };
    send(first);
}

void HubClient::safetensorsHeaders(const QString &repo, const QString &revision, const QStringList &paths,
                                   Callback<QList<SafetensorsHeader>> done)
{
    QList<RepoFile> files;
    for (const QString &p : paths)
        files.append(RepoFile{p, -1, QString(), QString(), QString()});
    safetensorsHeaders(repo, revision, files, std::move(done));
}

void HubClient::safetensorsHeaders(const QString &repo, const QString &revision, const QList<RepoFile> &files,
                                   Callback<QList<SafetensorsHeader>> done)
{
    struct State
    {
        QList<SafetensorsHeader> results;
        qsizetype pending = 0;
        bool failed = false;
    };
    auto state = std::make_shared<State>();
    state->results.resize(files.size());
    state->pending = files.size();
    if (files.isEmpty())
        return later([done] { done(QList<SafetensorsHeader>()); });
    auto budget = std::make_shared<qint64>(kMaxPreviewHeaderBytes);
    for (qsizetype i = 0; i < files.size(); ++i) {
        fetchHeader(repo, revision, files.at(i).path, files.at(i).size, budget,
                    [state, i, done](Result<SafetensorsHeader> r) {
            if (state->failed)
                return;
            if (!r.ok()) {
                state->failed = true;
                return done(r.error());
            }
            state->results[i] = *r;
            if (--state->pending == 0)
                done(state->results);
        });
    }
}

void HubClient::search(const QString &query, int limit, Callback<QList<SearchHit>> done)
{
    QByteArray q = "search=" + QUrl::toPercentEncoding(query) + "&limit=" + QByteArray::number(qBound(1, limit, 500));
    for (const char *key : {"pipeline_tag", "private", "gated", "downloads", "likes", "lastModified"})
        q += QByteArray("&expand=") + key;
    getJson(apiUrl("/api/models", q), kMaxApiResponseBytes, [done](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        const auto doc = parseJson(*r);
        if (!doc.ok())
            return done(doc.error());
        if (!doc->isArray())
            return done(malformed(*r, u"search results are not a JSON array"_s));
        QList<SearchHit> hits;
        for (const QJsonValue &v : doc->array()) {
            const QJsonObject o = v.toObject();
            const QJsonValue gated = o.value(u"gated"_s);
            hits.append(SearchHit{o.value(u"id"_s).toString(o.value(u"modelId"_s).toString()),
                                  o.value(u"downloads"_s).toInteger(), o.value(u"likes"_s).toInteger(),
                                  o.value(u"pipeline_tag"_s).toString(),
                                  gated.isString() ? gated.toString() : QString(),
                                  o.value(u"private"_s).toBool(),
                                  QDateTime::fromString(o.value(u"lastModified"_s).toString(), Qt::ISODateWithMs)});
        }
        done(hits);
    });
}

void HubClient::authCheck(const QString &repo, Callback<bool> done)
{
    if (const auto bad = checkInput(repo, u"main"_s))
        return later([done, e = *bad] { done(e); });
    getJson(apiUrl("/api/models/" + encodeRepo(repo) + "/auth-check"), kMaxJsonFileBytes, [done](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        done(true);
    });
}

} // namespace mistudio::hub
