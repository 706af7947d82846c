// The LAN mirror (ServerConfig::mirror): the Hub's read-only routes for the catalogue's ready
// models, as clients read them (docs/hub.md H2, H4, H5, H7): info, tree, paths-info, resolve
// with its headers, ranges and the Hub's error headers; who may read what; many ranges at once;
// and Hugging Face's own JavaScript client (npm @huggingface/hub) downloading through it.
#include "serverharness.h"

#include "../hfcache/hfcachewriter.h"
#include "service/modellibrary.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;
using namespace mistudio::hfcachetest;

namespace {

const QString kRepo = u"org/model"_s;

struct Mirror
{
    explicit Mirror(ServerConfig config = {})
        : h([&] {
            config.mirror = true;
            return config;
        }())
    {}

    // The sample repo imported from a generated HF cache: a ready model with its files recorded.
    bool importSample()
    {
        const QString cache = h.dataDir() + u"/hfcache"_s;
        if (!HfCacheWriter(cache).writeSnapshot(kRepo, QString::fromLatin1(kSampleCommit), files))
            return false;
        HfImportRequest req;
        req.repoId = kRepo;
        req.cacheDir = cache;
        const Result<HfImportOutcome> r = h.service->library()->importFromHfCache(req);
        if (!r) {
            qWarning("import: %s", qPrintable(r.error().toString()));
            return false;
        }
        id = r->model.id;
        return true;
    }
    const fakehub::RepoFile &file(const QString &path) const
    {
        for (const fakehub::RepoFile &f : files) {
            if (f.path == path)
                return f;
        }
        qFatal("no such sample file");
    }
    const fakehub::RepoFile &largestLfs() const
    {
        const fakehub::RepoFile *best = nullptr;
        for (const fakehub::RepoFile &f : files) {
            if (f.lfs && (!best || f.size() > best->size()))
                best = &f;
        }
        return *best;
    }

    ServerHarness h;
    QList<fakehub::RepoFile> files = sampleModelFiles();
    QUuid id;
};

QByteArray bearer()
{
    return "Bearer " + kApiToken.toLatin1();
}

} // namespace

class TestHubMirror : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void offByDefault();
    void modelInfo();
    void treeListsFilesAndFolders();
    void pathsInfo();
    void resolveHeadHasHubHeaders();
    void resolveRanges();
    void hubErrorHeaders();
    void accessFollowsUpstream();
    void manyConcurrentRanges();
    void huggingfaceJsDownloads();
};

void TestHubMirror::offByDefault()
{
    ServerHarness h;
    const HttpResult r = h.call("GET", u"/api/models/org/model"_s);
    QCOMPARE(r.status, 404);
    QVERIFY(r.header("X-Error-Code").isEmpty()); // the native API's 404, not the Hub's
}

void TestHubMirror::modelInfo()
{
    Mirror m;
    QVERIFY(m.importSample());
    for (const QString &path : {u"/api/models/org/model"_s, u"/api/models/org/model/revision/main"_s,
                                QString(u"/api/models/org/model/revision/"_s + QString::fromLatin1(kSampleCommit))}) {
        const HttpResult r = m.h.call("GET", path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"id"_s).toString(), kRepo);
        QCOMPARE(r.json.value(u"sha"_s).toString(), QString::fromLatin1(kSampleCommit));
        QCOMPARE(r.json.value(u"private"_s).toBool(), false);
        QCOMPARE(r.json.value(u"siblings"_s).toArray().size(), m.files.size());
    }
    // expand=<key>, repeated (@huggingface/hub asks this way): those keys and the ids only.
    const HttpResult expanded = m.h.call("GET", u"/api/models/org/model/revision/HEAD?expand=private&expand=sha"_s);
    QCOMPARE(expanded.status, 200);
    QCOMPARE(expanded.json.value(u"sha"_s).toString(), QString::fromLatin1(kSampleCommit));
    QVERIFY(expanded.json.contains(u"private"_s));
    QVERIFY(!expanded.json.contains(u"siblings"_s));
    const HttpResult blobs = m.h.call("GET", u"/api/models/org/model?blobs=true"_s);
    for (const QJsonValue &s : blobs.json.value(u"siblings"_s).toArray()) {
        const fakehub::RepoFile &f = m.file(s[u"rfilename"_s].toString());
        QCOMPARE(s[u"size"_s].toInteger(), f.size());
        QCOMPARE(s[u"blobId"_s].toString(), QString::fromLatin1(f.gitOid()));
        if (f.lfs)
            QCOMPARE(s[u"lfs"_s][u"sha256"_s].toString(), QString::fromLatin1(f.blob->sha256Hex()));
    }
}

