#include "download/downloadjournal.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace mistudio;

namespace {
qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size();
}
} // namespace

class TestDownloadJournal final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshThenResume();
    void otherIdentityStartsOver_data();
    void otherIdentityStartsOver();
    void rangesOutsideTheFileAreRefused();
    void tornTailIsCutOff_data();
    void tornTailIsCutOff();
    void corruptHeaderStartsOver();
    void manyRecordsAreCompacted();
    void firstFormatIsReadAndRewritten();
    void peekReadsWithoutChanging();

private:
    static DownloadJournal::Identity ident(qint64 size = 1000, QByteArray digest = "abc123")
    {
        return DownloadJournal::Identity{size, std::move(digest)};
    }
};

void TestDownloadJournal::freshThenResume()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("f.journal.incomplete"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY(j.ok());
        QVERIFY(fresh);
        QCOMPARE((*j)->doneBytes(), 0);
        QVERIFY((*j)->record({{300, 350}, {0, 100}}).ok());
        QVERIFY((*j)->record({{300, 340}}).ok()); // already covered: no record
        QVERIFY((*j)->record({{300, 400}}).ok()); // a piece that grew since the last checkpoint
        QCOMPARE((*j)->doneBytes(), 200);
    }
    QCOMPARE(fileSize(path), qint64(DownloadJournal::kHeaderSize + 3 * DownloadJournal::kRecordSize));
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QVERIFY(j.ok());
    QVERIFY(!fresh);
    QCOMPARE((*j)->doneBytes(), 200);
    QVERIFY((*j)->isDone(0, 100));
    QVERIFY((*j)->isDone(300, 400));
    QVERIFY(!(*j)->isDone(99, 301));
    QCOMPARE(int((*j)->done().ranges().size()), 2);
    QVERIFY((*j)->record({{100, 300}, {400, 1000}}).ok());
    j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QVERIFY((*j)->isDone(0, 1000));
}

void TestDownloadJournal::otherIdentityStartsOver_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QByteArray>("digest");
    QTest::newRow("other size") << qint64(1001) << QByteArray("abc123");
    QTest::newRow("other digest") << qint64(1000) << QByteArray("def456");
}

void TestDownloadJournal::otherIdentityStartsOver()
{
    QFETCH(qint64, size);
    QFETCH(QByteArray, digest);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->record({{0, 500}}).ok());
    }
    QCOMPARE(DownloadJournal::peekDoneBytes(GuardedPath::beside(path), ident(size, digest)), 0);
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(size, digest), &fresh);
    QVERIFY(j.ok());
    QVERIFY(fresh);
    QCOMPARE((*j)->doneBytes(), 0);
}

void TestDownloadJournal::rangesOutsideTheFileAreRefused()
{
    QTemporaryDir dir;
    bool fresh = false;
    auto j = DownloadJournal::open(GuardedPath::beside(dir.filePath(QStringLiteral("j"))), ident(), &fresh);
    QVERIFY(!(*j)->record({{900, 1001}}).ok());
    QVERIFY(!(*j)->record({{-1, 10}}).ok());
    QCOMPARE((*j)->doneBytes(), 0);
}

void TestDownloadJournal::tornTailIsCutOff_data()
{
    QTest::addColumn<QByteArray>("tail");
    QTest::newRow("half record") << QByteArray("\x02\x00\x00\x00\x00\x00\x00\x00\x10\x00", 10);
    QTest::newRow("zero record") << QByteArray(DownloadJournal::kRecordSize, '\0');
    QByteArray garbage(DownloadJournal::kRecordSize, '\0');
    qToLittleEndian<quint64>(0, garbage.data());
    qToLittleEndian<quint64>(900, garbage.data() + 8);
    qToLittleEndian<quint32>(0x12345678, garbage.data() + 16); // a wrong check
    QTest::newRow("garbage record") << garbage;
}

void TestDownloadJournal::tornTailIsCutOff()
{
    QFETCH(QByteArray, tail);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->record({{700, 800}}).ok());
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(tail);
    }
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY(!fresh);
        QCOMPARE((*j)->doneBytes(), 100); // the torn record never claims a byte
        QVERIFY((*j)->record({{200, 300}}).ok()); // appended after the cut, so it is readable
    }
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QCOMPARE((*j)->doneBytes(), 200);
    QVERIFY((*j)->isDone(200, 300));
}

