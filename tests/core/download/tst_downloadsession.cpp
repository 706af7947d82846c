// The process's download session against the fake Hub: downloads started from plain threads
// that wait on their handles (no event loop), several at once, the global cap shared and live,
// and the three ways to stop.
#include "downloadtestutil.h"

#include "download/downloadsession.h"
#include "download/filesink.h"
#include "download/headresolver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QTemporaryDir>
#include <QTimer>

#include <thread>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString kRepo = u"org/big"_s;
const QString kFile = u"model.safetensors"_s;

// A source with a fixed file list, resolving URLs with a HeadResolver of its own (made in the
// session thread, like the Hub source's client). With `holdResolve`, the file list never comes
// until the session aborts the source.
class FixedSource final : public DownloadSource
{
public:
    FixedSource(PinnedDownload d, bool holdResolve) : m_download(std::move(d)), m_hold(holdResolve) {}

    void resolve(Resolved done) override
    {
        if (m_hold) {
            m_pending = std::move(done);
            return;
        }
        QTimer::singleShot(0, &m_resolver, [done = std::move(done), d = m_download] { done(d); });
    }
    UrlResolver *urlResolver() override { return &m_resolver; }
    void abort() override
    {
        if (m_pending)
            QTimer::singleShot(0, &m_resolver, [done = std::exchange(m_pending, nullptr)] {
                done(Error::make(ErrorCode::Cancelled, u"aborted"_s));
            });
    }

private:
    PinnedDownload m_download;
    bool m_hold;
    Resolved m_pending;
    HeadResolver m_resolver;
};

struct Waited
{
    Status status;
    QList<DownloadProgress> progress;
};

// Waits for `dl` on the calling thread the way a job's thread does; `onProgress` may stop it.
Waited waitFor(SessionDownload &dl, const std::function<void(const DownloadProgress &)> &onProgress = {})
{
    Waited w;
    for (;;) {
        const SessionDownload::Update u = dl.waitForUpdate(50ms);
        if (u.progress) {
            w.progress << *u.progress;
            if (onProgress)
                onProgress(*u.progress);
        }
        if (u.ended)
            break;
    }
    w.status = dl.status();
    return w;
}

} // namespace

class TestDownloadSession final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void downloadsSideBySideFromPlainThreads();
    void globalCapIsSharedByEveryDownload();
    void globalCapIsLive();
    void pauseKeepsAndJournalsPartials();
    void cancelLeavesNothing();
    void abandonKeepsPartials();
    void stopWhileResolvingEndsAtOnce();
    void endingTheSessionEndsItsDownloads();

private:
    PinnedDownload big(const QTemporaryDir &dir, const QString &name) const
    {
        return testutil::pinnedDownload(*m_hub, kRepo, dir.filePath(name), {kFile});
    }
    DownloadSourceFactory source(const PinnedDownload &d, bool hold = false) const
    {
        return [d, hold] { return std::make_unique<FixedSource>(d, hold); };
    }
    // Starts `d` on a slow CDN and stops it `how` once its first bytes are journaled.
    Waited stopOnceUnderWay(DownloadSession &session, const PinnedDownload &d, SessionDownload::Stop how)
    {
        m_hub->setCdnBandwidthPerConnection(500'000);
        const std::shared_ptr<SessionDownload> dl = session.start(source(d), {});
        return waitFor(*dl, [&](const DownloadProgress &p) {
            if (p.bytesDone > 0)
                dl->stop(how);
        });
    }
    std::unique_ptr<FakeHub> m_hub;
};

void TestDownloadSession::initTestCase()
{
    FakeHub::Options o;
    o.fixtures.bigFileBytes = 8LL * 1024 * 1024;
    m_hub = std::make_unique<FakeHub>(o);
    QString error;
    QVERIFY2(m_hub->start(&error), qPrintable(error));
}

void TestDownloadSession::init()
{
    m_hub->clearFaults();
    m_hub->clearLog();
    m_hub->setCdnBandwidthPerConnection(0);
}

