#include "download/transferverdict.h"

#include <QTest>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

using Action = TransferVerdict::Action;
using Outcome = ChunkResult::Outcome;
Q_DECLARE_METATYPE(TransferVerdict::Action)
Q_DECLARE_METATYPE(ChunkResult::Outcome)

class TestTransferVerdict final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void judges_data();
    void judges();
};

void TestTransferVerdict::judges_data()
{
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("rateLimit");
    QTest::addColumn<Action>("action");
    QTest::addColumn<QString>("code");  // the error's (Fail) or the cause's (Retry)
    QTest::addColumn<QString>("cause"); // Retry
    QTest::addColumn<int>("waitMs");    // Retry
    QTest::newRow("ok") << Outcome::Ok << 206 << QByteArray() << Action::Written << QString() << QString() << -1;
    QTest::newRow("stopped") << Outcome::Cancelled << 0 << QByteArray() << Action::Nothing << QString() << QString() << -1;
    QTest::newRow("200 to a Range") << Outcome::RangeIgnored << 200 << QByteArray() << Action::SwitchToWholeFile
                                    << QString() << QString() << -1;
    QTest::newRow("signed URL expired") << Outcome::HttpError << 403 << QByteArray() << Action::Reresolve << QString()
                                        << QString() << -1;
    QTest::newRow("CDN lost it") << Outcome::HttpError << 404 << QByteArray() << Action::Reresolve << QString()
                                 << QString() << -1;
    QTest::newRow("fewer bytes than listed") << Outcome::HttpError << 416 << QByteArray() << Action::Fail
                                             << u"size_mismatch"_s << QString() << -1;
    QTest::newRow("429 names its wait") << Outcome::HttpError << 429 << QByteArray("\"api\";r=0;t=2") << Action::Retry
                                        << u"rate_limited"_s << u"http_429"_s << 3000;
    QTest::newRow("429 without one: backoff") << Outcome::HttpError << 429 << QByteArray() << Action::Retry
                                              << u"rate_limited"_s << u"http_429"_s << -1;
    QTest::newRow("503") << Outcome::HttpError << 503 << QByteArray() << Action::Retry << u"server_error"_s
                         << u"http_503"_s << -1;
    QTest::newRow("408") << Outcome::HttpError << 408 << QByteArray() << Action::Retry << u"timeout"_s << u"http_408"_s << -1;
    QTest::newRow("418") << Outcome::HttpError << 418 << QByteArray() << Action::Fail << u"invalid_response"_s
                         << QString() << -1;
    QTest::newRow("reset") << Outcome::NetworkError << 0 << QByteArray() << Action::Retry << u"network_error"_s
                           << u"network"_s << -1;
    QTest::newRow("stall") << Outcome::Stalled << 206 << QByteArray() << Action::Retry << u"timeout"_s << u"stall"_s << -1;
    QTest::newRow("short body") << Outcome::ShortBody << 206 << QByteArray() << Action::Retry << u"network_error"_s
                                << u"short_body"_s << -1;
    QTest::newRow("wrong Content-Range") << Outcome::BadResponse << 206 << QByteArray() << Action::Retry
                                         << u"invalid_response"_s << u"bad_content_range"_s << -1;
}

void TestTransferVerdict::judges()
{
    QFETCH(Outcome, outcome);
    QFETCH(int, status);
    QFETCH(QByteArray, rateLimit);
    QFETCH(Action, action);
    QFETCH(QString, code);
    QFETCH(QString, cause);
    QFETCH(int, waitMs);
    ChunkResult r;
    r.outcome = outcome;
    r.httpStatus = status;
    r.rateLimit = rateLimit;
    const TransferVerdict v = judgeTransfer(r, u"w.bin"_s);
    QCOMPARE(v.action, action);
    if (action == Action::Fail)
        QCOMPARE(v.error.codeName(), code);
    if (action == Action::Retry) {
        QCOMPARE(Error::make(v.code, {}).codeName(), code);
        QCOMPARE(v.cause, cause);
        QCOMPARE(v.waitMs, waitMs);
    }
    if (action == Action::Reresolve)
        QCOMPARE(v.httpStatus, status);
}

QTEST_GUILESS_MAIN(TestTransferVerdict)
#include "tst_transferverdict.moc"
