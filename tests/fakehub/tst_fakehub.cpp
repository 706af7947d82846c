// The fake Hub's own tests: a plain QNetworkAccessManager against the in-process server, asserting
// the protocol behaviours of hub-protocol.md §6 that are the server's (status codes, headers, Range,
// pagination, errors, faults, request log).

#include "fakehub/fakehub.h"
#include "fakehub/fixtures/safetensorswriter.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QUrl url;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        }
        return {};
    }
    bool has(const QByteArray &name) const
    {
        return std::any_of(headers.cbegin(), headers.cend(),
                           [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray bearer(const char *token)
{
    return "Bearer " + QByteArray(token);
}

} // namespace

class TestFakeHub final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void modelInfo();
    void modelInfoExpandAndRevision();
    void resolveRegularFile();
    void resolveLfsRedirectsToSignedCdn();
    void resolveCacheMode();
    void gzipTextMode();
    void xetMode();
    void cdnRanges_data();
    void cdnRanges();
    void accessMatrix_data();
    void accessMatrix();
    void whoami();
    void renamedRepo();
    void treePagination();
    void treeSubdirectoryAndMissing();
    void pathsInfo_data();
    void pathsInfo();
    void searchPagination();
    void signedUrlExpiry();
    void bigFileIsGeneratedAndRangeable();
    void fixturesAreRealCheckpoints_data();
    void fixturesAreRealCheckpoints();
    void shardedIndex();
    void torchBinIsZipPickle();

    void faultStatusFirstK_data();
    void faultStatusFirstK();
    void faultRateLimitVariants_data();
    void faultRateLimitVariants();
    void faultTruncate();
    void faultStall();
    void faultIgnoreRange();
    void faultShortChunked();
    void faultCorrupt();
    void faultStripHeaders();
    void faultMoveBranch();
    void faultAtOffset();
    void faultReset();
    void throttleBoundsSpeed();
    void cdnDown();

    void strictCdnAuthAndTraceId();
    void hubDown();
    void fixturesDirectory();
    void logRecordsTraffic();
    void controlEndpoint();
    void executablePrintsEndpoint();

private:
    Reply send(const QByteArray &method, const QUrl &url, const Headers &headers = {}, const QByteArray &body = {},
               bool follow = false);
    Reply get(const QString &path, const Headers &headers = {}) { return send("GET", url(path), headers); }
    Reply head(const QString &path, const Headers &headers = {}) { return send("HEAD", url(path), headers); }
    QUrl url(const QString &pathAndQuery) const;

    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

QUrl TestFakeHub::url(const QString &pathAndQuery) const
{
    return QUrl(m_hub->endpoint().toString() + pathAndQuery, QUrl::StrictMode);
}

Reply TestFakeHub::send(const QByteArray &method, const QUrl &target, const Headers &headers, const QByteArray &body, bool follow)
{
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         follow ? QNetworkRequest::NoLessSafeRedirectPolicy : QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("User-Agent", "tst_fakehub/1.0; qt/6");
    for (const auto &[k, v] : headers)
        request.setRawHeader(k, v);
    // QNAM knows HEAD has no body only through head(); a custom "HEAD" would wait for Content-Length bytes
    QNetworkReply *reply = method == "HEAD" ? m_nam->head(request)
                           : method == "GET" ? m_nam->get(request)
                                             : m_nam->sendCustomRequest(request, method, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    r.url = reply->url();
    reply->abort();
    reply->deleteLater();
    return r;
}

void TestFakeHub::initTestCase()
{
    m_hub = std::make_unique<FakeHub>();
    QString error;
    QVERIFY2(m_hub->start(&error), qPrintable(error));
}

void TestFakeHub::init()
{
    // a fresh manager per test so that no keep-alive connection is shared with a faulty one
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_hub->clearFaults();
    m_hub->clearLog();
    m_hub->setSignedUrlTtl(3600);
    m_hub->setCdnBandwidthPerConnection(0);
    m_hub->setRegularFileRedirect(false);
    m_hub->setGzipText(false);
    m_hub->setXetMode(false);
    m_hub->setStrictCdnAuth(false);
    m_hub->setTreePageSize(3);
    m_hub->moveBranch(u"org/tiny-public"_s, u"main"_s, QString::fromLatin1(m_hub->commitOf(u"org/tiny-public"_s, u"main"_s)));
}

void TestFakeHub::modelInfo()
{
    const Reply r = get(u"/api/models/org/tiny-public?blobs=true"_s);
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("application/json"));
    QVERIFY(r.header("X-Request-Id").startsWith("Root=1-"));
    QVERIFY(r.header("RateLimit").startsWith("\"api\";r="));
    const QJsonObject o = r.json().object();
    QCOMPARE(o.value(u"id"_s).toString(), u"org/tiny-public"_s);
    QCOMPARE(o.value(u"sha"_s).toString().toLatin1(), m_hub->commitOf(u"org/tiny-public"_s));
    QCOMPARE(o.value(u"gated"_s), QJsonValue(false));
    QCOMPARE(o.value(u"cardData"_s).toObject().value(u"license"_s).toString(), u"apache-2.0"_s);
    QVERIFY(o.value(u"tags"_s).toArray().contains(u"license:apache-2.0"_s));
    QCOMPARE(o.value(u"config"_s).toObject().value(u"model_type"_s).toString(), u"llama"_s);
    // safetensors{parameters,total} from the real header equals the generator's own count
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "BF16", 1);
    const QJsonObject st = o.value(u"safetensors"_s).toObject();
    QCOMPARE(qint64(st.value(u"total"_s).toDouble()), model.parameterCount());
    QCOMPARE(qint64(st.value(u"parameters"_s).toObject().value(u"BF16"_s).toDouble()), model.parameterCount());
    // blobs=true: size, blobId and lfs{sha256,size,pointerSize}
    bool sawLfs = false;
    const QJsonArray siblings = o.value(u"siblings"_s).toArray();
    for (const auto &s : siblings) {
        const QJsonObject sib = s.toObject();
        const auto info = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, sib.value(u"rfilename"_s).toString());
        QVERIFY(info);
        QCOMPARE(qint64(sib.value(u"size"_s).toDouble()), info->size);
        QCOMPARE(sib.value(u"blobId"_s).toString().toLatin1(), info->gitOid);
        if (info->lfs) {
            sawLfs = true;
            QCOMPARE(sib.value(u"lfs"_s).toObject().value(u"sha256"_s).toString().toLatin1(), info->sha256);
            QVERIFY(sib.value(u"lfs"_s).toObject().value(u"pointerSize"_s).toInt() > 100);
        } else {
            QVERIFY(!sib.contains(u"lfs"_s));
        }
    }
    QVERIFY(sawLfs);
    QCOMPARE(siblings.size(), m_hub->files(u"org/tiny-public"_s).size());
    // without blobs: names only
    const QJsonObject plain = get(u"/api/models/org/tiny-public"_s).json().object();
    QVERIFY(!plain.value(u"siblings"_s).toArray().first().toObject().contains(u"size"_s));
}

void TestFakeHub::modelInfoExpandAndRevision()
{
    const QJsonObject o = get(u"/api/models/org/tiny-public/revision/v1.0?expand=sha&expand[]=safetensors&expand=gated"_s).json().object();
    QCOMPARE(o.value(u"sha"_s).toString().toLatin1(), m_hub->commitOf(u"org/tiny-public"_s, u"v1.0"_s));
    QVERIFY(o.value(u"sha"_s).toString().toLatin1() != m_hub->commitOf(u"org/tiny-public"_s));
    QVERIFY(!o.contains(u"safetensors"_s)); // v1.0 has no weights
    QVERIFY(o.contains(u"gated"_s));
    QVERIFY(!o.contains(u"siblings"_s));
    QVERIFY(o.contains(u"_id"_s));
    // %2F-encoded revision and a commit sha
    const QByteArray sha = m_hub->commitOf(u"org/tiny-public"_s, u"next"_s);
    QCOMPARE(get(u"/api/models/org/tiny-public/revision/"_s + QString::fromLatin1(sha)).json().object().value(u"sha"_s).toString().toLatin1(), sha);
    const Reply missing = get(u"/api/models/org/tiny-public/revision/nope%2Fbranch"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.header("X-Error-Code"), QByteArray("RevisionNotFound"));
}

