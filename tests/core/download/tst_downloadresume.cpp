// Crash, disk-full, cancel and pause behaviour of the download engine against the fake Hub.
#include "downloadtestutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qint64 kBigBytes = 32LL * 1024 * 1024;
constexpr qint64 kChunk = 1024 * 1024;
constexpr int kConnections = 4;
constexpr qint64 kCdnBytesPerSecond = 2 * 1000 * 1000; // per connection, while a kill must land mid-file
const QString kRepo = u"org/big"_s;
const QString kFile = u"model.safetensors"_s;

QString helperPath()
{
    return QCoreApplication::applicationDirPath() + u"/download_helper"_s;
}

// The helper's progress lines (journaled bytes), in order.
QList<qint64> bytesDoneLines(const QByteArray &out)
{
    QList<qint64> bytes;
    for (const QByteArray &l : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(l).object();
        if (o.contains(u"bytes_done"_s))
            bytes << o.value(u"bytes_done"_s).toInteger();
    }
    return bytes;
}

QJsonObject lastJsonLine(const QByteArray &out)
{
    const QList<QByteArray> lines = out.trimmed().split('\n');
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last()).object();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestDownloadResume final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void killNineThenRerunIsByteIdentical();
    void diskFullKeepsPartials_data();
    void diskFullKeepsPartials();
    void insufficientSpaceNamesBytes();
    void cancelLeavesNothing();
    void cancelThenDestroyLeavesNothing();
    void destroyMidDownloadKeepsPartials();
    void pauseKeepsPartialsAndResumes();
    void progressAtMostTenHz();

private:
    QString writeRequest(const QTemporaryDir &dir, const PinnedDownload &d, const QJsonObject &options);
    std::unique_ptr<FakeHub> m_hub;
};

void TestDownloadResume::initTestCase()
{
    QVERIFY2(QFile::exists(helperPath()), qPrintable(helperPath()));
    FakeHub::Options o;
    o.fixtures.bigFileBytes = kBigBytes;
    m_hub = std::make_unique<FakeHub>(o);
    QString error;
    QVERIFY2(m_hub->start(&error), qPrintable(error));
}

void TestDownloadResume::init()
{
    m_hub->clearFaults();
    m_hub->setCdnBandwidthPerConnection(0);
    m_hub->clearLog();
}

QString TestDownloadResume::writeRequest(const QTemporaryDir &dir, const PinnedDownload &d, const QJsonObject &options)
{
    const QString path = dir.filePath(u"request-%1.json"_s.arg(QRandomGenerator::global()->generate()));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QJsonDocument(testutil::toJson(d, options)).toJson());
    return path;
}

