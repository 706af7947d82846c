#include "download/rangeset.h"

#include <QRandomGenerator>
#include <QTest>

#include <vector>

using namespace mistudio;

class TestRangeSet final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mergesOverlappingAndTouching();
    void gapsAndContiguity();
    void matchesABitmap();
};

void TestRangeSet::mergesOverlappingAndTouching()
{
    RangeSet s;
    s.add(10, 20);
    s.add(30, 40);
    s.add(20, 25); // touches [10,20)
    s.add(5, 5);   // empty: nothing
    s.add(9, 8);   // inverted: nothing
    QCOMPARE(s.ranges(), (std::vector<RangeSet::Range>{{10, 25}, {30, 40}}));
    QCOMPARE(s.total(), 25);
    s.add(0, 100); // swallows everything
    QCOMPARE(s.ranges(), (std::vector<RangeSet::Range>{{0, 100}}));
    QCOMPARE(s.total(), 100);
    QVERIFY(s.contains(0, 100));
    QVERIFY(!s.contains(50, 101));
}

void TestRangeSet::gapsAndContiguity()
{
    RangeSet s;
    s.add(0, 10);
    s.add(20, 30);
    QCOMPARE(s.contiguousEnd(0), 10);
    QCOMPARE(s.contiguousEnd(5), 10);
    QCOMPARE(s.contiguousEnd(10), 10); // not covered: itself
    QCOMPARE(s.contiguousEnd(25), 30);
    QCOMPARE(s.firstGap(0, 100), std::optional<RangeSet::Range>(RangeSet::Range{10, 20}));
    QCOMPARE(s.firstGap(20, 100), std::optional<RangeSet::Range>(RangeSet::Range{30, 100}));
    QCOMPARE(s.firstGap(0, 30).value(), (RangeSet::Range{10, 20}));
    s.add(10, 20);
    QVERIFY(!s.firstGap(0, 30));
    QCOMPARE(s.uncovered(100), 70);
    QCOMPARE(s.uncovered(15), 0);
}

void TestRangeSet::matchesABitmap()
{
    // Random adds against a plain byte map: totals, coverage and gaps always agree.
    QRandomGenerator rng(42);
    for (int round = 0; round < 50; ++round) {
        constexpr int kSize = 200;
        std::vector<bool> map(kSize, false);
        RangeSet s;
        for (int i = 0; i < 20; ++i) {
            const int b = int(rng.bounded(kSize));
            const int e = b + int(rng.bounded(30));
            s.add(b, qMin(e, kSize));
            for (int k = b; k < qMin(e, kSize); ++k)
                map[size_t(k)] = true;
            int covered = 0;
            for (bool v : map)
                covered += v ? 1 : 0;
            QCOMPARE(s.total(), qint64(covered));
            QCOMPARE(s.uncovered(kSize), qint64(kSize - covered));
            const int from = int(rng.bounded(kSize));
            int end = from;
            while (end < kSize && map[size_t(end)])
                ++end;
            QCOMPARE(s.contiguousEnd(from), qint64(end));
            int gap = from;
            while (gap < kSize && map[size_t(gap)])
                ++gap;
            const std::optional<RangeSet::Range> g = s.firstGap(from, kSize);
            QCOMPARE(bool(g), gap < kSize);
            if (g) {
                QCOMPARE(g->first, qint64(gap));
                int gapEnd = gap;
                while (gapEnd < kSize && !map[size_t(gapEnd)])
                    ++gapEnd;
                QCOMPARE(g->second, qint64(gapEnd));
            }
        }
        const auto r = s.ranges();
        for (size_t i = 1; i < r.size(); ++i)
            QVERIFY(r[i - 1].second < r[i].first); // disjoint and never touching
    }
}

QTEST_GUILESS_MAIN(TestRangeSet)
#include "tst_rangeset.moc"
