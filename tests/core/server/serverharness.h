#pragma once

// An in-process ApiServer on an ephemeral loopback port over a real SQLite catalogue and the
// test engines, and a QNetworkAccessManager client for it.
#include "../service/testengines.h"
#include "server/apiserver.h"
#include "service/modelservice.h"
#include "store/storefactory.h"

#include <QEventLoop>

#include <optional>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>

namespace mistudio::test {

inline const QString kApiToken = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef");

// What any non-loopback address implies: the API token on every request.
inline ServerConfig tokenRequiredConfig()
{
    ServerConfig c;
    c.token = kApiToken;
    c.requireToken = true;
    return c;
}

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QString errorCode() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
};

struct ServerHarness
{
    explicit ServerHarness(ServerConfig config = {}, int chunkDelayMs = 0,
                           std::optional<Engines> engines = std::nullopt)
    {
        AppConfig cfg;
        cfg.dataDir = dir.path();
        Result<Stores> s = openStores(cfg);
        if (!s)
            qFatal("openStores: %s", qPrintable(s.error().toString()));
        stores = s.value();
        download->chunkDelayMs = chunkDelayMs;
        Engines e;
        e.download = download;
        e.quantize = quantizer;
        e.architecture = std::make_shared<FakeArchitecture>();
        e.hub = std::make_shared<FakeHub>();
        ServiceOptions o;
        o.dataDir = DataDir(dir.path());
        o.progressIntervalMs = 0;
        service = std::make_unique<ModelService>(stores.models, stores.jobs, &bus,
                                                 engines ? *engines : e, o);
        if (!service->start())
            qFatal("service start failed");
        config.port = 0;
        server = std::make_unique<ApiServer>(service.get(), config);
        const Result<quint16> port = server->start();
        if (!port)
            qFatal("server start: %s", qPrintable(port.error().toString()));
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server->port()).arg(path));
    }

    HttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const QList<QPair<QByteArray, QByteArray>> &headers = {},
                    const QByteArray &contentType = "application/json")
    {
        QNetworkRequest req(url(path));
        if (!body.isEmpty() || method == "POST")
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        // A custom "HEAD" would make Qt wait for the body that Content-Length announces.
        QNetworkReply *reply = method == "HEAD" ? nam.head(req) : nam.sendCustomRequest(req, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        r.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return r;
    }

    QUuid createModel(const QString &repo)
    {
        const HttpResult r = call("POST", QStringLiteral("/api/v1/models"),
                                  QJsonDocument(QJsonObject{{QStringLiteral("repo_id"), repo}}).toJson());
        return QUuid::fromString(r.json.value(QStringLiteral("id")).toString());
    }
    QString dataDir() const { return dir.path(); }
    ModelStatus status(const QUuid &id) const { return service->get(id)->status; }

    QTemporaryDir dir;
    EventBus bus;
    Stores stores;
    std::shared_ptr<FakeDownload> download = std::make_shared<FakeDownload>();
    std::shared_ptr<FakeQuantizer> quantizer = std::make_shared<FakeQuantizer>();
    std::unique_ptr<ModelService> service;
    std::unique_ptr<ApiServer> server;
    QNetworkAccessManager nam;
};

} // namespace mistudio::test
