#pragma once

#include "common/result.h"
#include "server/apireply.h"
#include "server/failurethrottle.h"
#include "server/http/handler.h"
#include "server/apirouter.h"
#include "server/mirror/hubmirror.h"
#include "server/serverconfig.h"

#include <QList>
#include <QObject>

#include <memory>

class QTcpServer;

namespace mistudio {

class ModelService;
class WebSocketHub;
namespace sio {
class EngineIoServer;
class SocketIoServer;
struct PollingReply;
}
namespace compat {
class CompatSocketHub;
}
namespace http {
class Server;
}

// The embedded API server: /api/v1 (ModelRoutes) and the /ws WebSocket (WebSocketHub), and the
// original miStudio web frontend's API (docs/remote-frontends.md: CompatRoutes where ApiRouter
// mounts it, Socket.IO at /ws/socket.io) over
// the strict HTTP/1.1 layer in server/http. Everything every request passes through lives
// here and runs as soon as its head is parsed, before any byte of its body is read: origin
// allowlist (CORS, WebSocket), Host check, API token (Bearer) with per-address throttling of
// failures, body limit and exact media type; then security headers and async replies.
class ApiServer final : public QObject, private http::Handler
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    ApiServer(ModelService *service, ServerConfig config, QObject *parent = nullptr);
    ~ApiServer() override;

    // Listens on config().host:port. Refuses a non-loopback address without a token.
    Result<quint16> start();
    quint16 port() const { return m_port; }
    const ServerConfig &config() const { return m_config; }
    WebSocketHub *webSockets() const { return m_ws; }
    sio::EngineIoServer *engineIo() const { return m_engine; }
    // The listening socket (empty before start() succeeded).
    QList<QTcpServer *> servers() const;
    http::Server *httpServer() const { return m_http; }

private:
    http::HeadAction handleHead(const http::RequestHead &head) override;
    void handleRequest(const http::RequestHead &head, const QByteArray &body,
                       http::Responder responder) override;
    void handleWebSocket(std::unique_ptr<QWebSocket> socket) override;
    http::Response errorResponse(const Error &error) override;

    // A refusal (403/401/429/...) or nothing when the request may go on.
    std::optional<ApiReply> checkAccess(const http::RequestHead &head, bool webSocket);
    bool originAllowed(const QByteArray &origin) const;
    // The mirror's Hub routes: the API's origin and Host rules; a token that is not ours is no
    // error there, it only grants nothing (docs/huggingface.md, "Who sees what").
    std::optional<http::Response> checkMirrorAccess(const http::RequestHead &head);
    // Whether the caller holds the API token (or needs none: loopback without a token).
    bool holdsToken(const http::RequestHead &head) const;
    http::Response withCors(http::Response response, const QByteArray &origin) const;
    // The reply as sent: security headers, CORS for an allowed origin, JSON.
    http::Response render(const ApiReply &reply, const QByteArray &origin) const;
    // An Engine.IO polling answer: the same headers, its own content type.
    http::Response render(const sio::PollingReply &reply, const QByteArray &origin) const;

    ModelService *m_service;
    ServerConfig m_config;
    ApiRouter m_routes;
    std::unique_ptr<mirror::HubMirror> m_mirror; // when config().mirror
    FailureThrottle m_throttle;
    WebSocketHub *m_ws;
    sio::EngineIoServer *m_engine = nullptr;
    sio::SocketIoServer *m_io = nullptr;
    compat::CompatSocketHub *m_compatHub = nullptr;
    http::Server *m_http = nullptr;
    quint16 m_port = 0;
};

} // namespace mistudio
