// Every fault of docs/fakehub.md ("Faults") ends in a verified file or a specific error — never in
// a finished file with wrong bytes.
#include "downloadtestutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 kBigBytes = 12LL * 1024 * 1024;
const QString kRepo = u"org/big"_s;
const QString kFile = u"model.safetensors"_s;
}

class TestDownloadFaults final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void fault_data();
    void fault();

private:
    std::unique_ptr<FakeHub> m_hub;
};

void TestDownloadFaults::initTestCase()
{
    FakeHub::Options o;
    o.fixtures.bigFileBytes = kBigBytes;
    m_hub = std::make_unique<FakeHub>(o);
    QString error;
    QVERIFY2(m_hub->start(&error), qPrintable(error));
}

void TestDownloadFaults::cleanup()
{
    m_hub->clearFaults();
    m_hub->setCdnDown(false);
    m_hub->setHubDown(false);
    m_hub->clearLog();
}

void TestDownloadFaults::fault_data()
{
    QTest::addColumn<QString>("faultJson"); // a fakehub control fault, or a special word
    QTest::addColumn<QString>("expected");  // "" = verified file; else the error code
    QTest::addColumn<QString>("cause");     // the retry cause the progress shows last ("a|b": either; "" = any)

    auto row = [](const char *name, const char *json, const char *expected, const char *cause) {
        QTest::newRow(name) << QString::fromLatin1(json) << QString::fromLatin1(expected) << QString::fromLatin1(cause);
    };
    row("429 RateLimit header", R"({"kind":"rate_limit","listener":"cdn","seconds":0,"times":2})", "", "http_429");
    row("429 Retry-After seconds", R"({"kind":"retry_after","listener":"cdn","seconds":0,"times":2})", "", "http_429");
    row("429 Retry-After HTTP-date", R"({"kind":"retry_after_date","listener":"cdn","times":2})", "", "http_429");
    row("429 on the HEAD", R"({"kind":"rate_limit","listener":"hub","method":"HEAD","seconds":0,"times":2})", "", "rate_limited");
    row("500", R"({"kind":"status","listener":"cdn","status":500,"times":3})", "", "http_500");
    row("502", R"({"kind":"status","listener":"cdn","status":502,"times":3})", "", "http_502");
    row("503", R"({"kind":"status","listener":"cdn","status":503,"times":3})", "", "http_503");
    row("504", R"({"kind":"status","listener":"cdn","status":504,"times":3})", "", "http_504");
    row("408", R"({"kind":"status","listener":"cdn","status":408,"times":2})", "", "http_408");
    // QNAM itself resends a GET whose connection closed before any answer, so no cause is asserted.
    row("connection reset", R"({"kind":"reset","listener":"cdn","times":3})", "", "");
    // QNAM reports a body cut short by a closed connection either as an error or as a short end.
    row("truncated body", R"({"kind":"truncate","listener":"cdn","after_bytes":300000,"times":3})", "", "network|short_body");
    row("stall", R"({"kind":"stall","listener":"cdn","after_bytes":100000,"stall_ms":4000,"times":2})", "", "stall");
    row("Range ignored", R"({"kind":"ignore_range","listener":"cdn","skip":2,"times":1})", "", "range_ignored");
    row("short chunked body", R"({"kind":"short_chunked","listener":"cdn","after_bytes":200000,"times":2})", "", "short_body");
    row("corrupted bytes once", R"({"kind":"corrupt","listener":"cdn","at_offset":5000000,"times":1})", "", "checksum_mismatch");
    row("signed URL expiry", R"({"kind":"expire_urls","listener":"cdn","skip":3,"times":1})", "", "url_expired");
    row("branch moves between HEAD and GET",
        R"({"kind":"move_branch","listener":"hub","method":"HEAD","repo":"org/big","branch":"main","to_ref":"next"})", "", "");
    // Faults that never clear: the download must fail with the specific cause.
    row("corrupted bytes always", R"({"kind":"corrupt","listener":"cdn","at_offset":5000000,"times":-1})", "checksum_mismatch", "");
    row("missing X-Repo-Commit", R"({"kind":"strip_headers","listener":"hub","method":"HEAD","headers":["X-Repo-Commit"],"times":-1})",
        "invalid_response", "");
    row("missing size headers", R"({"kind":"strip_headers","listener":"hub","method":"HEAD","headers":["X-Linked-Size","Content-Length"],"times":-1})",
        "invalid_response", "");
    row("503 forever", R"({"kind":"status","listener":"cdn","status":503,"times":-1})", "server_error", "");
    row("429 forever", R"({"kind":"retry_after_date","listener":"cdn","times":-1})", "rate_limited", "");
    row("stall forever", R"({"kind":"stall","listener":"cdn","after_bytes":0,"stall_ms":4000,"times":-1})", "timeout", "");
    row("URL always expired", R"({"kind":"expire_urls","listener":"cdn","times":-1})", "forbidden", "");
    row("CDN down", "cdn_down", "network_error", "");
    row("Hub down (the HEAD is refused)", "hub_down", "network_error", "");
}

