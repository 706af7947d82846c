#pragma once

// A stand-in for the original miStudio backend's internal emit endpoint
// (POST /api/internal/ws/emit with X-Internal-Token), on our own HTTP layer on a loopback port:
// 200 {"status":"ok"} with the right token, 403 otherwise; records what it accepted.
#include "server/http/handler.h"
#include "server/http/server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace mistudio::test {

class FakeOriginalBackend final : public http::Handler
{
public:
    explicit FakeOriginalBackend(QByteArray token) : m_token(std::move(token)), m_server(this, http::Limits{})
    {
        const Result<quint16> port = m_server.listen(QHostAddress(QHostAddress::LocalHost), 0);
        m_port = port ? port.value() : 0;
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/api/internal/ws/emit").arg(m_port)); }

    QList<QJsonObject> bodies;
    QByteArrayList tokens;
    QByteArrayList contentTypes;

    http::HeadAction handleHead(const http::RequestHead &head) override
    {
        if (head.method != "POST" || head.path != QStringLiteral("/api/internal/ws/emit"))
            return http::HeadAction::respond(http::Response::bytes(404, {}));
        return http::HeadAction::readBody();
    }
    void handleRequest(const http::RequestHead &head, const QByteArray &body, http::Responder responder) override
    {
        tokens << head.header("X-Internal-Token");
        if (head.header("X-Internal-Token") != m_token) {
            responder.send(http::Response::bytes(403, R"({"detail":"forbidden"})", "application/json"));
            return;
        }
        bodies << QJsonDocument::fromJson(body).object();
        contentTypes << head.header("Content-Type");
        responder.send(http::Response::bytes(200, R"({"status":"ok"})", "application/json"));
    }

private:
    QByteArray m_token;
    http::Server m_server;
    quint16 m_port = 0;
};

} // namespace mistudio::test
