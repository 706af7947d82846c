#include "download/tokenbucket.h"

#include <QTest>

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

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"
