// `mistudio models download` as a user runs it, killed with SIGKILL mid-download and run again
// (docs/download.md, "Journal and resume"): the real binary in a child process against the fake Hub, a
// ~500 MB file over 8 connections on a CDN capped at 5 MB/s per connection (40 MB/s in all).
// Checks what the fake Hub served twice against the bound (about one second at the capped rate
// plus 1 MiB per connection), and that the progress the NDJSON stream showed never went
// backwards, within a run nor across the kill.
#include "fakehub/fakehub.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::fakehub;

namespace {

constexpr qint64 kFileBytes = 500LL * 1000 * 1000;
constexpr int kConnections = 8;
constexpr qint64 kCdnPerConnection = 5 * 1000 * 1000;
constexpr qint64 kCappedRate = kConnections * kCdnPerConnection;
const QString kRepo = u"org/big"_s;
const QString kFile = u"model.safetensors"_s;

// downloaded_bytes of the download_progress events in `ndjson`, in order.
QList<qint64> progressBytes(const QByteArray &ndjson)
{
    QList<qint64> out;
    for (const QByteArray &line : ndjson.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(u"event"_s).toString() == u"download_progress"_s)
            out << o.value(u"data"_s).toObject().value(u"downloaded_bytes"_s).toInteger();
    }
    return out;
}

} // namespace

class TestCliDownload final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_tmp;

    void prepare(QProcess &p, const QStringList &args)
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &v : {u"HF_TOKEN"_s, u"HF_TOKEN_PATH"_s, u"HF_HUB_OFFLINE"_s, u"MISTUDIO_DATABASE_URL"_s})
            e.remove(v);
        e.insert(u"HOME"_s, m_tmp->path());
        e.insert(u"XDG_CONFIG_HOME"_s, m_tmp->filePath(u"config"_s));
        e.insert(u"HF_HOME"_s, m_tmp->filePath(u"hf"_s));
        e.insert(u"MISTUDIO_DATA_DIR"_s, m_tmp->filePath(u"data"_s));
        e.insert(u"HF_ENDPOINT"_s, m_hub->endpoint().toString());
        p.setProcessEnvironment(e);
        p.setStandardInputFile(QProcess::nullDevice());
        p.setProgram(QStringLiteral(MISTUDIO_BINARY));
        p.setArguments(args);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(QStringLiteral(MISTUDIO_BINARY)), MISTUDIO_BINARY);
        FakeHub::Options o;
        o.fixtures.bigFileBytes = kFileBytes;
        m_hub = std::make_unique<FakeHub>(o);
        QString error;
        QVERIFY2(m_hub->start(&error), qPrintable(error));
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_hub->clearFaults();
        m_hub->clearLog();
    }

    void killNineAtFortyPercentThenRerun()
    {
        // The record first (its preview reads a few Hub bytes), so that what the CDN serves from
        // here on is the download's alone.
        QProcess add;
        prepare(add, {u"models"_s, u"add"_s, kRepo});
        add.start();
        QVERIFY(add.waitForFinished(120'000));
        QCOMPARE(add.exitCode(), 0);
        m_hub->clearLog();

        const QStringList download{u"models"_s, u"download"_s, kRepo, u"--connections"_s,
                                   QString::number(kConnections), u"--json-progress"_s};
        m_hub->setCdnBandwidthPerConnection(kCdnPerConnection);
        QProcess first;
        prepare(first, download);
        first.start();
        QVERIFY(first.waitForStarted());
        QByteArray out1;
        qint64 shownAtKill = -1;
        // Progress moves when a checkpoint lands: the kill comes a random time after 40 % showed
        // (up to two checkpoint intervals), not right after a checkpoint.
        const int delayMs = int(QRandomGenerator::global()->bounded(1000));
        QElapsedTimer sinceThreshold;
        QVERIFY(QTest::qWaitFor([&] {
            out1 += first.readAllStandardOutput();
            const QList<qint64> shown = progressBytes(out1);
            if (!sinceThreshold.isValid() && !shown.isEmpty() && shown.last() >= kFileBytes * 4 / 10)
                sinceThreshold.start();
            if (sinceThreshold.isValid() && sinceThreshold.elapsed() >= delayMs) {
                first.kill(); // SIGKILL: no destructor, no flush, no cleanup
                shownAtKill = shown.last();
                return true;
            }
            return first.state() == QProcess::NotRunning;
        }, 240'000));
        QVERIFY2(shownAtKill > 0, out1.right(2000).constData());
        QVERIFY(first.waitForFinished());
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        out1 += first.readAllStandardOutput();
        const qint64 servedFirst = m_hub->bytesServed(Listener::Cdn);

        // The rerun takes the dead process's job up and resumes it (still capped, so that its
        // first progress comes well before its end).
        m_hub->setCdnBandwidthPerConnection(4 * kCdnPerConnection);
        QProcess second;
        prepare(second, download);
        second.start();
        QVERIFY(second.waitForFinished(240'000));
        const QByteArray out2 = second.readAllStandardOutput();
        QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());
        m_hub->setCdnBandwidthPerConnection(0);

        const QString dir = m_tmp->filePath(u"data/models/org--big"_s);
        QCOMPARE(QFileInfo(dir + u'/' + kFile).size(), m_hub->fileInfo(kRepo, u"main"_s, kFile)->size);
        QCOMPARE(QDir(dir).entryList({u"*.incomplete"_s}, QDir::Files | QDir::Hidden), QStringList());
        const qint64 size = m_hub->fileInfo(kRepo, u"main"_s, kFile)->size;
        const qint64 served = m_hub->bytesServed(Listener::Cdn);
        const qint64 again = served - size;
        const qint64 bound = kCappedRate + kConnections * (qint64(1) << 20);
        const QList<qint64> before = progressBytes(out1), after = progressBytes(out2);
        QVERIFY(!after.isEmpty());
        qInfo("kill -9 %d ms after 40 %% showed, at %.1f %% shown (%lld of %lld bytes; the CDN had served %lld): "
              "%lld bytes fetched again "
              "(bound: 1 s at %lld B/s + %d x 1 MiB = %lld); progress: last before the kill %lld, first after "
              "the restart %lld",
              delayMs, 100.0 * double(shownAtKill) / double(size), shownAtKill, size, servedFirst, again, kCappedRate,
              kConnections, bound, before.last(), after.first());
        QVERIFY(again >= 0);
        QVERIFY2(again <= bound, qPrintable(QString::number(again)));
        for (const QList<qint64> &run : {before, after})
            for (qsizetype i = 1; i < run.size(); ++i)
                QVERIFY2(run[i] >= run[i - 1], qPrintable(u"%1 after %2"_s.arg(run[i]).arg(run[i - 1])));
        QVERIFY2(after.first() >= before.last(), qPrintable(u"%1 < %2"_s.arg(after.first()).arg(before.last())));
        QVERIFY(after.first() < size); // shown while it resumed, not only at its end
    }
};

QTEST_GUILESS_MAIN(TestCliDownload)
#include "tst_cli_download.moc"
