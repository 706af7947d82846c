// Every /api/v1 route and its errors, over HTTP with a real client (QNetworkAccessManager)
// against an in-process server on an ephemeral port.
#include "serverharness.h"
#include "server/httpstatus.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;

class TestApiRoutes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void route_data();
    void route();
    void listEnvelopeAndFilters();
    void listReflectsChanges();
    void createReturnsLocationAndEvent();
    void downloadThenDeleteReportsBytesFreed();
    void cancelPauseResumeRetryOverHttp();
    void deleteFollowsTheOneDeletionPolicy();
    void slowStopDoesNotBlockTheServer();
    void quantizeReadyModel();
    void securityHeadersOnEveryResponse_data();
    void securityHeadersOnEveryResponse();
    void errorStatusMappingCoversEveryCode();
    void oversizedBodies();

private:
    QString expand(QString path) const;
    std::unique_ptr<ServerHarness> h;
    QUuid m_pending;
    QUuid m_ready;
};

void TestApiRoutes::init()
{
    h = std::make_unique<ServerHarness>();
    m_pending = h->createModel(u"org/pending-model"_s);
    m_ready = h->createModel(u"org/ready-model"_s);
    QVERIFY(!m_pending.isNull() && !m_ready.isNull());
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(m_ready.toString(QUuid::WithoutBraces))).status, 202);
    QTRY_COMPARE(h->status(m_ready), ModelStatus::Ready);
}

void TestApiRoutes::cleanup()
{
    // A test that failed while it held an engine's stop would otherwise wait for it forever.
    if (h)
        h->download->holdStop = false;
    h.reset();
}

QString TestApiRoutes::expand(QString path) const
{
    path.replace(u"{P}"_s, m_pending.toString(QUuid::WithoutBraces));
    path.replace(u"{R}"_s, m_ready.toString(QUuid::WithoutBraces));
    path.replace(u"{X}"_s, u"0b7e4c1a-1111-4222-8333-444455556666"_s);
    return path;
}

