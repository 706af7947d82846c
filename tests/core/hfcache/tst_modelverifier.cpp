#include "hfcache/modelverifier.h"

#include "hfcachewriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mistudio;
using namespace mistudio::hfcache;
using namespace mistudio::hfcachetest;
using namespace Qt::Literals::StringLiterals;

namespace {

const VerifiedFile *row(const VerifyReport &report, const QString &path)
{
    for (const VerifiedFile &f : report.files) {
        if (f.path == path)
            return &f;
    }
    return nullptr;
}

} // namespace

class TestModelVerifier final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void intactFolderVerifies();
    void reportsEveryKindOfDamage();
    void badRecordsAreRejected();
};

void TestModelVerifier::intactFolderVerifies()
{
    QTemporaryDir dir;
    const QList<fakehub::RepoFile> files = sampleModelFiles();
    QVERIFY(HfCacheWriter::writeModelFolder(dir.path(), files));
    QList<Progress> seen;
    const Result<VerifyReport> r =
        ModelVerifier().verify(dir.path(), recordsOf(files), [&](const Progress &p) {
            seen.append(p);
            return true;
        });
    QVERIFY(r.ok());
    QVERIFY(r->allOk());
    QCOMPARE(r->files.size(), files.size());
    qint64 total = 0;
    for (const fakehub::RepoFile &f : files)
        total += f.size();
    QCOMPARE(r->bytesHashed, total);
    QVERIFY(!seen.isEmpty());
    QCOMPARE(seen.last().bytesDone, total);
    QCOMPARE(seen.last().bytesTotal, total);
    QCOMPARE(seen.last().filesDone, int(files.size()));
    for (const VerifiedFile &f : r->files)
        QCOMPARE(f.actual, f.expected);
    QCOMPARE(r->toJson().value(u"ok"_s).toBool(), true);
}

void TestModelVerifier::reportsEveryKindOfDamage()
{
    QTemporaryDir dir;
    const QList<fakehub::RepoFile> files = sampleModelFiles();
    QVERIFY(HfCacheWriter::writeModelFolder(dir.path(), files));
    // A rotted bit in an LFS shard, an edited git file of the same size, a deleted file, a
    // truncated one.
    QFile shard(dir.filePath(u"model-00001-of-00003.safetensors"_s));
    QVERIFY(shard.open(QIODevice::ReadWrite));
    QVERIFY(shard.seek(shard.size() - 5));
    const char c = shard.read(1).at(0);
    QVERIFY(shard.seek(shard.size() - 5));
    shard.write(QByteArray(1, char(c ^ 0x10)));
    shard.close();
    QByteArray config = files.at(1).blob->readAll();
    config[2] = config.at(2) == 'x' ? 'y' : 'x';
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"config.json"_s), config));
    QVERIFY(QFile::remove(dir.filePath(u"tokenizer.json"_s)));
    QVERIFY(QFile::resize(dir.filePath(u"onnx/decoder/model.onnx"_s), 1000));

    const Result<VerifyReport> r = ModelVerifier().verify(dir.path(), recordsOf(files));
    QVERIFY(r.ok());
    QCOMPARE(r->failures(), 4);
    QCOMPARE(row(*r, u"model-00001-of-00003.safetensors"_s)->state, VerifyState::Mismatch);
    QCOMPARE(row(*r, u"model-00001-of-00003.safetensors"_s)->kind, HashKind::Sha256);
    QCOMPARE(row(*r, u"config.json"_s)->state, VerifyState::Mismatch);
    QCOMPARE(row(*r, u"config.json"_s)->kind, HashKind::GitBlobSha1);
    QVERIFY(row(*r, u"config.json"_s)->actual != row(*r, u"config.json"_s)->expected);
    QCOMPARE(row(*r, u"tokenizer.json"_s)->state, VerifyState::Missing);
    QCOMPARE(row(*r, u"onnx/decoder/model.onnx"_s)->state, VerifyState::SizeMismatch);
    QCOMPARE(row(*r, u"onnx/decoder/model.onnx"_s)->actualSize, qint64(1000));
    QCOMPARE(row(*r, u"model-00002-of-00003.safetensors"_s)->state, VerifyState::Ok);
    QCOMPARE(r->toJson().value(u"failures"_s).toInt(), 4);
}

void TestModelVerifier::badRecordsAreRejected()
{
    QTemporaryDir dir;
    const Result<VerifyReport> notHex =
        ModelVerifier().verify(dir.path(), {{u"a.bin"_s, 3, u"xyz"_s, QString()}});
    QVERIFY(!notHex.ok());
    QCOMPARE(notHex.error().code, ErrorCode::InvalidInput);
    const Result<VerifyReport> escape =
        ModelVerifier().verify(dir.path(), {{u"../a"_s, 3, QString(64, u'0'), QString()}});
    QVERIFY(!escape.ok());
    QCOMPARE(escape.error().code, ErrorCode::InvalidInput);
}

QTEST_GUILESS_MAIN(TestModelVerifier)
#include "tst_modelverifier.moc"
