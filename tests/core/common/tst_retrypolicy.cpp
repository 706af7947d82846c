#include "common/retrypolicy.h"

#include <QTest>

using namespace mistudio;

class TestRetryPolicy final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backoffDoublesAndCaps();
    void jitterStaysInHalfToFull();
    void rateLimitWait_data();
    void rateLimitWait();
};

void TestRetryPolicy::backoffDoublesAndCaps()
{
    QCOMPARE(backoffDelayMs(1, 1000, 8000, 1.0), 1000);
    QCOMPARE(backoffDelayMs(2, 1000, 8000, 1.0), 2000);
    QCOMPARE(backoffDelayMs(3, 1000, 8000, 1.0), 4000);
    QCOMPARE(backoffDelayMs(4, 1000, 8000, 1.0), 8000);
    QCOMPARE(backoffDelayMs(5, 1000, 8000, 1.0), 8000);
    QCOMPARE(backoffDelayMs(60, 1000, 8000, 1.0), 8000); // no overflow
}

void TestRetryPolicy::jitterStaysInHalfToFull()
{
    QCOMPARE(backoffDelayMs(3, 1000, 8000, 0.0), 2000);
    QCOMPARE(backoffDelayMs(3, 1000, 8000, 0.5), 3000);
}

void TestRetryPolicy::rateLimitWait_data()
{
    QTest::addColumn<QByteArray>("rateLimit");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<int>("expected"); // -1: fall back to exponential
    QTest::newRow("RateLimit r=0 t=2") << QByteArray("\"resolvers\";r=0;t=2") << QByteArray() << 3000;
    QTest::newRow("RateLimit wins over Retry-After") << QByteArray("\"resolvers\";r=0;t=5") << QByteArray("1") << 6000;
    QTest::newRow("RateLimit with quota left") << QByteArray("\"resolvers\";r=10;t=2") << QByteArray() << -1;
    QTest::newRow("Retry-After seconds") << QByteArray() << QByteArray("2") << 3000;
    QTest::newRow("Retry-After HTTP-date") << QByteArray() << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT") << -1;
    QTest::newRow("nothing") << QByteArray() << QByteArray() << -1;
}

void TestRetryPolicy::rateLimitWait()
{
    QFETCH(QByteArray, rateLimit);
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, expected);
    const auto wait = rateLimitWaitMs(rateLimit, retryAfter);
    QCOMPARE(wait.value_or(-1), expected);
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
