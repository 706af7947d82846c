// Proof that the generated pytorch_model.bin files are real torch checkpoints: LibTorch's own
// unpickler reads them back with the generator's shapes, dtypes and values. Built when LibTorch is found.

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include "fakehub/fixtures/torchzipwriter.h"

#include <QtTest>

#include <cstring>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;

class TestTorchBin final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void libtorchReadsIt_data();
    void libtorchReadsIt();
};

void TestTorchBin::libtorchReadsIt_data()
{
    QTest::addColumn<int>("family");
    QTest::addColumn<QByteArray>("dtype");
    QTest::newRow("llama F32") << int(TinyModel::Family::Llama) << QByteArray("F32");
    QTest::newRow("gpt2 BF16") << int(TinyModel::Family::Gpt2) << QByteArray("BF16");
    QTest::newRow("neox F16") << int(TinyModel::Family::GptNeox) << QByteArray("F16");
}

void TestTorchBin::libtorchReadsIt()
{
    QFETCH(int, family);
    QFETCH(QByteArray, dtype);
    TinyModel model = TinyModel::make(TinyModel::Family(family), dtype, 42);
    const auto data = [&model](const TensorSpec &t) { return model.tensorData(t); };
    // torch::pickle_load maps a top-level OrderedDict (what torch.save of a state_dict writes) to
    // None, so the plain-dict container is the one LibTorch can read directly.
    const QByteArray bin = TorchZipWriter::write(model.tensors, data, TorchZipWriter::Container::Dict);
    const std::vector<char> bytes(bin.cbegin(), bin.cend());
    const c10::IValue value = torch::pickle_load(bytes);
    QVERIFY(value.isGenericDict());
    const auto dict = value.toGenericDict();
    QCOMPARE(qsizetype(dict.size()), model.tensors.size());
    const at::ScalarType expected = dtype == "F32" ? at::kFloat : dtype == "BF16" ? at::kBFloat16 : at::kHalf;
    for (const TensorSpec &spec : std::as_const(model.tensors)) {
        const std::string name = spec.name.toStdString();
        QVERIFY2(dict.contains(name), name.c_str());
        const at::Tensor t = dict.at(name).toTensor().contiguous();
        QCOMPARE(t.scalar_type(), expected);
        QCOMPARE(qsizetype(t.dim()), spec.shape.size());
        for (int d = 0; d < t.dim(); ++d)
            QCOMPARE(qint64(t.size(d)), spec.shape[d]);
        const QByteArray want = model.tensorData(spec);
        QCOMPARE(qint64(t.nbytes()), qint64(want.size()));
        QVERIFY(std::memcmp(t.data_ptr(), want.constData(), size_t(want.size())) == 0);
    }
}

QTEST_GUILESS_MAIN(TestTorchBin)
#include "tst_torchbin.moc"