void TestHubMirror::treeListsFilesAndFolders()
{
    Mirror m;
    QVERIFY(m.importSample());
    const HttpResult top = m.h.call("GET", u"/api/models/org/model/tree/main"_s);
    QCOMPARE(top.status, 200);
    const QJsonArray entries = QJsonDocument::fromJson(top.body).array();
    QStringList paths;
    for (const QJsonValue &e : entries)
        paths << e[u"path"_s].toString();
    QVERIFY(paths.contains(u"onnx"_s));
    QVERIFY(!paths.contains(u"onnx/decoder/model.onnx"_s)); // not recursive
    for (const QJsonValue &e : entries) {
        if (e[u"type"_s] == u"directory"_s)
            continue;
        const fakehub::RepoFile &f = m.file(e[u"path"_s].toString());
        QCOMPARE(e[u"size"_s].toInteger(), f.size());
        // The git blob id git stores (the pointer's for LFS files), and the LFS object.
        QCOMPARE(e[u"oid"_s].toString(), QString::fromLatin1(f.gitOid()));
        QCOMPARE(e[u"lfs"_s].isObject(), f.lfs);
        if (f.lfs) {
            QCOMPARE(e[u"lfs"_s][u"oid"_s].toString(), QString::fromLatin1(f.blob->sha256Hex()));
            QCOMPARE(e[u"lfs"_s][u"pointerSize"_s].toInteger(), f.lfsPointer().size());
        }
    }
    const HttpResult all = m.h.call("GET", u"/api/models/org/model/tree/main?recursive=true"_s);
    int files = 0;
    for (const QJsonValue &e : QJsonDocument::fromJson(all.body).array())
        files += e[u"type"_s] == u"file"_s;
    QCOMPARE(files, m.files.size());
    const HttpResult sub = m.h.call("GET", u"/api/models/org/model/tree/main/onnx/decoder"_s);
    QCOMPARE(sub.status, 200);
    QCOMPARE(QJsonDocument::fromJson(sub.body).array().size(), 2);
    const HttpResult none = m.h.call("GET", u"/api/models/org/model/tree/main/nothing"_s);
    QCOMPARE(none.status, 404);
    QCOMPARE(none.header("X-Error-Code"), QByteArray("EntryNotFound"));
}

void TestHubMirror::pathsInfo()
{
    Mirror m;
    QVERIFY(m.importSample());
    const fakehub::RepoFile &lfs = m.largestLfs();
    // huggingface_hub posts a form, @huggingface/hub JSON.
    const HttpResult form = m.h.call("POST", u"/api/models/org/model/paths-info/main"_s,
                                     "paths=" + QUrl::toPercentEncoding(lfs.path) + "&paths=missing.bin&expand=true",
                                     {}, "application/x-www-form-urlencoded");
    QCOMPARE(form.status, 200);
    const QJsonArray a = QJsonDocument::fromJson(form.body).array();
    QCOMPARE(a.size(), 1); // an unknown path is left out, as the Hub does
    QCOMPARE(a[0][u"path"_s].toString(), lfs.path);
    QCOMPARE(a[0][u"lfs"_s][u"oid"_s].toString(), QString::fromLatin1(lfs.blob->sha256Hex()));
    QCOMPARE(a[0][u"lastCommit"_s][u"id"_s].toString(), QString::fromLatin1(kSampleCommit));
    const HttpResult json = m.h.call("POST", u"/api/models/org/model/paths-info/main"_s,
                                     QJsonDocument(QJsonObject{{u"paths"_s, QJsonArray{u"onnx"_s, u"config.json"_s}}}).toJson());
    QCOMPARE(json.status, 200);
    QCOMPARE(QJsonDocument::fromJson(json.body).array().size(), 2);
    const HttpResult get = m.h.call("GET", u"/api/models/org/model/paths-info/main"_s);
    QCOMPARE(get.status, 405);
}