void TestDownloadResume::killNineThenRerunIsByteIdentical()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target, {kFile});
    const qint64 size = d.files.first().size;
    // The default piece size (16 MiB): what a kill costs no longer depends on it.
    const QJsonObject options{{u"connections"_s, kConnections}, {u"files"_s, 1}};
    const QString request = writeRequest(dir, d, options);

    // Slow CDN so that the kill lands mid-file, at a random point between 15 % and 60 % (and up to a second after).
    m_hub->setCdnBandwidthPerConnection(kCdnBytesPerSecond);
    const double killAt = 0.15 + 0.45 * QRandomGenerator::global()->generateDouble();
    // Progress moves when a checkpoint lands: the kill comes a random time after the point
    // showed (up to two checkpoint intervals), not right after a checkpoint.
    const int delayMs = int(QRandomGenerator::global()->bounded(1000));
    QElapsedTimer sincePoint;
    QProcess p;
    p.start(helperPath(), {request});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    bool killed = false;
    QVERIFY(QTest::qWaitFor([&] {
        out += p.readAllStandardOutput();
        const QList<QByteArray> lines = out.split('\n');
        for (const QByteArray &l : lines) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            if (!sincePoint.isValid() && o.value(u"progress"_s).toDouble() >= killAt * 100)
                sincePoint.start();
        }
        if (sincePoint.isValid() && sincePoint.elapsed() >= delayMs) {
            p.kill(); // SIGKILL: no destructor, no flush, no cleanup
            killed = true;
            return true;
        }
        return p.state() == QProcess::NotRunning;
    }, 120000));
    QVERIFY2(killed, out.constData());
    QVERIFY(p.waitForFinished());
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    out += p.readAllStandardOutput();
    QVERIFY(QFile::exists(target + u'/' + kFile + u".journal.incomplete"_s));
    QVERIFY(!QFile::exists(target + u'/' + kFile));
    const qint64 servedFirst = m_hub->bytesServed(Listener::Cdn);

    // The rerun is capped too, so that its first progress comes while it resumes rather than
    // at its end (which would make the check across the kill below say nothing).
    m_hub->setCdnBandwidthPerConnection(4 * kCdnBytesPerSecond);
    QProcess again;
    again.start(helperPath(), {request});
    QVERIFY(again.waitForFinished(120000));
    m_hub->setCdnBandwidthPerConnection(0);
    const QByteArray out2 = again.readAllStandardOutput();
    QCOMPARE(again.exitCode(), 0);
    QCOMPARE(lastJsonLine(out2).value(u"result"_s).toString(), u"ok"_s);

    QVERIFY(readFile(target + u'/' + kFile) == m_hub->fileContent(kRepo, d.commit, kFile));
    const qint64 served = m_hub->bytesServed(Listener::Cdn);
    const qint64 reServed = served - size;
    // What a kill may cost: about a second of transfer at the capped rate (the checkpoint
    // interval and its flush) plus 1 MiB per connection (network buffers). Before sub-range
    // journaling it was every piece in flight: (connections + 1) x 16 MiB = 80 MiB here.
    const qint64 bound = kConnections * kCdnBytesPerSecond + kConnections * (1 << 20);
    qInfo("kill -9 %d ms after %.0f %% showed: first run served %lld bytes, total %lld for a %lld-byte file: %lld bytes served twice "
          "(bound: 1 s at %lld B/s + %d x 1 MiB = %lld)",
          delayMs, killAt * 100, qint64(servedFirst), qint64(served), qint64(size), qint64(reServed),
          qint64(kConnections * kCdnBytesPerSecond), kConnections, bound);
    QVERIFY(reServed >= 0);
    QVERIFY2(reServed <= bound, qPrintable(QString::number(reServed)));

    // Progress never moves backwards, within a run nor across the kill: the first figure after
    // the restart is what the journal holds, at least the last one shown before the kill.
    const QList<qint64> before = bytesDoneLines(out);
    const QList<qint64> after = bytesDoneLines(out2);
    QVERIFY(!before.isEmpty());
    QVERIFY(!after.isEmpty());
    for (const QList<qint64> &run : {before, after})
        for (qsizetype i = 1; i < run.size(); ++i)
            QVERIFY2(run[i] >= run[i - 1], qPrintable(u"%1 after %2"_s.arg(run[i]).arg(run[i - 1])));
    qInfo("progress: last before the kill %lld, first after the restart %lld", before.last(), after.first());
    QVERIFY2(after.first() >= before.last(), qPrintable(u"%1 < %2"_s.arg(after.first()).arg(before.last())));
    QVERIFY2(after.first() < size, "the rerun showed no progress before its end");
}

void TestDownloadResume::diskFullKeepsPartials_data()
{
    QTest::addColumn<bool>("preallocate");
    QTest::newRow("reserved up front (posix_fallocate)") << true;
    QTest::newRow("no reservation: fills while writing") << false;
}