void TestFakeHub::resolveRegularFile()
{
    const auto info = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, u"config.json"_s);
    QVERIFY(info && !info->lfs);
    const Reply h = head(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(h.status, 200);
    QCOMPARE(h.header("ETag"), '"' + info->gitOid + '"');
    QCOMPARE(h.header("X-Repo-Commit"), info->commit);
    QCOMPARE(h.header("Content-Length").toLongLong(), info->size);
    QCOMPARE(h.header("Accept-Ranges"), QByteArray("bytes"));
    QVERIFY(h.body.isEmpty());
    const Reply g = get(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(g.body, m_hub->fileContent(u"org/tiny-public"_s, u"main"_s, u"config.json"_s));
    // git blob sha1 of the content is the ETag
    QCOMPARE(QCryptographicHash::hash(QByteArray("blob " + QByteArray::number(g.body.size()) + '\0' + g.body), QCryptographicHash::Sha1).toHex(),
             info->gitOid);
    // ranges work on regular files too
    const Reply part = get(u"/org/tiny-public/resolve/main/config.json"_s, {{"Range", "bytes=0-9"}});
    QCOMPARE(part.status, 206);
    QCOMPARE(part.body, g.body.left(10));
}

void TestFakeHub::resolveLfsRedirectsToSignedCdn()
{
    const auto info = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(info && info->lfs);
    const Reply h = head(u"/org/tiny-public/resolve/main/model.safetensors"_s, {{"Authorization", bearer(kUserToken)}});
    QCOMPARE(h.status, 302);
    const QUrl location(QString::fromUtf8(h.header("Location")));
    QCOMPARE(location.host(), u"localhost"_s); // another host than the hub's 127.0.0.1
    QCOMPARE(location.port(), int(m_hub->cdnPort()));
    QVERIFY(location.query().contains(u"sig="_s) && location.query().contains(u"exp="_s));
    QCOMPARE(h.header("X-Linked-Etag"), '"' + info->sha256 + '"');
    QCOMPARE(h.header("X-Linked-Size").toLongLong(), info->size);
    QCOMPARE(h.header("ETag"), '"' + info->gitOid + '"');
    QVERIFY(h.header("ETag") != h.header("X-Linked-Etag"));
    QCOMPARE(h.header("X-Repo-Commit"), info->commit);
    QVERIFY(h.header("Content-Length").toLongLong() != info->size); // the redirect body, not the file
    QVERIFY(h.header("Content-Length").toLongLong() > 0);

    // the GET of the redirect body is the "Found. Redirecting to" text
    const Reply g = get(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(g.status, 302);
    QVERIFY(g.body.startsWith("Found. Redirecting to http://localhost:"));

    const Reply cdn = send("GET", location);
    QCOMPARE(cdn.status, 200);
    QCOMPARE(sha256(cdn.body), info->sha256);
    QCOMPARE(cdn.header("ETag"), '"' + info->sha256 + '"');
    QCOMPARE(cdn.header("Content-Disposition"), QByteArray("attachment; filename=\"model.safetensors\";"));
    QVERIFY(!cdn.has("X-Repo-Commit"));
    QVERIFY(!cdn.has("X-Linked-Size"));
    QVERIFY(!cdn.has("X-Linked-Etag"));

    // a tampered signature is refused
    QUrl bad = location;
    bad.setQuery(location.query().replace(u"sig="_s, u"sig=00"_s));
    QCOMPARE(send("GET", bad).status, 403);
}

void TestFakeHub::resolveCacheMode()
{
    m_hub->setRegularFileRedirect(true);
    const auto info = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, u"config.json"_s);
    const Reply h = head(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(h.status, 307);
    const QByteArray location = h.header("Location");
    QVERIFY(location.startsWith(QByteArray("/api/resolve-cache/models/org/tiny-public/" + info->commit + "/config.json?")));
    // the client repeats the HEAD with only the path of the Location: must not depend on the query
    const QString pathOnly = QString::fromLatin1(location.left(location.indexOf('?')));
    const Reply h2 = head(pathOnly);
    QCOMPARE(h2.status, 200);
    QCOMPARE(h2.header("ETag"), '"' + info->gitOid + '"');
    QCOMPARE(h2.header("X-Repo-Commit"), info->commit);
    QCOMPARE(h2.header("Content-Length").toLongLong(), info->size);
}

void TestFakeHub::gzipTextMode()
{
    m_hub->setGzipText(true);
    const QByteArray content = m_hub->fileContent(u"org/tiny-public"_s, u"main"_s, u"tokenizer.json"_s);
    // QNAM asks for gzip by itself and inflates: proves the stream is valid gzip (header, CRC, size)
    const Reply r = get(u"/org/tiny-public/resolve/main/tokenizer.json"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, content);
    QVERIFY(!r.has("Content-Length"));
    QCOMPARE(m_hub->log().last().contentLength < content.size(), true); // compressed on the wire
    // identity requested (as a HEAD for metadata should): plain, with Content-Length
    const Reply identity = head(u"/org/tiny-public/resolve/main/tokenizer.json"_s, {{"Accept-Encoding", "identity"}});
    QCOMPARE(identity.header("Content-Length").toLongLong(), qint64(content.size()));
    // binary files are never compressed
    const Reply raw = get(u"/org/tiny-public/resolve/main/.gitattributes"_s, {{"Accept-Encoding", "gzip"}});
    QVERIFY(!raw.has("Content-Encoding"));
    m_hub->setGzipText(false);
}

void TestFakeHub::xetMode()
{
    QCOMPARE(get(u"/api/models/org/tiny-public/xet-read-token/main"_s).status, 501);
    m_hub->setXetMode(true);
    const Reply h = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(h.status, 302); // the plain-HTTP Location still works
    QCOMPARE(h.header("X-Xet-Hash").size(), 64);
    QVERIFY(h.header("Link").contains("rel=\"xet-auth\""));
    QVERIFY(h.header("Link").contains("rel=\"xet-reconstruction-info\""));
    m_hub->setTreePageSize(100);
    const QJsonArray tree = get(u"/api/models/org/tiny-public/tree/main"_s).json().array();
    m_hub->setTreePageSize(3);
    bool sawXet = false;
    for (const auto &e : tree) {
        if (e.toObject().value(u"path"_s).toString() == u"model.safetensors"_s)
            sawXet = e.toObject().value(u"xetHash"_s).toString().toLatin1() == h.header("X-Xet-Hash");
    }
    QVERIFY(sawXet);
    const Reply token = get(u"/api/models/org/tiny-public/xet-read-token/main"_s);
    QCOMPARE(token.status, 200);
    QVERIFY(token.json().object().contains(u"accessToken"_s));
    QCOMPARE(get(u"/api/models/org/gated-manual/xet-read-token/main"_s).status, 401);
    m_hub->setXetMode(false);
}

void TestFakeHub::cdnRanges_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last"); // -1: size - 1
    QTest::newRow("a-b") << QByteArray("bytes=10-99") << 206 << qint64(10) << qint64(99);
    QTest::newRow("probe 0-0") << QByteArray("bytes=0-0") << 206 << qint64(0) << qint64(0);
    QTest::newRow("a-") << QByteArray("bytes=1000-") << 206 << qint64(1000) << qint64(-1);
    QTest::newRow("suffix -n") << QByteArray("bytes=-100") << 206 << qint64(-100) << qint64(-1);
    QTest::newRow("clamped end = size") << QByteArray("bytes=5-SIZE") << 206 << qint64(5) << qint64(-1);
    QTest::newRow("start >= size") << QByteArray("bytes=SIZE-") << 416 << qint64(0) << qint64(0);
    QTest::newRow("multi-range -> full") << QByteArray("bytes=0-1,5-6") << 200 << qint64(0) << qint64(-1);
    QTest::newRow("no range") << QByteArray() << 200 << qint64(0) << qint64(-1);
}

void TestFakeHub::cdnRanges()
{
    QFETCH(QByteArray, range);
    QFETCH(int, status);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    const QByteArray content = m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s);
    const qint64 size = content.size();
    range.replace("SIZE", QByteArray::number(size));
    if (first < 0)
        first += size;
    if (last < 0)
        last = size - 1;
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    Headers headers;
    if (!range.isEmpty())
        headers.append({"Range", range});
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("HEAD")}) {
        const Reply r = send(method, location, headers);
        QCOMPARE(r.status, status);
        if (status == 416) {
            QCOMPARE(r.header("Content-Range"), "bytes */" + QByteArray::number(size));
            continue;
        }
        QCOMPARE(r.header("Content-Length").toLongLong(), last - first + 1);
        QCOMPARE(r.header("Accept-Ranges"), QByteArray("bytes"));
        if (status == 206)
            QCOMPARE(r.header("Content-Range"), "bytes " + QByteArray::number(first) + '-' + QByteArray::number(last) + '/' + QByteArray::number(size));
        else
            QVERIFY(!r.has("Content-Range"));
        if (method == "GET")
            QCOMPARE(r.body, content.mid(first, last - first + 1));
        else
            QVERIFY(r.body.isEmpty());
    }
}

