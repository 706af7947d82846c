// JsonBody, the API's strict reader of JSON request bodies, on its own: integers at and past the
// edges of the qint64 range (fuzz_jsonbody found the conversion of 2^63 undefined).
#include "server/jsonbody.h"

#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestJsonBody final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void integer_data();
    void integer();
};

void TestJsonBody::integer_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<qint64>("value");
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    QTest::newRow("zero") << QByteArray(R"({"n": 0})") << true << qint64(0);
    QTest::newRow("-1") << QByteArray(R"({"n": -1})") << true << qint64(-1);
    QTest::newRow("2^53 + 1, exactly") << QByteArray(R"({"n": 9007199254740993})") << true
                                       << qint64(9007199254740993);
    QTest::newRow("INT64_MAX") << QByteArray(R"({"n": 9223372036854775807})") << true << kMax;
    QTest::newRow("INT64_MIN") << QByteArray(R"({"n": -9223372036854775808})") << true << kMin;
    QTest::newRow("2^63") << QByteArray(R"({"n": 9223372036854775808})") << false << qint64(0);
    QTest::newRow("1e300") << QByteArray(R"({"n": 1e300})") << false << qint64(0);
    QTest::newRow("-1e300") << QByteArray(R"({"n": -1e300})") << false << qint64(0);
    QTest::newRow("1.5") << QByteArray(R"({"n": 1.5})") << false << qint64(0);
    QTest::newRow("string") << QByteArray(R"({"n": "7"})") << false << qint64(0);
}

void TestJsonBody::integer()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, accepted);
    QFETCH(qint64, value);
    const auto obj = JsonBody::parseObject(body, false);
    QVERIFY(obj.ok());
    JsonBody b(*obj, {u"n"_s});
    const auto n = b.integer(u"n"_s, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    QCOMPARE(n.has_value(), accepted);
    QCOMPARE(b.error().has_value(), !accepted);
    if (accepted)
        QCOMPARE(*n, value);
    else
        QCOMPARE(b.error()->code, ErrorCode::InvalidInput);

    // The routes' own limits still hold at their edges.
    JsonBody c(*obj, {u"n"_s});
    const auto small = c.integer(u"n"_s, 1, 64);
    QVERIFY(!small || (*small >= 1 && *small <= 64));
}

QTEST_GUILESS_MAIN(TestJsonBody)
#include "tst_jsonbody.moc"
