#include "server/compat/compatroutes.h"

#include "server/compat/compatmodel.h"
#include "server/compat/compatrequest.h"
#include "server/compat/compatvocabulary.h"
#include "server/compat/fastapireply.h"
#include "service/modelqueries.h"
#include "service/modelservice.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

QString idString(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

ApiReply modelNotFound(const QString &segment)
{
    return FastApiReply::detail(404, u"Model '%1' not found"_s.arg(segment.left(100)));
}

} // namespace

CompatRoutes::CompatRoutes(ModelService *service, QString apiPrefix)
    : m_service(service)
    , m_prefix(std::move(apiPrefix))
{}

bool CompatRoutes::claims(const QString &path) const
{
    const QString models = m_prefix + u"/models"_s;
    return path == models || path.startsWith(models + u'/');
}

Result<ModelRecord> CompatRoutes::find(const QString &segment, QUuid *id) const
{
    // Ids are full UUIDs; anything else names no model (the original answers 404 for an
    // unknown id of any shape).
    const QUuid parsed = segment.size() == 36 ? QUuid::fromString(segment) : QUuid();
    if (parsed.isNull())
        return Error::make(ErrorCode::NotFound, segment);
    *id = parsed;
    return m_service->get(parsed);
}

ApiResult CompatRoutes::handle(const ApiRequest &req)
{
    if (!claims(req.path))
        return FastApiReply::notFound();
    QStringList seg = req.path.mid(m_prefix.size() + int(qstrlen("/models"))).split(u'/');
    seg.removeAll(QString()); // "/models", "/models/" and "//" name the same routes
    const QByteArray &m = req.method;
    const auto only = [&](const QByteArray &method, const auto &handler) -> ApiResult {
        if (m != method)
            return FastApiReply::methodNotAllowed({QString::fromLatin1(method)});
        return handler();
    };

    if (seg.isEmpty())
        return only("GET", [&] { return list(req); });
    if (seg == QStringList{u"download"_s} && m == "POST")
        return download(req);
    if (seg == QStringList{u"local-cache"_s, u"list"_s})
        return only("GET", [&] { return localCache(); });
    if (seg.size() == 2 && seg[0] == u"tasks"_s)
        return only("GET", [] { return ApiResult(FastApiReply::notImplemented(u"Celery task status"_s)); });

    QUuid id;
    const Result<ModelRecord> record = find(seg[0], &id);
    if (!record)
        return record.error().code == ErrorCode::NotFound ? modelNotFound(seg[0])
                                                            : FastApiReply::error(record.error());
    if (seg.size() == 1) {
        if (m == "GET")
            return get(id);
        if (m == "DELETE")
            return remove(id);
        if (m == "PATCH")
            return FastApiReply::notImplemented(u"Editing a model's metadata"_s);
        return FastApiReply::methodNotAllowed({u"GET"_s, u"DELETE"_s, u"PATCH"_s});
    }
    const QString &action = seg[1];
    if (seg.size() == 2 && action == u"architecture"_s)
        return only("GET", [&] { return architecture(id); });
    if (seg.size() == 2 && action == u"cancel"_s)
        return only("DELETE", [&] { return cancel(id); });
    if (seg.size() == 2 && action == u"redownload"_s)
        return only("POST", [] {
            return ApiResult(FastApiReply::notImplemented(
                u"Re-downloading with another quantization (use POST /api/v1/models/{id}/quantize of the native API)"_s));
        });
    if (seg.size() == 2 && (action == u"extract-activations"_s || action == u"estimate-extraction"_s))
        return only("POST", [] { return ApiResult(FastApiReply::notImplemented(u"Activation extraction"_s)); });
    if (action == u"extractions"_s)
        return extractions(*record, seg.mid(2), m);
    return FastApiReply::notFound();
}

ApiResult CompatRoutes::list(const ApiRequest &req)
{
    auto parsed = CompatRequest::parseList(req.query);
    if (auto *issues = std::get_if<QList<ValidationIssue>>(&parsed))
        return FastApiReply::validation(*issues);
    const ListParams &p = std::get<ListParams>(parsed);
    const Result<ModelSlice> slice = ModelQueries(*m_service).select(p.selection);
    if (!slice)
        return FastApiReply::error(slice.error());
    QJsonArray data;
    for (const ModelRecord &r : slice->items)
        data.append(CompatModel::model(r, m_service->activeJob(r.id)));
    const qint64 limit = slice->limit;
    const qint64 totalPages = slice->total > 0 ? (slice->total + limit - 1) / limit : 0;
    return ApiReply::json(200, {{u"data"_s, data},
                                {u"pagination"_s, QJsonObject{
                                     {u"page"_s, p.page},
                                     {u"limit"_s, limit},
                                     {u"total"_s, slice->total},
                                     {u"total_pages"_s, totalPages},
                                     {u"has_next"_s, slice->offset + limit < slice->total},
                                     {u"has_prev"_s, slice->offset > 0},
                                 }}});
}