void TestApiRoutes::route_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code"); // error code, empty for success
    const QByteArray json = "application/json";
    auto row = [&](const char *name, const QByteArray &m, const QString &p, const QByteArray &b,
                   int st, const QString &code = {}, const QByteArray &ct = "application/json") {
        QTest::newRow(name) << m << p << b << ct << st << code;
    };
    row("health", "GET", u"/api/v1/health"_s, {}, 200);
    row("system", "GET", u"/api/v1/system"_s, {}, 200);
    row("list", "GET", u"/api/v1/models"_s, {}, 200);
    row("list trailing slash", "GET", u"/api/v1/models/"_s, {}, 200);
    row("list filters", "GET", u"/api/v1/models?status=ready&search=org&sort=name&order=asc&page=1&limit=10"_s, {}, 200);
    row("list bad status", "GET", u"/api/v1/models?status=bogus"_s, {}, 400, u"malformed_request"_s);
    row("list bad limit", "GET", u"/api/v1/models?limit=0"_s, {}, 400, u"malformed_request"_s);
    row("list huge limit", "GET", u"/api/v1/models?limit=1001"_s, {}, 400, u"malformed_request"_s);
    row("list bad page", "GET", u"/api/v1/models?page=x"_s, {}, 400, u"malformed_request"_s);
    row("list bad sort", "GET", u"/api/v1/models?sort=password"_s, {}, 400, u"malformed_request"_s);
    row("list bad order", "GET", u"/api/v1/models?order=up"_s, {}, 400, u"malformed_request"_s);
    row("list unknown param", "GET", u"/api/v1/models?foo=1"_s, {}, 400, u"malformed_request"_s);
    row("create", "POST", u"/api/v1/models"_s, R"({"repo_id":"org/new","name":"New","quantization":"bnb-4bit"})", 201);
    row("create malformed", "POST", u"/api/v1/models"_s, "{\"repo_id\":", 400, u"malformed_request"_s);
    row("create array", "POST", u"/api/v1/models"_s, "[1]", 400, u"malformed_request"_s);
    row("create empty body", "POST", u"/api/v1/models"_s, {}, 400, u"malformed_request"_s);
    row("create wrong type", "POST", u"/api/v1/models"_s, R"({"repo_id":5})", 422, u"invalid_input"_s);
    row("create unknown field", "POST", u"/api/v1/models"_s, R"({"repo_id":"a/b","admin":true})", 422, u"invalid_input"_s);
    row("create missing repo", "POST", u"/api/v1/models"_s, "{}", 422, u"invalid_input"_s);
    row("create bad repo id", "POST", u"/api/v1/models"_s, R"({"repo_id":"../../etc"})", 422, u"invalid_input"_s);
    row("create bad quantization", "POST", u"/api/v1/models"_s, R"({"repo_id":"a/b","quantization":"gguf"})", 422, u"invalid_input"_s);
    row("create text/plain", "POST", u"/api/v1/models"_s, R"({"repo_id":"a/b"})", 415, u"unsupported_media_type"_s, "text/plain");
    row("create too large", "POST", u"/api/v1/models"_s, "{\"repo_id\":\"" + QByteArray(70000, 'a') + "\"}", 413, u"payload_too_large"_s);
    row("put models", "PUT", u"/api/v1/models"_s, {}, 405, u"method_not_allowed"_s);
    row("get", "GET", u"/api/v1/models/{P}"_s, {}, 200);
    row("get bad id", "GET", u"/api/v1/models/not-a-uuid"_s, {}, 400, u"malformed_request"_s);
    row("get unknown id", "GET", u"/api/v1/models/{X}"_s, {}, 404, u"not_found"_s);
    row("patch model", "PATCH", u"/api/v1/models/{P}"_s, {}, 405, u"method_not_allowed"_s);
    row("delete unknown", "DELETE", u"/api/v1/models/{X}"_s, {}, 404, u"not_found"_s);
    row("delete bad id", "DELETE", u"/api/v1/models/123"_s, {}, 400, u"malformed_request"_s);
    row("delete", "DELETE", u"/api/v1/models/{P}"_s, {}, 200);
    row("download", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"none","max_bandwidth":"50M","connections":4,"include":["*.json"]})", 202);
    row("download no body", "POST", u"/api/v1/models/{P}/download"_s, {}, 202);
    row("download ready", "POST", u"/api/v1/models/{R}/download"_s, "{}", 409, u"illegal_transition"_s);
    row("download unknown", "POST", u"/api/v1/models/{X}/download"_s, "{}", 404, u"not_found"_s);
    row("download bad quant", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"gguf"})", 422, u"invalid_input"_s);
    row("download token type", "POST", u"/api/v1/models/{P}/download"_s, R"({"hf_token":123})", 422, u"invalid_input"_s);
    row("download bad bandwidth", "POST", u"/api/v1/models/{P}/download"_s, R"({"max_bandwidth":"fast"})", 422, u"invalid_input"_s);
    row("download connections range", "POST", u"/api/v1/models/{P}/download"_s, R"({"connections":1000})", 422, u"invalid_input"_s);
    row("download unknown field", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantisation":"none"})", 422, u"invalid_input"_s);
    row("download fp4 no double quant", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"bnb-4bit","bnb_4bit_quant_type":"fp4","bnb_4bit_use_double_quant":false})", 202);
    row("download bad 4-bit type", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"bnb-4bit","bnb_4bit_quant_type":"int4"})", 422, u"invalid_input"_s);
    row("download 4-bit type type", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"bnb-4bit","bnb_4bit_quant_type":4})", 422, u"invalid_input"_s);
    row("download double quant type", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"bnb-4bit","bnb_4bit_use_double_quant":"no"})", 422, u"invalid_input"_s);
    row("download fp4 with 8-bit", "POST", u"/api/v1/models/{P}/download"_s, R"({"quantization":"bnb-8bit","bnb_4bit_quant_type":"fp4"})", 422, u"invalid_input"_s);
    row("download no double quant without 4-bit", "POST", u"/api/v1/models/{P}/download"_s, R"({"bnb_4bit_use_double_quant":false})", 422, u"invalid_input"_s);
    row("download GET", "GET", u"/api/v1/models/{P}/download"_s, {}, 405, u"method_not_allowed"_s);
    row("architecture", "GET", u"/api/v1/models/{R}/architecture"_s, {}, 200);
    row("architecture not yet", "GET", u"/api/v1/models/{P}/architecture"_s, {}, 404, u"not_found"_s);
    row("preview", "POST", u"/api/v1/models/preview"_s, R"({"repo_id":"openai-community/gpt2"})", 200);
    row("preview missing repo", "POST", u"/api/v1/models/preview"_s, R"({"repo_id":"nobody/missing"})", 404, u"repo_not_found"_s);
    row("preview bad repo", "POST", u"/api/v1/models/preview"_s, R"({"repo_id":"no spaces allowed"})", 422, u"invalid_input"_s);
    row("preview no repo", "POST", u"/api/v1/models/preview"_s, "{}", 422, u"invalid_input"_s);
    row("preview GET", "GET", u"/api/v1/models/preview"_s, {}, 405, u"method_not_allowed"_s);
    row("cancel idle", "POST", u"/api/v1/models/{P}/cancel"_s, {}, 409, u"illegal_transition"_s);
    row("cancel with body field", "POST", u"/api/v1/models/{P}/cancel"_s, R"({"force":true})", 422, u"invalid_input"_s);
    row("pause idle", "POST", u"/api/v1/models/{P}/pause"_s, {}, 409, u"illegal_transition"_s);
    row("resume idle", "POST", u"/api/v1/models/{P}/resume"_s, R"({"hf_token":"hf_x"})", 409, u"illegal_transition"_s);
    row("retry pending", "POST", u"/api/v1/models/{P}/retry"_s, {}, 409, u"illegal_transition"_s);
    row("retry unknown", "POST", u"/api/v1/models/{X}/retry"_s, {}, 404, u"not_found"_s);
    row("quantize", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-8bit","device":"cpu"})", 202);
    row("quantize pending", "POST", u"/api/v1/models/{P}/quantize"_s, R"({"mode":"bnb-4bit"})", 409, u"illegal_transition"_s);
    row("quantize fp4", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-4bit","bnb_4bit_quant_type":"fp4","bnb_4bit_use_double_quant":false})", 202);
    row("quantize bad 4-bit type", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-4bit","bnb_4bit_quant_type":"nf8"})", 422, u"invalid_input"_s);
    row("quantize double quant type", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-4bit","bnb_4bit_use_double_quant":1})", 422, u"invalid_input"_s);
    row("quantize fp4 with 8-bit", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-8bit","bnb_4bit_quant_type":"fp4"})", 422, u"invalid_input"_s);
    row("quantize bad mode", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"none"})", 422, u"invalid_input"_s);
    row("quantize no gpu", "POST", u"/api/v1/models/{R}/quantize"_s, R"({"mode":"bnb-4bit","device":"cuda:3"})", 503, u"gpu_unavailable"_s);
    row("unknown action", "POST", u"/api/v1/models/{P}/explode"_s, {}, 404, u"not_found"_s);
    row("unknown route", "GET", u"/api/v1/nothing"_s, {}, 404, u"not_found"_s);
    row("outside api", "GET", u"/index.html"_s, {}, 404, u"not_found"_s);
    row("ws without upgrade", "GET", u"/ws"_s, {}, 400, u"malformed_request"_s);
}