void TestDownloadFaults::fault()
{
    QFETCH(QString, faultJson);
    QFETCH(QString, expected);
    QFETCH(QString, cause);

    const QByteArray originalCommit = m_hub->commitOf(kRepo, u"main"_s);
    const QByteArray original = m_hub->fileContent(kRepo, QString::fromLatin1(originalCommit), kFile);
    QCOMPARE(original.size(), m_hub->fileInfo(kRepo, u"main"_s, kFile)->size);

    if (faultJson == u"cdn_down"_s) {
        m_hub->setCdnDown(true);
    } else if (faultJson == u"hub_down"_s) {
        m_hub->setHubDown(true);
    } else {
        QString error;
        const auto fault = Fault::fromJson(QJsonDocument::fromJson(faultJson.toUtf8()).object(), &error);
        QVERIFY2(fault, qPrintable(error));
        m_hub->addFault(*fault);
    }

    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target, {kFile});
    QCOMPARE(d.files.size(), 1);

    DownloadEngine engine;
    DownloadOptions o;
    o.connectionsPerFile = 4;
    o.chunkSize = 2 * 1024 * 1024;
    // Well below the injected 4 s stalls, well above any pause a loaded machine causes (a
    // spurious "stall" retry would change the cause the rows assert).
    o.stallTimeoutMs = 1500;
    o.backoffBaseMs = 20;
    o.backoffMaxMs = 200;
    o.maxRetries = 4;
    engine.setDefaultOptions(o);

    QElapsedTimer clock;
    clock.start();
    const auto r = testutil::runDownload(engine, d, 90000);
    const qint64 elapsed = clock.elapsed();
    QVERIFY(r.finished);
    m_hub->setCdnDown(false);
    m_hub->setHubDown(false);
    // A 429 that names its wait (RateLimit t=0 → 1 s, Retry-After: 0 → 1 s) is honoured, not
    // replaced by the 20 ms test backoff.
    if (faultJson.contains(u"\"rate_limit\""_s) || faultJson.contains(u"\"retry_after\""_s))
        QVERIFY2(elapsed >= 1000, qPrintable(QString::number(elapsed)));

    const QString finalPath = target + u'/' + kFile;
    if (expected.isEmpty()) {
        QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
        QFile f(finalPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == original); // the pinned commit's bytes, whatever the branch did
        QVERIFY(!QFile::exists(finalPath + u".incomplete"_s));
        QVERIFY(!QFile::exists(finalPath + u".journal.incomplete"_s));
        if (!cause.isEmpty()) {
            const FileProgress last = r.progress.last().files.first();
            QVERIFY(last.retries >= 1);
            QVERIFY2(cause.split(u'|').contains(last.lastRetryCause), qPrintable(last.lastRetryCause));
        }
        const QList<Fault> faults = m_hub->faults();
        for (const Fault &injected : faults)
            QVERIFY2(injected.fired >= 1, "the fault must actually have happened");
        QCOMPARE(r.progress.last().toJson().value(u"progress"_s).toDouble(), 100.0);
    } else {
        QVERIFY(!r.status.ok());
        QCOMPARE(r.status.error().codeName(), expected);
        QVERIFY2(!QFile::exists(finalPath), "a failed download must never leave a final file");
    }
    QCOMPARE(m_hub->cdnRequestsWithAuthorization(), qint64(0));
}

QTEST_GUILESS_MAIN(TestDownloadFaults)
#include "tst_downloadfaults.moc"
