#pragma once

#include "server/apireply.h"
#include "server/libraryroutes.h"
#include "store/modelrecord.h"

#include <QElapsedTimer>
#include <QHash>

namespace mistudio {

class ModelService;

// The base routes (docs/api.md) under /api/v1 plus cancel/pause/resume/retry/quantize, list
// filters with a pagination envelope, /health and /system. Talks only to ModelService.
class ModelRoutes final
{
public:
    explicit ModelRoutes(ModelService *service);

    // Answers every path under /api/v1 (404/405 for unknown ones).
    ApiResult handle(const ApiRequest &request);
    // The catalogue changed (any event but progress): cached list pages are dropped.
    void invalidateLists() { m_listCache.clear(); }

private:
    ApiResult health();
    ApiResult system();
    ApiResult workers();
    ApiResult listModels(const ApiRequest &request);
    ApiResult createModel(const ApiRequest &request);
    ApiResult getModel(const QUuid &id);
    ApiResult deleteModel(const QUuid &id);
    ApiResult download(const QUuid &id, const ApiRequest &request);
    ApiResult architecture(const QUuid &id);
    ApiResult preview(const ApiRequest &request);
    ApiResult quantize(const QUuid &id, const ApiRequest &request);
    ApiResult control(const QUuid &id, const QString &action, const ApiRequest &request);

    // `compact`: list items carry the base architecture keys only (the layer tree and
    // the hook point details are in GET /models/{id} and /architecture).
    QJsonObject modelJson(const ModelRecord &record, bool compact = false) const;
    ApiReply modelReply(int status, const Result<ModelRecord> &record) const;

    ModelService *m_service;
    LibraryRoutes m_library;
    QElapsedTimer m_uptime;
    // GET /models answers, by query string. Dropped on every list change. While jobs run, the
    // rendered body is rebuilt at most every second from the cached rows (its live job
    // progress is never older than that) and the rows are read again every few seconds (the
    // persisted progress column).
    struct CachedList
    {
        ModelPage page;
        qint64 pageAtMs = 0;
        QByteArray body;
        qint64 bodyAtMs = 0;
    };
    QByteArray renderList(const ModelPage &page) const;
    QHash<QString, CachedList> m_listCache;
};

} // namespace mistudio
