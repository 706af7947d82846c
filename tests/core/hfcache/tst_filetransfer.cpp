#include "hfcache/filedigest.h"
#include "hfcache/filetransfer.h"

#include "hfcachewriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <sys/stat.h>

using namespace mistudio;
using namespace mistudio::hfcache;
using namespace mistudio::hfcachetest;
using namespace Qt::Literals::StringLiterals;

class TestFileTransfer final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void digestsMatchGitAndSha256_data();
    void digestsMatchGitAndSha256();
    void largeFileIsHashedAcrossBlocks();
    void modesAndFallbacks_data();
    void modesAndFallbacks();
    void existingDestinationIsAConflict();
};

void TestFileTransfer::digestsMatchGitAndSha256_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("sha256");
    QTest::addColumn<QString>("gitSha1");
    // `git hash-object` and `sha256sum` of the same bytes.
    QTest::newRow("empty") << QByteArray()
                           << u"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_s
                           << u"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"_s;
    QTest::newRow("hello") << QByteArray("hello\n")
                           << u"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"_s
                           << u"ce013625030ba8dba906f756967f9e9ca394464a"_s;
}

void TestFileTransfer::digestsMatchGitAndSha256()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, sha256);
    QFETCH(QString, gitSha1);
    QCOMPARE(FileDigest::of(HashKind::Sha256, content), sha256);
    QCOMPARE(FileDigest::of(HashKind::GitBlobSha1, content), gitSha1);
    HashKind kind = HashKind::GitBlobSha1;
    QVERIFY(hashKindOfBlobName(sha256, &kind));
    QCOMPARE(kind, HashKind::Sha256);
    QVERIFY(hashKindOfBlobName(gitSha1, &kind));
    QCOMPARE(kind, HashKind::GitBlobSha1);
    QVERIFY(!hashKindOfBlobName(sha256.toUpper(), &kind));
    QVERIFY(!hashKindOfBlobName(sha256.left(63), &kind));
}

void TestFileTransfer::largeFileIsHashedAcrossBlocks()
{
    // Bigger than one read block and not a multiple of it: the digest spans block boundaries.
    QTemporaryDir dir;
    QByteArray data(int(FileTransfer::kBlockBytes * 2 + 12345), Qt::Uninitialized);
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char((i * 2654435761u) >> 13);
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"big"_s), data));
    qint64 size = 0;
    qint64 reported = 0;
    const Result<QString> digest = FileTransfer::hashFile(
        dir.filePath(u"big"_s), HashKind::Sha256,
        [&](qint64 n) {
            reported += n;
            return true;
        },
        &size);
    QVERIFY(digest.ok());
    QCOMPARE(*digest, FileDigest::of(HashKind::Sha256, data));
    QCOMPARE(size, qint64(data.size()));
    QCOMPARE(reported, qint64(data.size()));
    const Result<QString> stopped = FileTransfer::hashFile(dir.filePath(u"big"_s), HashKind::Sha256,
                                                           [](qint64) { return false; });
    QVERIFY(!stopped.ok());
    QCOMPARE(stopped.error().code, ErrorCode::Cancelled);
}

void TestFileTransfer::modesAndFallbacks_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("linkErrno");    // 0: link works
    QTest::addColumn<int>("reflinkErrno"); // 0: reflink "works" (stands in by copying)
    QTest::addColumn<int>("method");       // -1: fails
    QTest::newRow("auto, same fs")
        << int(TransferMode::Auto) << 0 << 0 << int(TransferMethod::HardLink);
    QTest::newRow("auto, EXDEV, reflink")
        << int(TransferMode::Auto) << EXDEV << 0 << int(TransferMethod::Reflink);
    QTest::newRow("auto, EXDEV, no reflink")
        << int(TransferMode::Auto) << EXDEV << EOPNOTSUPP << int(TransferMethod::Copy);
    QTest::newRow("auto, protected hard links")
        << int(TransferMode::Auto) << EPERM << ENOTTY << int(TransferMethod::Copy);
    QTest::newRow("auto, real I/O error is not hidden")
        << int(TransferMode::Auto) << EIO << 0 << -1;
    QTest::newRow("hard link only, EXDEV") << int(TransferMode::HardLink) << EXDEV << 0 << -1;
    QTest::newRow("reflink only, unsupported")
        << int(TransferMode::Reflink) << 0 << EOPNOTSUPP << -1;
    QTest::newRow("copy") << int(TransferMode::Copy) << 0 << 0 << int(TransferMethod::Copy);
}

void TestFileTransfer::modesAndFallbacks()
{
    QFETCH(int, mode);
    QFETCH(int, linkErrno);
    QFETCH(int, reflinkErrno);
    QFETCH(int, method);
    QTemporaryDir dir;
    const QByteArray data = QByteArray("weights ").repeated(5000);
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"src"_s), data));
    FileSystemCalls calls = FileSystemCalls::system();
    if (linkErrno)
        calls.hardLink = [linkErrno](const char *, const char *) {
            errno = linkErrno;
            return -1;
        };
    calls.reflink = [reflinkErrno](int dst, int src) {
        if (reflinkErrno) {
            errno = reflinkErrno;
            return -1;
        }
        off_t in = 0;
        while (::copy_file_range(src, &in, dst, nullptr, 1 << 20, 0) > 0) {
        }
        return 0;
    };
    const FileTransfer transfer(TransferMode(mode), calls);
    const Result<FileTransfer::Outcome> r =
        transfer.place(dir.filePath(u"src"_s), dir.filePath(u"dst"_s), HashKind::Sha256, {});
    if (method < 0) {
        QVERIFY(!r.ok());
        QVERIFY(!QFileInfo::exists(dir.filePath(u"dst"_s))); // nothing half-made stays
        return;
    }
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(int(r->method), method);
    QCOMPARE(r->digest, FileDigest::of(HashKind::Sha256, data));
    QCOMPARE(r->bytesCopied, method == int(TransferMethod::Copy) ? qint64(data.size()) : qint64(0));
    QFile out(dir.filePath(u"dst"_s));
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), data);
}

void TestFileTransfer::existingDestinationIsAConflict()
{
    QTemporaryDir dir;
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"src"_s), "new"));
    QVERIFY(HfCacheWriter::writeFile(dir.filePath(u"dst"_s), "old"));
    for (TransferMode mode : {TransferMode::Auto, TransferMode::Copy}) {
        const Result<FileTransfer::Outcome> r = FileTransfer(mode).place(
            dir.filePath(u"src"_s), dir.filePath(u"dst"_s), HashKind::Sha256, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Conflict);
        QFile f(dir.filePath(u"dst"_s));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("old"));
    }
}

QTEST_GUILESS_MAIN(TestFileTransfer)
#include "tst_filetransfer.moc"
