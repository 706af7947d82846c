#include "server/modelroutes.h"

#include "common/units.h"
#include "service/modelservice.h"
#include "server/jsonbody.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

const QString kPrefix = u"/api/v1"_s;

ApiReply methodNotAllowed(const QByteArray &method, const QStringList &allowed)
{
    ApiReply r = ApiReply::error(ErrorCode::MethodNotAllowed,
                                 u"%1 is not allowed here"_s.arg(QString::fromLatin1(method)),
                                 {{u"allowed"_s, QJsonArray::fromStringList(allowed)}});
    r.headers.append({"Allow", allowed.join(u", "_s).toLatin1()});
    return r;
}

std::optional<QUuid> parseId(const QString &segment)
{
    // Full, canonical UUIDs only: the API never guesses by prefix.
    if (segment.size() != 36)
        return std::nullopt;
    const QUuid id = QUuid::fromString(segment);
    if (id.isNull())
        return std::nullopt;
    return id;
}

ApiReply badQuery(const QString &key, const QString &message)
{
    return ApiReply::error(ErrorCode::MalformedRequest, message, {{u"parameter"_s, key}});
}

} // namespace

ModelRoutes::ModelRoutes(ModelService *service) : m_service(service), m_library(service)
{
    m_uptime.start();
}

ApiResult ModelRoutes::handle(const ApiRequest &req)
{
    if (!req.path.startsWith(kPrefix + u'/'))
        return ApiReply::error(ErrorCode::NotFound, u"No route %1"_s.arg(req.path));
    QStringList seg = req.path.mid(kPrefix.size() + 1).split(u'/');
    if (!seg.isEmpty() && seg.last().isEmpty())
        seg.removeLast(); // a trailing slash is the same route
    const QByteArray &m = req.method;
    const auto only = [&](const QByteArray &method, const auto &handler) -> ApiResult {
        if (m != method)
            return methodNotAllowed(m, {QString::fromLatin1(method)});
        return handler();
    };

    // The library's routes (HF cache, verify, disk usage, updates) live beside these.
    if (std::optional<ApiResult> library = m_library.handle(req, seg))
        return std::move(*library);
    if (seg == QStringList{u"health"_s})
        return only("GET", [&] { return health(); });
    if (seg == QStringList{u"system"_s})
        return only("GET", [&] { return system(); });
    if (seg == QStringList{u"workers"_s})
        return only("GET", [&] { return workers(); });
    if (seg.value(0) != u"models"_s)
        return ApiReply::error(ErrorCode::NotFound, u"No route %1"_s.arg(req.path));
    if (seg.size() == 1) {
        if (m == "GET")
            return listModels(req);
        if (m == "POST")
            return createModel(req);
        return methodNotAllowed(m, {u"GET"_s, u"POST"_s});
    }
    if (seg.size() == 2 && seg[1] == u"preview"_s)
        return only("POST", [&] { return preview(req); });
    if (seg.size() > 3)
        return ApiReply::error(ErrorCode::NotFound, u"No route %1"_s.arg(req.path));
    const std::optional<QUuid> id = parseId(seg[1]);
    if (!id)
        return ApiReply::error(ErrorCode::MalformedRequest,
                               u"'%1' is not a model id (a UUID)"_s.arg(seg[1].left(64)),
                               {{u"id"_s, seg[1].left(64)}});
    if (seg.size() == 2) {
        if (m == "GET")
            return getModel(*id);
        if (m == "DELETE")
            return deleteModel(*id);
        return methodNotAllowed(m, {u"GET"_s, u"DELETE"_s});
    }
    const QString &action = seg[2];
    if (action == u"architecture"_s)
        return only("GET", [&] { return architecture(*id); });
    if (action == u"download"_s)
        return only("POST", [&] { return download(*id, req); });
    if (action == u"quantize"_s)
        return only("POST", [&] { return quantize(*id, req); });
    if (action == u"cancel"_s || action == u"pause"_s || action == u"resume"_s
        || action == u"retry"_s)
        return only("POST", [&] { return control(*id, action, req); });
    return ApiReply::error(ErrorCode::NotFound, u"No route %1"_s.arg(req.path));
}

QJsonObject ModelRoutes::modelJson(const ModelRecord &record, bool compact) const
{
    QJsonObject o = record.toJson();
    if (compact && o.value(u"architecture"_s).isObject()) {
        QJsonObject arch = o.value(u"architecture"_s).toObject();
        arch.remove(u"layer_tree"_s);
        arch.remove(u"hook_point_details"_s);
        o.insert(u"architecture"_s, arch);
    }
    if (const std::optional<JobView> job = m_service->activeJob(record.id))
        o.insert(u"job"_s, job->toJson());
    else
        o.insert(u"job"_s, QJsonValue(QJsonValue::Null));
    return o;
}

