// The server's edge: API token (Bearer) on every request and WebSocket upgrade when it is
// required, throttling of repeated failures, loopback default, origin allowlist, Host check,
// and the token file.
#include "serverharness.h"
#include "server/apitoken.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::test;

namespace {
const QString kToken = u"0123456789abcdef0123456789abcdef0123456789abcdef"_s;

ServerConfig tokenConfig()
{
    ServerConfig c;
    c.token = kToken;
    c.requireToken = true; // what any non-loopback address implies
    c.maxAuthFailures = 3;
    c.lockoutSeconds = 30;
    return c;
}

QByteArray bearer(const QString &t)
{
    return "Bearer " + t.toLatin1();
}
} // namespace

class TestApiAuth final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loopbackNeedsNoToken();
    void nonLoopbackRefusesToStartWithoutToken_data();
    void nonLoopbackRefusesToStartWithoutToken();
    void tokenCheckedOnEveryRequest_data();
    void tokenCheckedOnEveryRequest();
    void repeatedFailuresAreThrottled();
    void webSocketUpgradeNeedsToken();
    void originAllowlist();
    void foreignHostRefusedOnLoopback();
    void tokenFileIsPrivateAndStable();
};

void TestApiAuth::loopbackNeedsNoToken()
{
    ServerHarness h;
    QVERIFY(!h.server->config().tokenRequired());
    QCOMPARE(h.call("GET", u"/api/v1/models"_s).status, 200);
}

void TestApiAuth::nonLoopbackRefusesToStartWithoutToken_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("required");
    QTest::newRow("any") << u"0.0.0.0"_s << true;
    QTest::newRow("lan") << u"192.168.1.10"_s << true;
    QTest::newRow("any6") << u"::"_s << true;
    QTest::newRow("loopback") << u"127.0.0.1"_s << false;
    QTest::newRow("loopback6") << u"::1"_s << false;
}

void TestApiAuth::nonLoopbackRefusesToStartWithoutToken()
{
    QFETCH(QString, host);
    QFETCH(bool, required);
    ServerConfig c;
    c.host = QHostAddress(host);
    QCOMPARE(c.tokenRequired(), required);
    if (!required)
        return;
    // Refused before anything listens: no socket is ever opened on that address.
    ServerHarness h;
    c.port = 0;
    ApiServer s(h.service.get(), c);
    const Result<quint16> r = s.start();
    QVERIFY(!r.ok());
    QCOMPARE(int(r.error().code), int(ErrorCode::Forbidden));
    QVERIFY(s.servers().isEmpty());
}

void TestApiAuth::tokenCheckedOnEveryRequest_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::newRow("no token") << QByteArray("GET") << u"/api/v1/models"_s << QByteArray() << 401;
    QTest::newRow("wrong token") << QByteArray("GET") << u"/api/v1/models"_s << bearer(u"nope"_s) << 401;
    QTest::newRow("token prefix") << QByteArray("GET") << u"/api/v1/models"_s << bearer(kToken.left(20)) << 401;
    QTest::newRow("basic scheme") << QByteArray("GET") << u"/api/v1/models"_s << ("Basic " + kToken.toLatin1()) << 401;
    QTest::newRow("health too") << QByteArray("GET") << u"/api/v1/health"_s << QByteArray() << 401;
    QTest::newRow("unknown route") << QByteArray("GET") << u"/secret"_s << QByteArray() << 401;
    QTest::newRow("post no token") << QByteArray("POST") << u"/api/v1/models"_s << QByteArray() << 401;
    QTest::newRow("right token") << QByteArray("GET") << u"/api/v1/models"_s << bearer(kToken) << 200;
    QTest::newRow("right token post") << QByteArray("POST") << u"/api/v1/models"_s << bearer(kToken) << 201;
}

void TestApiAuth::tokenCheckedOnEveryRequest()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    ServerHarness h(tokenConfig());
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    const HttpResult r = h.call(method, path, method == "POST" ? R"({"repo_id":"a/b"})" : QByteArray(), headers);
    QCOMPARE(r.status, status);
    if (status == 401) {
        QCOMPARE(r.errorCode(), u"unauthorized"_s);
        QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Bearer"));
        QVERIFY(!r.body.contains(kToken.toLatin1()));
    }
}

