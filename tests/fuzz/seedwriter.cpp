// fuzz-seedwriter OUTDIR: writes the seed corpus of every fuzz target, OUTDIR/<target>/<name>,
// at build time. Nothing binary is committed: the seeds are the fake Hub's own answers (routed
// in-process, no socket) and files (tests/fakehub/fixtures), the product's own writers, a few
// hand-built edge cases, and the regression inputs of bugs the fuzzers found (regressions.h).
#include "regressions.h"

#include "fakehub/hubstate.h"

#include "quant/safetensors.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

#include <cstdio>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;

namespace {

class SeedDir
{
public:
    SeedDir(const QString &root, const QString &target) : m_dir(root + u'/' + target)
    {
        QDir().mkpath(m_dir);
    }
    void add(const QString &name, const QByteArray &bytes)
    {
        QString safe = name;
        safe.replace(u'/', u"--"_s);
        QFile f(m_dir + u'/' + safe);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
            std::fprintf(stderr, "fuzz-seedwriter: cannot write %s\n", qPrintable(f.fileName()));
            std::exit(1);
        }
        ++m_count;
    }
    int count() const { return m_count; }

private:
    QString m_dir;
    int m_count = 0;
};

HttpResponse route(HubState &state, const QByteArray &method, const QByteArray &target,
                   const QByteArray &token = {}, const QByteArray &body = {})
{
    HttpRequest r;
    r.method = method;
    r.target = target;
    const qsizetype q = target.indexOf('?');
    r.rawPath = q < 0 ? target : target.left(q);
    r.rawQuery = q < 0 ? QByteArray() : target.mid(q + 1);
    r.headers.append({QByteArray("Host"), QByteArray("127.0.0.1")});
    if (!token.isEmpty())
        r.headers.append({QByteArray("Authorization"), "Bearer " + token});
    if (!body.isEmpty()) {
        r.headers.append({QByteArray("Content-Type"), QByteArray("application/json")});
        r.body = body;
    }
    QMutexLocker lock(&state.mutex);
    return routeHub(state, r);
}

QByteArray rawResponse(const HttpResponse &r)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + reasonPhrase(r.status) + "\r\n";
    for (const auto &[k, v] : r.headers)
        out += k + ": " + v + "\r\n";
    return out + "\r\n" + (r.blob ? QByteArray() : r.body);
}

QByteArray fileBytes(const Repo &repo, const QString &path)
{
    const Commit *c = repo.commit(repo.branches.value(u"main"_s));
    if (!c || !c->files.contains(path))
        return {};
    return c->files.value(path).blob->readAll();
}

// archive/data.pkl, the first entry of the fixtures' torch zip files (stored, not compressed).
QByteArray dataPkl(const QByteArray &zip)
{
    if (zip.size() < 30 || qFromLittleEndian<quint32>(zip.constData()) != 0x04034b50)
        return {};
    const quint32 size = qFromLittleEndian<quint32>(zip.constData() + 18);
    const quint16 nameLen = qFromLittleEndian<quint16>(zip.constData() + 26);
    const quint16 extraLen = qFromLittleEndian<quint16>(zip.constData() + 28);
    if (zip.mid(30, nameLen) != "archive/data.pkl")
        return {};
    return zip.mid(30 + nameLen + extraLen, qsizetype(size));
}

QByteArray safetensorsFile(std::vector<quant::PlannedTensor> tensors, std::map<std::string, std::string> metadata)
{
    quant::sortForSafetensors(tensors);
    const std::string header = quant::SafetensorsWriter::headerJson(tensors, metadata);
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(header.size(), out.data());
    out += QByteArray::fromStdString(header);
    quint64 data = 0;
    for (const auto &t : tensors)
        data += t.byteSize();
    return out + QByteArray(qsizetype(data), '\x3c');
}

// ---- pickles: what torch.save writes besides the fixtures' plain protocol-2 form