void TestDownloadJournal::corruptHeaderStartsOver()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->record({{0, 100}}).ok());
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(10);
        f.write("X");
    }
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QVERIFY(j.ok());
    QVERIFY(fresh);
    QCOMPARE((*j)->doneBytes(), 0);
}

void TestDownloadJournal::manyRecordsAreCompacted()
{
    // One record per checkpoint and piece: a long download rewrites its journal rather than
    // letting it grow without bound, and loses nothing doing so.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    const qint64 size = 10'000'000;
    bool fresh = false;
    qint64 maxSeen = 0;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(size), &fresh);
        for (qint64 i = 1; i <= 3 * DownloadJournal::kCompactAfterRecords; ++i) {
            QVERIFY((*j)->record({{0, i * 100}, {5'000'000, 5'000'000 + i * 100}}).ok());
            maxSeen = qMax(maxSeen, fileSize(path));
        }
        QCOMPARE((*j)->doneBytes(), 2 * 3 * DownloadJournal::kCompactAfterRecords * 100);
    }
    QVERIFY2(maxSeen <= DownloadJournal::kHeaderSize + (DownloadJournal::kCompactAfterRecords + 4) * DownloadJournal::kRecordSize,
             qPrintable(QString::number(maxSeen)));
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(size), &fresh);
    QVERIFY(!fresh);
    QCOMPARE((*j)->doneBytes(), 2 * 3 * DownloadJournal::kCompactAfterRecords * 100);
}

void TestDownloadJournal::firstFormatIsReadAndRewritten()
{
    // A journal from before sub-range records: 8-byte records of finished chunks.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    const qint64 size = 1000, chunk = 300;
    const QByteArray digest = "abc123";
    auto fnv = [](const char *d, int n) {
        quint32 h = 2166136261u;
        for (int i = 0; i < n; ++i) {
            h ^= quint8(d[i]);
            h *= 16777619u;
        }
        return h;
    };
    QByteArray h(DownloadJournal::kHeaderSize, '\0');
    memcpy(h.data(), "MSDJRNL1", 8);
    qToLittleEndian<quint64>(quint64(size), h.data() + 8);
    qToLittleEndian<quint64>(quint64(chunk), h.data() + 16);
    qToLittleEndian<quint32>(quint32(digest.size()), h.data() + 24);
    memcpy(h.data() + 28, digest.constData(), size_t(digest.size()));
    const quint32 check = fnv(h.constData(), 92);
    qToLittleEndian<quint32>(check, h.data() + 92);
    for (quint32 index : {1u, 3u}) { // bytes 300-600 and the short last chunk 900-1000
        char rec[8], buf[8];
        qToLittleEndian<quint32>(check, buf);
        qToLittleEndian<quint32>(index, buf + 4);
        qToLittleEndian<quint32>(index, rec);
        qToLittleEndian<quint32>(fnv(buf, 8) | 1u, rec + 4);
        h.append(rec, 8);
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(h);
    }
    QCOMPARE(DownloadJournal::peekDoneBytes(GuardedPath::beside(path), ident(size, digest)), 400);
    bool fresh = true;
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(size, digest), &fresh);
    QVERIFY(j.ok());
    QVERIFY(!fresh);
    QVERIFY((*j)->isDone(300, 600));
    QVERIFY((*j)->isDone(900, 1000));
    QCOMPARE((*j)->doneBytes(), 400);
    QCOMPARE(fileSize(path), qint64(DownloadJournal::kHeaderSize + 2 * DownloadJournal::kRecordSize)); // rewritten
    j = DownloadJournal::open(GuardedPath::beside(path), ident(size, digest), &fresh);
    QVERIFY(!fresh);
    QCOMPARE((*j)->doneBytes(), 400);
}

void TestDownloadJournal::peekReadsWithoutChanging()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->record({{0, 250}, {500, 600}}).ok());
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("torn");
    }
    const qint64 before = fileSize(path);
    QCOMPARE(DownloadJournal::peekDoneBytes(GuardedPath::beside(path), ident()), 350);
    QCOMPARE(fileSize(path), before);
    QCOMPARE(DownloadJournal::peekDoneBytes(GuardedPath::beside(dir.filePath(QStringLiteral("none"))), ident()), 0);
}

QTEST_GUILESS_MAIN(TestDownloadJournal)
#include "tst_downloadjournal.moc"
