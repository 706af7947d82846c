#include "routes_p.h"

#include "encoding.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

using namespace detail;

const Repo *HubState::repo(const QString &id) const
{
    const auto it = fixtures.repos.constFind(id);
    return it == fixtures.repos.cend() ? nullptr : &it.value();
}

Repo *HubState::repo(const QString &id)
{
    const auto it = fixtures.repos.find(id);
    return it == fixtures.repos.end() ? nullptr : &it.value();
}

namespace {

const QString kInvalidCredentials = u"Invalid credentials in Authorization header"_s;

struct Caller
{
    QString token;     // empty: anonymous
    bool invalid = false;
};

Caller caller(const HubState &state, const HttpRequest &request)
{
    Caller c;
    const QByteArray auth = request.header("authorization").trimmed();
    if (auth.isEmpty())
        return c;
    if (!auth.startsWith("Bearer ") && !auth.startsWith("bearer ")) {
        c.invalid = true;
        return c;
    }
    c.token = QString::fromUtf8(auth.mid(7).trimmed());
    c.invalid = !c.token.isEmpty() && !state.fixtures.tokens.contains(c.token);
    return c;
}

HttpResponse json(int status, const QJsonValue &value)
{
    const QByteArray body = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                            : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    return HttpResponse::json(status, body);
}

HttpResponse repoNotFound(const Caller &c)
{
    // anonymous callers get 401 so that they cannot tell a private repo from a missing one
    // (docs/hub.md H7)
    return errorResponse(c.token.isEmpty() ? 401 : 404, "RepoNotFound", u"Repository not found"_s);
}

// Visibility: missing repos and private repos the caller may not read look the same.
const Repo *visibleRepo(const HubState &state, const QString &id, const Caller &c, HttpResponse *error)
{
    const Repo *repo = state.repo(id);
    if (!repo || (repo->isPrivate && !repo->authorizedTokens.contains(c.token))) {
        *error = repoNotFound(c);
        return nullptr;
    }
    return repo;
}

// File access: disabled, then gating (metadata of gated repos stays public).
bool mayReadFiles(const Repo &repo, const Caller &c, HttpResponse *error)
{
    if (repo.disabled) {
        *error = errorResponse(403, QByteArray(), u"Access to this resource is disabled."_s);
        return false;
    }
    if (repo.gated.isEmpty() || repo.approvedTokens.contains(c.token))
        return true;
    if (c.token.isEmpty()) {
        *error = errorResponse(401, "GatedRepo", u"Access to model "_s + repo.id
                                   + u" is restricted. You must have access to it and be authenticated to access it. Please log in."_s);
    } else {
        *error = errorResponse(403, "GatedRepo", u"Access to model "_s + repo.id
                                   + u" is restricted and you are not in the authorized list. Visit https://huggingface.co/"_s
                                   + repo.id + u" to ask for access."_s);
    }
    return false;
}

HttpResponse revisionNotFound(const QString &revision)
{
    return errorResponse(404, "RevisionNotFound", u"Invalid rev id: "_s + revision);
}

HttpResponse redirect(int status, const QByteArray &location, const QByteArray &body)
{
    HttpResponse r = HttpResponse::text(status, body);
    r.setHeader("Location", location);
    return r;
}

// One page of a list plus `Link: <same URL with cursor=N>; rel="next"` when more follow (GitHub style).
HttpResponse paginated(const HubState &state, const HttpRequest &request, const QList<QJsonObject> &all, int pageSize)
{
    const QUrlQuery query = request.query();
    const qsizetype start = std::clamp<qsizetype>(query.queryItemValue(u"cursor"_s).toLongLong(), 0, all.size());
    const qsizetype end = std::min<qsizetype>(all.size(), start + pageSize);
    QJsonArray page;
    for (qsizetype i = start; i < end; ++i)
        page.append(all[i]);
    HttpResponse r = json(200, page);
    if (end < all.size()) {
        QUrlQuery next(query);
        next.removeAllQueryItems(u"cursor"_s);
        next.addQueryItem(u"cursor"_s, QString::number(end));
        const QString url = state.hubBase + QString::fromUtf8(request.rawPath) + u'?' + next.toString(QUrl::FullyEncoded);
        r.setHeader("Link", '<' + url.toUtf8() + ">; rel=\"next\"");
    }
    r.setHeader("X-Total-Count", QByteArray::number(all.size()));
    return r;
}

QByteArray encodePath(const QString &path)
{
    return QUrl::toPercentEncoding(path, "/");
}

// ---- /{id}/resolve/{rev}/{path} and /api/resolve-cache/models/{id}/{commit}/{path}

HttpResponse resolve(HubState &state, const HttpRequest &request, const Caller &c, const QString &id,
                     const QString &revision, const QString &path, bool fromCache)
{
    if (request.method != "GET" && request.method != "HEAD")
        return errorResponse(405, QByteArray(), u"Method not allowed"_s);
    if (!fromCache && state.fixtures.renames.contains(id)) {
        const QByteArray location = '/' + encodePath(state.fixtures.renames.value(id)) + "/resolve/"
                                    + QUrl::toPercentEncoding(revision) + '/' + encodePath(path);
        HttpResponse r = redirect(307, location, "Temporary Redirect. Redirecting to " + location);
        r.headOnly = request.method == "HEAD";
        return r;
    }
    HttpResponse error;
    const Repo *repo = visibleRepo(state, id, c, &error);
    if (!repo || !mayReadFiles(*repo, c, &error)) {
        error.headOnly = request.method == "HEAD";
        return error;
    }
    const QByteArray sha = repo->resolveRevision(revision);
    const Commit *commit = repo->commit(sha);
    if (!commit) {
        HttpResponse r = revisionNotFound(revision);
        r.headOnly = request.method == "HEAD";
        return r;
    }
    const auto file = commit->files.constFind(path);
    if (file == commit->files.cend()) {
        HttpResponse r = errorResponse(404, "EntryNotFound", path + u" does not exist on \""_s + revision + u'"');
        r.setHeader("X-Repo-Commit", sha);
        r.headOnly = request.method == "HEAD";
        return r;
    }
    if (file->lfs) {
        const QString url = signedCdnUrl(state, *file);
        HttpResponse r = redirect(302, url.toUtf8(), "Found. Redirecting to " + url.toUtf8());
        r.setHeader("X-Repo-Commit", sha);
        r.setHeader("X-Linked-Etag", '"' + file->blob->sha256Hex() + '"');
        r.setHeader("X-Linked-Size", QByteArray::number(file->size()));
        r.setHeader("ETag", '"' + file->gitOid() + '"');
        r.setHeader("Accept-Ranges", "bytes");
        r.setHeader("Vary", "Origin, Accept");
        if (state.xetMode) {
            const QByteArray hash = xetHash(*file);
            r.setHeader("X-Xet-Hash", hash);
            r.setHeader("Link", '<' + state.hubBase.toUtf8() + "/api/models/" + encodePath(repo->id) + "/xet-read-token/" + sha
                                    + ">; rel=\"xet-auth\", <" + state.cdnBase.toUtf8() + "/reconstruction/" + hash
                                    + ">; rel=\"xet-reconstruction-info\"");
        }
        r.headOnly = request.method == "HEAD";
        return r;
    }
    if (state.regularFileRedirect && !fromCache) {
        const QByteArray etag = file->gitOid();
        const QByteArray location = "/api/resolve-cache/models/" + encodePath(repo->id) + '/' + sha + '/' + encodePath(path)
                                    + "?%2F" + QUrl::toPercentEncoding(repo->id) + "%2Fresolve%2F"
                                    + QUrl::toPercentEncoding(revision) + "%2F" + QUrl::toPercentEncoding(path)
                                    + "=&etag=%22" + etag + "%22";
        HttpResponse r = redirect(307, location, "Temporary Redirect. Redirecting to " + location);
        r.setHeader("X-Repo-Commit", sha);
        r.headOnly = request.method == "HEAD";
        return r;
    }
    const HeaderList headers{{"Content-Type", contentTypeFor(path)}, {"ETag", '"' + file->gitOid() + '"'}, {"X-Repo-Commit", sha}};
    const bool text = path.endsWith(u".json"_s) || path.endsWith(u".txt"_s) || path.endsWith(u".md"_s);
    if (state.gzipText && text && !request.hasHeader("range") && request.header("accept-encoding").contains("gzip")) {
        // mode G: like a CDN's gzip cache, chunked and without Content-Length
        HttpResponse r;
        r.headers = headers;
        r.body = gzipCompress(file->blob->readAll());
        r.setHeader("Content-Encoding", "gzip");
        r.shortChunkedAfter = r.body.size(); // chunked framing of the whole body
        r.headOnly = request.method == "HEAD";
        return r;
    }
    return serveBlob(request, file->blob, headers);
}

// ---- /api/models/{id}/tree/{rev}[/{path}]

HttpResponse tree(HubState &state, const HttpRequest &request, const Commit &commit,
                  const QString &revision, const QString &dir)
{
    const QUrlQuery query = request.query();
    const bool recursive = parseBool(query.queryItemValue(u"recursive"_s));
    const bool expand = parseBool(query.queryItemValue(u"expand"_s));
    const QString prefix = dir.isEmpty() ? QString() : dir + u'/';

    QMap<QString, QJsonObject> entries; // path -> entry, sorted
    bool dirExists = dir.isEmpty();
    for (const RepoFile &f : commit.files) {
        if (!f.path.startsWith(prefix))
            continue;
        dirExists = true;
        const QString rest = f.path.mid(prefix.size());
        const QStringList parts = rest.split(u'/');
        // the directories on the way
        for (qsizetype i = 1; i < parts.size(); ++i) {
            if (!recursive && i > 1)
                break;
            const QString d = prefix + QStringList(parts.mid(0, i)).join(u'/');
            if (!entries.contains(d))
                entries.insert(d, directoryEntry(commit, d, expand));
        }
        if (recursive || parts.size() == 1)
            entries.insert(f.path, fileEntry(commit, f, expand, state.xetMode));
    }
    if (!dirExists)
        return errorResponse(404, "EntryNotFound", dir + u" does not exist on \""_s + revision + u'"');

    return paginated(state, request, entries.values(), state.treePageSize);
}

// ---- POST /api/models/{id}/paths-info/{rev}

HttpResponse pathsInfo(const HttpRequest &request, const Commit &commit, bool xet)
{
    QStringList paths;
    bool expand = false;
    if (request.header("content-type").startsWith("application/json")) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QJsonArray list = body.value(u"paths"_s).toArray();
        for (const auto &p : list)
            paths.append(p.toString());
        expand = body.value(u"expand"_s).toBool() || parseBool(body.value(u"expand"_s).toString());
    } else {
        QByteArray form = request.body;
        form.replace('+', ' ');
        const QUrlQuery q(QString::fromUtf8(form));
        paths = q.allQueryItemValues(u"paths"_s, QUrl::FullyDecoded);
        expand = parseBool(q.queryItemValue(u"expand"_s));
    }
    QJsonArray out;
    for (const QString &p : std::as_const(paths)) {
        const auto f = commit.files.constFind(p);
        if (f != commit.files.cend()) {
            out.append(fileEntry(commit, *f, expand, xet));
            continue;
        }
        const QString prefix = p + u'/';
        const bool isDir = std::any_of(commit.files.cbegin(), commit.files.cend(),
                                       [&prefix](const RepoFile &rf) { return rf.path.startsWith(prefix); });
        if (isDir)
            out.append(directoryEntry(commit, p, expand));
    }
    return json(200, out);
}

