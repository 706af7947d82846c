#include "server/libraryroutes.h"

#include "server/jsonbody.h"
#include "service/modellibrary.h"
#include "service/modelservice.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

ApiReply notAllowed(const QByteArray &method, const QByteArray &allowed)
{
    ApiReply r = ApiReply::error(ErrorCode::MethodNotAllowed,
                                 u"%1 is not allowed here"_s.arg(QString::fromLatin1(method)),
                                 {{u"allowed"_s, QJsonArray{QString::fromLatin1(allowed)}}});
    r.headers.append({"Allow", allowed});
    return r;
}

// A use case's result as a reply: its JSON with `status`, or the typed error.
template<class T> ApiReply reply(const Result<T> &r, int status = 200)
{
    if (!r)
        return ApiReply::error(r.error());
    return ApiReply::json(status, r->toJson());
}

std::optional<QUuid> parseId(const QString &segment)
{
    const QUuid id = QUuid::fromString(segment);
    if (segment.size() != 36 || id.isNull())
        return std::nullopt;
    return id;
}

} // namespace

std::optional<ApiResult> LibraryRoutes::handle(const ApiRequest &req, const QStringList &seg)
{
    const QByteArray &m = req.method;
    const auto only = [&](const QByteArray &method, const auto &handler) -> ApiResult {
        if (m != method)
            return notAllowed(m, method);
        return handler();
    };
    if (seg.value(0) == u"library"_s) {
        if (seg.size() == 2 && seg[1] == u"hf-cache"_s)
            return only("GET", [&] { return scanCache(req); });
        if (seg.size() == 3 && seg[1] == u"hf-cache"_s && seg[2] == u"import"_s)
            return only("POST", [&] { return importSnapshot(req); });
        if (seg.size() == 2 && seg[1] == u"disk-usage"_s)
            return only("GET", [&] { return diskUsage(); });
        return std::nullopt;
    }
    if (seg.size() != 3 || seg[0] != u"models"_s)
        return std::nullopt;
    static const QStringList kActions{u"library"_s, u"verify"_s, u"publish-hf-cache"_s, u"updates"_s, u"update"_s};
    if (!kActions.contains(seg[2]))
        return std::nullopt;
    const std::optional<QUuid> id = parseId(seg[1]);
    if (!id)
        return ApiResult(ApiReply::error(ErrorCode::MalformedRequest,
                                         u"'%1' is not a model id (a UUID)"_s.arg(seg[1].left(64)),
                                         {{u"id"_s, seg[1].left(64)}}));
    const QString &action = seg[2];
    if (action == u"library"_s)
        return only("GET", [&] { return state(*id); });
    if (action == u"verify"_s)
        return only("POST", [&] { return verify(*id); });
    if (action == u"publish-hf-cache"_s)
        return only("POST", [&] { return publish(*id, req); });
    if (action == u"updates"_s)
        return only("GET", [&] { return checkUpdates(*id); });
    return only("POST", [&] { return update(*id); });
}

ApiResult LibraryRoutes::scanCache(const ApiRequest &req)
{
    const QString path = req.query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
    ModelLibrary *library = m_service->library();
    return library->run([library, path] { return reply(library->scanHfCache(path)); });
}

ApiResult LibraryRoutes::importSnapshot(const ApiRequest &req)
{
    const Result<QJsonObject> body = JsonBody::parseObject(req.body, false);
    if (!body)
        return ApiReply::error(body.error());
    JsonBody b(*body, {u"repo_id"_s, u"revision"_s, u"path"_s, u"copy"_s});
    HfImportRequest r;
    r.repoId = b.string(u"repo_id"_s, true, 256).value_or(QString());
    r.revision = b.string(u"revision"_s, false, 256).value_or(QString());
    r.cacheDir = b.string(u"path"_s, false, 4096).value_or(QString());
    if (b.boolean(u"copy"_s).value_or(false))
        r.mode = hfcache::TransferMode::Copy;
    if (b.error())
        return ApiReply::error(*b.error());
    ModelLibrary *library = m_service->library();
    return library->run([library, r] { return reply(library->importFromHfCache(r), 201); });
}

ApiResult LibraryRoutes::diskUsage()
{
    ModelLibrary *library = m_service->library();
    return library->run([library] { return reply(library->diskUsage()); });
}

ApiResult LibraryRoutes::state(const QUuid &id)
{
    return reply(m_service->library()->state(id));
}

ApiResult LibraryRoutes::verify(const QUuid &id)
{
    ModelLibrary *library = m_service->library();
    return library->run([library, id] { return reply(library->verify(id)); });
}

ApiResult LibraryRoutes::publish(const QUuid &id, const ApiRequest &req)
{
    const Result<QJsonObject> body = JsonBody::parseObject(req.body, true);
    if (!body)
        return ApiReply::error(body.error());
    JsonBody b(*body, {u"path"_s, u"move_ref"_s});
    const QString path = b.string(u"path"_s, false, 4096).value_or(QString());
    const bool moveRef = b.boolean(u"move_ref"_s).value_or(false);
    if (b.error())
        return ApiReply::error(*b.error());
    ModelLibrary *library = m_service->library();
    return library->run([library, id, path, moveRef] { return reply(library->publishToHfCache(id, path, moveRef)); });
}

ApiResult LibraryRoutes::checkUpdates(const QUuid &id)
{
    ModelLibrary *library = m_service->library();
    return library->run([library, id] { return reply(library->checkUpdates(id)); });
}

ApiResult LibraryRoutes::update(const QUuid &id)
{
    ModelLibrary *library = m_service->library();
    return library->run([library, id] {
        const Result<UpdateOutcome> u = library->update(id);
        return reply(u, u && u->kind == UpdateOutcome::Kind::Started ? 202 : 200);
    });
}

} // namespace mistudio
