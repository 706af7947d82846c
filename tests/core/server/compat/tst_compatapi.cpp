// The original miStudio web frontend's API client, reproduced at the HTTP level against an
// in-process server (docs/remote-frontends.md): the calls its models store and api/models.ts
// make, with the headers a browser behind its dev proxy sends, and what it reads back.
#include "../serverharness.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;

namespace {

const QByteArray kOrigin = "http://localhost:5173";
const QString kApi = u"/compat/api/v1"_s;

ServerConfig frontendConfig()
{
    ServerConfig c;
    c.allowedOrigins = {QString::fromLatin1(kOrigin)};
    return c;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestCompatApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void listEnvelope();
    void downloadInOneCall();
    void downloadRefusals_data();
    void downloadRefusals();
    void modelObjectTypes();
    void statusVocabulary();
    void cancelAnswer();
    void listParameters_data();
    void listParameters();
    void listValidation_data();
    void listValidation();
    void deleteAndUnknownIds();
    void architectureShape();
    void extractionRoutes_data();
    void extractionRoutes();
    void atRootWithNativeBeside();
    void originNeedsAllowing();
    void socketIoEndpointChecksAccess();

private:
    // What the frontend does for "Download": POST /models/download → 202 + the model.
    QJsonObject startDownload(const QString &repo, const QString &quantization);
    HttpResult frontend(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return h->call(method, path, body, {{"Origin", kOrigin}});
    }
    QUuid idOf(const QJsonObject &model) const
    {
        return QUuid::fromString(model.value(u"id"_s).toString());
    }

    std::unique_ptr<ServerHarness> h;
};

void TestCompatApi::init()
{
    h = std::make_unique<ServerHarness>(frontendConfig());
}

void TestCompatApi::cleanup()
{
    h.reset();
}

QJsonObject TestCompatApi::startDownload(const QString &repo, const QString &quantization)
{
    const HttpResult r = frontend("POST", kApi + u"/models/download"_s,
                                  json({{u"repo_id"_s, repo},
                                        {u"quantization"_s, quantization},
                                        {u"trust_remote_code"_s, false}}));
    if (r.status != 202)
        qWarning() << r.status << r.body;
    return r.status == 202 ? r.json : QJsonObject();
}

// Point 1: {data, pagination{page, limit, total, total_pages, has_next, has_prev}}.
void TestCompatApi::listEnvelope()
{
    const QJsonObject empty = frontend("GET", kApi + u"/models"_s).json;
    QCOMPARE(empty.value(u"data"_s).toArray().size(), 0);
    QCOMPARE(empty.value(u"pagination"_s).toObject(),
             (QJsonObject{{u"page"_s, 1}, {u"limit"_s, 50}, {u"total"_s, 0}, {u"total_pages"_s, 0},
                          {u"has_next"_s, false}, {u"has_prev"_s, false}}));
    for (const QString &repo : {u"org/a"_s, u"org/b"_s, u"org/c"_s})
        QVERIFY(!startDownload(repo, u"FP16"_s).isEmpty());
    const HttpResult r = frontend("GET", kApi + u"/models?page=2&limit=2"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Access-Control-Allow-Origin"), kOrigin);
    QCOMPARE(r.json.value(u"data"_s).toArray().size(), 1);
    QCOMPARE(r.json.value(u"pagination"_s).toObject(),
             (QJsonObject{{u"page"_s, 2}, {u"limit"_s, 2}, {u"total"_s, 3}, {u"total_pages"_s, 2},
                          {u"has_next"_s, false}, {u"has_prev"_s, true}}));
}

// Point 2: one call, its vocabulary, 202 + the model; the mapping of Q4 reaches the quantizer.
void TestCompatApi::downloadInOneCall()
{
    const QJsonObject m = startDownload(u"org/tiny"_s, u"Q4"_s);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.value(u"status"_s).toString(), u"downloading"_s);
    QCOMPARE(m.value(u"quantization"_s).toString(), u"Q4"_s);
    QCOMPARE(m.value(u"repo_id"_s).toString(), u"org/tiny"_s);
    QCOMPARE(m.value(u"name"_s).toString(), u"tiny"_s);
    // Known from the preview before any byte is fetched.
    QCOMPARE(m.value(u"params_count"_s).toInteger(), 124439808);
    const QUuid id = idOf(m);
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    QCOMPARE(h->service->get(id)->quantization, u"bnb-4bit"_s);
    QCOMPARE(h->quantizer->lastSpec().quantType, u"nf4"_s);
    QVERIFY(h->quantizer->lastSpec().doubleQuant);

    const QJsonObject ready = frontend("GET", kApi + u"/models/"_s + id.toString(QUuid::WithoutBraces)).json;
    QCOMPARE(ready.value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(ready.value(u"progress"_s).toDouble(), 100.0);
    QCOMPARE(ready.value(u"quantization"_s).toString(), u"Q4"_s);
    // 124439808 parameters × 0.5 byte × 1.2, the original's estimate for Q4.
    QCOMPARE(ready.value(u"memory_required_bytes"_s).toInteger(), 74663885);
}

void TestCompatApi::downloadRefusals_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detail"); // the string detail, or the first issue's type
    QTest::newRow("duplicate") << QByteArray(R"({"repo_id":"org/dup","quantization":"FP16"})") << 409
                               << u"Model 'dup' already exists with ID "_s;
    QTest::newRow("Q2") << QByteArray(R"({"repo_id":"org/q2","quantization":"Q2"})") << 422
                        << u"Q2 (2-bit) quantization is not supported by this server"_s;
    QTest::newRow("unknown repo") << QByteArray(R"({"repo_id":"nobody/missing"})") << 404
                                  << u"Repository not found"_s;
    QTest::newRow("no slash") << QByteArray(R"({"repo_id":"gpt2"})") << 422 << u"value_error"_s;
    QTest::newRow("missing repo") << QByteArray(R"({"quantization":"Q4"})") << 422 << u"missing"_s;
    QTest::newRow("bad enum") << QByteArray(R"({"repo_id":"org/x","quantization":"INT4"})") << 422
                              << u"enum"_s;
    QTest::newRow("bad json") << QByteArray(R"({"repo_id":)") << 422 << u"json_invalid"_s;
    QTest::newRow("token type") << QByteArray(R"({"repo_id":"org/x","access_token":5})") << 422
                                << u"string_type"_s;
}

// Point 4 for downloads: every refusal is {"detail": ...}, validation as FastAPI's array.
void TestCompatApi::downloadRefusals()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, detail);
    const QUuid dup = idOf(startDownload(u"org/dup"_s, u"FP16"_s));
    QVERIFY(!dup.isNull());
    // Settled first: a second request that races the end of the first one's job gets the
    // service's illegal_transition (409 too, "A ready model cannot be downloaded") instead of
    // its AlreadyReady outcome.
    QTRY_COMPARE_WITH_TIMEOUT(h->status(dup), ModelStatus::Ready, 20000);
    const HttpResult r = frontend("POST", kApi + u"/models/download"_s, body);
    QCOMPARE(r.status, status);
    QVERIFY2(!r.json.contains(u"error"_s), r.body.constData());
    const QJsonValue d = r.json.value(u"detail"_s);
    if (d.isString()) {
        QVERIFY2(d.toString().startsWith(detail), qPrintable(d.toString()));
    } else {
        const QJsonObject issue = d.toArray().first().toObject();
        QCOMPARE(issue.value(u"type"_s).toString(), detail);
        QCOMPARE(issue.value(u"loc"_s).toArray().first().toString(), u"body"_s);
        QVERIFY(!issue.value(u"msg"_s).toString().isEmpty());
    }
    // Nothing was recorded for a refused request.
    QCOMPARE(frontend("GET", kApi + u"/models"_s).json.value(u"data"_s).toArray().size(), 1);
}

