#include "server/mirror/hubmirror.h"

#include "server/mirror/hubreply.h"
#include "server/mirror/mirrorfiles.h"
#include "service/modellibrary.h"
#include "service/modelservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::mirror {
namespace {

// paths-info takes at most this many paths per request (its body is bounded too).
constexpr int kMaxPaths = 1000;

bool parseBool(const QString &v)
{
    return v.compare(u"true"_s, Qt::CaseInsensitive) == 0 || v == u"1"_s;
}

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

// The repo's access as the Hub shows it: only a model known to be public is readable by anyone.
bool isVisibleTo(const QString &access, bool tokenHolder)
{
    return tokenHolder || access == u"public"_s || access == u"gated"_s;
}

bool filesReadableBy(const QString &access, bool tokenHolder)
{
    return tokenHolder || access == u"public"_s;
}

// Every folder on the way to each file, for tree listings.
QSet<QString> foldersOf(const QList<ModelFileRecord> &files)
{
    QSet<QString> out;
    for (const ModelFileRecord &f : files) {
        QString p = f.path;
        for (qsizetype slash = p.lastIndexOf(u'/'); slash > 0; slash = p.lastIndexOf(u'/')) {
            p.truncate(slash);
            out.insert(p);
        }
    }
    return out;
}

} // namespace

HubMirror::HubMirror(ModelService *service) : m_service(service) {}

http::Response HubMirror::handle(const MirrorRequest &request, const http::RequestHead &head,
                                 const QByteArray &body, bool tokenHolder) const
{
    http::Response r = [&]() -> http::Response {
        if (!request.allows(head.method)) {
            http::Response e = hubreply::error(405, {}, u"Method not allowed"_s);
            e.addHeader("Allow", request.route == MirrorRequest::Route::PathsInfo ? "POST" : "GET, HEAD");
            return e;
        }
        ModelLibrary *library = m_service->library();
        // The Hub's order of checks: the repo, who may see it, then the revision, then the file.
        const Result<MirrorSnapshot> repo = library->mirrorSnapshot(request.repo, {});
        if (!repo)
            return hubreply::fromError(repo.error(), tokenHolder);
        if (!isVisibleTo(repo->access, tokenHolder))
            return hubreply::repoNotFound(false);
        const bool needsFiles =
            request.route == MirrorRequest::Route::Resolve || request.route == MirrorRequest::Route::AuthCheck;
        if (needsFiles && !filesReadableBy(repo->access, tokenHolder))
            return hubreply::gated(request.repo);
        if (request.route == MirrorRequest::Route::AuthCheck)
            return hubreply::json(200, QJsonObject{});
        const Result<MirrorSnapshot> snapshot = request.revision.isEmpty()
            ? repo
            : library->mirrorSnapshot(request.repo, request.revision);
        if (!snapshot)
            return hubreply::fromError(snapshot.error(), tokenHolder);
        switch (request.route) {
        case MirrorRequest::Route::Info:
            return info(*snapshot, head);
        case MirrorRequest::Route::Tree:
            return tree(*snapshot, request, head);
        case MirrorRequest::Route::PathsInfo:
            return pathsInfo(*snapshot, head, body);
        case MirrorRequest::Route::Resolve:
            return resolve(*snapshot, request, head);
        case MirrorRequest::Route::AuthCheck:
            break;
        }
        return hubreply::error(404, {}, u"Not found"_s);
    }();
    hubreply::addCommonHeaders(&r, head.header("X-Amzn-Trace-Id"));
    return r;
}

http::Response HubMirror::info(const MirrorSnapshot &s, const http::RequestHead &head) const
{
    const bool blobs = parseBool(head.query.queryItemValue(u"blobs"_s));
    QJsonArray siblings;
    for (const ModelFileRecord &f : s.files) {
        QJsonObject o{{u"rfilename"_s, f.path}};
        if (blobs) {
            o.insert(u"size"_s, f.size);
            o.insert(u"blobId"_s, mirrorfiles::gitOid(f));
            if (!f.sha256.isEmpty())
                o.insert(u"lfs"_s, QJsonObject{{u"sha256"_s, f.sha256.toLower()},
                                               {u"size"_s, f.size},
                                               {u"pointerSize"_s, mirrorfiles::lfsPointer(f).size()}});
        }
        siblings.append(o);
    }
    const QString id = s.model.repoId;
    QJsonObject o{
        {u"_id"_s, s.model.id.toString(QUuid::WithoutBraces)},
        {u"id"_s, id},
        {u"modelId"_s, id},
        {u"author"_s, id.contains(u'/') ? QJsonValue(id.section(u'/', 0, 0)) : QJsonValue(QJsonValue::Null)},
        {u"sha"_s, s.commit},
        {u"private"_s, s.access == u"private"_s},
        // The Hub says "auto" or "manual"; which one is not kept, and either means a token here.
        {u"gated"_s, s.access == u"gated"_s ? QJsonValue(u"manual"_s) : QJsonValue(false)},
        {u"disabled"_s, false},
        {u"lastModified"_s, isoTime(s.model.updatedAt)},
        {u"createdAt"_s, isoTime(s.model.createdAt)},
        {u"downloads"_s, 0},
        {u"likes"_s, 0},
        {u"tags"_s, QJsonArray()},
        {u"siblings"_s, siblings},
        {u"usedStorage"_s, s.model.sizeBytes.value_or(0)},
    };
    if (!s.config.isEmpty()) {
        o.insert(u"config"_s, s.config);
        o.insert(u"library_name"_s, u"transformers"_s);
    }
    // expand=<key> (repeated, or expand[]=): only those keys, plus the ids.
    QStringList expand = head.query.allQueryItemValues(u"expand"_s, QUrl::FullyDecoded)
        + head.query.allQueryItemValues(u"expand[]"_s, QUrl::FullyDecoded)
        + head.query.allQueryItemValues(u"expand%5B%5D"_s, QUrl::FullyDecoded);
    if (!expand.isEmpty()) {
        QStringList keys;
        for (const QString &e : std::as_const(expand))
            keys += e.split(u',', Qt::SkipEmptyParts);
        QJsonObject only{{u"_id"_s, o.value(u"_id"_s)}, {u"id"_s, o.value(u"id"_s)}};
        for (const QString &k : std::as_const(keys)) {
            if (o.contains(k))
                only.insert(k, o.value(k));
        }
        o = only;
    }
    return hubreply::json(200, o);
}

