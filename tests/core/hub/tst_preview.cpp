// The preview of each fake-Hub fixture: exact parameter counts equal to the sum over the
// published headers (computed here independently), the Hub cross-check, file selection, size
// estimates per quantization, architecture and hook points, gated/.bin-only/remote-code cases,
// and the bytes a 3-shard preview costs (from the fake Hub's log).
#include "hubtesthelpers.h"

#include "fakehub/fixtures/fixturerepos.h"
#include "hub/previewbuilder.h"
#include "quant/quantizer.h"

#include "common/units.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hubtest;
using fakehub::FakeHub;
using fakehub::Listener;

namespace {

// Sum of shape products over every safetensors file of the repo, read from the served bytes.
QMap<QString, qint64> paramsFromServedHeaders(const FakeHub &hub, const QString &repo)
{
    QMap<QString, qint64> byDtype;
    for (const fakehub::FileInfo &f : hub.files(repo)) {
        if (!f.path.endsWith(u".safetensors"_s))
            continue;
        const QByteArray bytes = hub.fileContent(repo, u"main"_s, f.path);
        const quint64 n = qFromLittleEndian<quint64>(bytes.constData());
        const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, qsizetype(n))).object();
        for (auto it = header.begin(); it != header.end(); ++it) {
            if (it.key() == u"__metadata__"_s)
                continue;
            qint64 count = 1;
            for (const QJsonValue &d : it.value().toObject().value(u"shape"_s).toArray())
                count *= d.toInteger();
            byDtype[it.value().toObject().value(u"dtype"_s).toString()] += count;
        }
    }
    return byDtype;
}

qint64 total(const QMap<QString, qint64> &m)
{
    qint64 t = 0;
    for (qint64 v : m)
        t += v;
    return t;
}

} // namespace

class TestPreview final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void family_data();
    void family();
    void quantizedEstimateMatchesQuantizer_data();
    void quantizedEstimateMatchesQuantizer();
    void threeShardPreviewCost();
    void bigCheckpointFetchesOneRange();
    void longHeaderTakesSecondRange();
    void binOnlyIsEstimated();
    void gatedWithoutAccessStillPreviews();
    void gatedWithApprovedToken();
    void remoteCode();
    void jsonHasDesignKeys();
    void missingRepoFails();

private:
    std::optional<Result<hub::ModelPreview>> preview(const QString &repo, const QString &token = QString());
    FakeHub m_hub;
    QTemporaryDir m_data;
};

void TestPreview::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
    QVERIFY(m_data.isValid());
}

void TestPreview::init()
{
    m_hub.clearLog();
    m_hub.clearFaults();
    m_hub.setStrictCdnAuth(true);
    m_hub.setTreePageSize(3);
}

std::optional<Result<hub::ModelPreview>> TestPreview::preview(const QString &repo, const QString &token)
{
    RecordingClient c(optionsFor(m_hub, token));
    return await<hub::ModelPreview>([&](auto done) {
        hub::buildPreview(&c.client, hub::PreviewRequest{repo, u"main"_s, m_data.path()}, done);
    });
}

void TestPreview::family_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("modelType");
    QTest::addColumn<int>("shards");
    QTest::newRow("llama") << u"org/tiny-public"_s << u"llama"_s << 1;
    QTest::newRow("gpt2-conv1d") << u"org/tiny-gpt2"_s << u"gpt2"_s << 1;
    QTest::newRow("gemma2-tied") << u"org/tiny-gemma2"_s << u"gemma2"_s << 1;
    QTest::newRow("qwen2-qkv-bias") << u"org/tiny-qwen2"_s << u"qwen2"_s << 1;
    QTest::newRow("gpt_neox") << u"org/tiny-neox"_s << u"gpt_neox"_s << 1;
    QTest::newRow("sharded-llama") << u"org/tiny-sharded"_s << u"llama"_s << 3;
}

