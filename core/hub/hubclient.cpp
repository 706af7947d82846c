#include "hub/hubclient.h"

#include "common/repoid.h"
#include "hub/retrypolicy.h"
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

constexpr int kMaxRedirects = 10;
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
    qint64 maxBytes = -1;   // accept a 200 once this many bytes arrived (a CDN that ignores Range)
    int attempt = 1;
    int redirects = 0;
    bool stoppedEarly = false;
    QByteArray early;
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
    const QUrl &e = m_options.endpoint;
    return url.scheme() == e.scheme() && url.host().compare(e.host(), Qt::CaseInsensitive) == 0
        && url.port(url.scheme() == u"https"_s ? 443 : 80) == e.port(e.scheme() == u"https"_s ? 443 : 80);
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
    if (m_options.offline) {
        fail(request, Error::make(ErrorCode::Offline,
                                  u"HF_HUB_OFFLINE is set: the Hub is not contacted"_s,
                                  QJsonObject{{u"url"_s, request->url.adjusted(QUrl::RemoveQuery).toString()}}));
        return;
    }
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
    if (request->maxBytes > 0) {
        connect(reply, &QNetworkReply::readyRead, this, [request, reply] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200
                && reply->bytesAvailable() >= request->maxBytes && !request->stoppedEarly) {
                request->stoppedEarly = true;
                request->early = reply->read(request->maxBytes);
                reply->abort();
            }
        });
    }
    connect(reply, &QNetworkReply::finished, this, [this, request, reply] { handleFinished(request, reply); });
}