void TestHubMirror::resolveHeadHasHubHeaders()
{
    Mirror m;
    QVERIFY(m.importSample());
    const fakehub::RepoFile &lfs = m.largestLfs();
    const HttpResult head = m.h.call("HEAD", u"/org/model/resolve/main/"_s + lfs.path);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.body, QByteArray());
    QCOMPARE(head.header("X-Repo-Commit"), QByteArray(kSampleCommit));
    QCOMPARE(head.header("ETag"), '"' + lfs.blob->sha256Hex() + '"');
    QCOMPARE(head.header("X-Linked-Etag"), '"' + lfs.blob->sha256Hex() + '"');
    QCOMPARE(head.header("X-Linked-Size"), QByteArray::number(lfs.size()));
    QCOMPARE(head.header("Content-Length"), QByteArray::number(lfs.size()));
    QCOMPARE(head.header("Accept-Ranges"), QByteArray("bytes"));
    // A git file: its blob id as the ETag, no linked headers.
    const fakehub::RepoFile &cfg = m.file(u"config.json"_s);
    const HttpResult git = m.h.call("GET", u"/org/model/resolve/"_s + QString::fromLatin1(kSampleCommit) + u"/config.json"_s);
    QCOMPARE(git.status, 200);
    QCOMPARE(git.header("ETag"), '"' + cfg.blob->gitSha1Hex() + '"');
    QVERIFY(git.header("X-Linked-Size").isEmpty());
    QCOMPARE(git.body, cfg.blob->readAll());
}

void TestHubMirror::resolveRanges()
{
    Mirror m;
    QVERIFY(m.importSample());
    const fakehub::RepoFile &f = m.largestLfs();
    const QString path = u"/org/model/resolve/main/"_s + f.path;
    const HttpResult whole = m.h.call("GET", path);
    QCOMPARE(whole.status, 200);
    QCOMPARE(QCryptographicHash::hash(whole.body, QCryptographicHash::Sha256).toHex(), f.blob->sha256Hex());
    const HttpResult mid = m.h.call("GET", path, {}, {{"Range", "bytes=100-1099"}});
    QCOMPARE(mid.status, 206);
    QCOMPARE(mid.header("Content-Range"), "bytes 100-1099/" + QByteArray::number(f.size()));
    QCOMPARE(mid.body, whole.body.mid(100, 1000));
    const HttpResult open = m.h.call("GET", path, {}, {{"Range", "bytes=" + QByteArray::number(f.size() - 10) + "-"}});
    QCOMPARE(open.status, 206);
    QCOMPARE(open.body, whole.body.right(10));
    const HttpResult suffix = m.h.call("GET", path, {}, {{"Range", "bytes=-7"}});
    QCOMPARE(suffix.status, 206);
    QCOMPARE(suffix.body, whole.body.right(7));
    const HttpResult past = m.h.call("GET", path, {}, {{"Range", "bytes=" + QByteArray::number(f.size()) + "-"}});
    QCOMPARE(past.status, 416);
    QCOMPARE(past.header("Content-Range"), "bytes */" + QByteArray::number(f.size()));
    // If-Range with another validator: the whole file.
    const HttpResult stale = m.h.call("GET", path, {}, {{"Range", "bytes=0-9"}, {"If-Range", "\"other\""}});
    QCOMPARE(stale.status, 200);
    QCOMPARE(stale.body.size(), f.size());
}

