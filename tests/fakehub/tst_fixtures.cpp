// The generated fixtures are real checkpoints: safetensors headers and bytes, sharded index, torch zip
// .bin, the big generated file, and repos served from a directory.

#include "fakehubtestbase.h"
#include "fakehub/fixtures/safetensorswriter.h"
#include "quant/safetensors.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtEndian>

#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;
using namespace mistudio::fakehub::test;

class TestFixtures final : public FakeHubTestBase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(startHub()); }
    void init();

    void bigFileIsGeneratedAndRangeable();
    void fixturesAreRealCheckpoints_data();
    void fixturesAreRealCheckpoints();
    void shardedIndex();
    void singleFileAndShardsTogether();
    void torchBinIsZipPickle();
    void productParserAcceptsEverySafetensorsFile();
    void fixturesDirectory();
    void snapshotRoundTrip();
};

void TestFixtures::init()
{
    resetHub();
    m_hub->moveBranch(u"org/tiny-public"_s, u"main"_s, QString::fromLatin1(m_hub->commitOf(u"org/tiny-public"_s, u"main"_s)));
}

void TestFixtures::bigFileIsGeneratedAndRangeable()
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

void TestFixtures::fixturesAreRealCheckpoints_data()
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

void TestFixtures::fixturesAreRealCheckpoints()
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

void TestFixtures::shardedIndex()
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

void TestFixtures::singleFileAndShardsTogether()
{
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "BF16", 15);
    QVERIFY(m_hub->fileInfo(u"org/tiny-both"_s, u"main"_s, u"model.safetensors"_s));
    QVERIFY(m_hub->fileInfo(u"org/tiny-both"_s, u"main"_s, u"model.safetensors.index.json"_s));
    QVERIFY(m_hub->fileInfo(u"org/tiny-both"_s, u"main"_s, u"model-00002-of-00002.safetensors"_s));
    // the Hub counts the parameters once (model.safetensors wins, as in huggingface_hub)
    const QJsonObject st = get(u"/api/models/org/tiny-both?expand=safetensors"_s).json().object().value(u"safetensors"_s).toObject();
    QCOMPARE(qint64(st.value(u"total"_s).toDouble()), model.parameterCount());
}

void TestFixtures::torchBinIsZipPickle()
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

void TestFixtures::fixturesDirectory()
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

void TestFixtures::productParserAcceptsEverySafetensorsFile()
{
    // Cross-check with the product's strict parser (core/quant): two independent implementations agree.
    int files = 0;
    const QStringList repos = m_hub->repoIds();
    for (const QString &repo : repos) {
        if (repo == u"org/big"_s || repo == u"org/private"_s)
            continue; // big: head only, below
        const QList<FileInfo> list = m_hub->files(repo);
        for (const FileInfo &f : list) {
            if (!f.path.endsWith(u".safetensors"_s))
                continue;
            const QByteArray bytes = m_hub->fileContent(repo, u"main"_s, f.path);
            const auto header = mistudio::quant::parseHeader(reinterpret_cast<const uint8_t *>(bytes.constData()),
                                                             size_t(bytes.size()), uint64_t(bytes.size()));
            if (!header.ok())
                QFAIL(qPrintable(repo + u'/' + f.path + u": "_s + QString::fromStdString(header.error().toString())));
            ++files;
        }
    }
    QVERIFY(files >= 12);
    const auto big = m_hub->fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s);
    const QByteArray head = send("GET", cdnUrl(u"org/big"_s, u"model.safetensors"_s), {{"Range", "bytes=0-100000"}}).body;
    const auto header = mistudio::quant::parseHeader(reinterpret_cast<const uint8_t *>(head.constData()), size_t(head.size()),
                                                     uint64_t(big->size));
    if (!header.ok())
        QFAIL(header.error().toString().c_str());
    QCOMPARE(qint64(header.value().dataOffset() + header.value().dataSize), big->size);
}

void TestFixtures::snapshotRoundTrip()
{
    // a snapshot written to disk, served again from the directory, has the same ids and hashes
    QTemporaryDir dir;
    QVERIFY(m_hub->writeSnapshot(u"org/tiny-public"_s, u"main"_s, dir.filePath(u"org/tiny-public"_s)));
    QVERIFY(QFile::exists(dir.filePath(u"org/tiny-public/onnx/model.onnx"_s)));
    QString error;
    QVERIFY(!m_hub->writeSnapshot(u"org/nope"_s, u"main"_s, dir.path(), &error));
    QVERIFY(error.contains(u"org/nope"_s));
    FakeHub copy(FakeHub::Options{0, 0, {}, false});
    QCOMPARE(copy.addReposFromDirectory(dir.path()), 1);
    const QList<FileInfo> original = m_hub->files(u"org/tiny-public"_s);
    const QList<FileInfo> served = copy.files(u"org/tiny-public"_s);
    QCOMPARE(served.size(), original.size());
    for (qsizetype i = 0; i < original.size(); ++i) {
        QCOMPARE(served[i].path, original[i].path);
        QCOMPARE(served[i].sha256, original[i].sha256);
        QCOMPARE(served[i].gitOid, original[i].gitOid);
        QCOMPARE(served[i].lfs, original[i].lfs);
    }
}

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