void TestPreview::family()
{
    QFETCH(QString, repo);
    QFETCH(QString, modelType);
    QFETCH(int, shards);
    const auto r = preview(repo);
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->ok() ? QString() : r->error().toString()));
    const hub::ModelPreview &p = r->value();
    const QMap<QString, qint64> expected = paramsFromServedHeaders(m_hub, repo);
    QVERIFY(total(expected) > 0);
    QCOMPARE(p.parameterCount, total(expected));
    QCOMPARE(p.parametersByDtype, expected);
    QVERIFY(!p.paramsEstimated);
    QCOMPARE(p.paramsSource, u"safetensors_headers"_s);
    QCOMPARE(p.paramsMatchHub, std::optional<bool>(true));
    QCOMPARE(p.shardCount, shards);
    QCOMPARE(p.modelType, modelType);
    QCOMPARE(p.commitSha.toLatin1(), m_hub.commitOf(repo));
    QCOMPARE(p.canDownload, std::optional<bool>(true));
    QVERIFY(!p.requiresAuth);
    QVERIFY(!p.license.isEmpty());
    QCOMPARE(p.files.weightFormat, u"safetensors"_s);
    qint64 selected = 0;
    for (const hub::RepoFile &f : p.files.files)
        selected += f.size;
    QCOMPARE(p.totalDownloadBytes, selected);
    for (const auto &s : p.files.skipped)
        QVERIFY2(!s.path.endsWith(u".safetensors"_s), qPrintable(s.path));

    // Architecture and hook points from config + headers.
    QVERIFY(p.architecture);
    const arch::Architecture &a = *p.architecture;
    QCOMPARE(a.family, modelType);
    QVERIFY2(!a.generic, qPrintable(a.detection));
    QVERIFY2(a.warnings.isEmpty(), qPrintable(a.warnings.join(u"; "_s)));
    QVERIFY(p.numLayers > 0);
    QCOMPARE(qint64(a.blocks.size()), p.numLayers);
    QCOMPARE(a.totalParams, p.parameterCount);
    QVERIFY(p.hiddenSize > 0);
    const int perLayer = a.parallelResidual ? 4 : 5;
    QCOMPARE(qint64(a.hookPoints.size()), perLayer * p.numLayers);
    QCOMPARE(a.hookPoints.last().name, a.layerContainer + u'.' + QString::number(p.numLayers - 1)
                                           + u".hook_resid_post"_s);
    QCOMPARE(a.hookPoints.last().width, p.hiddenSize);

    // Sizes per quantization: none is the weights as published; quantized modes are smaller.
    QCOMPARE(p.sizes.size(), 3);
    QVERIFY(!p.sizesEstimated);
    const hub::SizeEstimate &none = p.sizes.at(0);
    const hub::SizeEstimate &q4 = p.sizes.at(1);
    const hub::SizeEstimate &q8 = p.sizes.at(2);
    QVERIFY(q4.quantizedTensors > 0);
    QVERIFY(q4.outputBytes < q8.outputBytes);
    QVERIFY(q4.memoryBytes < none.memoryBytes);
    QVERIFY(p.estimatedQuantizedSizeGb.has_value());
    qInfo("%s: %lld params; download %lld B; bnb-4bit %lld B (%d tensors quantized); bnb-8bit %lld B",
          qPrintable(repo), p.parameterCount, p.totalDownloadBytes, q4.outputBytes, q4.quantizedTensors,
          q8.outputBytes);
    QVERIFY(p.freeDiskBytes > 0);
    QVERIFY(p.fits(hub::Quantization::None));
}

void TestPreview::quantizedEstimateMatchesQuantizer_data()
{
    family_data();
}

// The preview's bnb-4bit/bnb-8bit sizes against the files the real quantizer writes for the same
// checkpoint (downloaded from the fake Hub into a folder): within 1 %.
void TestPreview::quantizedEstimateMatchesQuantizer()
{
    QFETCH(QString, repo);
    const auto r = preview(repo);
    QVERIFY(r && r->ok());
    QTemporaryDir dir;
    const QString in = dir.filePath(u"in"_s);
    for (const hub::RepoFile &f : r->value().files.files) {
        const QString path = in + u'/' + f.path;
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(m_hub.fileContent(repo, u"main"_s, f.path));
    }
    for (const hub::SizeEstimate &e : r->value().sizes) {
        if (e.mode == hub::Quantization::None)
            continue;
        quant::QuantizeRequest req;
        req.inputDir = in.toStdString();
        req.outputDir = dir.filePath(hub::quantizationName(e.mode)).toStdString();
        req.options.mode = e.mode == hub::Quantization::Bnb4bit ? quant::QuantMode::Bnb4bit : quant::QuantMode::Bnb8bit;
        req.device = quant::DeviceKind::Cpu;
        req.threads = 1;
        const auto report = quant::quantizeCheckpoint(req);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        qint64 written = 0;
        const QDir outDir(QString::fromStdString(req.outputDir));
        for (const QFileInfo &fi : outDir.entryInfoList({u"*.safetensors"_s}, QDir::Files))
            written += fi.size();
        QCOMPARE(report->plan.quantizedCount, e.quantizedTensors);
        const double diff = std::abs(double(e.outputBytes - written)) / double(written);
        qInfo("%s %s: estimated %lld B, quantizer wrote %lld B (%.3f %%)", qPrintable(repo),
              qPrintable(hub::quantizationName(e.mode)), e.outputBytes, written, diff * 100);
        QVERIFY2(diff <= 0.01, qPrintable(QString::number(diff * 100) + u" %"_s));
    }
}