void TestHubMirror::hubErrorHeaders()
{
    Mirror m;
    QVERIFY(m.importSample());
    // Loopback without a token: every client is a token holder, so the Hub's 404s.
    const HttpResult repo = m.h.call("GET", u"/org/other/resolve/main/config.json"_s);
    QCOMPARE(repo.status, 404);
    QCOMPARE(repo.header("X-Error-Code"), QByteArray("RepoNotFound"));
    const HttpResult rev = m.h.call("HEAD", u"/org/model/resolve/v9/config.json"_s);
    QCOMPARE(rev.status, 404);
    QCOMPARE(rev.header("X-Error-Code"), QByteArray("RevisionNotFound"));
    const HttpResult entry = m.h.call("HEAD", u"/org/model/resolve/main/nothing.bin"_s);
    QCOMPARE(entry.status, 404);
    QCOMPARE(entry.header("X-Error-Code"), QByteArray("EntryNotFound"));
    // huggingface_hub records the absence under .no_exist/<commit>.
    QCOMPARE(entry.header("X-Repo-Commit"), QByteArray(kSampleCommit));
    const HttpResult info = m.h.call("GET", u"/api/models/org/other"_s);
    QCOMPARE(info.status, 404);
    QCOMPARE(info.header("X-Error-Code"), QByteArray("RepoNotFound"));
    QVERIFY(!info.header("X-Request-Id").isEmpty());
    // A model whose file changed on disk gives no wrong bytes.
    const ModelRecord rec = *m.h.service->get(m.id);
    const QString cfg = rec.filePath + u"/config.json"_s;
    QVERIFY(QFile::remove(cfg));
    QVERIFY(HfCacheWriter::writeFile(cfg, "{}"));
    const HttpResult changed = m.h.call("GET", u"/org/model/resolve/main/config.json"_s);
    QCOMPARE(changed.status, 500);
}

void TestHubMirror::accessFollowsUpstream()
{
    Mirror m(tokenRequiredConfig());
    QVERIFY(m.importSample());
    const QString resolve = u"/org/model/resolve/main/config.json"_s;
    // Imported from the HF cache: nothing is known of its access, so token holders only.
    HttpResult anon = m.h.call("GET", resolve);
    QCOMPARE(anon.status, 401);
    QCOMPARE(anon.header("X-Error-Code"), QByteArray("RepoNotFound"));
    QCOMPARE(m.h.call("GET", u"/api/models/org/model"_s).status, 401);
    // A token that is not ours (the user's huggingface.co token) grants nothing and is no error.
    QCOMPARE(m.h.call("GET", resolve, {}, {{"Authorization", "Bearer hf_notours"}}).status, 401);
    QCOMPARE(m.h.call("GET", resolve, {}, {{"Authorization", bearer()}}).status, 200);
    // Gated upstream: metadata for anyone, files for token holders.
    m.h.service->library()->noteAccess(m.id, u"gated"_s);
    QCOMPARE(m.h.call("GET", u"/api/models/org/model"_s).json.value(u"gated"_s).toString(), u"manual"_s);
    anon = m.h.call("GET", resolve);
    QCOMPARE(anon.status, 401);
    QCOMPARE(anon.header("X-Error-Code"), QByteArray("GatedRepo"));
    QCOMPARE(m.h.call("GET", resolve, {}, {{"Authorization", bearer()}}).status, 200);
    // Public upstream: anyone.
    m.h.service->library()->noteAccess(m.id, u"public"_s);
    QCOMPARE(m.h.call("GET", resolve).status, 200);
    // The native API still wants the token.
    QCOMPARE(m.h.call("GET", u"/api/v1/models"_s).status, 401);
}

void TestHubMirror::manyConcurrentRanges()
{
    // Sixteen range requests in flight at once over their own connections, reassembled.
    Mirror m;
    QVERIFY(m.importSample());
    const fakehub::RepoFile &f = m.largestLfs();
    const QUrl url = m.h.url(u"/org/model/resolve/main/"_s + f.path);
    constexpr int kParts = 16;
    const qint64 part = (f.size() + kParts - 1) / kParts;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < kParts; ++i) {
        QNetworkRequest req(url);
        const qint64 first = i * part;
        const qint64 last = std::min(f.size(), first + part) - 1;
        req.setRawHeader("Range", "bytes=" + QByteArray::number(first) + '-' + QByteArray::number(last));
        replies << m.h.nam.get(req);
    }
    int finished = 0;
    for (QNetworkReply *r : replies)
        QObject::connect(r, &QNetworkReply::finished, r, [&finished] { ++finished; });
    QTRY_COMPARE_WITH_TIMEOUT(finished, kParts, 30000);
    QByteArray all;
    for (QNetworkReply *r : replies) {
        QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 206);
        all += r->readAll();
        r->deleteLater();
    }
    QCOMPARE(QCryptographicHash::hash(all, QCryptographicHash::Sha256).toHex(), f.blob->sha256Hex());
}

