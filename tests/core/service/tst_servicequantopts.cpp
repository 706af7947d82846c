// The 4-bit options of a download (FP4, no double quantization) reach the real quantizer: a
// download from the fake Hub with bnb-4bit fp4 and double quant off writes an FP4 checkpoint
// without nested statistics, read back with core/quant's safetensors parser.

#include "fakehub/fakehub.h"
#include "quant/safetensors.h"
#include "service/eventbus.h"
#include "service/modelservice.h"
#include "engines/realengines.h"
#include "store/storefactory.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <string_view>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

class TestServiceQuantOpts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void downloadWritesFp4WithoutDoubleQuant();

private:
    fakehub::FakeHub m_hub;
};

void TestServiceQuantOpts::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
}

void TestServiceQuantOpts::downloadWritesFp4WithoutDoubleQuant()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    AppConfig cfg;
    cfg.dataDir = dir.path();
    Result<Stores> stores = openStores(cfg);
    QVERIFY2(stores.ok(), stores.ok() ? "" : qPrintable(stores.error().toString()));

    HubSettings hs;
    hs.hub.endpoint = m_hub.endpoint();
    hs.environment = QProcessEnvironment(); // no HF_TOKEN of the machine running the tests
    hs.dataDir = dir.path();
    hs.quantizeDevice = u"cpu"_s;
    ServiceOptions so;
    so.dataDir = DataDir(dir.path());
    EventBus bus;
    ModelService service(stores->models, stores->jobs, &bus, makeRealEngines(hs), so);
    QVERIFY(service.start().ok());

    NewModel m;
    m.repoId = u"org/tiny-gpt2"_s;
    m.quantization = u"bnb-4bit"_s;
    const Result<ModelRecord> created = service.create(m);
    QVERIFY(created.ok());
    DownloadRequest req;
    req.quantization = u"bnb-4bit"_s;
    req.quantType = u"fp4"_s;
    req.doubleQuant = false;
    QVERIFY(service.download(created->id, req).ok());
    QTRY_VERIFY_WITH_TIMEOUT(service.get(created->id)->status == ModelStatus::Ready ||
                                 service.get(created->id)->status == ModelStatus::Failed,
                             60000);
    const ModelRecord rec = service.get(created->id).value();
    QVERIFY2(rec.status == ModelStatus::Ready, qPrintable(rec.errorMessage));
    QCOMPARE(rec.quantization, u"bnb-4bit"_s);
    // The download's files are recorded as the Hub described them (what `models verify` checks).
    const Result<QList<ModelFileRecord>> files = service.files(created->id);
    QVERIFY(files.ok());
    QVERIFY(!files->isEmpty());
    for (const ModelFileRecord &f : *files) {
        QCOMPARE(QFileInfo(rec.filePath + u'/' + f.path).size(), f.size);
        QVERIFY2(f.sha256.size() == 64 || f.gitOid.size() == 40, qPrintable(f.path));
    }
    // The variant is where its name says, and recorded.
    QCOMPARE(service.variants(created->id)->front().name(), u"bnb-4bit-fp4"_s);

    const QString file = QFileInfo(rec.quantizedPath).isDir()
                             ? rec.quantizedPath + u"/model.safetensors"_s
                             : rec.quantizedPath;
    auto st = quant::SafetensorsFile::open(file.toStdString());
    QVERIFY2(st.ok(), qPrintable(file));
    int fp4States = 0;
    int quantized = 0;
    for (const quant::TensorEntry &t : st.value()->header().tensors) {
        const std::string_view name = t.name;
        QVERIFY2(!name.ends_with(".nested_absmax") && !name.ends_with(".nested_quant_map"),
                 t.name.c_str());
        QVERIFY2(!name.ends_with(".quant_state.bitsandbytes__nf4"), t.name.c_str());
        if (!name.ends_with(".quant_state.bitsandbytes__fp4"))
            continue;
        ++quantized;
        const auto *bytes = reinterpret_cast<const char *>(st.value()->data(t));
        const QJsonObject state =
            QJsonDocument::fromJson(QByteArray(bytes, qsizetype(t.byteSize()))).object();
        if (state.value(u"quant_type"_s).toString() == u"fp4"_s)
            ++fp4States;
    }
    QVERIFY(quantized > 0);
    QCOMPARE(fp4States, quantized);

    // The written config tells transformers the same.
    QFile config(QFileInfo(file).absolutePath() + u"/config.json"_s);
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QJsonObject qc = QJsonDocument::fromJson(config.readAll())
                               .object()
                               .value(u"quantization_config"_s)
                               .toObject();
    QCOMPARE(qc.value(u"bnb_4bit_quant_type"_s).toString(), u"fp4"_s);
    QCOMPARE(qc.value(u"bnb_4bit_use_double_quant"_s).toBool(true), false);
    service.shutdown();
}

QTEST_GUILESS_MAIN(TestServiceQuantOpts)
#include "tst_servicequantopts.moc"
