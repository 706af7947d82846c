// The fake Hub's protocol (docs/fakehub.md, "Routes and behaviour") as a plain
// QNetworkAccessManager sees it: routes, /resolve, CDN Range rules, auth/error matrix, pagination,
// modes.

#include "fakehubtestbase.h"
#include <QJsonArray>
#include <QTcpSocket>
#include <QJsonObject>

#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;
using namespace mistudio::fakehub::test;

class TestFakeHub final : public FakeHubTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(startHub()); }
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
    void pathsInfoWithExpectContinue();
    void searchPagination();
    void strictCdnAuthAndTraceId();
};

void TestFakeHub::init()
{
    resetHub();
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

void TestFakeHub::pathsInfoWithExpectContinue()
{
    // a large form body sent the way curl sends it: headers, wait for 100 Continue, then the body
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_hub->hubPort());
    QVERIFY(socket.waitForConnected(5000));
    QByteArray body = "paths=config.json";
    while (body.size() < 4000)
        body += "&paths=missing-" + QByteArray::number(body.size()) + ".txt";
    socket.write("POST /api/models/org/tiny-public/paths-info/main HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n\r\n");
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += socket.readAll()).startsWith("HTTP/1.1 100 Continue\r\n\r\n"), 5000);
    socket.write(body);
    QTRY_VERIFY_WITH_TIMEOUT((got += socket.readAll()).contains("\"path\":\"config.json\""), 5000);
    QVERIFY(got.contains("HTTP/1.1 200 OK"));
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

QTEST_GUILESS_MAIN(TestFakeHub)
#include "tst_fakehub.moc"