void TestFakeHub::accessMatrix_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("errorCode");
    QTest::addColumn<QString>("message"); // substring of X-Error-Message

    const QString gated = u"/org/gated-manual/resolve/main/config.json"_s;
    const QString priv = u"/org/private/resolve/main/config.json"_s;
    QTest::newRow("missing repo, anonymous") << u"/org/nope/resolve/main/config.json"_s << QByteArray() << 401 << QByteArray("RepoNotFound") << u"Repository not found"_s;
    QTest::newRow("missing repo, token") << u"/org/nope/resolve/main/config.json"_s << QByteArray(kUserToken) << 404 << QByteArray("RepoNotFound") << u"Repository not found"_s;
    QTest::newRow("private, anonymous") << priv << QByteArray() << 401 << QByteArray("RepoNotFound") << u"Repository not found"_s;
    QTest::newRow("private, other user") << priv << QByteArray(kUserToken) << 404 << QByteArray("RepoNotFound") << u"Repository not found"_s;
    QTest::newRow("private, reader") << priv << QByteArray(kApprovedToken) << 200 << QByteArray() << QString();
    QTest::newRow("private api, anonymous") << u"/api/models/org/private"_s << QByteArray() << 401 << QByteArray("RepoNotFound") << u"Repository not found"_s;
    QTest::newRow("gated, anonymous") << gated << QByteArray() << 401 << QByteArray("GatedRepo") << u"Please log in."_s;
    QTest::newRow("gated, not approved") << gated << QByteArray(kUserToken) << 403 << QByteArray("GatedRepo") << u"not in the authorized list"_s;
    QTest::newRow("gated, approved") << gated << QByteArray(kApprovedToken) << 200 << QByteArray() << QString();
    QTest::newRow("gated lfs, approved") << u"/org/gated-manual/resolve/main/model.safetensors"_s << QByteArray(kApprovedToken) << 302 << QByteArray() << QString();
    QTest::newRow("gated metadata is public") << u"/api/models/org/gated-manual"_s << QByteArray() << 200 << QByteArray() << QString();
    QTest::newRow("gated tree is public") << u"/api/models/org/gated-manual/tree/main"_s << QByteArray() << 200 << QByteArray() << QString();
    QTest::newRow("gated auth-check, anonymous") << u"/api/models/org/gated-manual/auth-check"_s << QByteArray() << 401 << QByteArray("GatedRepo") << u"Please log in."_s;
    QTest::newRow("gated auth-check, not approved") << u"/api/models/org/gated-auto/auth-check"_s << QByteArray(kUserToken) << 403 << QByteArray("GatedRepo") << u"not in the authorized list"_s;
    QTest::newRow("public auth-check") << u"/api/models/org/tiny-public/auth-check"_s << QByteArray() << 200 << QByteArray() << QString();
    QTest::newRow("disabled") << u"/org/disabled/resolve/main/config.json"_s << QByteArray() << 403 << QByteArray() << u"Access to this resource is disabled."_s;
    QTest::newRow("invalid token, resolve") << u"/org/tiny-public/resolve/main/config.json"_s << QByteArray("hf_wrong") << 401 << QByteArray() << u"Invalid credentials in Authorization header"_s;
    QTest::newRow("invalid token, api") << u"/api/models/org/tiny-public"_s << QByteArray("hf_wrong") << 401 << QByteArray() << u"Invalid credentials in Authorization header"_s;
    QTest::newRow("unknown revision") << u"/org/tiny-public/resolve/nope/config.json"_s << QByteArray() << 404 << QByteArray("RevisionNotFound") << u"Invalid rev id: nope"_s;
    QTest::newRow("unknown file") << u"/org/tiny-public/resolve/main/nope.json"_s << QByteArray() << 404 << QByteArray("EntryNotFound") << u"nope.json"_s;
}

void TestFakeHub::accessMatrix()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, token);
    QFETCH(int, status);
    QFETCH(QByteArray, errorCode);
    QFETCH(QString, message);
    Headers headers;
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token});
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("HEAD")}) {
        const Reply r = send(method, url(path), headers);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("X-Error-Code"), errorCode);
        QVERIFY2(QString::fromUtf8(r.header("X-Error-Message")).contains(message), r.header("X-Error-Message").constData());
        QVERIFY(r.header("X-Request-Id").startsWith("Root=1-"));
        if (method == "GET" && !message.isEmpty())
            QVERIFY(r.json().object().value(u"error"_s).toString().contains(message));
        if (errorCode == "EntryNotFound")
            QCOMPARE(r.header("X-Repo-Commit"), m_hub->commitOf(u"org/tiny-public"_s));
    }
}

void TestFakeHub::whoami()
{
    const Reply ok = get(u"/api/whoami-v2"_s, {{"Authorization", bearer(kUserToken)}});
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.json().object().value(u"name"_s).toString(), u"alice"_s);
    QCOMPARE(ok.json().object().value(u"type"_s).toString(), u"user"_s);
    const Reply bad = get(u"/api/whoami-v2"_s, {{"Authorization", "Bearer hf_nope"}});
    QCOMPARE(bad.status, 401);
    QCOMPARE(bad.header("X-Error-Message"), QByteArray("Invalid credentials in Authorization header"));
    QCOMPARE(get(u"/api/whoami-v2"_s).status, 401);
}