void TestApiRoutes::route()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, code);
    const HttpResult r = h->call(method, expand(path), body, {}, contentType);
    QVERIFY2(r.status == status, r.body.constData());
    if (code.isEmpty()) {
        QVERIFY(!r.json.contains(u"error"_s));
        return;
    }
    const QJsonObject e = r.json.value(u"error"_s).toObject();
    QCOMPARE(e.value(u"code"_s).toString(), code);
    QVERIFY(!e.value(u"message"_s).toString().isEmpty());
    QVERIFY(e.value(u"details"_s).isObject());
}

void TestApiRoutes::listEnvelopeAndFilters()
{
    for (int i = 0; i < 5; ++i)
        h->createModel(u"bulk/model-%1"_s.arg(i));
    HttpResult r = h->call("GET", u"/api/v1/models?limit=2&page=2&search=bulk&sort=name&order=asc"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"total"_s).toInt(), 5);
    QCOMPARE(r.json.value(u"page"_s).toInt(), 2);
    QCOMPARE(r.json.value(u"limit"_s).toInt(), 2);
    QCOMPARE(r.json.value(u"pages"_s).toInt(), 3);
    const QJsonArray items = r.json.value(u"items"_s).toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0).toObject().value(u"repo_id"_s).toString(), u"bulk/model-2"_s);
    QVERIFY(items.at(0).toObject().contains(u"job"_s));
    r = h->call("GET", u"/api/v1/models?status=ready"_s);
    QCOMPARE(r.json.value(u"total"_s).toInt(), 1);
    QCOMPARE(r.json.value(u"items"_s).toArray().at(0).toObject().value(u"status"_s).toString(), u"ready"_s);
}