// ---- GET /api/models (search)

HttpResponse search(HubState &state, const HttpRequest &request, const Caller &c)
{
    const QUrlQuery query = request.query();
    const QStringList searches = query.allQueryItemValues(u"search"_s, QUrl::FullyDecoded);
    const QString author = query.queryItemValue(u"author"_s, QUrl::FullyDecoded);
    const QStringList filters = query.allQueryItemValues(u"filter"_s, QUrl::FullyDecoded);
    const QString pipeline = query.queryItemValue(u"pipeline_tag"_s, QUrl::FullyDecoded);
    const QString sort = query.queryItemValue(u"sort"_s);
    const bool full = parseBool(query.queryItemValue(u"full"_s));
    const QSet<QString> expand = expandKeys(query);
    bool limitOk = false;
    const int limit = query.queryItemValue(u"limit"_s).toInt(&limitOk);
    const int pageSize = limitOk && limit > 0 ? std::min(limit, state.searchPageSize) : state.searchPageSize;

    QList<QJsonObject> results;
    for (const Repo &repo : std::as_const(state.fixtures.repos)) {
        if (repo.isPrivate && !repo.authorizedTokens.contains(c.token))
            continue;
        bool match = true;
        for (const QString &s : searches)
            match = match && repo.id.contains(s, Qt::CaseInsensitive);
        if (!author.isEmpty())
            match = match && repo.author().compare(author, Qt::CaseInsensitive) == 0;
        if (!pipeline.isEmpty())
            match = match && repo.pipelineTag == pipeline;
        if (!match)
            continue;
        const Commit *commit = repo.commit(repo.branches.value(u"main"_s));
        if (!commit)
            continue;
        const QJsonObject info = modelInfo(state, repo, *commit, false, false);
        const QJsonArray tags = info.value(u"tags"_s).toArray();
        for (const QString &f : filters)
            match = match && tags.contains(f);
        if (!match)
            continue;
        if (!expand.isEmpty())
            results.append(filterExpand(info, expand));
        else if (full)
            results.append(info);
        else
            results.append(modelInfo(state, repo, *commit, false, true));
    }
    if (!sort.isEmpty()) {
        const bool ascending = query.queryItemValue(u"direction"_s) == u"1"_s;
        std::stable_sort(results.begin(), results.end(), [&sort, ascending](const QJsonObject &a, const QJsonObject &b) {
            const QJsonValue va = a.value(sort);
            const QJsonValue vb = b.value(sort);
            const bool less = va.isDouble() ? va.toDouble() < vb.toDouble() : va.toString() < vb.toString();
            const bool greater = va.isDouble() ? va.toDouble() > vb.toDouble() : va.toString() > vb.toString();
            return ascending ? less : greater;
        });
    }
    return paginated(state, request, results, pageSize);
}