void TestDownloadSession::downloadsSideBySideFromPlainThreads()
{
    QTemporaryDir dir;
    DownloadSession session;
    const PinnedDownload a = big(dir, u"a"_s), b = big(dir, u"b"_s);
    Waited wa, wb;
    std::thread ta([&] { wa = waitFor(*session.start(source(a), {})); });
    std::thread tb([&] { wb = waitFor(*session.start(source(b), {})); });
    ta.join();
    tb.join();
    for (const Waited *w : {&wa, &wb}) {
        QVERIFY2(w->status.ok(), qPrintable(w->status.error().toString()));
        QVERIFY(!w->progress.isEmpty());
        for (qsizetype i = 1; i < w->progress.size(); ++i)
            QVERIFY(w->progress[i].bytesDone >= w->progress[i - 1].bytesDone);
        QCOMPARE(w->progress.last().bytesDone, a.totalBytes()); // the final figure comes with the end
    }
    for (const PinnedDownload &d : {a, b}) {
        QFile f(d.targetDir + u'/' + kFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == m_hub->fileContent(kRepo, d.commit, kFile));
    }
}

void TestDownloadSession::globalCapIsSharedByEveryDownload()
{
    // Two 8 MiB downloads under one global 4 MB/s cap cannot end sooner than their sum over the
    // rate (less one 100 ms burst), however fast this machine is; a per-download cap would let
    // them end in half that.
    QTemporaryDir dir;
    DownloadSession session(4'000'000);
    QCOMPARE(session.bandwidthLimit(), qint64(4'000'000));
    const PinnedDownload a = big(dir, u"a"_s), b = big(dir, u"b"_s);
    QElapsedTimer t;
    t.start();
    Waited wa, wb;
    std::thread ta([&] { wa = waitFor(*session.start(source(a), {})); });
    std::thread tb([&] { wb = waitFor(*session.start(source(b), {})); });
    ta.join();
    tb.join();
    const qint64 took = t.elapsed();
    QVERIFY(wa.status.ok());
    QVERIFY(wb.status.ok());
    const qint64 total = a.totalBytes() + b.totalBytes();
    qInfo("%lld bytes in two downloads under a global 4 MB/s: %lld ms", total, took);
    QVERIFY2(took >= (total - 400'000) / 4'000, qPrintable(QString::number(took)));
}

void TestDownloadSession::globalCapIsLive()
{
    // Started under 20 kB/s (7 minutes for 8 MiB), lifted at the first progress: it ends within
    // the wait below only because the running download saw the change.
    QTemporaryDir dir;
    DownloadSession session(20'000);
    const PinnedDownload a = big(dir, u"a"_s);
    const std::shared_ptr<SessionDownload> dl = session.start(source(a), {});
    bool lifted = false;
    QElapsedTimer t;
    t.start();
    const Waited w = waitFor(*dl, [&](const DownloadProgress &) {
        if (!lifted) {
            lifted = true;
            session.setBandwidthLimit(0);
        }
        if (t.elapsed() > 120'000) // the lifted cap never reached the running download
            dl->stop(SessionDownload::Stop::Cancel);
    });
    QVERIFY(lifted);
    QVERIFY2(w.status.ok(), qPrintable(w.status.error().toString()));
    QCOMPARE(session.bandwidthLimit(), qint64(0));
}

void TestDownloadSession::pauseKeepsAndJournalsPartials()
{
    QTemporaryDir dir;
    DownloadSession session;
    const PinnedDownload a = big(dir, u"a"_s);
    const Waited w = stopOnceUnderWay(session, a, SessionDownload::Stop::Pause);
    QCOMPARE(w.status.error().code, ErrorCode::Cancelled);
    const GuardedPath final = GuardedPath::beside(a.targetDir + u'/' + kFile);
    QVERIFY(QFile::exists(FileSink::partialPath(final).display()));
    QVERIFY(!QFile::exists(final.display()));
    // What the stopped transfers wrote was journaled on the way out: at least what was shown.
    const qint64 journaled =
        DownloadJournal::peekDoneBytes(FileSink::journalPath(final), FileSink::identityFor(a.files.first(), false));
    QVERIFY2(journaled >= w.progress.last().bytesDone, qPrintable(QString::number(journaled)));
    // Only what the network buffers held when the transfers stopped is fetched again (1 MiB
    // per connection at most).
    const qint64 lost = m_hub->bytesServed(Listener::Cdn) - journaled;
    QVERIFY2(lost <= 8 * (1 << 20), qPrintable(QString::number(lost)));

    m_hub->setCdnBandwidthPerConnection(0);
    const Waited again = waitFor(*session.start(source(a), {}));
    QVERIFY(again.status.ok());
    QVERIFY(again.progress.first().bytesDone >= journaled); // resumed, never below
    QFile f(final.display());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll() == m_hub->fileContent(kRepo, a.commit, kFile));
}

void TestDownloadSession::cancelLeavesNothing()
{
    QTemporaryDir dir;
    DownloadSession session;
    const PinnedDownload a = big(dir, u"a"_s);
    const Waited w = stopOnceUnderWay(session, a, SessionDownload::Stop::Cancel);
    QCOMPARE(w.status.error().code, ErrorCode::Cancelled);
    QVERIFY2(!QFileInfo::exists(a.targetDir),
             qPrintable(QDir(a.targetDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u',')));
}

void TestDownloadSession::abandonKeepsPartials()
{
    // Another process owns the download now: stop, and neither delete nor finish anything.
    QTemporaryDir dir;
    m_hub->setCdnBandwidthPerConnection(500'000);
    DownloadSession session;
    const PinnedDownload a = big(dir, u"a"_s);
    const std::shared_ptr<SessionDownload> dl = session.start(source(a), {});
    // A pause asked after the abandon changes nothing: the stronger request stays.
    const Waited w = waitFor(*dl, [&](const DownloadProgress &p) {
        if (p.bytesDone > 0) {
            dl->stop(SessionDownload::Stop::Abandon);
            dl->stop(SessionDownload::Stop::Pause);
        }
    });
    QCOMPARE(w.status.error().code, ErrorCode::Cancelled);
    const GuardedPath final = GuardedPath::beside(a.targetDir + u'/' + kFile);
    QVERIFY(QFile::exists(FileSink::partialPath(final).display()));
    QVERIFY(QFile::exists(FileSink::journalPath(final).display()));
    QVERIFY(!QFile::exists(final.display()));
}

void TestDownloadSession::stopWhileResolvingEndsAtOnce()
{
    QTemporaryDir dir;
    DownloadSession session;
    const std::shared_ptr<SessionDownload> dl = session.start(source(big(dir, u"a"_s), true), {});
    dl->stop(SessionDownload::Stop::Pause); // may reach the session before or after it took it up
    const Waited w = waitFor(*dl);
    QCOMPARE(w.status.error().code, ErrorCode::Cancelled);
    QCOMPARE(m_hub->requestCount(Listener::Cdn), qint64(0));
    QVERIFY(dl->resolved().files.isEmpty());
}

void TestDownloadSession::endingTheSessionEndsItsDownloads()
{
    QTemporaryDir dir;
    m_hub->setCdnBandwidthPerConnection(500'000);
    std::shared_ptr<SessionDownload> dl;
    const PinnedDownload a = big(dir, u"a"_s);
    {
        DownloadSession session;
        dl = session.start(source(a), {});
        QVERIFY(QTest::qWaitFor([&] { return dl->waitForUpdate(50ms).progress.has_value(); }, 30000));
    } // the process quits mid-download
    QVERIFY(dl->isEnded());
    QCOMPARE(dl->status().error().code, ErrorCode::Cancelled);
    const GuardedPath final = GuardedPath::beside(a.targetDir + u'/' + kFile);
    QVERIFY(QFile::exists(FileSink::partialPath(final).display())); // kept for a resume
}

QTEST_GUILESS_MAIN(TestDownloadSession)
#include "tst_downloadsession.moc"
