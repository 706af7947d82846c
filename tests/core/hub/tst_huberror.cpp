// Every Hub failure maps to its own stable code, keeps the Hub's message and request id; the
// retry wait follows RateLimit t+1 (when r=0), Retry-After seconds + 1, or the 1-2-4-8 s backoff.
#include "hub/huberror.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hub;

namespace {

HttpOutcome outcome(int status, const QString &path, QList<QPair<QByteArray, QByteArray>> headers,
                    const QByteArray &body = {}, bool authSent = false)
{
    HttpOutcome o;
    o.status = status;
    o.url = QUrl(u"https://huggingface.co"_s + path);
    o.headers = std::move(headers);
    o.body = body;
    o.authSent = authSent;
    return o;
}

} // namespace

class TestHubError final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapping_data();
    void mapping();
    void networkFailures();
    void retryable();
    void waits_data();
    void waits();
};

using Headers = QList<QPair<QByteArray, QByteArray>>;
Q_DECLARE_METATYPE(Headers)

void TestHubError::mapping_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("path");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const QByteArray rid = "Root=1-abc;123";
    QTest::newRow("repo-not-found-404") << 404 << u"/api/models/org/x/revision/main"_s
                                        << Headers{{"X-Error-Code", "RepoNotFound"},
                                                   {"X-Error-Message", "Repository not found"},
                                                   {"X-Request-Id", rid}}
                                        << QByteArray() << u"repo_not_found"_s << u"Repository not found"_s;
    QTest::newRow("private-anonymous-401-no-code") << 401 << u"/org/x/resolve/main/config.json"_s
                                                   << Headers{{"X-Request-Id", rid}}
                                                   << QByteArray(R"({"error":"Invalid username or password."})")
                                                   << u"repo_not_found"_s << u"Invalid username or password."_s;
    QTest::newRow("revision") << 404 << u"/api/models/org/x/revision/nope"_s
                              << Headers{{"X-Error-Code", "RevisionNotFound"},
                                         {"X-Error-Message", "Invalid rev id: nope"}, {"X-Request-Id", rid}}
                              << QByteArray() << u"revision_not_found"_s << u"Invalid rev id: nope"_s;
    QTest::newRow("entry") << 404 << u"/org/x/resolve/main/nope.json"_s
                           << Headers{{"X-Error-Code", "EntryNotFound"}, {"X-Error-Message", "Entry not found"},
                                      {"X-Repo-Commit", "0123"}, {"X-Request-Id", rid}}
                           << QByteArray() << u"entry_not_found"_s << u"Entry not found"_s;
    const QByteArray login = "Access to model org/g is restricted. You must have access to it and be "
                             "authenticated to access it. Please log in.";
    QTest::newRow("gated-anonymous") << 401 << u"/org/g/resolve/main/config.json"_s
                                     << Headers{{"X-Error-Code", "GatedRepo"}, {"X-Error-Message", login},
                                                {"X-Request-Id", rid}}
                                     << QByteArray() << u"gated_auth_required"_s << QString::fromUtf8(login);
    const QByteArray notListed = "Access to model org/g is restricted and you are not in the authorized list. "
                                 "Visit https://huggingface.co/org/g to ask for access.";
    QTest::newRow("gated-not-approved") << 403 << u"/org/g/resolve/main/config.json"_s
                                        << Headers{{"X-Error-Code", "GatedRepo"}, {"X-Error-Message", notListed},
                                                   {"X-Request-Id", rid}}
                                        << QByteArray() << u"gated_access_denied"_s << QString::fromUtf8(notListed);
    QTest::newRow("disabled") << 403 << u"/api/models/org/d/revision/main"_s
                              << Headers{{"X-Error-Message", "Access to this resource is disabled."},
                                         {"X-Request-Id", rid}}
                              << QByteArray() << u"repo_disabled"_s << u"Access to this resource is disabled."_s;
    QTest::newRow("invalid-token") << 401 << u"/api/models/org/x/revision/main"_s
                                   << Headers{{"X-Error-Message", "Invalid credentials in Authorization header"},
                                              {"X-Request-Id", rid}}
                                   << QByteArray() << u"invalid_token"_s
                                   << u"Invalid credentials in Authorization header"_s;
    QTest::newRow("rate-limited") << 429 << u"/org/x/resolve/main/config.json"_s
                                  << Headers{{"RateLimit", "\"resolvers\";r=0;t=2"}, {"X-Request-Id", rid}}
                                  << QByteArray(R"({"error":"Too many requests"})") << u"rate_limited"_s
                                  << u"Too many requests"_s;
    QTest::newRow("server-error") << 503 << u"/api/models/org/x/revision/main"_s << Headers{{"X-Request-Id", rid}}
                                  << QByteArray("Service Unavailable") << u"server_error"_s
                                  << u"Service Unavailable"_s;
    QTest::newRow("request-timeout") << 408 << u"/api/models/org/x/revision/main"_s
                                     << Headers{{"X-Request-Id", rid}} << QByteArray(R"({"errors":[{"message":"slow"}]})")
                                     << u"timeout"_s << u"slow"_s;
    QTest::newRow("scope-403") << 403 << u"/api/models/org/x/revision/main"_s
                               << Headers{{"X-Error-Message", "This token lacks read access"}, {"X-Request-Id", rid}}
                               << QByteArray() << u"forbidden"_s << u"This token lacks read access"_s;
}

