#include "common/error.h"
#include "common/units.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestUnits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void params_data()
    {
        QTest::addColumn<qint64>("count");
        QTest::addColumn<QString>("text");
        QTest::newRow("gemma-2-2b") << qint64(2614341888) << u"2.6B"_s;
        QTest::newRow("gpt2") << qint64(124439808) << u"124M"_s;
        QTest::newRow("7b") << qint64(7000000000) << u"7B"_s;
        QTest::newRow("small") << qint64(950) << u"950"_s;
        QTest::newRow("70b") << qint64(70553706496) << u"71B"_s;
    }
    void params()
    {
        QFETCH(qint64, count);
        QFETCH(QString, text);
        QCOMPARE(formatParamCount(count), text);
    }

    void byteSizes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes");
        QTest::newRow("50M") << u"50M"_s << qint64(50000000);
        QTest::newRow("1.5G") << u"1.5G"_s << qint64(1500000000);
        QTest::newRow("800kB") << u"800kB"_s << qint64(800000);
        QTest::newRow("plain") << u"12345"_s << qint64(12345);
        QTest::newRow("MiB spelled") << u"2MiB"_s << qint64(2000000);
    }
    void byteSizes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        const auto v = parseByteSize(text);
        QVERIFY(v.has_value());
        QCOMPARE(*v, bytes);
    }
    void badByteSizes()
    {
        QVERIFY(!parseByteSize(u"fast"_s));
        QVERIFY(!parseByteSize(u"-5M"_s));
        QVERIFY(!parseByteSize(u""_s));
    }

    void errorCodesRoundTrip()
    {
        for (int c = int(ErrorCode::Internal); c <= int(ErrorCode::MethodNotAllowed); ++c) {
            const QString name = errorCodeName(ErrorCode(c));
            ErrorCode back{};
            QVERIFY2(errorCodeFromName(name, &back), qPrintable(name));
            QCOMPARE(int(back), c);
        }
        QCOMPARE(errorCodeName(ErrorCode::RepoNotFound), u"repo_not_found"_s);
        QCOMPARE(errorCodeName(ErrorCode::GatedAuthRequired), u"gated_auth_required"_s);
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