void TestApiAuth::repeatedFailuresAreThrottled()
{
    ServerHarness h(tokenConfig());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(h.call("GET", u"/api/v1/models"_s, {}, {{"Authorization", bearer(u"guess%1"_s.arg(i))}}).status, 401);
    // Locked out: further guesses from this address wait...
    HttpResult r = h.call("GET", u"/api/v1/models"_s, {}, {{"Authorization", bearer(u"guess3"_s)}});
    QCOMPARE(r.status, 429);
    QCOMPARE(r.errorCode(), u"rate_limited"_s);
    QVERIFY(r.header("Retry-After").toInt() > 0);
    QVERIFY(r.header("Retry-After").toInt() <= 30);
    QCOMPARE(h.call("GET", u"/api/v1/models"_s).status, 429); // no token is a failure too
    // ...but the real token always passes from the same address (one client behind a proxy,
    // or any local process, must not lock everyone out), HTTP and WebSocket alike...
    QCOMPARE(h.call("GET", u"/api/v1/models"_s, {}, {{"Authorization", bearer(kToken)}}).status, 200);
    QWebSocket ws;
    QNetworkRequest req(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h.server->port())));
    req.setRawHeader("Authorization", bearer(kToken));
    QSignalSpy connected(&ws, &QWebSocket::connected);
    ws.open(req);
    QTRY_COMPARE(connected.size(), 1);
    // ...and its success does not unlock guessing.
    QCOMPARE(h.call("GET", u"/api/v1/models"_s, {}, {{"Authorization", bearer(u"guess4"_s)}}).status, 429);
}

void TestApiAuth::webSocketUpgradeNeedsToken()
{
    ServerHarness h(tokenConfig());
    const QUrl wsUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h.server->port()));
    {
        QWebSocket ws;
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy errors(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        ws.open(wsUrl);
        QTRY_VERIFY(!errors.isEmpty() || ws.state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(connected.size(), 0);
    }
    {
        QWebSocket ws;
        QNetworkRequest req(wsUrl);
        req.setRawHeader("Authorization", bearer(u"wrong"_s));
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy errors(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
        ws.open(req);
        QTRY_VERIFY(!errors.isEmpty() || ws.state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(connected.size(), 0);
    }
    QWebSocket ws;
    QNetworkRequest req(wsUrl);
    req.setRawHeader("Authorization", bearer(kToken));
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
    ws.open(req);
    QTRY_COMPARE(connected.size(), 1);
    ws.sendTextMessage(uR"({"action":"subscribe","channel":"models"})"_s);
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.first().first().toString(), uR"({"channel":"models","event":"subscribed"})"_s);
}

void TestApiAuth::originAllowlist()
{
    ServerConfig c;
    c.allowedOrigins = {u"http://localhost:5173"_s};
    ServerHarness h(c);
    HttpResult r = h.call("GET", u"/api/v1/models"_s, {}, {{"Origin", "http://evil.example"}});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), u"forbidden"_s);
    QVERIFY(r.header("Access-Control-Allow-Origin").isEmpty());
    r = h.call("GET", u"/api/v1/models"_s, {}, {{"Origin", "http://localhost:5173"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
    r = h.call("OPTIONS", u"/api/v1/models"_s, {}, {{"Origin", "http://localhost:5173"},
                                                     {"Access-Control-Request-Method", "POST"}});
    QCOMPARE(r.status, 204);
    QVERIFY(r.header("Access-Control-Allow-Headers").contains("Authorization"));
    // WebSocket upgrades from a foreign page are refused too.
    QWebSocket ws(u"http://evil.example"_s);
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy errors(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error));
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h.server->port())));
    QTRY_VERIFY(!errors.isEmpty() || ws.state() == QAbstractSocket::UnconnectedState);
    QCOMPARE(connected.size(), 0);
    QWebSocket good(u"http://localhost:5173"_s);
    QSignalSpy goodConnected(&good, &QWebSocket::connected);
    good.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(h.server->port())));
    QTRY_COMPARE(goodConnected.size(), 1);
}

void TestApiAuth::foreignHostRefusedOnLoopback()
{
    ServerHarness h;
    // A page that rebinds its own DNS name to 127.0.0.1 sends its own Host name.
    const HttpResult r = h.call("GET", u"/api/v1/models"_s, {}, {{"Host", "attacker.example"}});
    QCOMPARE(r.status, 403);
    QCOMPARE(h.call("GET", u"/api/v1/models"_s, {}, {{"Host", "localhost"}}).status, 200);
}

void TestApiAuth::tokenFileIsPrivateAndStable()
{
    QTemporaryDir dir;
    const QString path = apiTokenPath(dir.path());
    const Result<QString> first = loadOrCreateApiToken(path);
    QVERIFY(first.ok());
    QCOMPARE(first->size(), 64);
    QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther
                                              | QFileDevice::WriteGroup | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    QCOMPARE(loadOrCreateApiToken(path).value(), first.value());
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    QCOMPARE(int(loadOrCreateApiToken(path).error().code), int(ErrorCode::PermissionDenied));
}

QTEST_GUILESS_MAIN(TestApiAuth)
#include "tst_apiauth.moc"
