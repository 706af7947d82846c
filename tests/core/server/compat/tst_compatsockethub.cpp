// CompatSocketHub over the Socket.IO core and a real ModelService (test engines): the original
// frontend's subscribe/unsubscribe/ping, the state of a model at subscription, and a download's
// events from start to ready, and to error, in the model's room only.
#include "../serverharness.h"
#include "../socketio/engineioclient.h"
#include "server/compat/compatsockethub.h"
#include "server/socketio/socketioserver.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::sio;
using namespace mistudio::test;

class TestCompatSocketHub final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void subscribeIsConfirmedAndAcknowledged();
    void refusesAChannelThatIsNotOne();
    void lateSubscriberGetsTheCurrentState();
    void downloadFromStartToReady();
    void failedDownloadIsAnError();
    void unsubscribedGetsNothingMore();
    void pingEvent();

private:
    QString channelOf(const QUuid &id) const
    {
        return u"models/%1/progress"_s.arg(id.toString(QUuid::WithoutBraces));
    }
    // Subscribes and drops what the subscription itself answers (the confirmation, the ack,
    // the model's current state).
    void subscribe(PollingSocket &s, const QUuid &id)
    {
        QCOMPARE(s.post(u"421[\"subscribe\",{\"channel\":\"%1\"}]"_s.arg(channelOf(id))), 200);
        s.poll();
    }
    // Events received until one named `last` arrives.
    QList<QJsonArray> eventsUntil(PollingSocket &s, const QString &last)
    {
        QList<QJsonArray> all;
        const bool done = QTest::qWaitFor([&] {
            all << s.events();
            return !all.isEmpty() && all.last().first().toString() == last;
        }, 20000);
        if (!done)
            qWarning() << "no" << last << "in" << all;
        return all;
    }

    std::unique_ptr<ServerHarness> h;
    std::unique_ptr<EngineIoServer> m_engine;
    std::unique_ptr<SocketIoServer> m_io;
    std::unique_ptr<compat::CompatSocketHub> m_hub;
};

void TestCompatSocketHub::init()
{
    h = std::make_unique<ServerHarness>();
    EngineIoOptions o;
    o.pingIntervalMs = 60000;
    m_engine = std::make_unique<EngineIoServer>(o);
    m_io = std::make_unique<SocketIoServer>(m_engine.get());
    m_hub = std::make_unique<compat::CompatSocketHub>(h->service.get(), m_io.get());
}

void TestCompatSocketHub::cleanup()
{
    m_hub.reset();
    m_io.reset();
    m_engine.reset();
    h.reset();
}

void TestCompatSocketHub::subscribeIsConfirmedAndAcknowledged()
{
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"427[\"subscribe\",{\"channel\":\"models/x/extraction\"}]"_s), 200);
    QCOMPARE(s.poll(), u"42[\"subscribed\",{\"channel\":\"models/x/extraction\"}]\x1e"
                      u"437[{\"channel\":\"models/x/extraction\"}]"_s);
    QCOMPARE(m_io->roomSize(u"models/x/extraction"_s), 1);
}

void TestCompatSocketHub::refusesAChannelThatIsNotOne()
{
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"423[\"subscribe\",{\"channel\":5}]"_s), 200);
    QVERIFY(s.poll().startsWith(u"433[{\"error\":"_s));
    QCOMPARE(m_io->roomsOf(s.socketId).size(), 0);
    QCOMPARE(s.post(u"424[\"subscribe\",{\"channel\":\"%1\"}]"_s.arg(QString(201, u'x'))), 200);
    QVERIFY(s.poll().startsWith(u"434[{\"error\":"_s));
}