ApiReply ModelRoutes::modelReply(int status, const Result<ModelRecord> &record) const
{
    if (!record)
        return ApiReply::error(record.error());
    return ApiReply::json(status, modelJson(record.value()));
}

ApiResult ModelRoutes::health()
{
    return ApiReply::json(200, {{u"status"_s, u"ok"_s}, {u"version"_s, QStringLiteral(MISTUDIO_VERSION)}});
}

ApiResult ModelRoutes::system()
{
    const QList<JobView> jobs = m_service->jobs();
    QJsonObject queue{{u"queued"_s, 0}, {u"running"_s, 0}, {u"paused"_s, 0}, {u"needs_token"_s, 0}};
    QJsonArray jobArray;
    for (const JobView &j : jobs) {
        queue.insert(j.state, queue.value(j.state).toInt() + 1);
        jobArray.append(j.toJson());
    }
    const DataDir dir = m_service->options().dataDir;
    const qint64 free = dir.freeBytes();
    return ApiReply::json(200, {
        {u"version"_s, QStringLiteral(MISTUDIO_VERSION)},
        {u"qt_version"_s, QString::fromLatin1(qVersion())},
        {u"data_dir"_s, dir.root()},
        {u"data_dir_free_bytes"_s, free},
        {u"data_dir_free"_s, formatBytes(free)},
        {u"gpus"_s, QJsonArray::fromStringList(m_service->gpus())},
        {u"queue"_s, queue},
        {u"jobs"_s, jobArray},
        {u"uptime_seconds"_s, m_uptime.elapsed() / 1000},
    });
}

// The processes sharing the catalogue whose heartbeat is fresh: which hosts run jobs, with which
// kinds and devices (docs/deploy.md).
ApiResult ModelRoutes::workers()
{
    const Result<std::vector<WorkerRecord>> list = m_service->workers();
    if (!list)
        return ApiReply::error(list.error());
    QJsonArray items;
    for (const WorkerRecord &w : *list) {
        QJsonObject o = w.toJson();
        o.insert(u"self"_s, w.id == m_service->ownerId());
        items.append(o);
    }
    return ApiReply::json(200, {{u"workers"_s, items}, {u"total"_s, items.size()}});
}

ApiResult ModelRoutes::listModels(const ApiRequest &req)
{
    constexpr qint64 kBodyMs = 1000;
    constexpr qint64 kRowsMs = 5000;
    const QString cacheKey = req.query.toString(QUrl::FullyEncoded);
    const qint64 now = m_uptime.elapsed();
    const bool jobsRunning = !m_service->jobs().isEmpty();
    if (auto it = m_listCache.find(cacheKey); it != m_listCache.end()) {
        if (!jobsRunning || now - it->bodyAtMs < kBodyMs)
            return ApiReply{200, it->body, {}};
        if (now - it->pageAtMs < kRowsMs) {
            it->body = renderList(it->page);
            it->bodyAtMs = now;
            return ApiReply{200, it->body, {}};
        }
    }
    static const QStringList kKeys{u"status"_s, u"search"_s, u"sort"_s, u"order"_s, u"page"_s,
                                   u"limit"_s};
    ModelQuery q;
    const auto items = req.query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!kKeys.contains(key))
            return badQuery(key, u"Unknown query parameter '%1'"_s.arg(key.left(64)));
        if (key == u"status"_s) {
            q.status = modelStatusFromName(value);
            if (!q.status)
                return badQuery(key, u"Unknown status '%1'"_s.arg(value.left(64)));
        } else if (key == u"search"_s) {
            if (value.size() > 200)
                return badQuery(key, u"search is longer than 200 characters"_s);
            q.search = value;
        } else if (key == u"sort"_s) {
            const std::optional<SortKey> s = sortKeyFromName(value);
            if (!s)
                return badQuery(key, u"sort must be one of created_at, updated_at, name, repo_id, status, size_bytes"_s);
            q.sort = *s;
        } else if (key == u"order"_s) {
            if (value != u"asc"_s && value != u"desc"_s)
                return badQuery(key, u"order must be asc or desc"_s);
            q.order = value == u"asc"_s ? SortOrder::Ascending : SortOrder::Descending;
        } else {
            bool ok = false;
            const int n = value.toInt(&ok);
            const int max = key == u"limit"_s ? 1000 : 1000000;
            if (!ok || n < 1 || n > max)
                return badQuery(key, u"%1 must be an integer between 1 and %2"_s.arg(key).arg(max));
            (key == u"page"_s ? q.page : q.limit) = n;
        }
    }
    const Result<ModelPage> page = m_service->list(q);
    if (!page)
        return ApiReply::error(page.error());
    if (m_listCache.size() >= 256)
        m_listCache.clear();
    CachedList &c = m_listCache[cacheKey];
    c.page = page.value();
    c.pageAtMs = now;
    c.body = renderList(c.page);
    c.bodyAtMs = now;
    return ApiReply{200, c.body, {}};
}