void TestFakeHub::renamedRepo()
{
    for (const QString &old : {u"old-name"_s, u"org/old-name"_s}) {
        const Reply r = head(u"/"_s + old + u"/resolve/main/config.json"_s, {{"Authorization", bearer(kUserToken)}});
        QCOMPARE(r.status, 307);
        QCOMPARE(r.header("Location"), QByteArray("/org/new-name/resolve/main/config.json")); // relative
        const Reply g = get(u"/"_s + old + u"/resolve/main/config.json"_s);
        QVERIFY(g.body.startsWith("Temporary Redirect. Redirecting to /org/new-name/resolve/main/config.json"));
    }
    // followed on the same host, the token is kept and the file is served
    m_hub->clearLog();
    const Reply followed = send("GET", url(u"/old-name/resolve/main/config.json"_s), {{"Authorization", bearer(kUserToken)}}, {}, true);
    QCOMPARE(followed.status, 200);
    QCOMPARE(followed.body, m_hub->fileContent(u"org/new-name"_s, u"main"_s, u"config.json"_s));
    const QList<LogEntry> log = m_hub->log();
    QVERIFY(log.size() >= 2);
    QCOMPARE(log.last().path, u"/org/new-name/resolve/main/config.json"_s);
    for (const LogEntry &e : log)
        QVERIFY(e.authorization);
    // API routes of the old id redirect as well
    const Reply api = get(u"/api/models/old-name/revision/main?expand=sha"_s);
    QCOMPARE(api.status, 307);
    QCOMPARE(api.header("Location"), QByteArray("/api/models/org/new-name/revision/main?expand=sha"));
}

void TestFakeHub::treePagination()
{
    QSet<QString> paths;
    int pages = 0;
    QUrl next = url(u"/api/models/org/tiny-public/tree/main?recursive=True&expand=false"_s);
    while (next.isValid() && pages < 50) {
        const Reply r = send("GET", next);
        QCOMPARE(r.status, 200);
        const QJsonArray page = r.json().array();
        QVERIFY(page.size() <= 3);
        for (const auto &e : page)
            QVERIFY2(!paths.contains(e.toObject().value(u"path"_s).toString()), "an entry came twice");
        for (const auto &e : page)
            paths.insert(e.toObject().value(u"path"_s).toString());
        ++pages;
        const QByteArray link = r.header("Link");
        next = link.isEmpty() ? QUrl() : QUrl(QString::fromUtf8(link.mid(1, link.indexOf('>') - 1)));
        if (!link.isEmpty())
            QVERIFY(link.endsWith("; rel=\"next\""));
    }
    QSet<QString> expected{u"onnx"_s};
    const QList<FileInfo> files = m_hub->files(u"org/tiny-public"_s);
    for (const FileInfo &f : files)
        expected.insert(f.path);
    QCOMPARE(paths, expected);
    QVERIFY(pages >= 4);
    // entries: LFS files carry lfs{oid,size,pointerSize}, oid is the git id
    m_hub->setTreePageSize(100);
    const QJsonArray all = get(u"/api/models/org/tiny-public/tree/main?recursive=true&expand=true"_s).json().array();
    m_hub->setTreePageSize(3);
    bool sawDir = false;
    for (const auto &v : all) {
        const QJsonObject e = v.toObject();
        if (e.value(u"type"_s).toString() == u"directory"_s) {
            sawDir = true;
            continue;
        }
        const auto info = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, e.value(u"path"_s).toString());
        QCOMPARE(e.value(u"oid"_s).toString().toLatin1(), info->gitOid);
        QCOMPARE(qint64(e.value(u"size"_s).toDouble()), info->size);
        QCOMPARE(e.contains(u"lfs"_s), info->lfs);
        if (info->lfs)
            QCOMPARE(e.value(u"lfs"_s).toObject().value(u"oid"_s).toString().toLatin1(), info->sha256);
        QCOMPARE(e.value(u"lastCommit"_s).toObject().value(u"id"_s).toString().toLatin1(), info->commit);
    }
    QVERIFY(sawDir);
}

void TestFakeHub::treeSubdirectoryAndMissing()
{
    m_hub->setTreePageSize(100);
    const QJsonArray root = get(u"/api/models/org/tiny-public/tree/main"_s).json().array();
    const QJsonArray sub = get(u"/api/models/org/tiny-public/tree/main/onnx"_s).json().array();
    m_hub->setTreePageSize(3);
    QStringList rootPaths;
    for (const auto &e : root)
        rootPaths.append(e.toObject().value(u"path"_s).toString());
    QVERIFY(rootPaths.contains(u"onnx"_s));
    QVERIFY(!rootPaths.contains(u"onnx/model.onnx"_s)); // not recursive
    QCOMPARE(sub.size(), 1);
    QCOMPARE(sub.first().toObject().value(u"path"_s).toString(), u"onnx/model.onnx"_s);
    QCOMPARE(get(u"/api/models/org/tiny-public/tree/main/nowhere"_s).status, 404);
}

void TestFakeHub::pathsInfo_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                          << QByteArray("paths=config.json&paths=model.safetensors&paths=missing.txt&paths=onnx&expand=True");
    QTest::newRow("json") << QByteArray("application/json")
                          << QByteArray(R"({"paths":["config.json","model.safetensors","missing.txt","onnx"],"expand":true})");
}

void TestFakeHub::pathsInfo()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const Reply r = send("POST", url(u"/api/models/org/tiny-public/paths-info/main"_s), {{"Content-Type", contentType}}, body);
    QCOMPARE(r.status, 200);
    const QJsonArray entries = r.json().array();
    QCOMPARE(entries.size(), 3); // the missing path is left out
    QMap<QString, QJsonObject> byPath;
    for (const auto &e : entries)
        byPath.insert(e.toObject().value(u"path"_s).toString(), e.toObject());
    QCOMPARE(byPath.value(u"onnx"_s).value(u"type"_s).toString(), u"directory"_s);
    const auto st = m_hub->fileInfo(u"org/tiny-public"_s, u"main"_s, u"model.safetensors"_s);
    QCOMPARE(byPath.value(u"model.safetensors"_s).value(u"lfs"_s).toObject().value(u"oid"_s).toString().toLatin1(), st->sha256);
    QVERIFY(byPath.value(u"config.json"_s).contains(u"lastCommit"_s));
}

void TestFakeHub::searchPagination()
{
    QStringList ids;
    QUrl next = url(u"/api/models?search=TINY&limit=2"_s);
    int pages = 0;
    while (next.isValid() && pages < 20) {
        const Reply r = send("GET", next);
        QCOMPARE(r.status, 200);
        const QJsonArray page = r.json().array();
        QVERIFY(page.size() <= 2);
        for (const auto &e : page) {
            ids.append(e.toObject().value(u"id"_s).toString());
            QVERIFY(!e.toObject().contains(u"siblings"_s));
        }
        ++pages;
        const QByteArray link = r.header("Link");
        next = link.isEmpty() ? QUrl() : QUrl(QString::fromUtf8(link.mid(1, link.indexOf('>') - 1)));
    }
    QStringList expected;
    const QStringList all = m_hub->repoIds();
    for (const QString &id : all) {
        if (id.contains(u"tiny"_s))
            expected.append(id);
    }
    ids.sort();
    QCOMPARE(ids, expected);
    QVERIFY(pages >= 3);
    // private repos are listed only for readers; expand picks the keys
    const auto listed = [this](const Headers &h) {
        QStringList out;
        const QJsonArray list = send("GET", url(u"/api/models?author=org&expand=private&expand=downloads"_s), h).json().array();
        for (const auto &e : list) {
            out.append(e.toObject().value(u"id"_s).toString());
            if (!e.toObject().contains(u"downloads"_s) || e.toObject().contains(u"tags"_s))
                return QStringList{u"bad expand"_s};
        }
        return out;
    };
    QVERIFY(!listed({}).contains(u"org/private"_s));
    QVERIFY(listed({{"Authorization", bearer(kApprovedToken)}}).contains(u"org/private"_s));
    QVERIFY(!listed({}).contains(u"bad expand"_s));
}

