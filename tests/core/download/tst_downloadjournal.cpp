#include "download/downloadjournal.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mistudio;

class TestDownloadJournal final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshThenResume();
    void otherIdentityStartsOver_data();
    void otherIdentityStartsOver();
    void keepsItsOwnChunkSize();
    void tornTailIsCutOff_data();
    void tornTailIsCutOff();
    void corruptHeaderStartsOver();

private:
    static DownloadJournal::Identity ident(qint64 size = 1000, qint64 chunk = 100,
                                           QByteArray digest = "abc123")
    {
        return DownloadJournal::Identity{size, chunk, std::move(digest)};
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
        QCOMPARE((*j)->chunkCount(), 10);
        QCOMPARE((*j)->doneCount(), 0);
        QVERIFY((*j)->markDone(3).ok());
        QVERIFY((*j)->markDone(0).ok());
        QVERIFY((*j)->markDone(3).ok()); // idempotent: no second record
        QVERIFY(!(*j)->markDone(10).ok());
    }
    QCOMPARE(QFileInfo(path).size(), qint64(DownloadJournal::kHeaderSize + 2 * DownloadJournal::kRecordSize));
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QVERIFY(j.ok());
    QVERIFY(!fresh);
    QCOMPARE((*j)->doneCount(), 2);
    QVERIFY((*j)->isDone(0));
    QVERIFY((*j)->isDone(3));
    QVERIFY(!(*j)->isDone(1));
    QVERIFY((*j)->markDone(9).ok());
    j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QCOMPARE((*j)->doneCount(), 3);
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
        QVERIFY((*j)->markDone(1).ok());
    }
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(size, 100, digest), &fresh);
    QVERIFY(j.ok());
    QVERIFY(fresh);
    QCOMPARE((*j)->doneCount(), 0);
}

void TestDownloadJournal::keepsItsOwnChunkSize()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(1000, 100), &fresh);
        QVERIFY((*j)->markDone(5).ok());
    }
    // The chunk-size setting changed between runs: the journal's own size wins, nothing lost.
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(1000, 300), &fresh);
    QVERIFY(!fresh);
    QCOMPARE((*j)->identity().chunkSize, qint64(100));
    QVERIFY((*j)->isDone(5));
}

void TestDownloadJournal::tornTailIsCutOff_data()
{
    QTest::addColumn<QByteArray>("tail");
    QTest::newRow("half record") << QByteArray("\x02\x00\x00\x00", 4);
    QTest::newRow("zero record") << QByteArray(8, '\0');
    QTest::newRow("garbage record") << QByteArray("\x04\x00\x00\x00\x12\x34\x56\x78", 8);
}

void TestDownloadJournal::tornTailIsCutOff()
{
    QFETCH(QByteArray, tail);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->markDone(7).ok());
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(tail);
    }
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY(!fresh);
        QCOMPARE((*j)->doneCount(), 1); // the torn record never claims a chunk
        QVERIFY((*j)->isDone(7));
        QVERIFY((*j)->markDone(2).ok()); // appended after the cut, so it is readable
    }
    auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
    QCOMPARE((*j)->doneCount(), 2);
    QVERIFY((*j)->isDone(2));
}

void TestDownloadJournal::corruptHeaderStartsOver()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j"));
    bool fresh = false;
    {
        auto j = DownloadJournal::open(GuardedPath::beside(path), ident(), &fresh);
        QVERIFY((*j)->markDone(1).ok());
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
    QCOMPARE((*j)->doneCount(), 0);
}

QTEST_GUILESS_MAIN(TestDownloadJournal)
#include "tst_downloadjournal.moc"