void TestPreview::threeShardPreviewCost()
{
    const QString repo = u"org/tiny-sharded"_s;
    const auto r = preview(repo);
    QVERIFY(r && r->ok());
    qint64 weightBytes = 0;
    qint64 expectedCdn = 0;
    int shardFiles = 0;
    for (const fakehub::FileInfo &f : m_hub.files(repo)) {
        if (f.path.endsWith(u".safetensors"_s)) {
            ++shardFiles;
            weightBytes += f.size;
            expectedCdn += std::min<qint64>(f.size, 100001); // one Range of bytes=0-100000 each
        }
    }
    QCOMPARE(shardFiles, 3);
    const qint64 cdn = m_hub.bytesServed(Listener::Cdn);
    const qint64 hubBytes = m_hub.bytesServed(Listener::Hub);
    QCOMPARE(m_hub.requestCount(Listener::Cdn), qint64(3));
    QCOMPARE(cdn, expectedCdn);
    for (const auto &e : m_hub.log()) {
        if (e.listener == Listener::Cdn)
            QCOMPARE(e.range, QByteArray("bytes=0-100000"));
    }
    qInfo("3-shard preview: %lld requests; fake Hub served %lld B from the hub listener + %lld B from the CDN "
          "(weights total %lld B)",
          qint64(m_hub.log().size()), hubBytes, cdn, weightBytes);
}

void TestPreview::bigCheckpointFetchesOneRange()
{
    const auto info = m_hub.fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s);
    QVERIFY(info && info->size > 1000000);
    const auto r = preview(u"org/big"_s);
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(r->value().paramsMatchHub, std::optional<bool>(true));
    QCOMPARE(m_hub.requestCount(Listener::Cdn), qint64(1));
    QCOMPARE(m_hub.bytesServed(Listener::Cdn), qint64(100001));
    // An unknown model_type: the architecture says how it was found instead of failing.
    QVERIFY(r->value().architecture);
    QVERIFY(r->value().architecture->generic);
    qInfo("org/big preview: %lld B from the CDN for a %lld B checkpoint", m_hub.bytesServed(Listener::Cdn),
          info->size);
}

void TestPreview::longHeaderTakesSecondRange()
{
    // 5000 one-element tensors: a header well past the first 100 kB range.
    QJsonObject header;
    QByteArray data;
    for (int i = 0; i < 5000; ++i) {
        header.insert(u"model.layers.0.extra.t%1.weight"_s.arg(i, 5, 10, QLatin1Char('0')),
                      QJsonObject{{u"dtype"_s, u"F32"_s}, {u"shape"_s, QJsonArray{1}},
                                  {u"data_offsets"_s, QJsonArray{i * 4, i * 4 + 4}}});
        data.append(4, '\0');
    }
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QVERIFY(json.size() > 100000);
    QByteArray file(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), file.data());
    file += json + data;
    fakehub::Repo repo;
    repo.id = u"org/long-header"_s;
    repo.addCommit(u"main"_s, u"init"_s,
                   {fakehub::makeFile(u"config.json"_s, R"({"model_type":"llama","num_hidden_layers":1})"),
                    fakehub::makeFile(u"model.safetensors"_s, file)});
    m_hub.addRepo(repo);
    const auto r = preview(u"org/long-header"_s);
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QCOMPARE(r->value().parameterCount, qint64(5000));
    QList<QByteArray> ranges;
    for (const auto &e : m_hub.log()) {
        if (e.path.contains(u"model.safetensors"_s) || e.listener == Listener::Cdn)
            ranges << e.range;
    }
    QVERIFY(ranges.contains("bytes=0-100000"));
    QVERIFY2(ranges.contains("bytes=8-" + QByteArray::number(json.size() + 7)), ranges.join(' ').constData());
}