void TestFakeHub::signedUrlExpiry()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", location, {{"Range", "bytes=0-0"}}).status, 206);
    m_hub->expireSignedUrls();
    const Reply expired = send("GET", location, {{"Range", "bytes=0-0"}});
    QCOMPARE(expired.status, 403);
    QVERIFY(expired.body.contains("<Code>AccessDenied</Code>"));
    QVERIFY(expired.body.contains("Request has expired"));
    // a fresh HEAD gives a URL that works again
    const QUrl fresh(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", fresh, {{"Range", "bytes=0-0"}}).status, 206);
    // a TTL in the past: expired at once
    m_hub->setSignedUrlTtl(-10);
    const QUrl past(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", past).status, 403);
}

void TestFakeHub::bigFileIsGeneratedAndRangeable()
{
    const auto info = m_hub->fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(info && info->lfs);
    QVERIFY(info->size >= 60LL * 1000 * 1000);
    const Reply h = head(u"/org/big/resolve/main/model.safetensors"_s);
    QCOMPARE(h.header("X-Linked-Size").toLongLong(), info->size);
    const QUrl location(QString::fromUtf8(h.header("Location")));
    // reading it in ranges gives the same sha256 as the Hub advertises
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 chunk = 16LL * 1024 * 1024;
    for (qint64 pos = 0; pos < info->size; pos += chunk) {
        const qint64 last = std::min(info->size, pos + chunk) - 1;
        const Reply r = send("GET", location, {{"Range", "bytes=" + QByteArray::number(pos) + '-' + QByteArray::number(last)}});
        QCOMPARE(r.status, 206);
        QCOMPARE(qint64(r.body.size()), last - pos + 1);
        hash.addData(r.body);
    }
    QCOMPARE(hash.result().toHex(), info->sha256);
    QCOMPARE(m_hub->bytesServed(Listener::Cdn), info->size);
    // the header is a valid safetensors header
    QMap<QString, qint64> counts;
    const Reply start = send("GET", location, {{"Range", "bytes=0-100000"}});
    QVERIFY(countSafetensorsParameters(start.body, &counts));
    QCOMPARE(counts.value(u"BF16"_s) * 2, info->size - 8 - qint64(qFromLittleEndian<quint64>(start.body.constData())));
    // the `next` branch has different content
    QVERIFY(m_hub->fileInfo(u"org/big"_s, u"next"_s, u"model.safetensors"_s)->sha256 != info->sha256);
}

void TestFakeHub::fixturesAreRealCheckpoints_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<int>("family");
    QTest::addColumn<QByteArray>("dtype");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<QStringList>("mustHave");
    QTest::addColumn<QStringList>("mustNotHave");
    using F = TinyModel::Family;
    QTest::newRow("llama") << u"org/tiny-public"_s << int(F::Llama) << QByteArray("BF16") << quint64(1)
                           << QStringList{u"lm_head.weight"_s, u"model.layers.1.mlp.down_proj.weight"_s} << QStringList{u"model.layers.0.self_attn.q_proj.bias"_s};
    QTest::newRow("gpt2 conv1d, tied") << u"org/tiny-gpt2"_s << int(F::Gpt2) << QByteArray("F32") << quint64(2)
                                       << QStringList{u"transformer.h.0.attn.c_attn.weight"_s} << QStringList{u"lm_head.weight"_s};
    QTest::newRow("gemma2 tied") << u"org/tiny-gemma2"_s << int(F::Gemma2) << QByteArray("BF16") << quint64(3)
                                 << QStringList{u"model.layers.0.pre_feedforward_layernorm.weight"_s} << QStringList{u"lm_head.weight"_s};
    QTest::newRow("qwen2 qkv bias") << u"org/tiny-qwen2"_s << int(F::Qwen2) << QByteArray("BF16") << quint64(4)
                                    << QStringList{u"model.layers.0.self_attn.q_proj.bias"_s, u"model.layers.1.self_attn.v_proj.bias"_s} << QStringList{};
    QTest::newRow("gpt_neox") << u"org/tiny-neox"_s << int(F::GptNeox) << QByteArray("F16") << quint64(5)
                              << QStringList{u"gpt_neox.layers.0.attention.query_key_value.weight"_s, u"embed_out.weight"_s} << QStringList{};
}

void TestFakeHub::fixturesAreRealCheckpoints()
{
    QFETCH(QString, repo);
    QFETCH(int, family);
    QFETCH(QByteArray, dtype);
    QFETCH(quint64, seed);
    QFETCH(QStringList, mustHave);
    QFETCH(QStringList, mustNotHave);
    const TinyModel model = TinyModel::make(TinyModel::Family(family), dtype, seed);
    const QByteArray file = m_hub->fileContent(repo, u"main"_s, u"model.safetensors"_s);
    const quint64 n = qFromLittleEndian<quint64>(file.constData());
    QCOMPARE(n % 8, quint64(0));
    const QJsonObject header = QJsonDocument::fromJson(file.mid(8, qsizetype(n))).object();
    QCOMPARE(header.size() - 1, model.tensors.size()); // + __metadata__
    qint64 dataEnd = 0;
    for (const TensorSpec &t : model.tensors) {
        const QJsonObject e = header.value(t.name).toObject();
        QCOMPARE(e.value(u"dtype"_s).toString().toLatin1(), dtype);
        const QJsonArray offsets = e.value(u"data_offsets"_s).toArray();
        const qint64 begin = qint64(offsets[0].toDouble());
        const qint64 end = qint64(offsets[1].toDouble());
        QCOMPARE(end - begin, t.bytes());
        // the bytes at the offsets are the generator's values
        QCOMPARE(file.mid(qsizetype(8 + n + begin), end - begin), model.tensorData(t));
        dataEnd = std::max(dataEnd, end);
    }
    QCOMPARE(qint64(file.size()), qint64(8 + n) + dataEnd);
    for (const QString &name : mustHave)
        QVERIFY2(header.contains(name), qPrintable(name));
    for (const QString &name : mustNotHave)
        QVERIFY2(!header.contains(name), qPrintable(name));
    // config.json, tokenizer files, README with a license
    const QJsonObject config = QJsonDocument::fromJson(m_hub->fileContent(repo, u"main"_s, u"config.json"_s)).object();
    QCOMPARE(config.value(u"model_type"_s).toString(), TinyModel::modelType(TinyModel::Family(family)));
    QVERIFY(QJsonDocument::fromJson(m_hub->fileContent(repo, u"main"_s, u"tokenizer.json"_s)).object().contains(u"model"_s));
    QVERIFY(QJsonDocument::fromJson(m_hub->fileContent(repo, u"main"_s, u"tokenizer_config.json"_s)).isObject());
    QVERIFY(QJsonDocument::fromJson(m_hub->fileContent(repo, u"main"_s, u"generation_config.json"_s)).isObject());
    QVERIFY(m_hub->fileContent(repo, u"main"_s, u"README.md"_s).startsWith(QByteArray("---\nlicense: " + model.license.toUtf8() + '\n')));
    // the Hub's safetensors field agrees with the generator
    const QJsonObject st = get(u"/api/models/"_s + repo + u"?expand=safetensors"_s).json().object().value(u"safetensors"_s).toObject();
    QCOMPARE(qint64(st.value(u"total"_s).toDouble()), model.parameterCount());
}