QByteArray ModelRoutes::renderList(const ModelPage &page) const
{
    QJsonArray arr;
    for (const ModelRecord &r : page.items)
        arr.append(modelJson(r, true));
    const qint64 pages = page.limit > 0 ? (page.total + page.limit - 1) / page.limit : 0;
    return QJsonDocument(QJsonObject{{u"items"_s, arr},
                                     {u"total"_s, page.total},
                                     {u"page"_s, page.page},
                                     {u"limit"_s, page.limit},
                                     {u"pages"_s, pages}})
        .toJson(QJsonDocument::Compact);
}

ApiResult ModelRoutes::createModel(const ApiRequest &req)
{
    const Result<QJsonObject> obj = JsonBody::parseObject(req.body, false);
    if (!obj)
        return ApiReply::error(obj.error());
    JsonBody b(obj.value(), {u"repo_id"_s, u"name"_s, u"revision"_s, u"quantization"_s});
    NewModel m;
    m.repoId = b.string(u"repo_id"_s, true, 200).value_or(QString());
    m.name = b.string(u"name"_s, false, 255).value_or(QString());
    m.revision = b.string(u"revision"_s, false, 255).value_or(u"main"_s);
    m.quantization = b.choice(u"quantization"_s, {u"none"_s, u"bnb-4bit"_s, u"bnb-8bit"_s})
                         .value_or(u"none"_s);
    if (b.error())
        return ApiReply::error(*b.error());
    const Result<ModelRecord> r = m_service->create(m);
    ApiReply reply = modelReply(201, r);
    if (r)
        reply.headers.append({"Location", (kPrefix + u"/models/"_s
                                           + r->id.toString(QUuid::WithoutBraces)).toLatin1()});
    return reply;
}

ApiResult ModelRoutes::getModel(const QUuid &id)
{
    return modelReply(200, m_service->get(id));
}

ApiResult ModelRoutes::deleteModel(const QUuid &id)
{
    return m_service->remove(id).then([id](const Result<Removal> &removal) {
        const Result<qint64> r = removal ? Result<qint64>(removal->bytes) : Result<qint64>(removal.error());
        if (!r)
            return ApiReply::error(r.error());
        return ApiReply::json(200, {{u"id"_s, id.toString(QUuid::WithoutBraces)},
                                    {u"deleted"_s, true},
                                    {u"bytes_freed"_s, r.value()}});
    });
}

ApiResult ModelRoutes::download(const QUuid &id, const ApiRequest &req)
{
    const Result<QJsonObject> obj = JsonBody::parseObject(req.body, true);
    if (!obj)
        return ApiReply::error(obj.error());
    JsonBody b(obj.value(), {u"quantization"_s, u"hf_token"_s, u"revision"_s, u"include"_s,
                             u"exclude"_s, u"connections"_s, u"max_bandwidth"_s,
                             u"bnb_4bit_quant_type"_s, u"bnb_4bit_use_double_quant"_s});
    DownloadRequest d;
    d.quantization = b.choice(u"quantization"_s, {u"none"_s, u"bnb-4bit"_s, u"bnb-8bit"_s})
                         .value_or(u"none"_s);
    d.quantType = b.choice(u"bnb_4bit_quant_type"_s, {u"nf4"_s, u"fp4"_s}).value_or(u"nf4"_s);
    d.doubleQuant = b.boolean(u"bnb_4bit_use_double_quant"_s).value_or(true);
    d.hfToken = b.string(u"hf_token"_s, false, 4096).value_or(QString());
    d.revision = b.string(u"revision"_s, false, 255).value_or(QString());
    d.include = b.stringList(u"include"_s).value_or(QStringList());
    d.exclude = b.stringList(u"exclude"_s).value_or(QStringList());
    d.connections = int(b.integer(u"connections"_s, 1, 64).value_or(0));
    // max_bandwidth: bytes per second as an integer, or a size string such as "50M".
    const QJsonValue bw = obj->value(u"max_bandwidth"_s);
    if (bw.isString()) {
        const std::optional<qint64> v = parseByteSize(bw.toString());
        if (!v || *v <= 0)
            return ApiReply::error(ErrorCode::InvalidInput,
                                   u"max_bandwidth must be bytes per second or a size like \"50M\""_s,
                                   {{u"field"_s, u"max_bandwidth"_s}});
        d.maxBytesPerSecond = *v;
    } else {
        d.maxBytesPerSecond = b.integer(u"max_bandwidth"_s, 1, qint64(1) << 50).value_or(0);
    }
    if (b.error())
        return ApiReply::error(*b.error());
    return modelReply(202, m_service->download(id, d));
}

