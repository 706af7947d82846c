#pragma once

#include "server/apireply.h"
#include "store/modelrecord.h"

#include <QElapsedTimer>

namespace mistudio {

class ModelService;

// The design's routes (§4) under /api/v1 plus cancel/pause/resume/retry/quantize, list
// filters with a pagination envelope, /health and /system. Talks only to ModelService.
class ModelRoutes final
{
public:
    explicit ModelRoutes(ModelService *service);

    // Answers every path under /api/v1 (404/405 for unknown ones).
    ApiResult handle(const ApiRequest &request);

private:
    ApiResult health();
    ApiResult system();
    ApiResult listModels(const ApiRequest &request);
    ApiResult createModel(const ApiRequest &request);
    ApiResult getModel(const QUuid &id);
    ApiResult deleteModel(const QUuid &id);
    ApiResult download(const QUuid &id, const ApiRequest &request);
    ApiResult architecture(const QUuid &id);
    ApiResult preview(const ApiRequest &request);
    ApiResult quantize(const QUuid &id, const ApiRequest &request);
    ApiResult control(const QUuid &id, const QString &action, const ApiRequest &request);

    QJsonObject modelJson(const ModelRecord &record) const;
    ApiReply modelReply(int status, const Result<ModelRecord> &record) const;

    ModelService *m_service;
    QElapsedTimer m_uptime;
};

} // namespace mistudio