void TestDownloadResume::diskFullKeepsPartials()
{
    QFETCH(bool, preallocate);
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target, {u"config.json"_s, kFile});
    QCOMPARE(d.files.size(), 2);
    const QJsonObject options{{u"connections"_s, kConnections}, {u"chunk"_s, kChunk}, {u"files"_s, 1},
                              {u"preallocate"_s, preallocate}};
    const QString request = writeRequest(dir, d, options);

    // The "disk" holds 12 MiB per file: config.json fits, the 32 MiB weights do not.
    QProcess p;
    p.start(helperPath(), {request, u"--fsize-limit"_s, QString::number(12 * 1024 * 1024)});
    QVERIFY(p.waitForFinished(120000));
    const QJsonObject result = lastJsonLine(p.readAllStandardOutput());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit); // no SIGXFSZ death
    QCOMPARE(p.exitCode(), 3);
    QCOMPARE(result.value(u"code"_s).toString(), u"disk_full"_s);
    QVERIFY(QFile::exists(target + u"/config.json"_s));                   // finished files stay
    QVERIFY(QFile::exists(target + u'/' + kFile + u".journal.incomplete"_s)); // partials stay for resume
    QVERIFY(!QFile::exists(target + u'/' + kFile));
    qInfo("journal %lld bytes, partial %lld bytes, result %s", QFileInfo(target + u'/' + kFile + u".journal.incomplete"_s).size(),
          QFileInfo(target + u'/' + kFile + u".incomplete"_s).size(), QJsonDocument(result).toJson(QJsonDocument::Compact).constData());

    // Space is back: the rerun completes and fetches config.json no second time.
    m_hub->clearLog();
    QProcess again;
    again.start(helperPath(), {request});
    QVERIFY(again.waitForFinished(120000));
    QCOMPARE(again.exitCode(), 0);
    QVERIFY(readFile(target + u'/' + kFile) == m_hub->fileContent(kRepo, d.commit, kFile));
    QCOMPARE(m_hub->requestCount(Listener::Any, u"config.json"_s, "GET"), qint64(0));
    if (!preallocate) // the chunks written before the disk filled are not fetched again
        QVERIFY2(m_hub->bytesServed(Listener::Cdn) <= d.files.last().size - 8 * kChunk,
                 qPrintable(QString::number(m_hub->bytesServed(Listener::Cdn))));
}

void TestDownloadResume::insufficientSpaceNamesBytes()
{
    QTemporaryDir dir;
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, dir.filePath(u"m"_s), {kFile});
    DownloadEngine engine;
    DownloadOptions o;
    o.freeSpaceMargin = qint64(1) << 60; // more than any disk has
    engine.setDefaultOptions(o);
    const auto r = testutil::runDownload(engine, d);
    QVERIFY(r.finished);
    QCOMPARE(r.status.error().code, ErrorCode::InsufficientDiskSpace);
    QVERIFY(r.status.error().details.value(u"needed_bytes"_s).toInteger() > d.files.first().size);
    QVERIFY(r.status.error().details.contains(u"available_bytes"_s));
    QCOMPARE(m_hub->requestCount(), qint64(0)); // checked before any request
}

void TestDownloadResume::cancelLeavesNothing()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target);
    m_hub->setCdnBandwidthPerConnection(2 * 1000 * 1000);
    DownloadEngine engine;
    DownloadOptions o;
    o.chunkSize = kChunk;
    engine.setDefaultOptions(o);
    bool cancelled = false;
    const auto r = testutil::runDownload(engine, d, 60000, [&](const QString &id, const DownloadProgress &p) {
        if (!cancelled && p.bytesDone > 4 * kChunk) {
            cancelled = true;
            engine.cancel(id);
        }
    });
    QVERIFY(r.finished);
    QCOMPARE(r.status.error().code, ErrorCode::Cancelled);
    QVERIFY2(!QFileInfo::exists(target), qPrintable(QDir(target).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u',')));
}

void TestDownloadResume::cancelThenDestroyLeavesNothing()
{
    // The service cancels and drops its engine at once: the cancel must still complete.
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target);
    m_hub->setCdnBandwidthPerConnection(2 * 1000 * 1000);
    {
        DownloadEngine engine;
        DownloadOptions o;
        o.chunkSize = kChunk;
        engine.setDefaultOptions(o);
        const QString id = engine.start(d);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(target + u'/' + kFile + u".journal.incomplete"_s), 30000);
        QTest::qWait(300);
        engine.cancel(id);
    }
    QVERIFY2(!QFileInfo::exists(target), qPrintable(QDir(target).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u',')));
}

void TestDownloadResume::destroyMidDownloadKeepsPartials()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target, {kFile});
    m_hub->setCdnBandwidthPerConnection(2 * 1000 * 1000);
    {
        DownloadEngine engine;
        DownloadOptions o;
        o.chunkSize = kChunk;
        engine.setDefaultOptions(o);
        engine.start(d);
        QTest::qWait(1500);
    } // the app quits mid-download
    QVERIFY(QFile::exists(target + u'/' + kFile + u".incomplete"_s));
    m_hub->setCdnBandwidthPerConnection(0);
    m_hub->clearLog();
    DownloadEngine engine;
    const auto r = testutil::runDownload(engine, d);
    QVERIFY(r.status.ok());
    QVERIFY(readFile(target + u'/' + kFile) == m_hub->fileContent(kRepo, d.commit, kFile));
    QVERIFY(m_hub->bytesServed(Listener::Cdn) < d.files.first().size); // resumed, not restarted
}

