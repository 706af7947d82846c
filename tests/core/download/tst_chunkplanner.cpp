#include "download/chunkplanner.h"

#include <QTest>

using namespace mistudio;

class TestChunkPlanner final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coversFileExactly_data();
    void coversFileExactly();
    void rangeHeaderIsInclusive();
    void contentRange_data();
    void contentRange();
};

void TestChunkPlanner::coversFileExactly_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<qint64>("chunk");
    QTest::addColumn<int>("count");
    QTest::newRow("empty") << qint64(0) << qint64(10) << 0;
    QTest::newRow("one byte") << qint64(1) << qint64(10) << 1;
    QTest::newRow("exact multiple") << qint64(100) << qint64(10) << 10;
    QTest::newRow("last clamped") << qint64(101) << qint64(10) << 11;
    QTest::newRow("smaller than chunk") << qint64(7) << qint64(16 << 20) << 1;
    QTest::newRow("2 GB / 16 MiB") << qint64(2'000'000'000) << qint64(16 << 20) << 120;
}

void TestChunkPlanner::coversFileExactly()
{
    QFETCH(qint64, size);
    QFETCH(qint64, chunk);
    QFETCH(int, count);
    const auto chunks = planChunks(size, chunk);
    QCOMPARE(int(chunks.size()), count);
    qint64 pos = 0;
    for (size_t i = 0; i < chunks.size(); ++i) {
        QCOMPARE(chunks[i].index, int(i));
        QCOMPARE(chunks[i].begin, pos);
        QVERIFY(chunks[i].size() > 0);
        QVERIFY(chunks[i].size() <= chunk);
        pos = chunks[i].end;
    }
    QCOMPARE(pos, size); // no gap, no overlap, never past the last byte
}

void TestChunkPlanner::rangeHeaderIsInclusive()
{
    QCOMPARE(rangeHeader(0, 1), QByteArray("bytes=0-0"));
    QCOMPARE(rangeHeader(10, 20), QByteArray("bytes=10-19"));
}

void TestChunkPlanner::contentRange_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");
    QTest::addColumn<qint64>("total");
    QTest::newRow("normal") << QByteArray("bytes 0-99/1000") << true << qint64(0) << qint64(99) << qint64(1000);
    QTest::newRow("last byte") << QByteArray("bytes 999-999/1000") << true << qint64(999) << qint64(999) << qint64(1000);
    QTest::newRow("unsatisfied") << QByteArray("bytes */1000") << false << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("unknown total") << QByteArray("bytes 0-9/*") << false << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("past end") << QByteArray("bytes 0-1000/1000") << false << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("reversed") << QByteArray("bytes 9-0/1000") << false << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("other unit") << QByteArray("items 0-9/10") << false << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("garbage") << QByteArray("bytes a-b/c") << false << qint64(0) << qint64(0) << qint64(0);
}

void TestChunkPlanner::contentRange()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, ok);
    qint64 a = 0, b = 0, t = 0;
    QCOMPARE(parseContentRange(header, &a, &b, &t), ok);
    if (ok) {
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        QFETCH(qint64, total);
        QCOMPARE(a, first);
        QCOMPARE(b, last);
        QCOMPARE(t, total);
    }
}

QTEST_GUILESS_MAIN(TestChunkPlanner)
#include "tst_chunkplanner.moc"
