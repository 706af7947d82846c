#include "server/apirouter.h"

#include "server/compat/fastapireply.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

const QString kNativeMount = u"/native"_s;

bool isUnder(const QString &path, const QString &mount)
{
    return path == mount || path.startsWith(mount + u'/');
}

// Where the compat face's /api/v1 is.
QString compatApiPrefix(const ServerConfig &config)
{
    return config.compatAtRoot ? u"/api/v1"_s : config.compatPrefix + u"/api/v1"_s;
}

} // namespace

ApiRouter::ApiRouter(ModelService *service, const ServerConfig &config)
    : m_native(service)
    , m_compat(service, compatApiPrefix(config))
    , m_compatMount(config.compatAtRoot ? u"/api/v1/models"_s : config.compatPrefix)
    , m_atRoot(config.compatAtRoot)
{}

ApiRouter::Face ApiRouter::faceOf(const QString &path) const
{
    return !m_compatMount.isEmpty() && isUnder(path, m_compatMount) ? Face::Compat : Face::Native;
}

ApiResult ApiRouter::handle(const ApiRequest &request)
{
    if (faceOf(request.path) == Face::Compat) {
        if (!m_compat.claims(request.path))
            return compat::FastApiReply::notFound();
        return m_compat.handle(request);
    }
    if (!m_atRoot || !isUnder(request.path, kNativeMount))
        return m_native.handle(request);
    // The native API under /native: the same routes, and the Location it names is under
    // /native too (at /api/v1/models/{id} the compat face answers).
    ApiRequest native = request;
    native.path = request.path.mid(kNativeMount.size());
    ApiResult result = m_native.handle(native);
    if (auto *reply = std::get_if<ApiReply>(&result)) {
        for (auto &h : reply->headers) {
            if (h.first == "Location")
                h.second.prepend(kNativeMount.toLatin1());
        }
    }
    return result;
}

ApiReply ApiRouter::errorReply(const QString &path, const Error &error) const
{
    return faceOf(path) == Face::Compat ? compat::FastApiReply::error(error) : ApiReply::error(error);
}

} // namespace mistudio
