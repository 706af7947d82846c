// The download file policy: safetensors first, other weight formats skipped, code only for
// trust_remote_code models.
#include "hub/fileselection.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::hub;

namespace {

QList<RepoFile> repo(const QStringList &paths)
{
    QList<RepoFile> files;
    qint64 size = 10;
    for (const QString &p : paths)
        files.append(RepoFile{p, size++, {}, {}, {}});
    return files;
}

QStringList paths(const QList<RepoFile> &files)
{
    QStringList out;
    for (const RepoFile &f : files)
        out << f.path;
    return out;
}

} // namespace

class TestFileSelection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policy_data();
    void policy();
    void trustRemoteCode();
};

void TestFileSelection::policy_data()
{
    QTest::addColumn<QStringList>("repoFiles");
    QTest::addColumn<bool>("trust");
    QTest::addColumn<QStringList>("selected");
    QTest::addColumn<QString>("format");

    const QStringList common{u"config.json"_s, u"tokenizer.json"_s, u"tokenizer_config.json"_s, u"README.md"_s,
                             u"LICENSE"_s, u"generation_config.json"_s};
    QTest::newRow("safetensors-wins")
        << common + QStringList{u"model.safetensors"_s, u"pytorch_model.bin"_s, u"tf_model.h5"_s,
                                u"flax_model.msgpack"_s, u"onnx/model.onnx"_s, u"model.gguf"_s, u".gitattributes"_s,
                                u"rust_model.ot"_s, u"model.ckpt"_s}
        << false << common + QStringList{u"model.safetensors"_s} << u"safetensors"_s;
    QTest::newRow("sharded")
        << common + QStringList{u"model-00001-of-00002.safetensors"_s, u"model-00002-of-00002.safetensors"_s,
                                u"model.safetensors.index.json"_s, u"pytorch_model-00001-of-00002.bin"_s,
                                u"pytorch_model-00002-of-00002.bin"_s, u"pytorch_model.bin.index.json"_s}
        << false
        << common + QStringList{u"model-00001-of-00002.safetensors"_s, u"model-00002-of-00002.safetensors"_s,
                                u"model.safetensors.index.json"_s}
        << u"safetensors"_s;
    QTest::newRow("bin-only") << common + QStringList{u"pytorch_model.bin"_s, u"tf_model.h5"_s} << false
                              << common + QStringList{u"pytorch_model.bin"_s} << u"pytorch_bin"_s;
    QTest::newRow("code-skipped-without-trust")
        << common + QStringList{u"model.safetensors"_s, u"modeling_x.py"_s} << false
        << common + QStringList{u"model.safetensors"_s} << u"safetensors"_s;
    QTest::newRow("code-kept-with-trust")
        << common + QStringList{u"model.safetensors"_s, u"modeling_x.py"_s, u"configuration_x.py"_s} << true
        << common + QStringList{u"model.safetensors"_s, u"modeling_x.py"_s, u"configuration_x.py"_s}
        << u"safetensors"_s;
    QTest::newRow("gguf-only") << common + QStringList{u"a.Q4_K_M.gguf"_s} << false << common << QString();
}

void TestFileSelection::policy()
{
    QFETCH(QStringList, repoFiles);
    QFETCH(bool, trust);
    QFETCH(QStringList, selected);
    QFETCH(QString, format);
    const QList<RepoFile> files = repo(repoFiles);
    const FileSelection s = selectFiles(files, trust);
    QCOMPARE(paths(s.files), selected);
    QCOMPARE(s.weightFormat, format);
    qint64 total = 0;
    for (const RepoFile &f : s.files)
        total += f.size;
    QCOMPARE(s.totalBytes, total);
    QCOMPARE(s.files.size() + s.skipped.size(), files.size());
    for (const FileSelection::Skipped &k : s.skipped)
        QVERIFY2(!k.reason.isEmpty(), qPrintable(k.path));
}

void TestFileSelection::trustRemoteCode()
{
    QVERIFY(requiresTrustRemoteCode(QJsonObject{{u"auto_map"_s, QJsonObject{}}}, {}));
    QVERIFY(requiresTrustRemoteCode({}, repo({u"modeling_custom.py"_s})));
    QVERIFY(!requiresTrustRemoteCode({}, repo({u"convert.py"_s, u"config.json"_s})));
}

QTEST_GUILESS_MAIN(TestFileSelection)
#include "tst_fileselection.moc"