void HubClient::handleFinished(const std::shared_ptr<Request> &request, QNetworkReply *reply)
{
    reply->deleteLater();
    HttpOutcome o;
    o.url = request->url;
    o.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    o.headers = reply->rawHeaderPairs();
    o.body = request->stoppedEarly ? request->early : reply->isOpen() ? reply->readAll() : QByteArray();
    o.authSent = reply->property("mistudio_auth").toBool();
    m_bytesReceived += o.body.size();
    if (!request->stoppedEarly && reply->error() != QNetworkReply::NoError && o.status == 0) {
        o.networkError = reply->error();
        o.networkErrorText = reply->errorString();
        o.timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
    } else if (!request->stoppedEarly && o.status >= 200 && o.status < 300
               && reply->error() != QNetworkReply::NoError) {
        // Headers arrived but the body broke off.
        o.status = 0;
        o.networkError = reply->error();
        o.networkErrorText = reply->errorString();
        o.timedOut = reply->error() == QNetworkReply::OperationCanceledError;
    }

    if (o.status >= 200 && o.status < 300 && request->method != "HEAD" && !request->stoppedEarly
        && o.header("Content-Encoding").isEmpty()) {
        // Qt may report a connection closed mid-body as a normal end: hold the body to its length.
        bool known = false;
        const qint64 promised = o.header("Content-Length").toLongLong(&known);
        if (known && o.body.size() < promised) {
            o.networkError = QNetworkReply::RemoteHostClosedError;
            o.networkErrorText = u"connection closed after "_s + QString::number(o.body.size()) + u" of "_s
                + QString::number(promised) + u" bytes"_s;
            o.status = 0;
        }
    }

    if (o.status >= 300 && o.status < 400 && o.status != 304) {
        const QByteArray location = o.header("Location");
        if (location.isEmpty()) {
            request->done(malformed(o, u"redirect without a Location header"_s));
            return;
        }
        const QUrl target = QUrl::fromEncoded(location);
        const bool relative = target.host().isEmpty();
        if (!relative && !request->followAbsolute) {
            request->done(o); // HEAD metadata: the 302 itself carries X-Linked-* and X-Repo-Commit
            return;
        }
        if (++request->redirects > kMaxRedirects) {
            request->done(malformed(o, u"too many redirects"_s));
            return;
        }
        QUrl next = request->url.resolved(target);
        if (relative && request->method == "HEAD") {
            // huggingface_hub repeats the HEAD on the same host with only the Location's path.
            next = request->url;
            next.setPath(target.path(QUrl::FullyEncoded), QUrl::StrictMode);
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
    if (isRetryable(o) && request->attempt < m_options.maxAttempts) {
        const qint64 wait = retryWaitMs(o, request->attempt);
        if (o.status != 429 || wait <= m_options.maxRateLimitWaitMs) {
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

void HubClient::getJson(const QUrl &url, std::function<void(Result<HttpOutcome>)> done)
{
    auto r = std::make_shared<Request>();
    r->url = url;
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
            [done](Result<HttpOutcome> r) {
                if (!r.ok())
                    return done(r.error());
                const auto doc = parseJson(*r);
                if (!doc.ok())
                    return done(doc.error());
                if (!doc->isObject() || doc->object().value(u"sha"_s).toString().isEmpty())
                    return done(malformed(*r, u"model info without a commit sha"_s));
                done(ModelInfo::fromJson(doc->object()));
            });
}

void HubClient::listTree(const QString &repo, const QString &revision, Callback<QList<RepoFile>> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    fetchTreePage(apiUrl("/api/models/" + encodeRepo(repo) + "/tree/" + encodeRevision(rev),
                         "recursive=true&expand=false"),
                  std::make_shared<QList<RepoFile>>(), std::move(done));
}

void HubClient::fetchTreePage(const QUrl &url, std::shared_ptr<QList<RepoFile>> acc,
                              Callback<QList<RepoFile>> done)
{
    getJson(url, [this, url, acc, done](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        const auto doc = parseJson(*r);
        if (!doc.ok())
            return done(doc.error());
        if (!doc->isArray())
            return done(malformed(*r, u"tree listing is not a JSON array"_s));
        for (const QJsonValue &v : doc->array()) {
            const QJsonObject e = v.toObject();
            if (e.value(u"type"_s).toString() != u"file"_s)
                continue;
            const QJsonObject lfs = e.value(u"lfs"_s).toObject();
            acc->append(RepoFile{e.value(u"path"_s).toString(), e.value(u"size"_s).toInteger(-1),
                                 e.value(u"oid"_s).toString(), lfs.value(u"oid"_s).toString(),
                                 e.value(u"xetHash"_s).toString()});
        }
        if (const auto next = nextLink(r->header("Link"), url)) {
            if (*next == url)
                return done(malformed(*r, u"tree pagination points at the same page"_s));
            return fetchTreePage(*next, acc, done);
        }
        done(*acc);
    });
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
            m.location = r->url.resolved(QUrl::fromEncoded(o.header("Location")));
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
    getJson(resolveUrl(repo, rev, path), [done, maxBytes, path](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        if (r->body.size() > maxBytes)
            return done(malformed(*r, path + u" is larger than expected"_s));
        done(r->body);
    });
}

void HubClient::fetchJson(const QString &repo, const QString &revision, const QString &path,
                          Callback<QJsonObject> done)
{
    fetchFile(repo, revision, path, 16 * 1024 * 1024, [done, path](Result<QByteArray> r) {
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
                                  Callback<SafetensorsHeader> done)
{
    const QString rev = revision.isEmpty() ? u"main"_s : revision;
    if (const auto bad = checkInput(repo, rev))
        return later([done, e = *bad] { done(e); });
    auto first = std::make_shared<Request>();
    first->url = resolveUrl(repo, rev, path);
    first->range = "bytes=0-" + QByteArray::number(kHeaderProbeBytes - 1);
    first->maxBytes = kHeaderProbeBytes;
    first->done = [this, done, path, first](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        const auto n = safetensorsHeaderLength(r->body);
        if (!n.ok()) {
            Error e = n.error();
            e.message = path + u": "_s + e.message;
            return done(e);
        }
        if (quint64(r->body.size()) >= *n + 8)
            return done(parseSafetensorsHeaderJson(path, r->body.mid(8, qsizetype(*n))));
        // A longer header: one more Range from where the first one ended up (the CDN URL; a
        // cross-host redirect means no token goes with it).
        auto second = std::make_shared<Request>();
        second->url = first->url;
        second->range = "bytes=8-" + QByteArray::number(*n + 7);
        second->maxBytes = qint64(*n) + 8;
        const quint64 length = *n;
        second->done = [done, path, length](Result<HttpOutcome> r2) {
            if (!r2.ok())
                return done(r2.error());
            QByteArray json = r2->body;
            if (r2->status == 200) // Range ignored: the body starts at byte 0
                json = json.mid(8);
            if (quint64(json.size()) < length)
                return done(malformed(*r2, path + u": safetensors header cut short"_s));
            done(parseSafetensorsHeaderJson(path, json.left(qsizetype(length))));
        };
        send(second);
    };
    send(first);
}

void HubClient::safetensorsHeaders(const QString &repo, const QString &revision, const QStringList &paths,
                                   Callback<QList<SafetensorsHeader>> done)
{
    struct State
    {
        QList<SafetensorsHeader> results;
        qsizetype pending = 0;
        bool failed = false;
    };
    auto state = std::make_shared<State>();
    state->results.resize(paths.size());
    state->pending = paths.size();
    if (paths.isEmpty())
        return later([done] { done(QList<SafetensorsHeader>()); });
    for (qsizetype i = 0; i < paths.size(); ++i) {
        safetensorsHeader(repo, revision, paths.at(i), [state, i, done](Result<SafetensorsHeader> r) {
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
    getJson(apiUrl("/api/models", q), [done](Result<HttpOutcome> r) {
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
    getJson(apiUrl("/api/models/" + encodeRepo(repo) + "/auth-check"), [done](Result<HttpOutcome> r) {
        if (!r.ok())
            return done(r.error());
        done(true);
    });
}

} // namespace mistudio::hub
