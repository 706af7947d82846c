#include "download/downloadtypes.h"

#include <QJsonArray>
#include <QTest>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

class TestDownloadProgress final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void designPayload();
    void detailedHasFileStates();
    void emptyModelIsComplete();
};

void TestDownloadProgress::designPayload()
{
    DownloadProgress p;
    p.bytesDone = 1'500'000'000;
    p.bytesTotal = 2'000'000'000;
    p.bytesPerSecond = 123'456'789;
    p.etaSeconds = 4;
    p.filesDone = 2;
    p.filesTotal = 5;
    const QJsonObject o = p.toJson();
    QCOMPARE(o.value(u"progress"_s).toDouble(), 75.0);
    QCOMPARE(o.value(u"downloaded_gb"_s).toDouble(), 1.5);
    QCOMPARE(o.value(u"total_gb"_s).toDouble(), 2.0);
    QCOMPARE(o.value(u"speed_mbps"_s).toDouble(), 123.46);
    QCOMPARE(o.value(u"eta_seconds"_s).toInteger(), 4);
    QCOMPARE(o.value(u"files_done"_s).toInt(), 2);
    QCOMPARE(o.value(u"files_total"_s).toInt(), 5);
    QCOMPARE(o.size(), 7); // exactly the base payload plus the three extras
}

void TestDownloadProgress::detailedHasFileStates()
{
    DownloadProgress p;
    p.files = {FileProgress{u"a"_s, 1, 2, FileState::Retrying, u"http_503"_s},
               FileProgress{u"b"_s, 2, 2, FileState::Done, QString()}};
    const QJsonArray files = p.toDetailedJson().value(u"files"_s).toArray();
    QCOMPARE(files.size(), 2);
    QCOMPARE(files[0].toObject().value(u"state"_s).toString(), u"retrying"_s);
    QCOMPARE(files[0].toObject().value(u"retry_cause"_s).toString(), u"http_503"_s);
    QCOMPARE(files[1].toObject().value(u"state"_s).toString(), u"done"_s);
    QVERIFY(!files[1].toObject().contains(u"retry_cause"_s));
}

void TestDownloadProgress::emptyModelIsComplete()
{
    DownloadProgress p;
    p.filesDone = 1;
    p.filesTotal = 1;
    QCOMPARE(p.toJson().value(u"progress"_s).toDouble(), 100.0);
}

QTEST_GUILESS_MAIN(TestDownloadProgress)
#include "tst_downloadprogress.moc"