void TestDownloadResume::pauseKeepsPartialsAndResumes()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"models/org--big"_s);
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, target, {kFile});
    m_hub->setCdnBandwidthPerConnection(2 * 1000 * 1000);
    DownloadEngine engine;
    DownloadOptions o;
    o.chunkSize = kChunk;
    o.connectionsPerFile = kConnections;
    engine.setDefaultOptions(o);
    QString pausedId;
    QObject ctx;
    connect(&engine, &DownloadEngine::stateChanged, &ctx, [&](const QString &id, DownloadEngine::State s) {
        if (s == DownloadEngine::State::Paused)
            pausedId = id;
    });
    bool pauseSent = false;
    qint64 servedAtPause = 0;
    const auto r = testutil::runDownload(engine, d, 120000, [&](const QString &id, const DownloadProgress &p) {
        if (!pauseSent && p.bytesDone > 6 * kChunk) {
            pauseSent = true;
            engine.pause(id);
            QTimer::singleShot(1500, &engine, [&, id] {
                QCOMPARE(engine.state(id), DownloadEngine::State::Paused);
                servedAtPause = m_hub->bytesServed(Listener::Cdn);
                QVERIFY(QFile::exists(target + u'/' + kFile + u".incomplete"_s));
                m_hub->setCdnBandwidthPerConnection(0);
                engine.resume(id);
            });
        }
    });
    QVERIFY(r.finished);
    QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
    QVERIFY(!pausedId.isEmpty());
    QVERIFY(servedAtPause > 0);
    QVERIFY(readFile(target + u'/' + kFile) == m_hub->fileContent(kRepo, d.commit, kFile));
    // A pause keeps what was written: at most the interrupted ranges come twice.
    QVERIFY(m_hub->bytesServed(Listener::Cdn) <= d.files.first().size + kConnections * kChunk);
}

void TestDownloadResume::progressAtMostTenHz()
{
    QTemporaryDir dir;
    const PinnedDownload d = testutil::pinnedDownload(*m_hub, kRepo, dir.filePath(u"m"_s), {kFile});
    m_hub->setCdnBandwidthPerConnection(4 * 1000 * 1000);
    DownloadEngine engine;
    DownloadOptions o;
    o.progressIntervalMs = 20; // asking for more than 10 Hz still gets at most 10 Hz
    engine.setDefaultOptions(o);
    const auto r = testutil::runDownload(engine, d, 120000);
    QVERIFY(r.status.ok());
    QVERIFY(r.progress.size() >= 3);
    // The promise is about emission, so the engine's own monotonic emission times are checked
    // (the final event included), not when this busy test thread got round to receiving them.
    QVERIFY(r.progress.first().emittedAtMs >= 0);
    for (int i = 1; i < r.progress.size(); ++i) {
        const qint64 gap = r.progress[i].emittedAtMs - r.progress[i - 1].emittedAtMs;
        QVERIFY2(gap >= 100, qPrintable(u"event %1: %2 ms after the previous one"_s.arg(i).arg(gap)));
    }
    for (int i = 1; i < r.progress.size(); ++i)
        QVERIFY(r.progress[i].bytesDone >= r.progress[i - 1].bytesDone);
    const QJsonObject last = r.progress.last().toJson();
    QCOMPARE(last.value(u"progress"_s).toDouble(), 100.0);
    QCOMPARE(last.value(u"files_done"_s).toInt(), 1);
    QCOMPARE(last.value(u"files_total"_s).toInt(), 1);
    const DownloadProgress mid = r.progress.at(r.progress.size() / 2);
    QVERIFY(mid.bytesPerSecond > 0);
    QVERIFY(mid.etaSeconds >= 0);
}

QTEST_GUILESS_MAIN(TestDownloadResume)
#include "tst_downloadresume.moc"