void TestFakeHub::shardedIndex()
{
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "BF16", 7);
    const QJsonObject index = QJsonDocument::fromJson(m_hub->fileContent(u"org/tiny-sharded"_s, u"main"_s, u"model.safetensors.index.json"_s)).object();
    const QJsonObject map = index.value(u"weight_map"_s).toObject();
    QCOMPARE(map.size(), model.tensors.size());
    QSet<QString> shards;
    for (auto it = map.begin(); it != map.end(); ++it)
        shards.insert(it.value().toString());
    QCOMPARE(shards, (QSet<QString>{u"model-00001-of-00003.safetensors"_s, u"model-00002-of-00003.safetensors"_s,
                                     u"model-00003-of-00003.safetensors"_s}));
    qint64 total = 0;
    for (const TensorSpec &t : model.tensors)
        total += t.bytes();
    QCOMPARE(qint64(index.value(u"metadata"_s).toObject().value(u"total_size"_s).toDouble()), total);
    QMap<QString, qint64> counts;
    for (const QString &s : std::as_const(shards)) {
        const QByteArray file = m_hub->fileContent(u"org/tiny-sharded"_s, u"main"_s, s);
        QVERIFY(countSafetensorsParameters(file, &counts));
    }
    QCOMPARE(counts.value(u"BF16"_s), model.parameterCount());
    const QJsonObject st = get(u"/api/models/org/tiny-sharded?expand=safetensors"_s).json().object().value(u"safetensors"_s).toObject();
    QCOMPARE(qint64(st.value(u"total"_s).toDouble()), model.parameterCount());
    QVERIFY(!m_hub->fileInfo(u"org/tiny-sharded"_s, u"main"_s, u"model.safetensors"_s));
}

void TestFakeHub::torchBinIsZipPickle()
{
    const QByteArray bin = m_hub->fileContent(u"org/tiny-bin"_s, u"main"_s, u"pytorch_model.bin"_s);
    QVERIFY(bin.startsWith("PK\x03\x04"));
    QVERIFY(!m_hub->fileInfo(u"org/tiny-bin"_s, u"main"_s, u"model.safetensors"_s));
    // end of central directory: entry count, central directory location
    const qsizetype eocd = bin.lastIndexOf("PK\x05\x06");
    QVERIFY(eocd > 0);
    const quint16 entries = qFromLittleEndian<quint16>(bin.constData() + eocd + 10);
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "F32", 8);
    QCOMPARE(int(entries), int(model.tensors.size()) + 3); // data.pkl, byteorder, version
    // walk the local headers: names, stored (uncompressed) data aligned to 64 bytes, contents
    qsizetype pos = 0;
    QStringList names;
    QByteArray pickle;
    for (int i = 0; i < entries; ++i) {
        QCOMPARE(qFromLittleEndian<quint32>(bin.constData() + pos), quint32(0x04034b50));
        QCOMPARE(qFromLittleEndian<quint16>(bin.constData() + pos + 8), quint16(0)); // stored
        const quint32 size = qFromLittleEndian<quint32>(bin.constData() + pos + 18);
        const quint16 nameLen = qFromLittleEndian<quint16>(bin.constData() + pos + 26);
        const quint16 extraLen = qFromLittleEndian<quint16>(bin.constData() + pos + 28);
        const QString name = QString::fromUtf8(bin.mid(pos + 30, nameLen));
        const qsizetype data = pos + 30 + nameLen + extraLen;
        QCOMPARE(data % 64, 0);
        names.append(name);
        if (name == u"archive/data.pkl"_s)
            pickle = bin.mid(data, size);
        if (name.startsWith(u"archive/data/"_s)) {
            const int index = name.mid(13).toInt();
            QCOMPARE(bin.mid(data, size), model.tensorData(model.tensors[index]));
        }
        pos = data + size;
    }
    QVERIFY(names.contains(u"archive/version"_s));
    QVERIFY(names.contains(u"archive/byteorder"_s));
    QVERIFY(pickle.startsWith("\x80\x02" "ccollections\nOrderedDict\n"));
    QVERIFY(pickle.endsWith("u."));
    QVERIFY(pickle.contains("ctorch._utils\n_rebuild_tensor_v2\n"));
    QVERIFY(pickle.contains("ctorch\nFloatStorage\n"));
    QVERIFY(pickle.contains("model.layers.0.self_attn.q_proj.weight"));
}

// ---------------------------------------------------------------- faults

void TestFakeHub::faultStatusFirstK_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("k");
    QTest::newRow("500 x1") << 500 << 1;
    QTest::newRow("502 x2") << 502 << 2;
    QTest::newRow("503 x3") << 503 << 3;
    QTest::newRow("504 x1") << 504 << 1;
    QTest::newRow("408 x2") << 408 << 2;
}

void TestFakeHub::faultStatusFirstK()
{
    QFETCH(int, status);
    QFETCH(int, k);
    Fault f;
    f.kind = Fault::Kind::Status;
    f.status = status;
    f.times = k;
    f.pathContains = u"/resolve/"_s;
    m_hub->addFault(f);
    QCOMPARE(get(u"/api/models/org/tiny-public?expand=sha"_s).status, 200); // not matched
    for (int i = 0; i < k; ++i)
        QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, status);
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
    QCOMPARE(m_hub->faults().first().fired, k);
}

void TestFakeHub::faultRateLimitVariants_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("RateLimit header") << int(Fault::Kind::RateLimit);
    QTest::newRow("Retry-After seconds") << int(Fault::Kind::RetryAfter);
    QTest::newRow("Retry-After date") << int(Fault::Kind::RetryAfterDate);
}

void TestFakeHub::faultRateLimitVariants()
{
    QFETCH(int, kind);
    Fault f;
    f.kind = Fault::Kind(kind);
    f.seconds = 3;
    f.listener = Listener::Hub;
    m_hub->addFault(f);
    const Reply r = head(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(r.status, 429);
    switch (f.kind) {
    case Fault::Kind::RateLimit:
        QCOMPARE(r.header("RateLimit"), QByteArray("\"resolvers\";r=0;t=3"));
        QCOMPARE(r.header("RateLimit-Policy"), QByteArray("\"fixed window\";\"resolvers\";q=3000;w=300"));
        QVERIFY(!r.has("Retry-After"));
        break;
    case Fault::Kind::RetryAfter:
        QCOMPARE(r.header("Retry-After"), QByteArray("3"));
        QVERIFY(!r.has("RateLimit"));
        break;
    default: {
        QVERIFY(!r.has("RateLimit"));
        const QByteArray date = r.header("Retry-After");
        QVERIFY2(date.endsWith(" GMT") && date.contains(','), date.constData());
        break;
    }
    }
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
}

void TestFakeHub::faultTruncate()
{
    Fault f;
    f.kind = Fault::Kind::Truncate;
    f.listener = Listener::Cdn;
    f.afterBytes = 1000;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    // The connection closed after 1000 of Content-Length bytes. Qt 6.4's QNAM does not always flag
    // this as an error (it may finish with NoError), so clients must compare sizes themselves.
    QCOMPARE(r.body.size(), 1000);
    QVERIFY(r.header("Content-Length").toLongLong() > 1000);
    const LogEntry e = m_hub->log().last();
    QCOMPARE(e.bodyBytes, 1000);
    QVERIFY(e.contentLength > 1000);
    QCOMPARE(e.faults, QStringList{u"truncate"_s});
    // the client resumes with a Range from where it stopped
    const Reply rest = send("GET", location, {{"Range", "bytes=1000-"}});
    QCOMPARE(rest.status, 206);
    QCOMPARE(r.body + rest.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s));
}