// Point 3: what its card and viewer read has the types they use.
void TestCompatApi::modelObjectTypes()
{
    const QUuid id = idOf(startDownload(u"org/typed"_s, u"FP32"_s));
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    const QJsonObject m = frontend("GET", kApi + u"/models"_s).json.value(u"data"_s).toArray().first().toObject();
    QVERIFY(m.value(u"params_count"_s).isDouble());
    QCOMPARE(m.value(u"params_count"_s).toDouble(), std::floor(m.value(u"params_count"_s).toDouble()));
    QCOMPARE(m.value(u"architecture"_s).toString(), u"gpt2"_s);
    QVERIFY(m.value(u"architecture_config"_s).isObject());
    QCOMPARE(m.value(u"architecture_config"_s).toObject().value(u"model_type"_s).toString(), u"gpt2"_s);
    QVERIFY(m.value(u"disk_size_bytes"_s).toInteger() > 0);
    QVERIFY(m.value(u"memory_required_bytes"_s).isDouble());
    QVERIFY(m.value(u"has_completed_extractions"_s).isBool());
    // Unquantized: the checkpoint's dtype decides FP16/FP32; the test checkpoint names none.
    QCOMPARE(m.value(u"quantization"_s).toString(), u"FP16"_s);
    for (const QString &key : {u"id"_s, u"name"_s, u"created_at"_s, u"updated_at"_s, u"status"_s})
        QVERIFY2(m.value(key).isString(), qPrintable(key));
    QVERIFY(QDateTime::fromString(m.value(u"created_at"_s).toString(), Qt::ISODateWithMs).isValid());
}

