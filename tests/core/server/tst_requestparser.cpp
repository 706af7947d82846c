// The HTTP layer's request-head parser: the documented subset it accepts and every framing
// ambiguity it refuses (duplicate or invalid Content-Length, Transfer-Encoding, obs-fold,
// whitespace before a colon, bare LF or CR, missing or repeated Host), with the typed error
// (and so the status) a client gets.
#include "server/http/requestparser.h"
#include "server/httpstatus.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::http;

class TestRequestParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesAmbiguousOrMalformedHeads_data();
    void refusesAmbiguousOrMalformedHeads();
    void acceptsAndDecodes_data();
    void acceptsAndDecodes();
    void findsTheEndOfAHeadAcrossChunks();
    void boundsTheHeaderCount();
};

void TestRequestParser::refusesAmbiguousOrMalformedHeads_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    const auto post = [](const QByteArray &headers) -> QByteArray {
        return "POST /api/v1/models HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n";
    };
    QTest::newRow("duplicate CL, equal")
        << post("Content-Length: 2\r\nContent-Length: 2\r\n") << 400;
    QTest::newRow("duplicate CL, different")
        << post("Content-Length: 2\r\nContent-Length: 5\r\n") << 400;
    QTest::newRow("CL list") << post("Content-Length: 2, 2\r\n") << 400;
    QTest::newRow("CL negative") << post("Content-Length: -1\r\n") << 400;
    QTest::newRow("CL plus sign") << post("Content-Length: +2\r\n") << 400;
    QTest::newRow("CL hex") << post("Content-Length: 0x2\r\n") << 400;
    QTest::newRow("CL empty") << post("Content-Length:\r\n") << 400;
    QTest::newRow("CL too many digits") << post("Content-Length: 9999999999999999999\r\n") << 400;
    QTest::newRow("CL and TE") << post("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n")
                               << 400;
    QTest::newRow("TE and CL") << post("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n")
                               << 400;
    QTest::newRow("TE alone") << post("Transfer-Encoding: chunked\r\n") << 411;
    QTest::newRow("TE gzip") << post("Transfer-Encoding: gzip, chunked\r\n") << 411;
    QTest::newRow("obs-fold") << post("X-A: b\r\n c\r\n") << 400;
    QTest::newRow("space before colon") << post("Content-Length : 2\r\n") << 400;
    QTest::newRow("tab before colon") << post("Host\t: b\r\n") << 400;
    QTest::newRow("no colon") << post("Garbage\r\n") << 400;
    QTest::newRow("empty name") << post(": value\r\n") << 400;
    QTest::newRow("NUL in value") << post(QByteArray("X-A: a\0b\r\n", 10)) << 400;
    QTest::newRow("DEL in value") << post("X-A: a\x7f"
                                          "b\r\n")
                                  << 400;
    QTest::newRow("bare CR in value") << post("X-A: a\rb\r\n") << 400;
    QTest::newRow("bare LF lines") << QByteArray("GET / HTTP/1.1\nHost: a\n\n") << 400;
    QTest::newRow("bare LF end") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\n\r\n\r\n") << 400;
    QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Host") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("two Authorization")
        << post("Authorization: Bearer a\r\nauthorization: Bearer b\r\n") << 400;
    QTest::newRow("two Content-Type")
        << post("Content-Type: text/plain\r\nContent-Type: application/json\r\n") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("HTTP/1.7") << QByteArray("GET / HTTP/1.7\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("lower-case version") << QByteArray("GET / http/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("HTTP/0.9") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("absolute form")
        << QByteArray("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("asterisk form") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("fragment") << QByteArray("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("bad escape") << QByteArray("GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("short escape") << QByteArray("GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("encoded NUL") << QByteArray("GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("non-ASCII target")
        << QByteArray("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("bad method") << QByteArray("G(ET / HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
}

void TestRequestParser::refusesAmbiguousOrMalformedHeads()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    const Result<RequestHead> r = RequestParser::parse(head, 100);
    QVERIFY2(!r.ok(), head.constData());
    QCOMPARE(httpStatusFor(r.error().code), status);
    QVERIFY(!r.error().message.isEmpty());
}

void TestRequestParser::acceptsAndDecodes_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query"); // "key=value" of the first query item, or empty
    QTest::addColumn<qint64>("contentLength");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("upgrade");
    QTest::newRow("get") << QByteArray(
                                "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:8765\r\n\r\n")
                         << QByteArray("GET") << u"/api/v1/health"_s << QString() << qint64(0)
                         << true << false;
    QTest::newRow("query")
        << QByteArray("GET /api/v1/models?search=a%20b&limit=5 HTTP/1.1\r\nHost: a\r\n\r\n")
        << QByteArray("GET") << u"/api/v1/models"_s << u"search=a b"_s << qint64(0) << true
        << false;
    QTest::newRow("decoded path") << QByteArray(
                                         "DELETE /api/v1/models/x%2Fy HTTP/1.1\r\nHost: a\r\n\r\n")
                                  << QByteArray("DELETE") << u"/api/v1/models/x/y"_s << QString()
                                  << qint64(0) << true << false;
    QTest::newRow("body") << QByteArray(
                                 "POST /m HTTP/1.1\r\nhost: a\r\ncontent-length: 0042\r\n\r\n")
                          << QByteArray("POST") << u"/m"_s << QString() << qint64(42) << true
                          << false;
    QTest::newRow("close")
        << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n")
        << QByteArray("GET") << u"/"_s << QString() << qint64(0) << false << false;
    QTest::newRow("http/1.0 closes") << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET")
                                     << u"/"_s << QString() << qint64(0) << false << false;
    QTest::newRow("websocket")
        << QByteArray("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\nConnection: "
                      "keep-alive\r\nConnection: Upgrade\r\n\r\n")
        << QByteArray("GET") << u"/ws"_s << QString() << qint64(0) << true << true;
    QTest::newRow("upgrade without connection")
        << QByteArray("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")
        << QByteArray("GET") << u"/ws"_s << QString() << qint64(0) << true << false;
    QTest::newRow("ows and obs-text")
        << QByteArray("GET / HTTP/1.1\r\nHost:a\r\nX-Name: \t caf\xc3\xa9 \t\r\n\r\n")
        << QByteArray("GET") << u"/"_s << QString() << qint64(0) << true << false;
}

void TestRequestParser::acceptsAndDecodes()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(qint64, contentLength);
    QFETCH(bool, keepAlive);
    QFETCH(bool, upgrade);
    const Result<RequestHead> r = RequestParser::parse(head, 100);
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    QCOMPARE(r->method, method);
    QCOMPARE(r->path, path);
    if (!query.isEmpty()) {
        const auto item = r->query.queryItems(QUrl::FullyDecoded).first();
        QCOMPARE(item.first + u'=' + item.second, query);
    }
    QCOMPARE(r->contentLength, contentLength);
    QCOMPARE(r->keepAlive, keepAlive);
    QCOMPARE(r->webSocketUpgrade, upgrade);
    if (QTest::currentDataTag() == QByteArray("ows and obs-text"))
        QCOMPARE(r->header("x-name"), QByteArray("caf\xc3\xa9"));
}

void TestRequestParser::findsTheEndOfAHeadAcrossChunks()
{
    const QByteArray head = "GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT";
    QCOMPARE(RequestParser::findHeadEnd(head), head.size() - 4);
    // Fed byte by byte with the resume offset a connection keeps, the end is found once.
    qsizetype scanned = 0;
    qsizetype found = -1;
    for (qsizetype n = 1; n <= head.size() && found < 0; ++n) {
        found = RequestParser::findHeadEnd(QByteArrayView(head).first(n), scanned);
        scanned = std::max<qsizetype>(0, n - 3);
    }
    QCOMPARE(found, head.size() - 4);
    QCOMPARE(RequestParser::findHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n"), -1);
}

void TestRequestParser::boundsTheHeaderCount()
{
    QByteArray head = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 10; ++i)
        head += "X-" + QByteArray::number(i) + ": v\r\n";
    head += "\r\n";
    QVERIFY(RequestParser::parse(head, 11).ok());
    const Result<RequestHead> r = RequestParser::parse(head, 10);
    QVERIFY(!r.ok());
    QCOMPARE(int(r.error().code), int(ErrorCode::HeadersTooLarge));
    QCOMPARE(httpStatusFor(r.error().code), 431);
}

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