class Pickle
{
public:
    explicit Pickle(int protocol) { m_out = QByteArray("\x80", 1) + char(protocol); }
    Pickle &op(const char *ops) { m_out += QByteArray(ops); return *this; }
    Pickle &byte(char c) { m_out += c; return *this; }
    Pickle &global(const char *module, const char *name)
    {
        m_out += 'c' + QByteArray(module) + '\n' + QByteArray(name) + '\n';
        return *this;
    }
    Pickle &str(const QByteArray &s)
    {
        if (s.size() < 256 && m_short) {
            m_out += '\x8c';
            m_out += char(s.size());
        } else {
            m_out += 'X';
            char len[4];
            qToLittleEndian<quint32>(quint32(s.size()), len);
            m_out += QByteArray(len, 4);
        }
        m_out += s;
        return *this;
    }
    Pickle &small(int v) { m_out += 'K'; m_out += char(v); return *this; }
    Pickle &long1(const QByteArray &le) { m_out += '\x8a'; m_out += char(le.size()); m_out += le; return *this; }
    Pickle &put(int id) { m_out += 'q'; m_out += char(id); return *this; }
    Pickle &get(int id) { m_out += 'h'; m_out += char(id); return *this; }
    Pickle &memoize() { m_out += '\x94'; return *this; }
    Pickle &frame() { m_out += '\x95'; m_out += QByteArray(8, '\0'); return *this; }
    Pickle &shortStrings() { m_short = true; return *this; }
    // One tensor as torch writes it: _rebuild_tensor_v2(persistent storage, offset, size, stride,
    // requires_grad, backward_hooks).
    Pickle &tensor(const QByteArray &key, int numel)
    {
        global("torch._utils", "_rebuild_tensor_v2");
        op("((");
        str("storage").global("torch", "FloatStorage").str(key).str("cpu").small(numel);
        op("tQ");
        small(0).op("(").small(numel).op("t(").small(1).op("t\x89");
        global("collections", "OrderedDict").op(")R");
        return op("tR");
    }
    QByteArray bytes() const { return m_out; }

private:
    QByteArray m_out;
    bool m_short = false;
};

QList<QPair<QString, QByteArray>> handMadePickles()
{
    QList<QPair<QString, QByteArray>> out;
    { // OrderedDict with memoized class, one tensor, then `_metadata` applied by BUILD (torch.save)
        Pickle p(2);
        p.global("collections", "OrderedDict").put(0).op(")R").put(1).op("(");
        p.str("w").tensor("0", 4).op("u");
        p.op("}").put(2).str("_metadata").get(0).op(")R").put(3);
        p.str("").op("}").put(4).str("version").small(1).op("sss");
        p.op("b.");
        out.append({u"ordereddict-metadata.pkl"_s, p.bytes()});
    }
    { // Parameter-wrapped tensor: _rebuild_parameter(tensor, requires_grad, OrderedDict())
        Pickle p(2);
        p.op("}(").str("p");
        p.global("torch._utils", "_rebuild_parameter").op("(").tensor("0", 2).op("\x88");
        p.global("collections", "OrderedDict").op(")RtR");
        p.op("u.");
        out.append({u"parameter.pkl"_s, p.bytes()});
    }
    { // protocol 4: FRAME, MEMOIZE, SHORT_BINUNICODE, a 5-byte LONG1, single SETITEM and APPEND
        Pickle p(4);
        p.shortStrings().frame();
        p.op("}").memoize().str("n").long1(QByteArray("\0\0\0\0\x01", 5)).op("s");
        p.str("l").op("]").memoize().small(7).op("as.");
        out.append({u"protocol4.pkl"_s, p.bytes()});
    }
    return out;
}

// ---- JSON bodies of the API (POST /models, /download, /preview, /quantize)