http::Response HubMirror::tree(const MirrorSnapshot &s, const MirrorRequest &request,
                               const http::RequestHead &head) const
{
    const bool recursive = parseBool(head.query.queryItemValue(u"recursive"_s));
    const bool expand = parseBool(head.query.queryItemValue(u"expand"_s));
    const QString prefix = request.path.isEmpty() ? QString() : request.path + u'/';
    QMap<QString, QJsonObject> entries; // sorted by path
    const QSet<QString> folders = foldersOf(s.files);
    if (!request.path.isEmpty() && !folders.contains(request.path))
        return hubreply::error(404, "EntryNotFound",
                               u"%1 does not exist on \"%2\""_s.arg(request.path, request.revision));
    const auto listed = [&](const QString &path) {
        return path.startsWith(prefix) && (recursive || !path.mid(prefix.size()).contains(u'/'));
    };
    for (const QString &d : folders) {
        if (listed(d))
            entries.insert(d, mirrorfiles::directoryEntry(s, d, expand));
    }
    for (const ModelFileRecord &f : s.files) {
        if (listed(f.path))
            entries.insert(f.path, mirrorfiles::fileEntry(s, f, expand));
    }
    const QList<QJsonObject> all = entries.values();
    const qsizetype start =
        std::clamp<qsizetype>(head.query.queryItemValue(u"cursor"_s).toLongLong(), 0, all.size());
    const qsizetype end = std::min<qsizetype>(all.size(), start + m_treePageSize);
    QJsonArray page;
    for (qsizetype i = start; i < end; ++i)
        page.append(all[i]);
    http::Response r = hubreply::json(200, page);
    if (end < all.size()) {
        // Clients fetch the next page as it is given: an absolute URL on the host they asked.
        QUrlQuery next(head.query);
        next.removeAllQueryItems(u"cursor"_s);
        next.addQueryItem(u"cursor"_s, QString::number(end));
        const QByteArray rawPath = head.target.left(head.target.indexOf('?') < 0 ? head.target.size()
                                                                                 : head.target.indexOf('?'));
        const QByteArray url = "http://" + head.header("Host") + rawPath + '?' + next.toString(QUrl::FullyEncoded).toUtf8();
        r.addHeader("Link", '<' + url + ">; rel=\"next\"");
    }
    r.addHeader("X-Total-Count", QByteArray::number(all.size()));
    return r;
}

http::Response HubMirror::pathsInfo(const MirrorSnapshot &s, const http::RequestHead &head,
                                    const QByteArray &body) const
{
    // huggingface_hub posts a form (paths=a&paths=b&expand=true), @huggingface/hub JSON.
    QStringList paths;
    bool expand = false;
    if (head.header("Content-Type").startsWith("application/json")) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return hubreply::error(400, {}, u"The body is not a JSON object"_s);
        for (const QJsonValue &p : doc.object().value(u"paths"_s).toArray())
            paths << p.toString();
        expand = doc.object().value(u"expand"_s).toBool();
    } else {
        const QUrlQuery form(QString::fromUtf8(body).replace(u'+', u' '));
        paths = form.allQueryItemValues(u"paths"_s, QUrl::FullyDecoded);
        expand = parseBool(form.queryItemValue(u"expand"_s, QUrl::FullyDecoded));
    }
    if (paths.size() > kMaxPaths)
        return hubreply::error(400, {}, u"At most %1 paths per request"_s.arg(kMaxPaths));
    const QSet<QString> folders = foldersOf(s.files);
    QJsonArray out;
    for (const QString &p : std::as_const(paths)) {
        if (const ModelFileRecord *f = s.file(p))
            out.append(mirrorfiles::fileEntry(s, *f, expand));
        else if (folders.contains(p))
            out.append(mirrorfiles::directoryEntry(s, p, expand));
    }
    return hubreply::json(200, out);
}

http::Response HubMirror::resolve(const MirrorSnapshot &s, const MirrorRequest &request,
                                  const http::RequestHead &head) const
{
    const ModelFileRecord *f = s.file(request.path);
    if (!f) {
        // huggingface_hub records the absence under .no_exist/<X-Repo-Commit>/.
        http::Response r = hubreply::error(404, "EntryNotFound", u"Entry not found"_s);
        r.addHeader("X-Repo-Commit", s.commit.toLatin1());
        return r;
    }
    return mirrorfiles::serve(s, *f, head);
}

} // namespace mistudio::mirror
