// A real download from the fake Hub (core/hub + core/download + core/arch behind the service),
// watched by a WebSocket client: the event sequence and payloads it receives.
#include "fakehub/fakehub.h"
#include "serverharness.h"
#include "engines/realengines.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTest>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;

class TestWsDownload final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void realDownloadEventSequence();
    void gatedDownloadNeedsToken();
    void throttledDownloadStreamsProgress();

private:
    std::unique_ptr<ServerHarness> harness();
    static fakehub::FakeHub::Options hubOptions()
    {
        fakehub::FakeHub::Options o;
        o.fixtures.bigFileBytes = 12 * 1000 * 1000;
        return o;
    }
    fakehub::FakeHub m_hub{hubOptions()};
};

void TestWsDownload::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
}

std::unique_ptr<ServerHarness> TestWsDownload::harness()
{
    HubSettings hs;
    hs.hub.endpoint = m_hub.endpoint();
    QProcessEnvironment env; // no HF_TOKEN from the machine running the tests
    env.insert(u"HOME"_s, u"/nonexistent"_s);
    hs.environment = env;
    return std::make_unique<ServerHarness>(ServerConfig{}, 0, makeRealEngines(hs));
}

void TestWsDownload::realDownloadEventSequence()
{
    auto h = harness();
    const QUuid id = h->createModel(u"org/tiny-gpt2"_s);
    QVERIFY(!id.isNull());
    const QString channel = u"model/"_s + id.toString(QUuid::WithoutBraces);
    QWebSocket ws;
    QList<QJsonObject> messages;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) {
        messages << QJsonDocument::fromJson(m.toUtf8()).object();
    });
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h->server->port())));
    QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
    ws.sendTextMessage(uR"({"action":"subscribe","channel":"%1"})"_s.arg(channel));
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.first().value(u"event"_s).toString(), u"subscribed"_s);

    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces)),
                     R"({"quantization":"none"})").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty()
                                 && messages.last().value(u"event"_s).toString() == u"status_changed"_s
                                 && messages.last().value(u"data"_s).toObject().value(u"status"_s).toString() != u"downloading"_s,
                             30000);
    QStringList seq;
    QJsonObject progress, completed;
    for (const QJsonObject &m : std::as_const(messages)) {
        if (!m.contains(u"data"_s))
            continue;
        QCOMPARE(m.value(u"channel"_s).toString(), channel);
        const QString e = m.value(u"event"_s).toString();
        if (seq.isEmpty() || seq.last() != e || e != u"download_progress"_s)
            seq << e;
        if (e == u"download_progress"_s)
            progress = m.value(u"data"_s).toObject();
        if (e == u"download_completed"_s)
            completed = m.value(u"data"_s).toObject();
        // Printed for the report: the sequence as the client received it.
        qInfo().noquote() << QJsonDocument(m).toJson(QJsonDocument::Compact);
    }
    QCOMPARE(seq, (QStringList{u"status_changed"_s, u"download_progress"_s, u"download_completed"_s,
                               u"status_changed"_s}));
    QCOMPARE(messages.last().value(u"data"_s).toObject().value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(progress.value(u"progress"_s).toDouble(), 100.0);
    QCOMPARE(progress.value(u"files_done"_s).toInt(), progress.value(u"files_total"_s).toInt());
    const qint64 total = progress.value(u"total_bytes"_s).toInteger();
    QVERIFY(total > 0);
    QCOMPARE(completed.value(u"size_bytes"_s).toInteger(), total);
    QCOMPARE(completed.value(u"commit_sha"_s).toString(), QString::fromLatin1(m_hub.commitOf(u"org/tiny-gpt2"_s)));
    // The bytes on disk are the Hub's.
    const QString dir = completed.value(u"file_path"_s).toString();
    QFile f(dir + u"/model.safetensors"_s);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex(),
             m_hub.fileInfo(u"org/tiny-gpt2"_s, u"main"_s, u"model.safetensors"_s)->sha256);
    // Architecture extracted from the real files.
    const HttpResult arch = h->call("GET", u"/api/v1/models/%1/architecture"_s.arg(id.toString(QUuid::WithoutBraces)));
    QCOMPARE(arch.status, 200);
    QCOMPARE(arch.json.value(u"model_type"_s).toString(), u"gpt2"_s);
    QVERIFY(!arch.json.value(u"hook_points"_s).toArray().isEmpty());
}

void TestWsDownload::gatedDownloadNeedsToken()
{
    auto h = harness();
    const QUuid id = h->createModel(u"org/gated-manual"_s);
    const QString base = u"/api/v1/models/%1"_s.arg(id.toString(QUuid::WithoutBraces));
    QCOMPARE(h->call("POST", base + u"/download"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Failed, 30000);
    HttpResult r = h->call("GET", base);
    QVERIFY(!r.json.value(u"error_message"_s).toString().isEmpty());
    // With the approved token it goes through; the token is in no response.
    QCOMPARE(h->call("POST", base + u"/retry"_s, R"({"hf_token":"hf_fakehub_approved"})").status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 30000);
    r = h->call("GET", base);
    QVERIFY(!r.body.contains("hf_fakehub_approved"));
}

void TestWsDownload::throttledDownloadStreamsProgress()
{
    auto h = harness();
    const QUuid id = h->createModel(u"org/big"_s);
    const QString channel = u"model/"_s + id.toString(QUuid::WithoutBraces);
    QWebSocket ws;
    QList<QJsonObject> progress;
    QStringList events;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) {
        const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
        events << o.value(u"event"_s).toString();
        if (o.value(u"event"_s).toString() == u"download_progress"_s)
            progress << o.value(u"data"_s).toObject();
    });
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h->server->port())));
    QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
    ws.sendTextMessage(uR"({"action":"subscribe","channel":"%1"})"_s.arg(channel));
    QTRY_COMPARE(events.size(), 1);
    QCOMPARE(h->call("POST", u"/api/v1/models/%1/download"_s.arg(id.toString(QUuid::WithoutBraces)),
                     R"({"max_bandwidth":"6M"})").status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(h->status(id), ModelStatus::Ready, 60000);
    QTRY_VERIFY(events.last() == u"status_changed"_s && events.contains(u"download_completed"_s));
    // ~2 s at 6 MB/s: several progress events, monotonic, with a speed and an ETA on the way.
    QVERIFY2(progress.size() >= 4, qPrintable(QString::number(progress.size())));
    bool sawEta = false;
    for (qsizetype i = 1; i < progress.size(); ++i) {
        QVERIFY(progress[i].value(u"downloaded_bytes"_s).toInteger()
                >= progress[i - 1].value(u"downloaded_bytes"_s).toInteger());
        sawEta = sawEta || progress[i].value(u"eta_seconds"_s).isDouble();
    }
    QVERIFY(sawEta);
    QCOMPARE(progress.last().value(u"progress"_s).toDouble(), 100.0);
    for (const QJsonObject &p : std::as_const(progress))
        QVERIFY(p.value(u"speed_mbps"_s).toDouble() < 12.0); // the cap holds (with slack)
}

QTEST_GUILESS_MAIN(TestWsDownload)
#include "tst_wsdownload.moc"
