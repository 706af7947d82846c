// completePreview() with the numbers a hostile Hub or mirror controls: file sizes in the tree,
// the Hub's parameter total, config.json dimensions and tensor shapes from the headers. Sums and
// products past the qint64 range saturate (they overflowed before: undefined behaviour, negative
// sizes in the preview); a preview never shows a negative size or count.
#include "hub/previewbuilder.h"

#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hub;

namespace {

constexpr qint64 kMax = std::numeric_limits<qint64>::max();

RepoFile file(const QString &path, qint64 size)
{
    return RepoFile{path, size, u"oid"_s, {}, {}};
}

void verifyNothingNegative(const ModelPreview &p)
{
    QVERIFY(p.totalDownloadBytes >= 0);
    QVERIFY(p.parameterCount >= 0);
    for (auto it = p.parametersByDtype.cbegin(); it != p.parametersByDtype.cend(); ++it)
        QVERIFY2(it.value() >= 0, qPrintable(it.key()));
    QVERIFY(!p.sizes.isEmpty());
    for (const SizeEstimate &s : p.sizes) {
        QVERIFY2(s.outputBytes >= 0, qPrintable(quantizationName(s.mode)));
        QVERIFY2(s.memoryBytes >= 0, qPrintable(quantizationName(s.mode)));
    }
    QVERIFY(p.diskNeeded(Quantization::Bnb4bit) >= 0);
    QVERIFY(p.estimatedSizeGb >= 0);
}

} // namespace

class TestCompletePreview final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hugeFileSizesSaturate();
    void hugeHubParameterTotalSaturates();
    void hugeConfigDimensionsSaturate();
    void hugeShapesSaturate();
};

void TestCompletePreview::hugeFileSizesSaturate()
{
    ModelPreview p;
    completePreview(p, {}, {file(u"a.safetensors"_s, kMax), file(u"b.safetensors"_s, kMax), file(u"config.json"_s, 1)},
                    {}, false);
    QCOMPARE(p.files.totalBytes, kMax);
    QCOMPARE(p.totalDownloadBytes, kMax);
    verifyNothingNegative(p);
    QCOMPARE(p.sizes.first().outputBytes, kMax); // none: the weights as published
}

void TestCompletePreview::hugeHubParameterTotalSaturates()
{
    ModelPreview p;
    p.hubParameterTotal = kMax;
    completePreview(p, {}, {file(u"model.safetensors"_s, 10)}, {}, false);
    QCOMPARE(p.parameterCount, kMax);
    verifyNothingNegative(p);
    QCOMPARE(p.sizes.first().memoryBytes, kMax); // two bytes per parameter
}

void TestCompletePreview::hugeConfigDimensionsSaturate()
{
    ModelPreview p;
    p.hubParameterTotal = 1000;
    const QJsonObject config{{u"model_type"_s, u"llama"_s}, {u"vocab_size"_s, qint64(1) << 32},
                             {u"hidden_size"_s, qint64(1) << 32}, {u"num_hidden_layers"_s, 2},
                             {u"num_attention_heads"_s, 4}, {u"tie_word_embeddings"_s, false}};
    completePreview(p, config, {file(u"model.safetensors"_s, 2000)}, {}, false);
    QCOMPARE(p.parameterCount, 1000);
    verifyNothingNegative(p);
}

void TestCompletePreview::hugeShapesSaturate()
{
    // Two shards, each a valid header on its own (2^62 one-byte elements), summing past INT64_MAX.
    const QList<arch::TensorDesc> tensors{{u"a.weight"_s, u"U8"_s, {qint64(1) << 31, qint64(1) << 31}},
                                          {u"b.weight"_s, u"U8"_s, {qint64(1) << 62}},
                                          {u"c.weight"_s, u"U8"_s, {qint64(1) << 62}}};
    ModelPreview p;
    completePreview(p, {}, {file(u"model-1.safetensors"_s, 1), file(u"model-2.safetensors"_s, 1)}, tensors, true);
    QCOMPARE(p.parameterCount, kMax);
    QCOMPARE(p.parametersByDtype.value(u"U8"_s), kMax);
    verifyNothingNegative(p);
    QCOMPARE(arch::elementCount({qint64(1) << 32, qint64(1) << 32}), kMax);
}

QTEST_GUILESS_MAIN(TestCompletePreview)
#include "tst_completepreview.moc"