// ---- /api/models/{id}[/...]

HttpResponse modelApi(HubState &state, const HttpRequest &request, const Caller &c, const QStringList &rest)
{
    static const QStringList keywords{u"revision"_s, u"tree"_s, u"paths-info"_s, u"auth-check"_s, u"xet-read-token"_s};
    QString id;
    QStringList tail;
    if (rest.size() >= 2 && keywords.contains(rest[1])) {
        id = rest[0];
        tail = rest.mid(1);
    } else if (rest.size() >= 2) {
        id = rest[0] + u'/' + rest[1];
        tail = rest.mid(2);
    } else {
        id = rest.value(0);
    }
    if (state.fixtures.renames.contains(id)) {
        QByteArray location = "/api/models/" + encodePath(state.fixtures.renames.value(id));
        for (const QString &t : std::as_const(tail))
            location += '/' + QUrl::toPercentEncoding(t);
        if (!request.rawQuery.isEmpty())
            location += '?' + request.rawQuery;
        return redirect(307, location, "Temporary Redirect. Redirecting to " + location);
    }
    HttpResponse error;
    const Repo *repo = visibleRepo(state, id, c, &error);
    if (!repo)
        return error;
    const QString kind = tail.value(0);

    if (kind == u"auth-check"_s) {
        if (!mayReadFiles(*repo, c, &error))
            return error;
        return json(200, QJsonObject{});
    }
    if (kind == u"xet-read-token"_s) {
        if (!state.xetMode)
            return errorResponse(501, QByteArray(), u"Xet is off on this fake Hub"_s);
        if (!mayReadFiles(*repo, c, &error))
            return error;
        return json(200, QJsonObject{{u"accessToken"_s, u"xet_fakehub_token"_s},
                                     {u"exp"_s, double(QDateTime::currentSecsSinceEpoch() + 3600)},
                                     {u"casUrl"_s, state.cdnBase}});
    }

    // every other route is per revision
    QString revision = u"main"_s;
    QString subPath;
    if (kind == u"revision"_s || kind == u"tree"_s || kind == u"paths-info"_s) {
        revision = tail.value(1, u"main"_s);
        QStringList more = tail.mid(2);
        // an unencoded refs/pr/N arrives as three segments
        if (revision == u"refs"_s && more.size() >= 2 && more[0] == u"pr"_s) {
            revision = u"refs/pr/"_s + more[1];
            more = more.mid(2);
        }
        subPath = more.join(u'/');
    } else if (!kind.isEmpty()) {
        return errorResponse(404, QByteArray(), u"Sorry, we can't find the page you are looking for."_s);
    }
    const Commit *commit = repo->commit(repo->resolveRevision(revision));
    if (!commit)
        return revisionNotFound(revision);

    if (kind == u"tree"_s) {
        if (repo->disabled)
            return errorResponse(403, QByteArray(), u"Access to this resource is disabled."_s);
        return tree(state, request, *commit, revision, subPath);
    }
    if (kind == u"paths-info"_s) {
        if (request.method != "POST")
            return errorResponse(405, QByteArray(), u"Method not allowed"_s);
        return pathsInfo(request, *commit, state.xetMode);
    }
    const QUrlQuery query = request.query();
    const QJsonObject info = modelInfo(state, *repo, *commit, parseBool(query.queryItemValue(u"blobs"_s)), false);
    const QSet<QString> expand = expandKeys(query);
    QJsonObject out = expand.isEmpty() ? info : filterExpand(info, expand);
    if (expand.isEmpty() && parseBool(query.queryItemValue(u"securityStatus"_s)))
        out.insert(u"securityRepoStatus"_s, QJsonObject{{u"scansDone"_s, true}, {u"filesWithIssues"_s, QJsonArray()}});
    return json(200, out);
}