void TestPreview::binOnlyIsEstimated()
{
    const auto r = preview(u"org/tiny-bin"_s);
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    const hub::ModelPreview &p = r->value();
    QVERIFY(p.paramsEstimated);
    QCOMPARE(p.paramsSource, u"file_sizes"_s);
    QCOMPARE(p.files.weightFormat, u"pytorch_bin"_s);
    QVERIFY(p.files.weightFiles.contains(u"pytorch_model.bin"_s));
    QVERIFY(p.sizesEstimated);
    QVERIFY(p.parameterCount > 0);
    QCOMPARE(m_hub.requestCount(Listener::Cdn), 0); // no weight byte was fetched
    QCOMPARE(p.toJson().value(u"params_estimated"_s).toBool(), true);
}

void TestPreview::gatedWithoutAccessStillPreviews()
{
    const auto r = preview(u"org/gated-manual"_s);
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    const hub::ModelPreview &p = r->value();
    QVERIFY(p.requiresAuth);
    QCOMPARE(p.gated, u"manual"_s);
    QCOMPARE(p.canDownload, std::optional<bool>(false));
    QVERIFY(p.accessError);
    QCOMPARE(p.accessError->code, ErrorCode::GatedAuthRequired);
    QVERIFY(!p.accessError->message.isEmpty());
    QCOMPARE(p.paramsSource, u"hub_safetensors"_s); // the Hub's own count, from public metadata
    QVERIFY(p.parameterCount > 0);
    QCOMPARE(m_hub.requestCount(Listener::Cdn), 0);

    const auto denied = preview(u"org/gated-manual"_s, QLatin1StringView(fakehub::kUserToken));
    QVERIFY(denied && denied->ok());
    QCOMPARE(denied->value().accessError->code, ErrorCode::GatedAccessDenied);
    QCOMPARE(denied->value().tokenSource, u"explicit"_s);
}

void TestPreview::gatedWithApprovedToken()
{
    const auto r = preview(u"org/gated-manual"_s, QLatin1StringView(fakehub::kApprovedToken));
    QVERIFY(r && r->ok());
    QCOMPARE(r->value().canDownload, std::optional<bool>(true));
    QCOMPARE(r->value().paramsSource, u"safetensors_headers"_s);
    QCOMPARE(r->value().parameterCount, total(paramsFromServedHeaders(m_hub, u"org/gated-manual"_s)));
    QCOMPARE(m_hub.cdnRequestsWithAuthorization(), 0);
}

void TestPreview::remoteCode()
{
    const auto r = preview(u"org/remote-code"_s);
    QVERIFY2(r && r->ok(), r ? qPrintable(r->ok() ? QString() : r->error().toString()) : "hang");
    QVERIFY(r->value().requiresTrustRemoteCode);
    bool hasPy = false;
    for (const hub::RepoFile &f : r->value().files.files)
        hasPy = hasPy || f.path.endsWith(u".py"_s);
    QVERIFY(hasPy);
}

void TestPreview::jsonHasDesignKeys()
{
    const auto r = preview(u"org/tiny-public"_s);
    QVERIFY(r && r->ok());
    const QJsonObject j = r->value().toJson();
    for (const char *k : {"repo_id", "model_type", "parameters", "hidden_size", "num_layers", "estimated_size_gb",
                          "estimated_quantized_size_gb", "requires_auth", "license", "parameter_count",
                          "parameters_by_dtype", "commit_sha", "can_download", "files", "total_download_bytes",
                          "requires_trust_remote_code", "sizes", "free_disk_bytes", "fits", "params_estimated"})
        QVERIFY2(j.contains(QLatin1StringView(k)), k);
    QCOMPARE(j.value(u"repo_id"_s).toString(), u"org/tiny-public"_s);
    QCOMPARE(j.value(u"parameters"_s).toString(), formatParamCount(r->value().parameterCount));
    for (const char *mode : {"none", "bnb-4bit", "bnb-8bit"}) {
        const QJsonObject s = j.value(u"sizes"_s).toObject().value(QLatin1StringView(mode)).toObject();
        QVERIFY2(s.value(u"output_bytes"_s).toInteger() > 0, mode);
        QVERIFY2(s.value(u"memory_bytes"_s).toInteger() > 0, mode);
        QVERIFY2(s.contains(u"fits"_s), mode);
    }
}

void TestPreview::missingRepoFails()
{
    const auto r = preview(u"org/nothing-here"_s);
    QVERIFY(r && !r->ok());
    QCOMPARE(r->error().code, ErrorCode::RepoNotFound);
    QVERIFY(!r->error().requestId.isEmpty());
}

QTEST_GUILESS_MAIN(TestPreview)
#include "tst_preview.moc"