QList<QByteArray> apiBodies()
{
    return {R"({"repo_id": "org/tiny-llama", "name": "tiny", "revision": "main", "quantization": "bnb-4bit"})",
            R"({"quantization": "bnb-8bit", "hf_token": "hf_x", "revision": "refs/pr/1", "include": ["*.json"],
                "exclude": ["*.bin"], "connections": 8, "max_bandwidth": "50M", "bnb_4bit_quant_type": "fp4",
                "bnb_4bit_use_double_quant": false})",
            R"({"connections": 64, "max_bandwidth": 1048576})",
            R"({"repo_id": "org/tiny-llama", "revision": "0123456789abcdef0123456789abcdef01234567"})",
            R"({"mode": "bnb-4bit", "device": "cpu", "bnb_4bit_quant_type": "nf4"})",
            R"({"hf_token": null, "n": -9007199254740993})",
            "{}",
            ""};
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz-seedwriter OUTDIR\n");
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    QDir(root).removeRecursively();

    HubState state;
    state.clock.start();
    state.hubBase = u"http://127.0.0.1:1"_s;
    state.cdnBase = u"http://localhost:2"_s;
    state.fixtures = buildStandardFixtures(FixtureOptions{1024 * 1024});

    SeedDir modelInfo(root, u"fuzz_hub_modelinfo"_s);
    SeedDir tree(root, u"fuzz_hub_tree"_s);
    SeedDir errors(root, u"fuzz_hub_error"_s);
    SeedDir quantSt(root, u"fuzz_quant_safetensors"_s);
    SeedDir hubSt(root, u"fuzz_hub_safetensors"_s);
    SeedDir index(root, u"fuzz_shard_index"_s);
    SeedDir pickle(root, u"fuzz_pickle_rewriter"_s);
    SeedDir repoId(root, u"fuzz_repoid"_s);
    SeedDir body(root, u"fuzz_jsonbody"_s);
    SeedDir names(root, u"fuzz_namepolicy"_s);
    SeedDir http(root, u"fuzz_httprequest"_s);
    SeedDir socketIo(root, u"fuzz_socketio"_s);
    SeedDir compat(root, u"fuzz_compatrequest"_s);

    const QByteArray approved = kApprovedToken;
    for (const Repo &repo : std::as_const(state.fixtures.repos)) {
        const QByteArray id = repo.id.toUtf8();
        const QString name = repo.id;
        repoId.add(name, id);
        repoId.add(name + u".dir"_s, name.toUtf8().replace('/', "--"));

        // The Hub's JSON answers, with the token that may read gated and private repos.
        for (const QByteArray &rev : {QByteArray("main"), repo.branches.value(u"main"_s)}) {
            const HttpResponse info = route(state, "GET", "/api/models/" + id + "/revision/" + rev + "?blobs=true",
                                            approved);
            if (info.status == 200 && rev == "main")
                modelInfo.add(name + u".json"_s, info.body);
            repoId.add(name + (rev == "main" ? u".rev-branch"_s : u".rev-sha"_s), rev);
        }
        state.treePageSize = 1000;
        const HttpResponse full = route(state, "GET", "/api/models/" + id + "/tree/main?recursive=true&expand=false",
                                        approved);
        if (full.status == 200)
            tree.add(name + u".json"_s, full.body);
        state.treePageSize = 3;
        const HttpResponse page = route(state, "GET", "/api/models/" + id + "/tree/main?recursive=true&expand=true",
                                        approved);
        if (page.status == 200)
            tree.add(name + u".page-expand.json"_s, page.body);

        // The same without a token: the gated / private / disabled error answers.
        errors.add(name + u".info-anonymous"_s,
                   rawResponse(route(state, "GET", "/api/models/" + id + "/revision/main?blobs=true")));
        errors.add(name + u".missing-file"_s,
                   rawResponse(route(state, "HEAD", "/" + id + "/resolve/main/missing.json", approved)));
        errors.add(name + u".bad-token"_s,
                   rawResponse(route(state, "GET", "/api/models/" + id + "/revision/main", "hf_wrong")));

        // The weights: whole small files, the head of large ones (what a Range fetch returns).
        const Commit *commit = repo.commit(repo.branches.value(u"main"_s));
        if (!commit)
            continue;
        // The repo's file names, one by one and as one '|'-separated list.
        for (const QString &path : commit->files.keys())
            names.add(name + u".path-"_s + QString::number(names.count()), path.toUtf8());
        names.add(name + u".list"_s, commit->files.keys().join(u'|').toUtf8());
        for (auto it = commit->files.cbegin(); it != commit->files.cend(); ++it) {
            const QString file = name + u'.' + it.key();
            if (it.key().endsWith(u".safetensors"_s)) {
                const BlobPtr &blob = it.value().blob;
                const QByteArray head = blob->read(0, qMin<qint64>(blob->size(), 8));
                const quint64 n = head.size() == 8 ? qFromLittleEndian<quint64>(head.constData()) : 0;
                const qint64 keep = blob->size() <= 64 * 1024 ? blob->size() : qMin<qint64>(blob->size(), qint64(8 + n));
                const QByteArray bytes = blob->read(0, keep);
                quantSt.add(file, bytes);
                hubSt.add(file, bytes);
            } else if (it.key().endsWith(u".index.json"_s)) {
                index.add(file, fileBytes(repo, it.key()));
            } else if (it.key().endsWith(u".bin"_s)) {
                const QByteArray pkl = dataPkl(fileBytes(repo, it.key()));
                if (!pkl.isEmpty())
                    pickle.add(file + u".pkl"_s, pkl);
            }
        }
    }
    errors.add(u"missing-repo"_s, rawResponse(route(state, "GET", "/api/models/org/does-not-exist/revision/main")));
    errors.add(u"missing-revision"_s,
               rawResponse(route(state, "GET", "/api/models/org/tiny-public/revision/no-such-branch", approved)));
    errors.add(u"json-error-list"_s, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
                                     R"({"error": ["bad", "request"], "error_description": "details"})");
    errors.add(u"errors-array"_s, "HTTP/1.1 500 Internal Server Error\r\nX-Amzn-Trace-Id: Root=1\r\n\r\n"
                                  R"({"errors": [{"message": "a"}, {"message": "b"}]})");
    errors.add(u"html"_s, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>bad gateway</html>");
    errors.add(u"rate-limited"_s, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n\r\nslow down");

    // Safetensors headers from the product's own writer: every dtype, scalars, empty tensors,
    // metadata, and a deferred (space-padded) header.
    {
        std::vector<quant::PlannedTensor> all;
        for (const char *dt : {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
                               "F32", "F64", "I64", "U64"}) {
            const auto dtype = quant::dtypeFromName(dt);
            all.push_back({std::string("t.") + dt, *dtype, {2, 3}});
        }
        all.push_back({"scalar", quant::DType::F32, {}});
        all.push_back({"empty", quant::DType::BF16, {0, 7}});
        const QByteArray every = safetensorsFile(all, {{"format", "pt"}, {"note", "all dtypes"}});
        quantSt.add(u"writer-all-dtypes.safetensors"_s, every);
        hubSt.add(u"writer-all-dtypes.safetensors"_s, every);
        const QByteArray none = safetensorsFile({}, {});
        quantSt.add(u"writer-empty.safetensors"_s, none);
        hubSt.add(u"writer-empty.safetensors"_s, none);
    }
    {
        quant::ShardIndex idx;
        idx.totalSize = 123456;
        idx.weightMap = {{"model.embed_tokens.weight", "model-00001-of-00002.safetensors"},
                         {"lm_head.weight", "model-00002-of-00002.safetensors"}};
        index.add(u"writer.index.json"_s, QByteArray::fromStdString(quant::shardIndexJson(idx)));
    }
    for (const auto &[name, bytes] : handMadePickles())
        pickle.add(name, bytes);
    for (const char *id : {"gpt2", "org/name", "a-b_c.d/e.f-g", "org/name.git", "x--y", "0123456789abcdef0123456789abcdef01234567",
                           "refs/pr/12", "v1.0", ""})
        repoId.add(u"text-"_s + QString::number(repoId.count()), QByteArray(id));
    for (const char *n : {"../../etc/passwd", "a/./b", "a//b", "/abs", "C:x", "back\\slash", "x.incomplete",
                          "Tokenizer.json|tokenizer.json", "onnx|onnx/model.onnx", "caf\xc3\xa9|cafe\xcc\x81",
                          "\xe2\x80\xaegnp.exe", "display name"})
        names.add(u"name-"_s + QString::number(names.count()), QByteArray(n));
    for (const QByteArray &b : apiBodies()) {
        http.add(u"post-"_s + QString::number(http.count()),
                 "POST /api/v1/models HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer t0k3n\r\n"
                 "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(b.size()) + "\r\n\r\n" + b);
    }
    for (const char *h : {"GET /api/v1/models?status=ready&limit=5 HTTP/1.1\r\nHost: localhost\r\n\r\n",
                          "GET /health HTTP/1.0\r\n\r\n",
                          "DELETE /api/v1/models/0b7c5a52-0d1e-4cde-9d5e-7f1b2a3c4d5e HTTP/1.1\r\nHost: h\r\n"
                          "Connection: close\r\n\r\n",
                          "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Origin: http://127.0.0.1\r\n\r\n",
                          "POST /api/v1/preview HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
                          "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                          "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "GET /x HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n",
                          "GET /x HTTP/1.1\nHost: h\n\n"})
        http.add(u"head-"_s + QString::number(http.count()), QByteArray(h));
    // Engine.IO packets and polling payloads (0x1e between packets) carrying the Socket.IO
    // packets the original frontend sends, and the forms the reference parser knows.
    for (const char *p : {"0", "1", "2", "2probe", "3", "3probe", "5", "6", "40", "40{\"token\":\"t0k3n\"}",
                          "41", "42[\"subscribe\",{\"channel\":\"models\"}]", "421[\"ping\"]",
                          "42/admin,7[\"unsubscribe\",{\"channel\":\"model:42\"}]", "431[{\"ok\":true}]",
                          "44{\"message\":\"Invalid namespace\"}", "44\"not authorized\"",
                          "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]", "461-12[{\"_placeholder\":true,\"num\":0}]",
                          "4/chat,", "42[1,2]", "bAQIDBA==",
                          "42[\"subscribe\",{\"channel\":\"models\"}]\x1e" "2\x1e" "3\x1e" "41"})
        socketIo.add(u"packet-"_s + QString::number(socketIo.count()), QByteArray(p));
    // GET /models query strings and POST /models/download bodies in the original frontend's forms.
    for (const char *q : {"page=2&limit=10", "skip=40&limit=100&search=llama+3&sort_by=params_count&order=asc",
                          "status=ready&quantization=Q4&architecture=llama", "status=error&sort_by=unknown",
                          "page=0&limit=101&skip=-1", "search=%E2%80%AE%00&order=DESC",
                          "{\"repo_id\":\"meta-llama/Llama-3.2-1B\",\"quantization\":\"FP16\"}",
                          "{\"repo_id\":\"org/model\",\"quantization\":\"Q4\",\"access_token\":\"hf_x\","
                          "\"trust_remote_code\":\"yes\"}",
                          "{\"repo_id\":\"nomodel\",\"quantization\":4,\"trust_remote_code\":2}", "[]", " "})
        compat.add(u"request-"_s + QString::number(compat.count()), QByteArray(q));
    for (const QByteArray &b : apiBodies())
        body.add(u"body-"_s + QString::number(body.count()) + u".json"_s, b);

    for (const fuzz::Regression &r : fuzz::regressions())
        SeedDir(root, QString::fromLatin1(r.target)).add(u"regress-"_s + QString::fromLatin1(r.name), r.input);

    std::printf("fuzz-seedwriter: %d+%d+%d+%d+%d+%d+%d+%d+%d+%d+%d+%d+%d seeds in %s\n", modelInfo.count(), tree.count(),
                errors.count(), quantSt.count(), hubSt.count(), index.count(), pickle.count(), repoId.count(),
                body.count(), names.count(), http.count(), socketIo.count(), compat.count(), qPrintable(root));
    return 0;
}