void TestHubError::mapping()
{
    QFETCH(int, status);
    QFETCH(QString, path);
    QFETCH(Headers, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const Error e = errorFromOutcome(outcome(status, path, headers, body));
    QCOMPARE(e.codeName(), code);
    QCOMPARE(e.message, message);
    QCOMPARE(e.requestId, u"Root=1-abc;123"_s);
    QCOMPARE(e.details.value(u"http_status"_s).toInt(), status);
}

void TestHubError::networkFailures()
{
    HttpOutcome refused;
    refused.url = QUrl(u"http://127.0.0.1:9/api/models/x"_s);
    refused.networkError = QNetworkReply::ConnectionRefusedError;
    refused.networkErrorText = u"Connection refused"_s;
    QCOMPARE(errorFromOutcome(refused).code, ErrorCode::NetworkError);
    QVERIFY(errorFromOutcome(refused).message.contains(u"Connection refused"_s));
    HttpOutcome timedOut = refused;
    timedOut.networkError = QNetworkReply::OperationCanceledError;
    timedOut.timedOut = true;
    QCOMPARE(errorFromOutcome(timedOut).code, ErrorCode::Timeout);
    // A signed CDN query never ends up in a message.
    HttpOutcome cdn = refused;
    cdn.url = QUrl(u"http://localhost:1/cdn/abc?exp=1&sig=secret"_s);
    QVERIFY(!errorFromOutcome(cdn).toString().contains(u"secret"_s));
    QVERIFY(!errorFromOutcome(cdn).details.value(u"url"_s).toString().contains(u"secret"_s));
}

void TestHubError::retryable()
{
    for (int s : {408, 429, 500, 502, 503, 504})
        QVERIFY2(isRetryable(outcome(s, u"/x"_s, {})), qPrintable(QString::number(s)));
    for (int s : {400, 401, 403, 404, 416})
        QVERIFY2(!isRetryable(outcome(s, u"/x"_s, {})), qPrintable(QString::number(s)));
    HttpOutcome refused;
    refused.networkError = QNetworkReply::ConnectionRefusedError;
    QVERIFY(!isRetryable(refused));
    HttpOutcome reset;
    reset.networkError = QNetworkReply::RemoteHostClosedError;
    QVERIFY(isRetryable(reset));
}

void TestHubError::waits_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("waitMs");
    QTest::newRow("ratelimit-t2") << 429 << Headers{{"RateLimit", "\"resolvers\";r=0;t=2"}} << 1 << qint64(3000);
    QTest::newRow("ratelimit-t0") << 429 << Headers{{"RateLimit", "\"api\";r=0;t=0"}} << 3 << qint64(1000);
    QTest::newRow("ratelimit-over-retry-after") << 429
                                                << Headers{{"RateLimit", "\"api\";r=0;t=5"}, {"Retry-After", "30"}}
                                                << 1 << qint64(6000);
    QTest::newRow("ratelimit-not-exhausted-backs-off") << 429 << Headers{{"RateLimit", "\"api\";r=7;t=60"}} << 1
                                                       << qint64(1000);
    QTest::newRow("retry-after-seconds") << 429 << Headers{{"Retry-After", "2"}} << 1 << qint64(3000);
    QTest::newRow("retry-after-date-falls-back") << 429 << Headers{{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}}
                                                 << 2 << qint64(2000);
    QTest::newRow("5xx-1") << 503 << Headers{} << 1 << qint64(1000);
    QTest::newRow("5xx-2") << 503 << Headers{} << 2 << qint64(2000);
    QTest::newRow("5xx-3") << 500 << Headers{} << 3 << qint64(4000);
    QTest::newRow("5xx-4") << 502 << Headers{} << 4 << qint64(8000);
    QTest::newRow("5xx-5-capped") << 504 << Headers{} << 5 << qint64(8000);
}

void TestHubError::waits()
{
    QFETCH(int, status);
    QFETCH(Headers, headers);
    QFETCH(int, attempt);
    QFETCH(qint64, waitMs);
    QCOMPARE(retryWaitMs(outcome(status, u"/x"_s, headers), attempt), waitMs);
}

QTEST_GUILESS_MAIN(TestHubError)
#include "tst_huberror.moc"