// Point 5: its five statuses, ours mapped onto them, and its name accepted as a filter.
void TestCompatApi::statusVocabulary()
{
    h->download->failWith = int(ErrorCode::ChecksumMismatch);
    const QUuid failed = idOf(startDownload(u"org/broken"_s, u"FP16"_s));
    QTRY_COMPARE_WITH_TIMEOUT(h->status(failed), ModelStatus::Failed, 20000);
    h->download->failWith = -1;
    const QUuid ready = idOf(startDownload(u"org/fine"_s, u"FP16"_s));
    QTRY_COMPARE_WITH_TIMEOUT(h->status(ready), ModelStatus::Ready, 20000);

    const HttpResult errors = frontend("GET", kApi + u"/models?status=error"_s);
    QCOMPARE(errors.status, 200);
    const QJsonArray data = errors.json.value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.first().toObject().value(u"status"_s).toString(), u"error"_s);
    QCOMPARE(data.first().toObject().value(u"error_message"_s).toString(), u"injected failure"_s);
    QCOMPARE(frontend("GET", kApi + u"/models?status=ready"_s).json.value(u"data"_s).toArray()
                 .first().toObject().value(u"id"_s).toString(),
             ready.toString(QUuid::WithoutBraces));
    QCOMPARE(frontend("GET", kApi + u"/models?status=loading"_s).json.value(u"pagination"_s).toObject()
                 .value(u"total"_s).toInt(), 0);
    // Ours is not its vocabulary.
    const HttpResult refused = frontend("GET", kApi + u"/models?status=failed"_s);
    QCOMPARE(refused.status, 422);
    QCOMPARE(refused.json.value(u"detail"_s).toArray().first().toObject().value(u"msg"_s).toString(),
             u"Input should be 'downloading', 'loading', 'quantizing', 'ready' or 'error'"_s);
}

// Point 6: DELETE /models/{id}/cancel → {model_id, status, message}; nothing to cancel → 400.
void TestCompatApi::cancelAnswer()
{
    h->download->chunkDelayMs = 200;
    const QJsonObject m = startDownload(u"org/slow"_s, u"FP16"_s);
    const QString id = m.value(u"id"_s).toString();
    const HttpResult r = frontend("DELETE", kApi + u"/models/%1/cancel"_s.arg(id));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json, (QJsonObject{{u"model_id"_s, id}, {u"status"_s, u"cancelled"_s},
                                  {u"message"_s, u"Download cancelled successfully"_s}}));
    const QJsonObject after = frontend("GET", kApi + u"/models/"_s + id).json;
    QCOMPARE(after.value(u"status"_s).toString(), u"error"_s);
    QVERIFY(after.value(u"error_message"_s).toString().startsWith(u"Not downloaded"_s));
    const HttpResult again = frontend("DELETE", kApi + u"/models/%1/cancel"_s.arg(id));
    QCOMPARE(again.status, 400);
    QCOMPARE(again.json.value(u"detail"_s).toString(),
             u"Model '%1' cannot be cancelled (status: error)"_s.arg(id));
}

