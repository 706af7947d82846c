#pragma once

#include "common/result.h"
#include "server/apireply.h"
#include "server/failurethrottle.h"
#include "server/modelroutes.h"
#include "server/serverconfig.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QPointer>

class QTcpSocket;

namespace mistudio {

class ModelService;
class WebSocketHub;

// The embedded API server: /api/v1 (ModelRoutes) and the /ws WebSocket (WebSocketHub) over
// QAbstractHttpServer. Everything every request passes through lives here: origin allowlist
// (CORS, WebSocket), Host check, API token (Bearer) with per-address throttling of failures,
// body limits and media type, security headers, and async replies.
class ApiServer final : public QAbstractHttpServer
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

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // A refusal (403/401/429/...) or nothing when the request may go on.
    std::optional<ApiReply> checkAccess(const QHttpServerRequest &request, bool webSocket);
    bool originAllowed(const QByteArray &origin) const;
    void send(const QHttpServerRequest &request, QTcpSocket *socket, const ApiReply &reply);
    void handleNewWebSocket();

    ModelService *m_service;
    ServerConfig m_config;
    ModelRoutes m_routes;
    FailureThrottle m_throttle;
    WebSocketHub *m_ws;
    quint16 m_port = 0;
    QHash<QTcpSocket *, ApiReply> m_refusedUpgrades;
};

} // namespace mistudio