void TestHubMirror::huggingfaceJsDownloads()
{
    // Hugging Face's JavaScript client (npm @huggingface/hub, installed by the hfcache_npm_setup
    // test) pointed at the mirror with hubUrl: it lists the repo, downloads each file, and
    // snapshotDownload fills an HF cache of its own; the bytes must be the model's.
    const QString npmDir = qEnvironmentVariable("HFHUB_NPM_DIR");
    if (npmDir.isEmpty() || !QFileInfo::exists(npmDir + u"/node_modules/@huggingface/hub/package.json"_s))
        QSKIP("@huggingface/hub is not installed (needs node, npm and the npm registry; see "
              "tests/core/hfcache/install-hfhub-npm.sh)");
    Mirror m;
    QVERIFY(m.importSample());
    const QString cache = m.h.dataDir() + u"/js-cache"_s;
    const QString script = uR"(
const hub = require("@huggingface/hub");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const sha = (b) => crypto.createHash("sha256").update(b).digest("hex");
(async () => {
  const [hubUrl, repo, cacheDir] = process.argv.slice(1);
  const info = await hub.modelInfo({ name: repo, hubUrl, additionalFields: ["sha"] });
  const listed = [];
  for await (const f of hub.listFiles({ repo, recursive: true, hubUrl }))
    if (f.type === "file") listed.push(f.path);
  const files = {};
  for (const p of listed) {
    const blob = await hub.downloadFile({ repo, path: p, hubUrl });
    files[p] = sha(Buffer.from(await blob.arrayBuffer()));
  }
  const snap = await hub.snapshotDownload({ repo, cacheDir, hubUrl });
  const cached = {};
  for (const p of listed) cached[p] = sha(fs.readFileSync(path.join(snap, p)));
  console.log("RESULT " + JSON.stringify({ sha: info.sha, listed, files, snapshot: path.basename(snap), cached }));
})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
)"_s;
    QProcess node;
    node.setWorkingDirectory(npmDir); // require() resolves from its node_modules
    node.start(u"node"_s, {u"-e"_s, script, m.h.url(QString()).toString(), kRepo, cache});
    // The server runs on this thread: let it answer while node works.
    QTRY_VERIFY_WITH_TIMEOUT(node.state() == QProcess::NotRunning, 120000);
    QVERIFY2(node.exitCode() == 0, qPrintable(QString::fromUtf8(node.readAllStandardError())));
    // snapshotDownload prints its own progress lines: ours is the one marked RESULT.
    const QByteArray printed = node.readAllStandardOutput();
    const qsizetype at = printed.lastIndexOf("RESULT ");
    const QJsonObject out = QJsonDocument::fromJson(at < 0 ? QByteArray() : printed.mid(at + 7)).object();
    QVERIFY2(!out.isEmpty(), printed.constData());
    QCOMPARE(out[u"sha"_s].toString(), QString::fromLatin1(kSampleCommit));
    QCOMPARE(out[u"snapshot"_s].toString(), QString::fromLatin1(kSampleCommit));
    QCOMPARE(out[u"listed"_s].toArray().size(), m.files.size());
    for (const fakehub::RepoFile &f : m.files) {
        const QString want = QString::fromLatin1(f.blob->sha256Hex());
        QCOMPARE(out[u"files"_s][f.path].toString(), want);
        QCOMPARE(out[u"cached"_s][f.path].toString(), want);
    }
}

QTEST_GUILESS_MAIN(TestHubMirror)
#include "tst_hubmirror.moc"