void TestCompatSocketHub::lateSubscriberGetsTheCurrentState()
{
    h->download->chunkDelayMs = 100;
    const QUuid id = h->createModel(u"org/running"_s);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces))).status, 202);
    QTRY_VERIFY(h->service->activeJob(id) && h->service->activeJob(id)->progress > 0);
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"42[\"subscribe\",{\"channel\":\"%1\"}]"_s.arg(channelOf(id))), 200);
    const QList<QJsonArray> events = s.events();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).first().toString(), u"subscribed"_s);
    QCOMPARE(events.at(1).first().toString(), u"model:progress"_s);
    const QJsonObject state = events.at(1).at(1).toObject();
    QCOMPARE(state.value(u"status"_s).toString(), u"downloading"_s);
    QCOMPARE(state.value(u"model_id"_s).toString(), id.toString(QUuid::WithoutBraces));
    QVERIFY(state.value(u"progress"_s).toDouble() > 0);
}

void TestCompatSocketHub::downloadFromStartToReady()
{
    const QUuid id = h->createModel(u"org/tiny"_s);
    const QUuid other = h->createModel(u"org/other"_s);
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    subscribe(s, id);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(other.toString(QUuid::WithoutBraces))).status, 202);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces))).status, 202);
    const QList<QJsonArray> events = eventsUntil(s, u"model:completed"_s);
    // How many progress events arrive depends on how often the client polls (a newer one
    // replaces a queued one); what arrives is in order, of this model only, and ends with both.
    QVERIFY(events.size() >= 2);
    double last = -1;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject d = events.at(i).at(1).toObject();
        QCOMPARE(d.value(u"model_id"_s).toString(), id.toString(QUuid::WithoutBraces)); // its room only
        if (i < events.size() - 2) {
            QCOMPARE(events.at(i).first().toString(), u"model:progress"_s);
            QCOMPARE(d.value(u"status"_s).toString(), u"downloading"_s);
            QVERIFY(d.value(u"progress"_s).toDouble() >= last);
            last = d.value(u"progress"_s).toDouble();
        }
    }
    QCOMPARE(events.at(events.size() - 2).first().toString(), u"model:progress"_s);
    QCOMPARE(events.at(events.size() - 2).at(1).toObject().value(u"type"_s).toString(), u"completed"_s);
    const QJsonObject done = events.last().at(1).toObject();
    QCOMPARE(done.value(u"type"_s).toString(), u"completed"_s);
    QCOMPARE(done.value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(done.value(u"progress"_s).toDouble(), 100.0);
}

void TestCompatSocketHub::failedDownloadIsAnError()
{
    h->download->failWith = int(ErrorCode::ChecksumMismatch);
    const QUuid id = h->createModel(u"org/broken"_s);
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    subscribe(s, id);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces))).status, 202);
    const QList<QJsonArray> events = eventsUntil(s, u"model:error"_s);
    const QJsonObject error = events.last().at(1).toObject();
    QCOMPARE(error.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(error.value(u"status"_s).toString(), u"error"_s);
    QCOMPARE(error.value(u"error"_s).toString(), u"injected failure"_s);
}

void TestCompatSocketHub::unsubscribedGetsNothingMore()
{
    const QUuid id = h->createModel(u"org/quiet"_s);
    PollingSocket left{*m_engine, {}, {}};
    PollingSocket stayed{*m_engine, {}, {}};
    QVERIFY(left.connect() && stayed.connect());
    subscribe(left, id);
    subscribe(stayed, id);
    QCOMPARE(left.post(u"42[\"unsubscribe\",{\"channel\":\"%1\"}]"_s.arg(channelOf(id))), 200);
    QCOMPARE(left.events().first().first().toString(), u"unsubscribed"_s);
    QCOMPARE(m_io->roomSize(channelOf(id)), 1);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces))).status, 202);
    // Everything of the download has been sent once the one still subscribed has the end.
    eventsUntil(stayed, u"model:completed"_s);
    QCOMPARE(m_engine->queuedPackets(left.sid), 0);
}

void TestCompatSocketHub::pingEvent()
{
    PollingSocket s{*m_engine, {}, {}};
    QVERIFY(s.connect());
    QCOMPARE(s.post(u"42[\"ping\"]"_s), 200);
    QCOMPARE(s.poll(), u"42[\"pong\"]"_s);
}

QTEST_GUILESS_MAIN(TestCompatSocketHub)
#include "tst_compatsockethub.moc"