ApiResult ModelRoutes::architecture(const QUuid &id)
{
    const Result<QJsonObject> r = m_service->architecture(id);
    if (!r)
        return ApiReply::error(r.error());
    return ApiReply::json(200, r.value());
}

ApiResult ModelRoutes::preview(const ApiRequest &req)
{
    const Result<QJsonObject> obj = JsonBody::parseObject(req.body, false);
    if (!obj)
        return ApiReply::error(obj.error());
    JsonBody b(obj.value(), {u"repo_id"_s, u"revision"_s, u"hf_token"_s});
    const QString repo = b.string(u"repo_id"_s, true, 200).value_or(QString());
    const QString revision = b.string(u"revision"_s, false, 255).value_or(QString());
    const QString token = b.string(u"hf_token"_s, false, 4096).value_or(QString());
    if (b.error())
        return ApiReply::error(*b.error());
    return m_service->preview(repo, revision, token).then([](const Result<hub::ModelPreview> &r) {
        if (!r)
            return ApiReply::error(r.error());
        return ApiReply::json(200, r->toJson());
    });
}

ApiResult ModelRoutes::quantize(const QUuid &id, const ApiRequest &req)
{
    const Result<QJsonObject> obj = JsonBody::parseObject(req.body, false);
    if (!obj)
        return ApiReply::error(obj.error());
    JsonBody b(obj.value(), {u"mode"_s, u"device"_s, u"bnb_4bit_quant_type"_s,
                             u"bnb_4bit_use_double_quant"_s});
    QuantizeRequest q;
    q.mode = b.string(u"mode"_s, true, 32).value_or(QString());
    if (!b.error() && q.mode != u"bnb-4bit"_s && q.mode != u"bnb-8bit"_s)
        return ApiReply::error(ErrorCode::InvalidInput, u"'mode' must be one of: bnb-4bit, bnb-8bit"_s,
                               {{u"field"_s, u"mode"_s}});
    q.device = b.string(u"device"_s, false, 32).value_or(u"auto"_s);
    q.quantType = b.choice(u"bnb_4bit_quant_type"_s, {u"nf4"_s, u"fp4"_s}).value_or(u"nf4"_s);
    q.doubleQuant = b.boolean(u"bnb_4bit_use_double_quant"_s).value_or(true);
    if (b.error())
        return ApiReply::error(*b.error());
    return modelReply(202, m_service->quantize(id, q));
}

ApiResult ModelRoutes::control(const QUuid &id, const QString &action, const ApiRequest &req)
{
    const Result<QJsonObject> obj = JsonBody::parseObject(req.body, true);
    if (!obj)
        return ApiReply::error(obj.error());
    const bool takesToken = action == u"resume"_s || action == u"retry"_s;
    JsonBody b(obj.value(), takesToken ? QStringList{u"hf_token"_s} : QStringList{});
    const QString token = takesToken ? b.string(u"hf_token"_s, false, 4096).value_or(QString())
                                     : QString();
    if (b.error())
        return ApiReply::error(*b.error());
    // A stop of a job this process runs waits for it to end: off the server's thread.
    if (action == u"cancel"_s || action == u"pause"_s) {
        QFuture<Result<ModelRecord>> stopped =
            action == u"cancel"_s ? m_service->cancelAsync(id) : m_service->pauseAsync(id);
        return stopped.then([this](const Result<ModelRecord> &r) { return modelReply(200, r); });
    }
    if (action == u"resume"_s)
        return modelReply(202, m_service->resume(id, token));
    return modelReply(202, m_service->retry(id, token));
}

} // namespace mistudio
