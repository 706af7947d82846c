#include "download/tokenbucket.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace mistudio;

class TestTokenBucket final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unlimitedGrantsEverything();
    void grantsRateOverTime();
    void burstIsBounded();
    void rateChangeTakesEffectAtOnce();
    void waitEstimate();
    void nestedBucketTakesFromBoth();
    void siblingsShareTheParent();
};

void TestTokenBucket::unlimitedGrantsEverything()
{
    TokenBucket b(0);
    QCOMPARE(b.take(1 << 30), qint64(1 << 30));
    QCOMPARE(b.msUntilAvailable(1 << 30), 0);
}

void TestTokenBucket::grantsRateOverTime()
{
    TokenBucket b(1'000'000); // 1 MB/s
    b.setManualClock(true);
    qint64 total = 0;
    for (int i = 0; i < 100; ++i) { // 10 s in 100 ms steps
        b.advanceManualClock(100);
        total += b.take(10'000'000);
    }
    QVERIFY2(total >= 9'900'000 && total <= 10'000'000, qPrintable(QString::number(total)));
}

void TestTokenBucket::burstIsBounded()
{
    TokenBucket b(1'000'000);
    b.setManualClock(true);
    b.advanceManualClock(60'000); // a minute idle does not bank a minute of traffic
    QCOMPARE(b.take(10'000'000), qint64(100'000));
    QCOMPARE(b.take(1), qint64(0));
}

void TestTokenBucket::rateChangeTakesEffectAtOnce()
{
    TokenBucket b(10'000'000);
    b.setManualClock(true);
    b.advanceManualClock(1000);
    b.setRate(100'000); // lowered: the old burst is cut to the new one
    QVERIFY(b.take(10'000'000) <= 16 * 1024);
    b.setRate(0);
    QCOMPARE(b.take(5'000'000), qint64(5'000'000));
}

void TestTokenBucket::waitEstimate()
{
    TokenBucket b(1'000'000);
    b.setManualClock(true);
    QVERIFY(b.take(1) == 0);
    QCOMPARE(b.msUntilAvailable(50'000), 50);
    b.advanceManualClock(50);
    QCOMPARE(b.msUntilAvailable(50'000), 0);
    QCOMPARE(b.take(50'000), qint64(50'000));
}

void TestTokenBucket::nestedBucketTakesFromBoth()
{
    // A download capped at 1 MB/s under a global 10 MB/s: its own cap wins; under a global
    // 0.5 MB/s, the global one does.
    TokenBucket global(10'000'000);
    TokenBucket own(1'000'000, &global);
    global.setManualClock(true);
    own.setManualClock(true);
    qint64 total = 0;
    for (int i = 0; i < 100; ++i) {
        global.advanceManualClock(100);
        own.advanceManualClock(100);
        total += own.take(10'000'000);
    }
    QVERIFY2(total >= 9'900'000 && total <= 10'000'000, qPrintable(QString::number(total)));
    global.setRate(500'000);
    total = 0;
    for (int i = 0; i < 100; ++i) {
        global.advanceManualClock(100);
        own.advanceManualClock(100);
        total += own.take(10'000'000);
    }
    QVERIFY2(total >= 4'900'000 && total <= 5'050'000, qPrintable(QString::number(total)));
    // What the parent refused stays in the child: the child's own budget is not wasted.
    QVERIFY(own.msUntilAvailable(50'000) > 0); // the parent is empty now
    global.setRate(0);
    QVERIFY(own.take(10'000'000) > 0);
}

void TestTokenBucket::siblingsShareTheParent()
{
    // Three uncapped downloads under a global 3 MB/s: together never more than the global rate.
    TokenBucket global(3'000'000);
    global.setManualClock(true);
    std::vector<std::unique_ptr<TokenBucket>> downloads;
    for (int i = 0; i < 3; ++i)
        downloads.push_back(std::make_unique<TokenBucket>(0, &global));
    qint64 total = 0;
    qint64 each[3] = {0, 0, 0};
    for (int step = 0; step < 100; ++step) {
        global.advanceManualClock(100);
        for (int i = 0; i < 3; ++i) {
            const qint64 g = downloads[size_t((i + step) % 3)]->take(150'000);
            each[(i + step) % 3] += g;
            total += g;
        }
    }
    QVERIFY2(total >= 29'700'000 && total <= 30'000'000 + 300'000, qPrintable(QString::number(total)));
    QCOMPARE(global.granted(), total); // the session's "bytes received" is the root's count
    for (qint64 e : each)
        QVERIFY(e > 0);
}

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"