void TestFakeHub::faultStall()
{
    Fault f;
    f.kind = Fault::Kind::Stall;
    f.listener = Listener::Cdn;
    f.afterBytes = 500;
    f.stallMs = 300;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    QNetworkRequest request(location);
    QNetworkReply *reply = m_nam->get(request);
    QByteArray got;
    connect(reply, &QNetworkReply::readyRead, reply, [&] { got += reply->readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), 500, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000); // closed after the stall
    got += reply->readAll();
    QCOMPARE(got.size(), 500);
    QVERIFY(reply->rawHeader("Content-Length").toLongLong() > 500);
    delete reply;
    const QList<LogEntry> log = m_hub->log();
    const auto stalled = std::find_if(log.cbegin(), log.cend(), [](const LogEntry &e) { return e.faults == QStringList{u"stall"_s}; });
    QVERIFY(stalled != log.cend());
    QCOMPARE(stalled->bodyBytes, 500);
}

void TestFakeHub::faultIgnoreRange()
{
    Fault f;
    f.kind = Fault::Kind::IgnoreRange;
    f.listener = Listener::Cdn;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location, {{"Range", "bytes=100-199"}});
    QCOMPARE(r.status, 200);
    QVERIFY(!r.has("Content-Range"));
    QCOMPARE(r.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s));
}

void TestFakeHub::faultShortChunked()
{
    Fault f;
    f.kind = Fault::Kind::ShortChunked;
    f.listener = Listener::Cdn;
    f.afterBytes = 4096;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.error, QNetworkReply::NoError); // well framed: only a size check can tell
    QVERIFY(!r.has("Content-Length"));
    QCOMPARE(r.header("Transfer-Encoding"), QByteArray("chunked"));
    QCOMPARE(r.body, m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s).left(4096));
}

void TestFakeHub::faultCorrupt()
{
    Fault f;
    f.kind = Fault::Kind::Corrupt;
    f.listener = Listener::Cdn;
    f.afterBytes = 12345;
    m_hub->addFault(f);
    const auto info = m_hub->fileInfo(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply r = send("GET", location);
    QCOMPARE(r.status, 200);
    QCOMPARE(qint64(r.body.size()), info->size);
    QVERIFY(sha256(r.body) != info->sha256);
    const QByteArray good = m_hub->fileContent(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s);
    QCOMPARE(r.body.left(12345), good.left(12345));
    QVERIFY(r.body[12345] != good[12345]);
    QCOMPARE(sha256(send("GET", location).body), info->sha256); // fired once
}

void TestFakeHub::faultStripHeaders()
{
    Fault f;
    f.kind = Fault::Kind::StripHeaders;
    f.method = "HEAD";
    f.times = -1;
    m_hub->addFault(f);
    const Reply r = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(r.status, 302);
    QVERIFY(!r.has("X-Repo-Commit"));
    QVERIFY(r.has("X-Linked-Size"));
    m_hub->clearFaults();
    f.headers = QStringList{u"X-Linked-Size"_s, u"X-Linked-Etag"_s};
    m_hub->addFault(f);
    const Reply r2 = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QVERIFY(r2.has("X-Repo-Commit"));
    QVERIFY(!r2.has("X-Linked-Size"));
    QVERIFY(!r2.has("X-Linked-Etag"));
}

void TestFakeHub::faultMoveBranch()
{
    const QByteArray before = m_hub->commitOf(u"org/tiny-public"_s, u"main"_s);
    const QByteArray next = m_hub->commitOf(u"org/tiny-public"_s, u"next"_s);
    QVERIFY(before != next);
    Fault f;
    f.kind = Fault::Kind::MoveBranch;
    f.method = "HEAD";
    f.pathContains = u"/org/tiny-public/resolve/main/"_s;
    m_hub->addFault(f);
    const Reply h = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(h.header("X-Repo-Commit"), before); // answered before the move
    QCOMPARE(m_hub->commitOf(u"org/tiny-public"_s, u"main"_s), next);
    // a GET by branch now sees other bytes; the commit-pinned and signed locations do not
    const Reply byBranch = head(u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QCOMPARE(byBranch.header("X-Repo-Commit"), next);
    QVERIFY(byBranch.header("X-Linked-Etag") != h.header("X-Linked-Etag"));
    const Reply pinned = head(u"/org/tiny-public/resolve/"_s + QString::fromLatin1(before) + u"/model.safetensors"_s);
    QCOMPARE(pinned.header("X-Linked-Etag"), h.header("X-Linked-Etag"));
    const Reply signedGet = send("GET", QUrl(QString::fromUtf8(h.header("Location"))));
    QCOMPARE('"' + sha256(signedGet.body) + '"', h.header("X-Linked-Etag"));
}

void TestFakeHub::faultAtOffset()
{
    // parallel chunks: only the range that covers the offset is hit
    Fault f;
    f.kind = Fault::Kind::Truncate;
    f.listener = Listener::Cdn;
    f.atOffset = 150000;
    f.times = -1;
    m_hub->addFault(f);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    const Reply first = send("GET", location, {{"Range", "bytes=0-99999"}});
    QCOMPARE(first.status, 206);
    QCOMPARE(first.body.size(), 100000);
    QCOMPARE(first.error, QNetworkReply::NoError);
    const Reply second = send("GET", location, {{"Range", "bytes=100000-199999"}});
    QCOMPARE(second.body.size(), 50000); // cut exactly at the file offset
    QCOMPARE(second.header("Content-Length").toLongLong(), 100000);
    QCOMPARE(m_hub->faults().first().fired, 1);
}

void TestFakeHub::faultReset()
{
    Fault f;
    f.kind = Fault::Kind::Reset;
    f.pathContains = u"config.json"_s;
    f.times = -1; // QNAM resends once on a dropped keep-alive connection
    m_hub->addFault(f);
    const Reply r = get(u"/org/tiny-public/resolve/main/config.json"_s);
    QCOMPARE(r.status, 0);
    QVERIFY(r.error != QNetworkReply::NoError);
    QCOMPARE(m_hub->log().last().status, 0);
    m_hub->clearFaults();
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
}

void TestFakeHub::throttleBoundsSpeed()
{
    // A lower bound only: a capped connection cannot be faster than its cap.
    m_hub->setCdnBandwidthPerConnection(400 * 1024);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-gpt2/resolve/main/model.safetensors"_s).header("Location")));
    QElapsedTimer timer;
    timer.start();
    const Reply r = send("GET", location, {{"Range", "bytes=0-299999"}});
    const qint64 ms = timer.elapsed();
    QCOMPARE(r.body.size(), 300000);
    QVERIFY2(ms >= 500, qPrintable(QString::number(ms)));
    // a Throttle fault caps only what it matches
    m_hub->setCdnBandwidthPerConnection(0);
    Fault f;
    f.kind = Fault::Kind::Throttle;
    f.bytesPerSecond = 200 * 1024;
    f.listener = Listener::Cdn;
    m_hub->addFault(f);
    timer.restart();
    QCOMPARE(send("GET", location, {{"Range", "bytes=0-199999"}}).body.size(), 200000);
    QVERIFY(timer.elapsed() >= 700);
    QCOMPARE(m_hub->log().last().faults, QStringList{u"throttle"_s});
}

void TestFakeHub::cdnDown()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    m_hub->setCdnDown(true);
    const Reply down = send("GET", location);
    QCOMPARE(down.error, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200); // the hub still answers
    m_hub->setCdnDown(false);
    m_nam = std::make_unique<QNetworkAccessManager>();
    QCOMPARE(send("GET", location).status, 200);
}

void TestFakeHub::strictCdnAuthAndTraceId()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    m_hub->setStrictCdnAuth(true);
    const Reply withAuth = send("GET", location, {{"Authorization", bearer(kUserToken)}});
    m_hub->setStrictCdnAuth(false);
    QCOMPARE(withAuth.status, 400);
    QVERIFY(withAuth.body.contains("Only one auth mechanism allowed"));
    QCOMPARE(send("GET", location, {{"Authorization", bearer(kUserToken)}}).status, 200); // lenient by default
    // the client's trace id becomes the request id
    const Reply traced = get(u"/api/models/org/tiny-public?expand=sha"_s, {{"X-Amzn-Trace-Id", "abc-123"}});
    QCOMPARE(traced.header("X-Request-Id"), QByteArray("abc-123"));
    QCOMPARE(m_hub->log().last().requestId, QByteArray("abc-123"));
}