void TestApiRoutes::listReflectsChanges()
{
    // The list answer is cached; every change must still show up in the next answers.
    auto total = [&](const QString &q) {
        return h->call("GET", u"/api/v1/models"_s + q).json.value(u"total"_s).toInt();
    };
    QCOMPARE(total(u"?status=ready"_s), 1);
    QCOMPARE(total(QString()), 2);
    QCOMPARE(h->call("POST", u"/api/v1/models"_s, R"({"repo_id":"org/third"})").status, 201);
    QCOMPARE(total(QString()), 3);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(m_pending.toString(QUuid::WithoutBraces))).status, 202);
    QTRY_COMPARE(total(u"?status=ready"_s), 2);
    QCOMPARE(h->call("DELETE", u"/api/v1/models/%1"_s.arg(m_ready.toString(QUuid::WithoutBraces))).status, 200);
    QTRY_COMPARE(total(QString()), 2);
    QCOMPARE(total(u"?status=ready"_s), 1);
}

void TestApiRoutes::createReturnsLocationAndEvent()
{
    QList<ModelEvent> events;
    h->bus.subscribe(this, [&](const ModelEvent &e) { events << e; });
    const HttpResult r = h->call("POST", u"/api/v1/models"_s, R"({"repo_id":"org/located"})");
    QCOMPARE(r.status, 201);
    const QString id = r.json.value(u"id"_s).toString();
    QCOMPARE(r.header("Location"), (u"/api/v1/models/"_s + id).toLatin1());
    QCOMPARE(r.json.value(u"status"_s).toString(), u"pending"_s);
    QTRY_COMPARE(events.size(), 1);
    QCOMPARE(events.first().name(), u"model_created"_s);
}

void TestApiRoutes::downloadThenDeleteReportsBytesFreed()
{
    const QString id = m_pending.toString(QUuid::WithoutBraces);
    HttpResult r = h->call("POST", u"/api/v1/models/%1/download"_s.arg(id), R"({"hf_token":"hf_secret_value"})");
    QCOMPARE(r.status, 202);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"downloading"_s);
    QVERIFY(!r.body.contains("hf_secret_value"));
    QTRY_COMPARE(h->status(m_pending), ModelStatus::Ready);
    r = h->call("GET", u"/api/v1/models/%1"_s.arg(id));
    QCOMPARE(r.json.value(u"status"_s).toString(), u"ready"_s);
    QVERIFY(r.json.value(u"job"_s).isNull());
    r = h->call("DELETE", u"/api/v1/models/%1"_s.arg(id));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"bytes_freed"_s).toInteger(), 8 * 64 * 1024 + 45);
    QCOMPARE(h->call("GET", u"/api/v1/models/%1"_s.arg(id)).status, 404);
}

