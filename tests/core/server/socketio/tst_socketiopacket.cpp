// Socket.IO v5 packets: what socket.io-client sends and expects, and what the reference parser
// refuses.
#include "server/socketio/socketiopacket.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::sio;

class TestSocketIoPacket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void refuses_data();
    void refuses();
    void encode();
};

void TestSocketIoPacket::decode_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<qint64>("id"); // -1: none
    QTest::addColumn<QString>("event");
    QTest::newRow("connect") << u"40"_s << 0 << u"/"_s << qint64(-1) << QString();
    QTest::newRow("connect auth") << u"40{\"token\":\"t\"}"_s << 0 << u"/"_s << qint64(-1) << QString();
    QTest::newRow("connect nsp") << u"40/admin,"_s << 0 << u"/admin"_s << qint64(-1) << QString();
    QTest::newRow("disconnect") << u"41"_s << 1 << u"/"_s << qint64(-1) << QString();
    QTest::newRow("event") << u"42[\"subscribe\",{\"channel\":\"models/x/progress\"}]"_s << 2 << u"/"_s
                           << qint64(-1) << u"subscribe"_s;
    QTest::newRow("event with ack") << u"4213[\"subscribe\",{}]"_s << 2 << u"/"_s << qint64(13) << u"subscribe"_s;
    QTest::newRow("event nsp ack") << u"42/admin,7[\"x\"]"_s << 2 << u"/admin"_s << qint64(7) << u"x"_s;
    QTest::newRow("ack") << u"431[\"ok\"]"_s << 3 << u"/"_s << qint64(1) << QString();
}

void TestSocketIoPacket::decode()
{
    QFETCH(QString, text);
    QFETCH(int, type);
    QFETCH(QString, nsp);
    QFETCH(qint64, id);
    QFETCH(QString, event);
    // Engine.IO's message type "4" is the transport's; the Socket.IO packet is what follows.
    const Result<SocketIoPacket> p = SocketIoPacket::decode(QStringView(text).mid(1));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
    QCOMPARE(int(p->type), type);
    QCOMPARE(p->nsp, nsp);
    QCOMPARE(p->id.value_or(-1), id);
    if (!event.isEmpty())
        QCOMPARE(p->eventName(), event);
    QCOMPARE(u'4' + p->encode(), text);
}

void TestSocketIoPacket::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("type 7") << u"7"_s;
    QTest::newRow("not a digit") << u"x[]"_s;
    QTest::newRow("bad json") << u"2[\"a\","_s;
    QTest::newRow("event not an array") << u"2{\"a\":1}"_s;
    QTest::newRow("empty event") << u"2[]"_s;
    QTest::newRow("reserved name") << u"2[\"disconnect\"]"_s;
    QTest::newRow("connect array") << u"0[1]"_s;
    QTest::newRow("disconnect data") << u"1{}"_s;
    QTest::newRow("ack not array") << u"31{}"_s;
    QTest::newRow("binary no dash") << u"51[\"a\"]"_s;
}

void TestSocketIoPacket::refuses()
{
    QFETCH(QString, text);
    const Result<SocketIoPacket> p = SocketIoPacket::decode(text);
    QVERIFY(!p);
    QCOMPARE(p.error().code, ErrorCode::MalformedRequest);
}

void TestSocketIoPacket::encode()
{
    SocketIoPacket ok;
    ok.type = SocketIoPacket::Type::Connect;
    ok.data = QJsonObject{{u"sid"_s, u"abc"_s}};
    QCOMPARE(ok.encode(), u"0{\"sid\":\"abc\"}"_s);
    SocketIoPacket err;
    err.type = SocketIoPacket::Type::ConnectError;
    err.nsp = u"/admin"_s;
    err.data = QJsonObject{{u"message"_s, u"Invalid namespace"_s}};
    QCOMPARE(err.encode(), u"4/admin,{\"message\":\"Invalid namespace\"}"_s);
    SocketIoPacket ack;
    ack.type = SocketIoPacket::Type::Ack;
    ack.id = 42;
    ack.data = QJsonArray{};
    QCOMPARE(ack.encode(), u"342[]"_s);
}

QTEST_GUILESS_MAIN(TestSocketIoPacket)
#include "tst_socketiopacket.moc"