void TestCompatApi::listParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("repos"); // in order
    QTest::newRow("skip") << u"skip=1&limit=2&sort_by=name&order=asc"_s << QStringList{u"org/beta"_s, u"org/gamma"_s};
    QTest::newRow("sort by params") << u"sort_by=params_count&order=desc&limit=1"_s << QStringList{u"org/alpha"_s};
    QTest::newRow("architecture") << u"architecture=gpt2&sort_by=name&order=asc"_s
                                  << QStringList{u"org/alpha"_s, u"org/beta"_s, u"org/gamma"_s};
    QTest::newRow("other architecture") << u"architecture=llama"_s << QStringList{};
    QTest::newRow("quantization") << u"quantization=Q8"_s << QStringList{u"org/beta"_s};
    QTest::newRow("search") << u"search=GAM&status=ready"_s << QStringList{u"org/gamma"_s};
    QTest::newRow("unknown sort falls back") << u"sort_by=progress&order=asc"_s
                                             << QStringList{u"org/alpha"_s, u"org/beta"_s, u"org/gamma"_s};
    QTest::newRow("unknown parameter ignored") << u"foo=bar&quantization=Q4"_s << QStringList{u"org/gamma"_s};
    // Offsets past any catalogue are an empty page: (page - 1) * limit overflowed qint64 (UBSan
    // under fuzz_compatrequest).
    QTest::newRow("page at INT64_MAX") << u"page=9223372036854775807&limit=100&sort_by=params_count"_s
                                       << QStringList{};
    QTest::newRow("skip at INT64_MAX") << u"skip=9223372036854775807&architecture=gpt2"_s << QStringList{};
}

// Point 6: skip, sort_by, architecture, quantization are taken, not refused.
void TestCompatApi::listParameters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, repos);
    for (const auto &[repo, q] : {std::pair{u"org/alpha"_s, u"FP16"_s}, std::pair{u"org/beta"_s, u"Q8"_s},
                                  std::pair{u"org/gamma"_s, u"Q4"_s}}) {
        const QUuid id = idOf(startDownload(repo, q));
        QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    }
    // Different parameter counts for the params_count sort: alpha has the most.
    ModelPatch big;
    big.paramsCount = std::optional<qint64>(7'000'000'000);
    QVERIFY(h->stores.models->update(h->service->resolve(u"org/alpha"_s)->id, big));
    const HttpResult r = frontend("GET", kApi + u"/models?"_s + query);
    QCOMPARE(r.status, 200);
    QStringList got;
    for (const QJsonValue &v : r.json.value(u"data"_s).toArray())
        got << v.toObject().value(u"repo_id"_s).toString();
    QCOMPARE(got, repos);
}

void TestCompatApi::listValidation_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("param");
    QTest::newRow("limit over 100") << u"limit=101"_s << u"less_than_equal"_s << u"limit"_s;
    QTest::newRow("page 0") << u"page=0"_s << u"greater_than_equal"_s << u"page"_s;
    QTest::newRow("skip text") << u"skip=x"_s << u"int_parsing"_s << u"skip"_s;
    QTest::newRow("order") << u"order=up"_s << u"string_pattern_mismatch"_s << u"order"_s;
    QTest::newRow("quantization") << u"quantization=fp16"_s << u"enum"_s << u"quantization"_s;
}

void TestCompatApi::listValidation()
{
    QFETCH(QString, query);
    QFETCH(QString, type);
    QFETCH(QString, param);
    const HttpResult r = frontend("GET", kApi + u"/models?"_s + query);
    QCOMPARE(r.status, 422);
    const QJsonObject issue = r.json.value(u"detail"_s).toArray().first().toObject();
    QCOMPARE(issue.value(u"type"_s).toString(), type);
    QCOMPARE(issue.value(u"loc"_s).toArray(), (QJsonArray{u"query"_s, param}));
}