void TestFakeHub::hubDown()
{
    m_hub->setHubDown(true);
    const Reply down = get(u"/api/models/org/tiny-public"_s);
    m_hub->setHubDown(false);
    QCOMPARE(down.error, QNetworkReply::ConnectionRefusedError);
    m_nam = std::make_unique<QNetworkAccessManager>();
    QCOMPARE(get(u"/api/models/org/tiny-public"_s).status, 200); // same port again
}

void TestFakeHub::fixturesDirectory()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(u"acme/local-model/sub"_s));
    const TinyModel model = TinyModel::make(TinyModel::Family::Qwen2, "F16", 77);
    const QByteArray weights = SafetensorsWriter::write(model.tensors, {}, [&model](const TensorSpec &t) { return model.tensorData(t); });
    const QList<QPair<QString, QByteArray>> files{{u"config.json"_s, QJsonDocument(model.config).toJson()},
                                                  {u"model.safetensors"_s, weights},
                                                  {u"sub/notes.txt"_s, "hello\n"}};
    for (const auto &[path, content] : files) {
        QFile f(dir.filePath(u"acme/local-model/"_s + path));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    FakeHub hub(FakeHub::Options{0, 0, {}, false});
    QCOMPARE(hub.addReposFromDirectory(dir.path()), 1);
    QCOMPARE(hub.repoIds(), QStringList{u"acme/local-model"_s});
    QVERIFY(hub.start());
    const QString base = hub.endpoint().toString();
    const QJsonObject info = send("GET", QUrl(base + u"/api/models/acme/local-model?blobs=true"_s)).json().object();
    QCOMPARE(info.value(u"siblings"_s).toArray().size(), 3);
    QCOMPARE(qint64(info.value(u"safetensors"_s).toObject().value(u"total"_s).toDouble()), model.parameterCount());
    const Reply h = send("HEAD", QUrl(base + u"/acme/local-model/resolve/main/model.safetensors"_s));
    QCOMPARE(h.status, 302);
    QCOMPARE(h.header("X-Linked-Etag"), '"' + sha256(weights) + '"');
    QCOMPARE(send("GET", QUrl(QString::fromUtf8(h.header("Location")))).body, weights);
    QCOMPARE(send("GET", QUrl(base + u"/acme/local-model/resolve/main/sub/notes.txt"_s)).body, QByteArray("hello\n"));
}

// ---------------------------------------------------------------- log, control, executable

void TestFakeHub::logRecordsTraffic()
{
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s, {{"Authorization", bearer(kUserToken)}}).header("Location")));
    send("GET", location, {{"Range", "bytes=0-99"}});
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), 0);
    // a client that leaks the token to the CDN is visible in the log (so the assertion above can fail)
    send("GET", location, {{"Authorization", bearer(kUserToken)}, {"Range", "bytes=0-9"}});
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), 1);
    const QList<LogEntry> log = m_hub->log();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log[0].listener, Listener::Hub);
    QCOMPARE(log[0].method, QByteArray("HEAD"));
    QCOMPARE(log[0].path, u"/org/tiny-public/resolve/main/model.safetensors"_s);
    QVERIFY(log[0].authorization);
    QCOMPARE(log[0].token, QByteArray(kUserToken));
    QCOMPARE(log[0].status, 302);
    QCOMPARE(log[0].bodyBytes, 0);
    QCOMPARE(log[0].userAgent, QByteArray("tst_fakehub/1.0; qt/6"));
    QCOMPARE(log[1].listener, Listener::Cdn);
    QVERIFY(log[1].host.startsWith("localhost:"));
    QVERIFY(!log[1].authorization);
    QCOMPARE(log[1].range, QByteArray("bytes=0-99"));
    QCOMPARE(log[1].status, 206);
    QCOMPARE(log[1].bodyBytes, 100);
    QVERIFY(log[1].finished);
    QVERIFY(log[1].query.contains(u"sig="_s));
    QCOMPARE(m_hub->bytesServed(Listener::Cdn), 110);
    QCOMPARE(m_hub->requestCount(Listener::Cdn), 2);
    QCOMPARE(m_hub->requestCount(Listener::Hub, u"/resolve/"_s, "HEAD"), 1);
}

void TestFakeHub::controlEndpoint()
{
    const QByteArray control = R"({"faults":[{"kind":"status","status":502,"times":2,"path":"/resolve/","method":"HEAD"}]})";
    const Reply c = send("POST", url(u"/__control"_s), {{"Content-Type", "application/json"}}, control);
    QCOMPARE(c.status, 200);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 502);
    QCOMPARE(get(u"/org/tiny-public/resolve/main/config.json"_s).status, 200); // GET not matched
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 502);
    QCOMPARE(head(u"/org/tiny-public/resolve/main/config.json"_s).status, 200);
    const QJsonArray entries = get(u"/__log"_s).json().object().value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 4); // control routes are not logged
    QCOMPARE(entries[0].toObject().value(u"status"_s).toInt(), 502);
    QCOMPARE(entries[0].toObject().value(u"faults"_s).toArray().first().toString(), u"status"_s);
    const Reply bad = send("POST", url(u"/__control"_s), {{"Content-Type", "application/json"}}, R"({"faults":[{"kind":"nope"}]})");
    QCOMPARE(bad.status, 400);
    QVERIFY(bad.json().object().value(u"error"_s).toString().contains(u"nope"_s));
    // cdn_down through control
    QCOMPARE(send("POST", url(u"/__control"_s), {}, R"({"cdn_down":true,"clear_faults":true})").status, 200);
    const QUrl location(QString::fromUtf8(head(u"/org/tiny-public/resolve/main/model.safetensors"_s).header("Location")));
    QCOMPARE(send("GET", location).error, QNetworkReply::ConnectionRefusedError);
    QCOMPARE(send("POST", url(u"/__control"_s), {}, R"({"cdn_down":false})").status, 200);
}

void TestFakeHub::executablePrintsEndpoint()
{
    QProcess process;
    process.start(QStringLiteral(FAKEHUB_EXECUTABLE),
                  {u"--big-size"_s, u"1048576"_s, u"--faults"_s, uR"({"faults":[{"kind":"status","status":503,"path":"/api/"}]})"_s});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 20000);
    const QUrl endpoint(QString::fromUtf8(process.readLine().trimmed()));
    QCOMPARE(endpoint.host(), u"127.0.0.1"_s);
    QVERIFY(endpoint.port() > 0);
    QCOMPARE(send("GET", QUrl(endpoint.toString() + u"/api/models/org/tiny-public"_s)).status, 503);
    const Reply r = send("GET", QUrl(endpoint.toString() + u"/api/models/org/big?blobs=true"_s));
    QCOMPARE(r.status, 200);
    const QJsonArray siblings = r.json().object().value(u"siblings"_s).toArray();
    qint64 size = 0;
    for (const auto &s : siblings) {
        if (s.toObject().value(u"rfilename"_s).toString() == u"model.safetensors"_s)
            size = qint64(s.toObject().value(u"size"_s).toDouble());
    }
    QVERIFY(size > 1048576 && size < 1048576 + 4096);
    process.kill();
    process.waitForFinished();
}

QTEST_GUILESS_MAIN(TestFakeHub)
#include "tst_fakehub.moc"
