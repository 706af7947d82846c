#pragma once

#include "server/apireply.h"
#include "server/compat/compatroutes.h"
#include "server/modelroutes.h"
#include "server/serverconfig.h"

namespace mistudio {

class ModelService;

// Which face answers a path: the native API (ModelRoutes, /api/v1) or the original web
// frontend's (compat::CompatRoutes, docs/remote-frontends.md), mounted as ServerConfig says:
//   default       /api/v1/...            native
//                 <compatPrefix>/...     compat (its VITE_API_URL = http://HOST:PORT<compatPrefix>)
//   compatAtRoot  /api/v1/models...      compat (a drop-in for the original backend)
//                 /native/api/v1/...     native (its model routes; /api/v1/health and
//                                        /api/v1/system stay where they are)
class ApiRouter final
{
public:
    enum class Face { Native, Compat };

    ApiRouter(ModelService *service, const ServerConfig &config);

    Face faceOf(const QString &path) const;
    ApiResult handle(const ApiRequest &request);
    // An error the server raised before routing (auth, origin, limits, media type), in the
    // shape the path's face answers with: {"error": {...}} or FastAPI's {"detail": "..."}.
    ApiReply errorReply(const QString &path, const Error &error) const;
    // The catalogue changed: the native face's cached list pages go.
    void invalidateLists() { m_native.invalidateLists(); }

private:
    ModelRoutes m_native;
    compat::CompatRoutes m_compat;
    QString m_compatMount; // every path under it is the compat face's
    bool m_atRoot;
};

} // namespace mistudio