ApiResult CompatRoutes::download(const ApiRequest &req)
{
    auto parsed = CompatRequest::parseDownload(req.body);
    if (auto *issues = std::get_if<QList<ValidationIssue>>(&parsed))
        return FastApiReply::validation(*issues);
    const DownloadParams &p = std::get<DownloadParams>(parsed);
    Result<DownloadRequest> request = downloadRequestFor(p.quantization);
    if (!request)
        return FastApiReply::detail(422, request.error().message);
    request->hfToken = p.accessToken;
    ModelService *service = m_service;
    return m_service->downloadRepo(p.repoId, *request).then([service](const Result<RepoDownload> &r) {
        if (!r)
            return FastApiReply::error(r.error());
        const ModelRecord &m = r->model;
        switch (r->outcome) {
        case RepoDownload::Outcome::AlreadyRunning:
        case RepoDownload::Outcome::AlreadyReady:
            return FastApiReply::detail(409, u"Model '%1' already exists with ID %2"_s
                                                 .arg(m.name, idString(m.id)));
        case RepoDownload::Outcome::Started:
        case RepoDownload::Outcome::Resumed:
            break;
        }
        return ApiReply::json(202, CompatModel::model(m, service->activeJob(m.id)));
    });
}

ApiResult CompatRoutes::localCache()
{
    // The names of the ready models, by name (the original's list for its local LLM labelling).
    QJsonArray names;
    ModelSelection s;
    s.status = ModelStatus::Ready;
    s.sort = ModelSelection::Sort::Name;
    s.order = SortOrder::Ascending;
    s.limit = 1000;
    for (;; s.offset += s.limit) {
        const Result<ModelSlice> slice = ModelQueries(*m_service).select(s);
        if (!slice)
            return FastApiReply::error(slice.error());
        for (const ModelRecord &r : slice->items)
            names.append(r.name);
        if (s.offset + s.limit >= slice->total)
            break;
    }
    return ApiReply::json(200, {{u"models"_s, names}});
}

ApiResult CompatRoutes::get(const QUuid &id)
{
    const Result<ModelRecord> r = m_service->get(id);
    if (!r)
        return r.error().code == ErrorCode::NotFound ? modelNotFound(idString(id)) : FastApiReply::error(r.error());
    return ApiReply::json(200, CompatModel::model(*r, m_service->activeJob(id)));
}

ApiResult CompatRoutes::remove(const QUuid &id)
{
    return m_service->remove(id).then([id](const Result<Removal> &r) {
        if (!r)
            return r.error().code == ErrorCode::NotFound ? modelNotFound(idString(id))
                                                         : FastApiReply::error(r.error());
        return ApiReply{204, {}, {}};
    });
}

ApiResult CompatRoutes::architecture(const QUuid &id)
{
    const Result<ModelRecord> r = m_service->get(id);
    if (!r)
        return FastApiReply::error(r.error());
    const Status s = statusOf(*r);
    // Known once the model is on disk, as the original (which reads it off the loaded model).
    if (s != Status::Ready && s != Status::Quantizing)
        return FastApiReply::detail(400, u"Model '%1' is not ready yet (status: %2)"_s
                                             .arg(idString(id), statusName(s)));
    return ApiReply::json(200, CompatModel::architecture(*r));
}

ApiResult CompatRoutes::cancel(const QUuid &id)
{
    const Result<ModelRecord> before = m_service->get(id);
    if (!before)
        return FastApiReply::error(before.error());
    const Status s = statusOf(*before);
    if (s != Status::Downloading && s != Status::Loading && s != Status::Quantizing)
        return FastApiReply::detail(400, u"Model '%1' cannot be cancelled (status: %2)"_s
                                             .arg(idString(id), statusName(s)));
    // The wait for a job this process runs to stop happens off the server's thread.
    return m_service->cancelAsync(id).then([id](const Result<ModelRecord> &r) -> ApiReply {
        if (!r)
            return FastApiReply::error(r.error());
        return ApiReply::json(200, {{u"model_id"_s, idString(id)},
                                    {u"status"_s, u"cancelled"_s},
                                    {u"message"_s, u"Download cancelled successfully"_s}});
    });
}

ApiResult CompatRoutes::extractions(const ModelRecord &record, const QStringList &rest,
                                    const QByteArray &method)
{
    // No extraction ever runs here: the two reads the Models panel makes on every page load
    // get that true answer; everything that would start or change one is 501.
    if (rest == QStringList{u"active"_s} && method == "GET")
        return ApiReply::json(200, {{u"data"_s, QJsonValue(QJsonValue::Null)}});
    if (rest.isEmpty() && method == "GET") {
        return ApiReply::json(200, {{u"model_id"_s, idString(record.id)},
                                    {u"model_name"_s, record.name},
                                    {u"extractions"_s, QJsonArray()},
                                    {u"count"_s, 0}});
    }
    const bool jobAction = rest.size() == 2 && (rest[1] == u"cancel"_s || rest[1] == u"retry"_s);
    if ((rest.isEmpty() && method == "DELETE") || (jobAction && method == "POST"))
        return FastApiReply::notImplemented(u"Activation extraction"_s);
    if (rest.isEmpty())
        return FastApiReply::methodNotAllowed({u"GET"_s, u"DELETE"_s});
    if (rest == QStringList{u"active"_s})
        return FastApiReply::methodNotAllowed({u"GET"_s});
    if (jobAction)
        return FastApiReply::methodNotAllowed({u"POST"_s});
    return FastApiReply::notFound();
}

} // namespace mistudio::compat