void TestApiRoutes::deleteFollowsTheOneDeletionPolicy()
{
    // The CLI's `models rm` case (tst_cli_models::removeKeepsSharedAndOutsideFiles) over HTTP:
    // both go through ModelService::remove. A second record of the ready repo shares its folder
    // and its variants: deleting either keeps them until the last record goes.
    const QUuid twin = h->createModel(u"org/ready-model"_s);
    const QString folder = h->dataDir() + u"/models/org--ready-model"_s;
    QVERIFY(QFileInfo::exists(folder + u"/model.safetensors"_s));
    HttpResult r = h->call("DELETE", u"/api/v1/models/%1"_s.arg(twin.toString(QUuid::WithoutBraces)));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"bytes_freed"_s).toInteger(), 0);
    QVERIFY(QFileInfo::exists(folder + u"/model.safetensors"_s));
    r = h->call("DELETE", u"/api/v1/models/%1"_s.arg(m_ready.toString(QUuid::WithoutBraces)));
    QCOMPARE(r.status, 200);
    QVERIFY(r.json.value(u"bytes_freed"_s).toInteger() > 0);
    QVERIFY(!QFileInfo::exists(folder));
}

void TestApiRoutes::cancelPauseResumeRetryOverHttp()
{
    h->download->chunkDelayMs = 20;
    h->download->chunks = 100;
    const QString base = u"/api/v1/models/%1/"_s.arg(m_pending.toString(QUuid::WithoutBraces));
    QCOMPARE(h->call("POST", base + u"download"_s).status, 202);
    QCOMPARE(h->call("POST", base + u"download"_s).status, 409); // already running
    HttpResult r = h->call("POST", base + u"pause"_s);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(r.json.value(u"status"_s).toString(), u"pending"_s);
    QCOMPARE(r.json.value(u"job"_s).toObject().value(u"state"_s).toString(), u"paused"_s);
    r = h->call("POST", base + u"resume"_s, "{}");
    QVERIFY2(r.status == 202, r.body.constData());
    QCOMPARE(r.json.value(u"status"_s).toString(), u"downloading"_s);
    r = h->call("POST", base + u"cancel"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"pending"_s);
    QVERIFY(r.json.value(u"job"_s).isNull());
    // A failure, then retry.
    h->download->chunkDelayMs = 0;
    h->download->failWith = int(ErrorCode::NetworkError);
    r = h->call("POST", base + u"download"_s);
    QVERIFY2(r.status == 202, r.body.constData());
    QTRY_COMPARE(h->status(m_pending), ModelStatus::Failed);
    r = h->call("GET", base.chopped(1));
    QCOMPARE(r.json.value(u"status"_s).toString(), u"failed"_s);
    QCOMPARE(r.json.value(u"error_message"_s).toString(), u"injected failure"_s);
    h->download->failWith = -1;
    QCOMPARE(h->call("POST", base + u"retry"_s).status, 202);
    QTRY_COMPARE(h->status(m_pending), ModelStatus::Ready);
}

