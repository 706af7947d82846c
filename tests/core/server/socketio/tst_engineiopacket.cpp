// Engine.IO v4 packets and polling payloads as the reference parser writes and reads them.
#include "server/socketio/engineiopacket.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::sio;

class TestEngineIoPacket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void payloadRoundTrip();
    void payloadRefusals();
};

void TestEngineIoPacket::decode_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("data");
    QTest::newRow("open") << u"0{\"sid\":\"x\"}"_s << true << 0 << u"{\"sid\":\"x\"}"_s;
    QTest::newRow("ping probe") << u"2probe"_s << true << 2 << u"probe"_s;
    QTest::newRow("pong") << u"3"_s << true << 3 << QString();
    QTest::newRow("message") << u"4héllo"_s << true << 4 << u"héllo"_s;
    QTest::newRow("upgrade") << u"5"_s << true << 5 << QString();
    QTest::newRow("noop") << u"6"_s << true << 6 << QString();
    QTest::newRow("type 7") << u"7x"_s << false << 0 << QString();
    QTest::newRow("empty") << QString() << false << 0 << QString();
    QTest::newRow("bad base64") << u"b*&^"_s << false << 0 << QString();
}

void TestEngineIoPacket::decode()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(int, type);
    QFETCH(QString, data);
    const std::optional<EngineIoPacket> p = EngineIoPacket::decode(text);
    QCOMPARE(p.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(int(p->type), type);
    QCOMPARE(p->data, data);
    QCOMPARE(p->encode(), text);
}

void TestEngineIoPacket::payloadRoundTrip()
{
    // The protocol's own example: two messages, the second non-ASCII, joined by 0x1e.
    const QList<EngineIoPacket> packets{EngineIoPacket::of(EngineIoPacket::Type::Message, u"€€"_s),
                                        EngineIoPacket::of(EngineIoPacket::Type::Message, u"й"_s)};
    const QString payload = EngineIoPacket::encodePayload(packets);
    QCOMPARE(payload, u"4€€\x1e" u"4й"_s);
    const std::optional<QList<EngineIoPacket>> back = EngineIoPacket::decodePayload(payload, 10);
    QVERIFY(back);
    QCOMPARE(back->size(), 2);
    QCOMPARE(back->at(1).data, u"й"_s);
    // A binary message travels as "b" + base64 in a payload.
    const std::optional<EngineIoPacket> bin = EngineIoPacket::decode(u"bAQID"_s);
    QVERIFY(bin && bin->isBinary);
    QCOMPARE(bin->binary, QByteArray("\x01\x02\x03", 3));
    QCOMPARE(bin->encode(), u"bAQID"_s);
}

void TestEngineIoPacket::payloadRefusals()
{
    QVERIFY(!EngineIoPacket::decodePayload(u"4a\x1e" u"9b"_s, 10));  // an unknown type
    QVERIFY(!EngineIoPacket::decodePayload(u"4a\x1e\x1e" u"4b"_s, 10)); // an empty part
    QVERIFY(!EngineIoPacket::decodePayload(u"4a\x1e" u"4b\x1e" u"4c"_s, 2)); // too many
    QVERIFY(EngineIoPacket::decodePayload(u"4a\x1e" u"4b"_s, 2));
}

QTEST_GUILESS_MAIN(TestEngineIoPacket)
#include "tst_engineiopacket.moc"
