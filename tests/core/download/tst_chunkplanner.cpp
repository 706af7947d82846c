#include "download/chunkplanner.h"

#include <QTest>

using namespace mistudio;

class TestChunkPlanner final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void piecesCoverFileExactly_data();
    void piecesCoverFileExactly();
    void piecesShrinkTowardsTheEnd();
    void plansFromTheGapsOfAResume();
    void leavesNoSliver();
    void rangeHeaderIsInclusive();
    void contentRange_data();
    void contentRange();
};

namespace {
constexpr qint64 MiB = 1024 * 1024;

// Plans a whole file the way a download does, each piece claimed as soon as it is planned.
std::vector<RangeSet::Range> planAll(qint64 size, int connections, qint64 maxPiece)
{
    RangeSet claimed;
    std::vector<RangeSet::Range> pieces;
    while (const std::optional<RangeSet::Range> r = planPiece(claimed, size, connections, maxPiece)) {
        pieces.push_back(*r);
        claimed.add(r->first, r->second);
    }
    return pieces;
}
} // namespace

void TestChunkPlanner::piecesCoverFileExactly_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<int>("connections");
    QTest::newRow("empty") << qint64(0) << 8;
    QTest::newRow("one byte") << qint64(1) << 8;
    QTest::newRow("smaller than the smallest piece") << qint64(700'000) << 8;
    QTest::newRow("0.4 GB, 8 connections") << qint64(400'000'000) << 8;
    QTest::newRow("0.35 GB, 8 connections") << qint64(350'000'000) << 8;
    QTest::newRow("2 GB, 1 connection") << qint64(2'000'000'000) << 1;
    QTest::newRow("33 MiB + 1, 3 connections") << qint64(33 * MiB + 1) << 3;
}

void TestChunkPlanner::piecesCoverFileExactly()
{
    QFETCH(qint64, size);
    QFETCH(int, connections);
    const auto pieces = planAll(size, connections, 16 * MiB);
    qint64 pos = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        QCOMPARE(pieces[i].first, pos); // in file order, no gap, no overlap
        const qint64 n = pieces[i].second - pieces[i].first;
        QVERIFY(n > 0);
        QVERIFY(n <= 16 * MiB + kMinPieceBytes); // at most one sliver's worth over the largest piece
        if (pieces[i].second != size)
            QVERIFY2(n >= kMinPieceBytes, qPrintable(QString::number(n)));
        pos = pieces[i].second;
    }
    QCOMPARE(pos, size); // never past the last byte
    if (size == 400'000'000)
        qInfo("0.4 GB, 8 connections: %d pieces (16 MiB fixed chunks: 24)", int(pieces.size()));
    if (size == 2'000'000'000)
        QVERIFY(pieces.size() <= 2'000'000'000 / (16 * MiB) + 40); // the bulk in 16 MiB pieces
}

void TestChunkPlanner::piecesShrinkTowardsTheEnd()
{
    // The bulk goes in the largest pieces (few requests); the last ones are small, so that eight
    // connections end within about one small piece of each other.
    const auto pieces = planAll(400'000'000, 8, 16 * MiB);
    QCOMPARE(pieces.front().second - pieces.front().first, 16 * MiB);
    for (size_t i = 1; i < pieces.size(); ++i)
        QVERIFY(pieces[i].second - pieces[i].first <= pieces[i - 1].second - pieces[i - 1].first + kMinPieceBytes);
    qint64 lastEight = 0;
    for (size_t i = pieces.size() - 8; i < pieces.size(); ++i)
        lastEight += pieces[i].second - pieces[i].first;
    QVERIFY2(lastEight <= 10 * MiB, qPrintable(QString::number(lastEight)));
}

void TestChunkPlanner::plansFromTheGapsOfAResume()
{
    RangeSet claimed;
    claimed.add(0, 40 * MiB);
    claimed.add(41 * MiB, 60 * MiB);
    const std::optional<RangeSet::Range> r = planPiece(claimed, 100 * MiB, 8, 16 * MiB);
    QVERIFY(r);
    QCOMPARE(r->first, 40 * MiB);
    QCOMPARE(r->second, 41 * MiB); // the whole one-MiB gap, never into claimed bytes
    claimed.add(r->first, r->second);
    const std::optional<RangeSet::Range> next = planPiece(claimed, 100 * MiB, 8, 16 * MiB);
    QCOMPARE(next->first, 60 * MiB);
    QCOMPARE(next->second - next->first, 40 * MiB / 16); // 40 MiB unclaimed: half of an eighth
    claimed.add(0, 100 * MiB);
    QVERIFY(!planPiece(claimed, 100 * MiB, 8, 16 * MiB));
}

void TestChunkPlanner::leavesNoSliver()
{
    RangeSet claimed;
    claimed.add(0, 10 * MiB);
    claimed.add(10 * MiB + 16 * MiB + kMinPieceBytes / 2, 100 * MiB); // then 100 MiB unclaimed: 16 MiB pieces
    const std::optional<RangeSet::Range> r = planPiece(claimed, 200 * MiB, 1, 16 * MiB);
    QCOMPARE(r->second - r->first, 16 * MiB + kMinPieceBytes / 2); // not 16 MiB and a half-MiB sliver
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