void TestCompatApi::deleteAndUnknownIds()
{
    const QUuid id = idOf(startDownload(u"org/gone"_s, u"FP16"_s));
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    const QString path = kApi + u"/models/"_s + id.toString(QUuid::WithoutBraces);
    const HttpResult del = frontend("DELETE", path);
    QCOMPARE(del.status, 204);
    QVERIFY(del.body.isEmpty());
    const HttpResult get = frontend("GET", path);
    QCOMPARE(get.status, 404);
    QCOMPARE(get.json.value(u"detail"_s).toString(),
             u"Model '%1' not found"_s.arg(id.toString(QUuid::WithoutBraces)));
    // The original's ids are opaque strings: any unknown one is 404, not 400.
    QCOMPARE(frontend("GET", kApi + u"/models/m_1234abcd"_s).json.value(u"detail"_s).toString(),
             u"Model 'm_1234abcd' not found"_s);
    QCOMPARE(frontend("PUT", kApi + u"/models"_s).json.value(u"detail"_s).toString(), u"Method Not Allowed"_s);
    QCOMPARE(frontend("GET", kApi + u"/datasets"_s).json.value(u"detail"_s).toString(), u"Not Found"_s);
}

void TestCompatApi::architectureShape()
{
    h->download->chunkDelayMs = 100;
    const QUuid id = idOf(startDownload(u"org/arch"_s, u"FP16"_s));
    const QString path = kApi + u"/models/%1/architecture"_s.arg(id.toString(QUuid::WithoutBraces));
    const HttpResult early = frontend("GET", path);
    QCOMPARE(early.status, 400);
    QVERIFY(early.json.value(u"detail"_s).toString().contains(u"is not ready yet (status: downloading)"_s));
    h->download->chunkDelayMs = 0;
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    const HttpResult r = frontend("GET", path);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"model_id"_s).toString(), id.toString(QUuid::WithoutBraces));
    QCOMPARE(r.json.value(u"architecture"_s).toString(), u"gpt2"_s);
    QCOMPARE(r.json.value(u"quantization"_s).toString(), u"FP16"_s);
    QCOMPARE(r.json.value(u"params_count"_s).toInteger(), 124439808);
    for (const QString &key : {u"hidden_size"_s, u"num_layers"_s, u"num_attention_heads"_s,
                               u"intermediate_size"_s, u"vocab_size"_s})
        QVERIFY2(r.json.value(key).isDouble(), qPrintable(key));
    QVERIFY(r.json.value(u"layers"_s).isArray());
    QVERIFY(r.json.value(u"architecture_config"_s).isObject());
}

void TestCompatApi::extractionRoutes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("tail");
    QTest::addColumn<int>("status");
    QTest::newRow("active (read on page load)") << QByteArray("GET") << u"/extractions/active"_s << 200;
    QTest::newRow("history") << QByteArray("GET") << u"/extractions"_s << 200;
    QTest::newRow("extract") << QByteArray("POST") << u"/extract-activations"_s << 501;
    QTest::newRow("estimate") << QByteArray("POST") << u"/estimate-extraction"_s << 501;
    QTest::newRow("cancel extraction") << QByteArray("POST") << u"/extractions/ext_1/cancel"_s << 501;
    QTest::newRow("retry extraction") << QByteArray("POST") << u"/extractions/ext_1/retry"_s << 501;
    QTest::newRow("delete extractions") << QByteArray("DELETE") << u"/extractions"_s << 501;
    QTest::newRow("edit metadata") << QByteArray("PATCH") << QString() << 501;
    QTest::newRow("redownload") << QByteArray("POST") << u"/redownload"_s << 501;
}

// Out of scope, answered clearly: a 501 detail, or the true empty answer of the two reads.
void TestCompatApi::extractionRoutes()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, tail);
    QFETCH(int, status);
    const QUuid id = idOf(startDownload(u"org/ext"_s, u"FP16"_s));
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 20000);
    const HttpResult r = frontend(method, kApi + u"/models/"_s + id.toString(QUuid::WithoutBraces) + tail,
                                  method == "GET" || method == "DELETE" ? QByteArray() : "{}");
    QCOMPARE(r.status, status);
    if (status == 501)
        QVERIFY(r.json.value(u"detail"_s).toString().contains(u"is not available on this server"_s));
    else if (tail.endsWith(u"active"_s))
        QCOMPARE(r.json, (QJsonObject{{u"data"_s, QJsonValue(QJsonValue::Null)}}));
    else
        QCOMPARE(r.json.value(u"count"_s).toInt(), 0);
}