HttpResponse whoami(const HubState &state, const Caller &c)
{
    if (c.token.isEmpty() || c.invalid)
        return errorResponse(401, QByteArray(), kInvalidCredentials);
    const QString name = state.fixtures.tokens.value(c.token);
    return json(200, QJsonObject{{u"type"_s, u"user"_s},
                                 {u"name"_s, name},
                                 {u"fullname"_s, name},
                                 {u"orgs"_s, QJsonArray()},
                                 {u"auth"_s, QJsonObject{{u"type"_s, u"access_token"_s},
                                                         {u"accessToken"_s, QJsonObject{{u"displayName"_s, u"fakehub"_s},
                                                                                        {u"role"_s, u"read"_s}}}}}});
}

} // namespace

HttpResponse routeHub(HubState &state, const HttpRequest &request)
{
    const Caller c = caller(state, request);
    if (c.invalid)
        return errorResponse(401, QByteArray(), kInvalidCredentials);
    const QStringList segments = request.pathSegments();
    if (segments.value(0) == u"api"_s) {
        if (segments.value(1) == u"whoami-v2"_s)
            return whoami(state, c);
        if (segments.value(1) == u"models"_s && segments.size() == 2)
            return search(state, request, c);
        if (segments.value(1) == u"models"_s)
            return modelApi(state, request, c, segments.mid(2));
        if (segments.value(1) == u"resolve-cache"_s && segments.value(2) == u"models"_s && segments.size() >= 7)
            return resolve(state, request, c, segments[3] + u'/' + segments[4], segments[5],
                           QStringList(segments.mid(6)).join(u'/'), true);
        return errorResponse(404, QByteArray(), u"Sorry, we can't find the page you are looking for."_s);
    }
    for (qsizetype at : {1, 2}) {
        if (segments.size() > at + 2 && segments[at] == u"resolve"_s) {
            const QString id = QStringList(segments.mid(0, at)).join(u'/');
            QString revision = segments[at + 1];
            QStringList rest = segments.mid(at + 2);
            if (revision == u"refs"_s && rest.size() >= 3 && rest[0] == u"pr"_s) {
                revision = u"refs/pr/"_s + rest[1];
                rest = rest.mid(2);
            }
            return resolve(state, request, c, id, revision, rest.join(u'/'), false);
        }
    }
    return errorResponse(404, QByteArray(), u"Sorry, we can't find the page you are looking for."_s);
}

} // namespace mistudio::fakehub
