// The fake Hub's `org/tiny-bin` (a .bin-only repo whose pytorch_model.bin is a torch.save-style
// top-level OrderedDict, the layout LibTorch 1.13 alone reads as None) converts to safetensors
// through mistudio_torchreader with the generator's names, shapes, dtypes and bytes.

#include "fakehub/fixtures/fixturerepos.h"
#include "quant/safetensors.h"
#include "quant/torch/torchreader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;
namespace mq = mistudio::quant;

class TestTorchBinFixture final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tinyBinConverts();
};

void TestTorchBinFixture::tinyBinConverts()
{
    FixtureOptions options;
    options.bigFileBytes = 1024; // org/big is not used here
    const FixtureSet set = buildStandardFixtures(options);
    QVERIFY(set.repos.contains(u"org/tiny-bin"_s));
    const Repo &repo = set.repos[u"org/tiny-bin"_s];
    const Commit *commit = repo.commit(repo.resolveRevision(u"main"_s));
    QVERIFY(commit);
    QVERIFY(commit->files.contains(u"pytorch_model.bin"_s));
    QVERIFY(!commit->files.contains(u"model.safetensors"_s)); // .bin only: the reader is the only way in
    const QByteArray bin = commit->files[u"pytorch_model.bin"_s].blob->readAll();
    QVERIFY(bin.contains("ccollections\nOrderedDict\n"));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString in = dir.filePath(u"in"_s), out = dir.filePath(u"out"_s);
    QVERIFY(QDir().mkpath(in));
    QFile f(in + u"/pytorch_model.bin"_s);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bin), bin.size());
    f.close();

    QVERIFY(mq::hasPytorchBin(in.toStdString()));
    auto conv = mq::convertPytorchBin(in.toStdString(), out.toStdString());
    QVERIFY2(conv.ok(), conv.ok() ? "" : conv.error().toString().c_str());

    // The fixture is TinyModel(llama, seed 8) written as F32 (fixturerepos.cpp).
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "F32", 8);
    const QList<TensorSpec> specs = model.tensorsAs("F32");
    QCOMPARE(qsizetype(conv->tensors), specs.size());
    auto st = mq::SafetensorsFile::open(QString(out + u"/model.safetensors"_s).toStdString());
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().toString().c_str());
    QCOMPARE(qsizetype((*st)->header().tensors.size()), specs.size());
    for (const TensorSpec &spec : specs) {
        const std::string name = spec.name.toStdString();
        const auto *e = (*st)->header().find(name);
        QVERIFY2(e, name.c_str());
        QCOMPARE(e->dtype, mq::DType::F32);
        QCOMPARE(qsizetype(e->shape.size()), spec.shape.size());
        for (qsizetype d = 0; d < spec.shape.size(); ++d)
            QCOMPARE(qint64(e->shape[size_t(d)]), spec.shape[d]);
        const QByteArray want = model.tensorData(spec);
        QCOMPARE(qint64(e->byteSize()), qint64(want.size()));
        QVERIFY2(std::memcmp((*st)->data(*e), want.constData(), size_t(want.size())) == 0, name.c_str());
    }
}

QTEST_GUILESS_MAIN(TestTorchBinFixture)
#include "tst_torchbinfixture.moc"
