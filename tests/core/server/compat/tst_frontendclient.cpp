// The original frontend's real Socket.IO client (npm socket.io-client, the version it pins,
// installed by the compat_npm_setup fixture) against `mistudio serve` downloading from the fake
// Hub: subscribe → progress → completed, a failing download → error, and a cancel → error,
// over HTTP long-polling only, polling upgraded to a WebSocket, and a WebSocket from the start.
// The client script (npm/frontend-client.mjs) prints each step as a JSON line; they are printed
// here too, as the record of what a client receives.
#include "fakehub/fakehub.h"
#include "serveprocess.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestFrontendClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void download_data();
    void download();
    void cleanup();

private:
    QList<QJsonObject> runClient(const QString &transports, const QString &repo, const QString &quantization,
                                 const QString &action);

    QString m_npmDir;
    fakehub::FakeHub m_hub{[] {
        fakehub::FakeHub::Options o;
        o.fixtures.bigFileBytes = 6 * 1000 * 1000;
        return o;
    }()};
    QTemporaryDir m_home;
    QTemporaryDir m_data;
    test::ServeProcess m_serve;
    quint16 m_port = 0;
};

void TestFrontendClient::initTestCase()
{
    m_npmDir = qEnvironmentVariable("COMPAT_NPM_DIR");
    if (m_npmDir.isEmpty() || !QFileInfo::exists(m_npmDir + u"/node_modules/socket.io-client/package.json"_s))
        QSKIP("socket.io-client is not installed (needs node, npm and the npm registry; see "
              "tests/core/server/compat/npm/install-npm-clients.sh)");
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
    // A download that runs long enough to be watched (and cancelled): 6 MB over the default 8
    // connections (the engine splits even a small file across them) at 375 kB/s each, about 2 s.
    m_hub.setCdnBandwidthPerConnection(375'000);
    // A download that fails once it starts: every HEAD of the repo's files is 404 (the preview,
    // which needs none, succeeds, so the record exists and its job fails).
    fakehub::Fault f;
    f.kind = fakehub::Fault::Kind::Status;
    f.status = 404;
    f.method = "HEAD";
    f.pathContains = u"/org/tiny-neox/resolve/"_s;
    f.times = -1;
    m_hub.addFault(f);

    m_port = m_serve.start(m_hub.endpoint(), m_home.path(), m_data.path());
    QVERIFY2(m_port != 0, m_serve.output().constData());
}

void TestFrontendClient::cleanupTestCase()
{
    QVERIFY(m_serve.stop());
}

QList<QJsonObject> TestFrontendClient::runClient(const QString &transports, const QString &repo,
                                                 const QString &quantization, const QString &action)
{
    QProcess node;
    node.setWorkingDirectory(m_npmDir);
    node.start(u"node"_s, {u"frontend-client.mjs"_s, u"http://127.0.0.1:%1"_s.arg(m_port), u"/compat/api/v1"_s,
                           transports, repo, quantization, action});
    QList<QJsonObject> lines;
    if (!node.waitForFinished(90000)) {
        node.kill();
        node.waitForFinished(5000);
    }
    const QByteArray err = node.readAllStandardError();
    if (!err.isEmpty())
        qWarning().noquote() << err;
    for (const QByteArray &l : node.readAllStandardOutput().split('\n')) {
        if (l.trimmed().isEmpty())
            continue;
        qInfo().noquote() << l;
        lines << QJsonDocument::fromJson(l).object();
    }
    return lines;
}

void TestFrontendClient::download_data()
{
    QTest::addColumn<QString>("transports");
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("last");   // model:completed or model:error
    QTest::addColumn<QString>("status"); // of the model read back
    const QStringList kinds{u"polling"_s, u"polling,websocket"_s, u"websocket"_s};
    for (const QString &t : kinds) {
        QTest::addRow("ready over %s", qPrintable(t)) << t << u"org/big"_s << QString() << u"model:completed"_s << u"ready"_s;
        QTest::addRow("failure over %s", qPrintable(t)) << t << u"org/tiny-neox"_s << QString() << u"model:error"_s << u"error"_s;
        QTest::addRow("cancel over %s", qPrintable(t)) << t << u"org/big"_s << u"cancel"_s << u"model:error"_s << u"error"_s;
    }
}

void TestFrontendClient::download()
{
    QFETCH(QString, transports);
    QFETCH(QString, repo);
    QFETCH(QString, action);
    QFETCH(QString, last);
    QFETCH(QString, status);
    const QList<QJsonObject> lines = runClient(transports, repo, u"FP16"_s, action);
    QVERIFY(!lines.isEmpty());
    QCOMPARE(lines.last().value(u"kind"_s).toString(), u"done"_s);
    QCOMPARE(lines.last().value(u"last"_s).toString(), last);

    // The transport every event came over: polling only, a WebSocket after the upgrade, or a
    // WebSocket from the start.
    const QString expected = transports == u"polling"_s ? u"polling"_s : u"websocket"_s;
    bool upgraded = false;
    QStringList events;
    double progress = -1;
    bool seenMidway = false; // a figure strictly between 0 and 100 while it downloaded
    QString modelId;
    for (const QJsonObject &l : lines) {
        const QString kind = l.value(u"kind"_s).toString();
        if (kind == u"upgrade"_s)
            upgraded = true;
        if (kind == u"http"_s && l.value(u"path"_s).toString() == u"/models/download"_s) {
            QCOMPARE(l.value(u"status"_s).toInt(), 202);
            modelId = l.value(u"body"_s).toObject().value(u"id"_s).toString();
        }
        if (kind == u"ack"_s)
            QCOMPARE(l.value(u"ack"_s).toObject().value(u"channel"_s).toString(), u"models/%1/progress"_s.arg(modelId));
        if (kind != u"event"_s)
            continue;
        QCOMPARE(l.value(u"transport"_s).toString(), expected);
        const QString name = l.value(u"event"_s).toString();
        events << name;
        const QJsonObject d = l.value(u"data"_s).toObject();
        if (name == u"subscribed"_s)
            continue;
        QCOMPARE(d.value(u"model_id"_s).toString(), modelId);
        QVERIFY(d.value(u"progress"_s).isDouble());
        if (d.value(u"status"_s).toString() == u"downloading"_s) {
            QVERIFY(d.value(u"progress"_s).toDouble() >= progress);
            progress = d.value(u"progress"_s).toDouble();
            seenMidway = seenMidway || (progress > 0 && progress < 100);
        }
        if (name == u"model:error"_s)
            QVERIFY(!d.value(u"error"_s).toString().isEmpty());
    }
    QCOMPARE(upgraded, transports == u"polling,websocket"_s);
    QCOMPARE(events.first(), u"subscribed"_s);
    QCOMPARE(events.last(), last);
    QCOMPARE(events.at(events.size() - 2), u"model:progress"_s);
    const QJsonObject after = lines.at(lines.size() - 2).value(u"body"_s).toObject();
    QCOMPARE(after.value(u"status"_s).toString(), status);
    if (status == u"ready"_s) {
        // Seen while it ran, not only at the end (the last progress event may say 100).
        QVERIFY(seenMidway);
        QVERIFY(after.value(u"params_count"_s).toInteger() > 0);
    }
    if (action == u"cancel"_s) {
        QCOMPARE(after.value(u"error_message"_s).toString().left(14), u"Not downloaded"_s);
        bool cancelAnswered = false;
        for (const QJsonObject &l : lines)
            cancelAnswered = cancelAnswered || (l.value(u"path"_s).toString() == u"/cancel"_s && l.value(u"status"_s).toInt() == 200);
        QVERIFY(cancelAnswered);
    }
}

void TestFrontendClient::cleanup()
{
    // Each row downloads again: its records go (DELETE, as the panel's trash button does).
    QNetworkAccessManager nam;
    const auto call = [&](const QByteArray &method, const QString &path) {
        QNetworkReply *r = nam.sendCustomRequest(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/compat/api/v1%2"_s.arg(m_port).arg(path))), method);
        const bool finished = QTest::qWaitFor([r] { return r->isFinished(); }, 20000);
        Q_UNUSED(finished) // an unfinished call reads as status 0 below
        r->deleteLater();
        return std::make_pair(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), r->readAll());
    };
    const QJsonArray models = QJsonDocument::fromJson(call("GET", u"/models"_s).second).object().value(u"data"_s).toArray();
    for (const QJsonValue &m : models)
        QCOMPARE(call("DELETE", u"/models/"_s + m.toObject().value(u"id"_s).toString()).first, 204);
}

QTEST_GUILESS_MAIN(TestFrontendClient)
#include "tst_frontendclient.moc"