// The drop-in mode: the original's paths at the root, the native model routes under /native.
void TestCompatApi::atRootWithNativeBeside()
{
    ServerConfig c = frontendConfig();
    c.compatAtRoot = true;
    h = std::make_unique<ServerHarness>(c);
    const HttpResult d = frontend("POST", u"/api/v1/models/download"_s, R"({"repo_id":"org/root"})");
    QCOMPARE(d.status, 202);
    const HttpResult list = frontend("GET", u"/api/v1/models"_s);
    QVERIFY(list.json.contains(u"pagination"_s));
    QCOMPARE(list.json.value(u"data"_s).toArray().size(), 1);
    const HttpResult native = frontend("GET", u"/native/api/v1/models"_s);
    QCOMPARE(native.status, 200);
    QCOMPARE(native.json.value(u"total"_s).toInt(), 1);
    QVERIFY(native.json.contains(u"items"_s));
    const HttpResult created = frontend("POST", u"/native/api/v1/models"_s, R"({"repo_id":"org/native"})");
    QCOMPARE(created.status, 201);
    QVERIFY(created.header("Location").startsWith("/native/api/v1/models/"));
    QCOMPARE(frontend("GET", u"/api/v1/health"_s).status, 200);
    QCOMPARE(frontend("GET", u"/compat/api/v1/models"_s).status, 404);
}

// Point 8: the browser's Origin on writes must be allowed (--allowed-origin); the refusal is
// FastAPI-shaped on the compat paths, native on the native ones.
void TestCompatApi::originNeedsAllowing()
{
    h = std::make_unique<ServerHarness>(); // no allowed origins
    const QString download = kApi + u"/models/download"_s;
    const HttpResult refused = h->call("POST", download, R"({"repo_id":"org/o"})", {{"Origin", kOrigin}});
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json, (QJsonObject{{u"detail"_s, u"Origin not allowed"_s}}));
    QCOMPARE(h->call("POST", u"/api/v1/models"_s, R"({"repo_id":"org/o"})", {{"Origin", kOrigin}}).errorCode(),
             u"forbidden"_s);
    // Without a browser (no Origin) nothing changes; with the origin allowed the write passes.
    QCOMPARE(h->call("GET", kApi + u"/models"_s).status, 200);
    h = std::make_unique<ServerHarness>(frontendConfig());
    const HttpResult allowed = frontend("POST", download, R"({"repo_id":"org/o"})");
    QCOMPARE(allowed.status, 202);
    QCOMPARE(allowed.header("Access-Control-Allow-Origin"), kOrigin);
}

// Its Socket.IO endpoint goes through the same checks as every request: origin, token (also
// as ?access_token=, which a browser can send), and answers Engine.IO's handshake.
void TestCompatApi::socketIoEndpointChecksAccess()
{
    const QString handshake = u"/ws/socket.io/?EIO=4&transport=polling&t=abc"_s;
    const HttpResult open = frontend("GET", handshake);
    QCOMPARE(open.status, 200);
    QVERIFY2(open.body.startsWith("0{"), open.body.constData());
    QCOMPARE(QJsonDocument::fromJson(open.body.mid(1)).object().value(u"sid"_s).toString().size(), 20);
    QVERIFY(open.header("Content-Type").startsWith("text/plain"));
    QCOMPARE(open.header("Access-Control-Allow-Origin"), kOrigin);
    QCOMPARE(h->call("GET", handshake, {}, {{"Origin", "http://evil.example"}}).status, 403);
    QCOMPARE(h->call("GET", u"/ws/socket.io/?EIO=3&transport=polling"_s).status, 400);

    ServerConfig c = frontendConfig();
    c.requireToken = true;
    c.token = QString(64, u'a');
    h = std::make_unique<ServerHarness>(c);
    QCOMPARE(frontend("GET", handshake).status, 401);
    QCOMPARE(frontend("GET", handshake + u"&access_token="_s + c.token).status, 200);
    QCOMPARE(h->call("GET", kApi + u"/models"_s, {}, {{"Authorization", "Bearer " + c.token.toLatin1()}}).status, 200);
    const HttpResult noToken = frontend("GET", kApi + u"/models"_s);
    QCOMPARE(noToken.status, 401);
    QCOMPARE(noToken.json.value(u"detail"_s).toString(), u"An API token is required"_s);
    QCOMPARE(noToken.header("WWW-Authenticate"), QByteArray("Bearer"));
}

QTEST_GUILESS_MAIN(TestCompatApi)
#include "tst_compatapi.moc"