void TestApiRoutes::slowStopDoesNotBlockTheServer()
{
    // A cancel of a job this process runs waits for the engine to stop; an engine slow to stop
    // must not hold up every other client (the wait used to run on the server's thread).
    h->download->chunks = 100000;
    h->download->chunkDelayMs = 5;
    h->download->holdStop = true;
    const QString id = m_pending.toString(QUuid::WithoutBraces);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id)).status, 202);
    // Running in the engine: init()'s download of m_ready was the first call, this one the second.
    QTRY_VERIFY(h->download->calls.load() == 2);
    QNetworkRequest req(h->url(u"/api/v1/models/%1/cancel"_s.arg(id)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *cancel = h->nam.post(req, QByteArray("{}"));
    // The cancel is on its way and its job keeps running; another client is still served.
    QTRY_VERIFY(h->service->activeJob(m_pending) && h->service->activeJob(m_pending)->requestedStop == u"cancel"_s);
    QCOMPARE(h->call("GET", u"/api/v1/health"_s).status, 200);
    QCOMPARE(h->call("GET", u"/api/v1/models/%1"_s.arg(id)).status, 200);
    QVERIFY(!cancel->isFinished());
    h->download->holdStop = false; // the engine stops now
    QTRY_VERIFY(cancel->isFinished());
    QCOMPARE(cancel->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(QJsonDocument::fromJson(cancel->readAll()).object().value(u"status"_s).toString(), u"pending"_s);
    cancel->deleteLater();
}

void TestApiRoutes::quantizeReadyModel()
{
    const QString base = u"/api/v1/models/%1/"_s.arg(m_ready.toString(QUuid::WithoutBraces));
    HttpResult r = h->call("POST", base + u"quantize"_s, R"({"mode":"bnb-4bit"})");
    QCOMPARE(r.status, 202);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"quantizing"_s);
    QTRY_COMPARE(h->status(m_ready), ModelStatus::Ready);
    r = h->call("GET", base.chopped(1));
    QCOMPARE(r.json.value(u"quantization"_s).toString(), u"bnb-4bit"_s);
    QCOMPARE(h->quantizer->lastSpec().quantType, u"nf4"_s);
    QCOMPARE(h->quantizer->lastSpec().doubleQuant, true);
    // The 4-bit options (transformers' BitsAndBytesConfig names) reach the quantizer.
    r = h->call("POST", base + u"quantize"_s,
                R"({"mode":"bnb-4bit","bnb_4bit_quant_type":"fp4","bnb_4bit_use_double_quant":false})");
    QCOMPARE(r.status, 202);
    QTRY_COMPARE(h->status(m_ready), ModelStatus::Ready);
    QCOMPARE(h->quantizer->lastSpec().quantType, u"fp4"_s);
    QCOMPARE(h->quantizer->lastSpec().doubleQuant, false);
}

void TestApiRoutes::securityHeadersOnEveryResponse_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("ok") << QByteArray("GET") << u"/api/v1/health"_s;
    QTest::newRow("404") << QByteArray("GET") << u"/nope"_s;
    QTest::newRow("400") << QByteArray("GET") << u"/api/v1/models/xyz"_s;
    QTest::newRow("async") << QByteArray("POST") << u"/api/v1/models/preview"_s;
}

void TestApiRoutes::securityHeadersOnEveryResponse()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const HttpResult r = h->call(method, path, method == "POST" ? R"({"repo_id":"a/b"})" : QByteArray());
    QVERIFY(r.status > 0);
    QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
    QVERIFY(r.header("Content-Security-Policy").contains("default-src 'none'"));
    QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
}

void TestApiRoutes::errorStatusMappingCoversEveryCode()
{
    // Every code maps to a status of the documented set; none falls through to 200.
    const QList<int> allowed{400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 507};
    for (int c = 0; c <= int(ErrorCode::MalformedRequest); ++c) {
        const int s = httpStatusFor(ErrorCode(c));
        QVERIFY2(allowed.contains(s), qPrintable(errorCodeName(ErrorCode(c))));
    }
    QCOMPARE(httpStatusFor(ErrorCode::IllegalTransition), 409);
    QCOMPARE(httpStatusFor(ErrorCode::Unauthorized), 401);
    QCOMPARE(httpStatusFor(ErrorCode::RateLimited), 429);
    QCOMPARE(httpStatusFor(ErrorCode::Internal), 500);
}

void TestApiRoutes::oversizedBodies()
{
    // Over the 64 KiB limit: 413, whatever the route.
    const QByteArray big = "{\"repo_id\":\"" + QByteArray(300 * 1024, 'a') + "\"}";
    HttpResult r = h->call("POST", u"/api/v1/models"_s, big);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), u"payload_too_large"_s);
    QCOMPARE(h->call("GET", u"/api/v1/models"_s).status, 200);
}

QTEST_GUILESS_MAIN(TestApiRoutes)
#include "tst_apiroutes.moc"
