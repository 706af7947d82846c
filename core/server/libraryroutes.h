#pragma once

#include "server/apireply.h"

#include <QStringList>

#include <optional>

namespace mistudio {

class ModelService;

// The library's use cases on the native API (docs/huggingface.md, "API"), beside ModelRoutes:
//   GET  /api/v1/library/hf-cache[?path=DIR]          the HF cache's snapshots (import dialog)
//   POST /api/v1/library/hf-cache/import              {repo_id, revision?, path?, copy?} → 201
//   GET  /api/v1/library/disk-usage                   per model, variant and in total
//   GET  /api/v1/models/{id}/library                  verification state, upstream, HF cache
//   POST /api/v1/models/{id}/verify                   re-hash now → the report
//   POST /api/v1/models/{id}/publish-hf-cache         {path?, move_ref?}
//   GET  /api/v1/models/{id}/updates                  check-updates
//   POST /api/v1/models/{id}/update                   202 started / 200 up to date or applied
// Hashing and Hub calls run on the library's pool: the answer comes later.
class LibraryRoutes final
{
public:
    explicit LibraryRoutes(ModelService *service) : m_service(service) {}

    // The answer when `segments` (the path after /api/v1/) is one of these routes, else nothing.
    std::optional<ApiResult> handle(const ApiRequest &request, const QStringList &segments);

private:
    ApiResult scanCache(const ApiRequest &request);
    ApiResult importSnapshot(const ApiRequest &request);
    ApiResult diskUsage();
    ApiResult state(const QUuid &id);
    ApiResult verify(const QUuid &id);
    ApiResult publish(const QUuid &id, const ApiRequest &request);
    ApiResult checkUpdates(const QUuid &id);
    ApiResult update(const QUuid &id);

    ModelService *m_service;
};

} // namespace mistudio
