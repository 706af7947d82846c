// A mixed deployment: `mistudio serve` configured (settings compat/emitUrl, compat/emitToken)
// to post its model events to an original miStudio backend's internal emit endpoint, here a
// stand-in on a loopback port. A download through the original frontend's API reaches that
// backend as model:progress … model:completed for the model's channel, with the token.
#include "fakebackend.h"
#include "fakehub/fakehub.h"
#include "serveprocess.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestServeEmit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void downloadReachesTheOriginalBackend();
};

void TestServeEmit::downloadReachesTheOriginalBackend()
{
    fakehub::FakeHub hub;
    QString error;
    QVERIFY2(hub.start(&error), qPrintable(error));

    // The original backend's POST /api/internal/ws/emit.
    test::FakeOriginalBackend backend("the-internal-secret");
    QList<QJsonObject> &received = backend.bodies;
    const QByteArrayList &tokens = backend.tokens;

    QTemporaryDir home;
    QTemporaryDir data;
    {
        QSettings s(home.path() + u"/.config/mistudio/mistudio-models.conf"_s, QSettings::IniFormat);
        s.setValue(u"compat/emitUrl"_s, backend.url().toString());
        s.setValue(u"compat/emitToken"_s, u"the-internal-secret"_s);
    }
    test::ServeProcess serve;
    const quint16 port = serve.start(hub.endpoint(), home.path(), data.path());
    QVERIFY2(port != 0, serve.output().constData());

    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/compat/api/v1/models/download"_s.arg(port)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = nam.post(req, R"({"repo_id":"org/tiny-gpt2","quantization":"FP16"})");
    QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 202);
    const QString id = QJsonDocument::fromJson(reply->readAll()).object().value(u"id"_s).toString();
    reply->deleteLater();

    QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty() && received.last().value(u"event"_s).toString() == u"model:completed"_s,
                             30000);
    for (const QJsonObject &b : std::as_const(received)) {
        qInfo().noquote() << QJsonDocument(b).toJson(QJsonDocument::Compact);
        QCOMPARE(b.value(u"channel"_s).toString(), u"models/%1/progress"_s.arg(id));
        QCOMPARE(b.value(u"data"_s).toObject().value(u"model_id"_s).toString(), id);
    }
    QCOMPARE(received.first().value(u"event"_s).toString(), u"model:progress"_s);
    QCOMPARE(received.first().value(u"data"_s).toObject().value(u"status"_s).toString(), u"downloading"_s);
    QCOMPARE(received.last().value(u"data"_s).toObject().value(u"status"_s).toString(), u"ready"_s);
    for (const QByteArray &t : std::as_const(tokens))
        QCOMPARE(t, QByteArray("the-internal-secret"));
    QVERIFY(serve.stop());
}

QTEST_GUILESS_MAIN(TestServeEmit)
#include "tst_serveemit.moc"
