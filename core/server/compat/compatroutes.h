#pragma once

#include "server/apireply.h"
#include "store/modelrecord.h"

#include <QUuid>

namespace mistudio {

class ModelService;

namespace compat {

// The original miStudio web frontend's model-management contract (its /api/v1/models routes,
// docs/remote-frontends.md) over ModelService: its list envelope and filters, its model object,
// one-call download, cancel, delete, architecture, FastAPI's {"detail": ...} errors, and a clear
// 501 for what this server does not do (activation extraction). Translation only: the use
// cases are the service's, the same the native /api/v1 (ModelRoutes) calls.
class CompatRoutes final
{
public:
    // `apiPrefix` is where the original's /api/v1 is served: "/compat/api/v1", or "/api/v1"
    // when the server stands in for the original backend at the root.
    CompatRoutes(ModelService *service, QString apiPrefix);

    const QString &apiPrefix() const { return m_prefix; }
    // Paths under apiPrefix + "/models".
    bool claims(const QString &path) const;
    // Answers a claimed path; anything else is 404 {"detail": "Not Found"}.
    ApiResult handle(const ApiRequest &request);

private:
    ApiResult list(const ApiRequest &request);
    ApiResult download(const ApiRequest &request);
    ApiResult localCache();
    ApiResult get(const QUuid &id);
    ApiResult remove(const QUuid &id);
    ApiResult architecture(const QUuid &id);
    ApiResult cancel(const QUuid &id);
    ApiResult extractions(const ModelRecord &record, const QStringList &rest, const QByteArray &method);
    // The record of a path segment, or 404 "Model '<segment>' not found".
    Result<ModelRecord> find(const QString &segment, QUuid *id) const;

    ModelService *m_service;
    QString m_prefix;
};

} // namespace compat
} // namespace mistudio
