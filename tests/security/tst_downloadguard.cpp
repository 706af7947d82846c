// The download engine against hostile names and links (docs/security.md, rows 1 and 13): a name that would
// leave the model's folder, or a link already on disk, fails with unsafe_path before any byte is
// written or removed, and a cancel removes nothing outside the folder.
#include "core/download/downloadtestutil.h"
#include "sentinel.h"

#include "download/downloadjob.h"
#include "download/filedownload.h"
#include "download/transferpool.h"

#include <QThreadPool>

using namespace mistudio;
using namespace mistudio::fakehub;
using namespace Qt::Literals::StringLiterals;

class TestDownloadGuard final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<sectest::SentinelTree> m_tree;

    QString target() const { return m_tree->dataDir() + u"/models/evil--traversal"_s; }

    PinnedDownload withExtraFile(const QString &path)
    {
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-public"_s, target(), {u"config.json"_s});
        d.token = QString::fromLatin1(kUserToken);
        d.files.append(RemoteFile{path, 15, QString(), u"0123456789abcdef0123456789abcdef01234567"_s});
        return d;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_hub = std::make_unique<FakeHub>();
        QString error;
        QVERIFY2(m_hub->start(&error), qPrintable(error));
    }

    void init()
    {
        m_hub->clearFaults();
        m_hub->clearLog();
        m_hub->setStrictCdnAuth(true);
        m_tree = std::make_unique<sectest::SentinelTree>();
    }

    void cleanup()
    {
        m_tree->verifyUntouched();
        QCOMPARE(m_hub->requestsWithAuthorization(Listener::Other), qint64(0));
        QCOMPARE(m_hub->cdnRequestsWithAuthorization(), qint64(0));
    }

    void unsafeNamesFailBeforeAnyRequest_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("traversal to a new file") << u"../../../PWNED.txt"_s;
        QTest::newRow("traversal onto an existing file") << u"../../../home/.bashrc"_s;
        QTest::newRow("absolute") << QString(); // filled in with the sentinel's absolute path
        QTest::newRow("backslash") << u"..\\..\\..\\PWNED.txt"_s;
        QTest::newRow("newline") << u"evil\nname.txt"_s;
        QTest::newRow("bidi override") << QString(u"model"_s + QChar(0x202E) + u"gnp.exe"_s);
        QTest::newRow("case collision") << u"Config.json"_s;
    }
    void unsafeNamesFailBeforeAnyRequest()
    {
        QFETCH(QString, path);
        if (path.isEmpty())
            path = m_tree->outside(u"secret.txt"_s);
        DownloadEngine engine;
        const testutil::RunResult r = testutil::runDownload(engine, withExtraFile(path));
        QVERIFY(r.finished);
        QVERIFY(!r.status.ok());
        QCOMPARE(r.status.error().codeName(), u"unsafe_path"_s);
        // The message names the entry; details carry it exactly.
        const QJsonObject details = r.status.error().details;
        QVERIFY2(details.value(u"path"_s).toString() == path || details.value(u"other_path"_s).toString() == path,
                 qPrintable(r.status.error().message));
        QCOMPARE(m_hub->requestCount(), qint64(0)); // refused before the first request
        QVERIFY(!QFileInfo::exists(target() + u"/config.json"_s));
    }

    void linkedFolderIsNotFollowed()
    {
        // A link inside the model folder (planted by anyone) never takes a write elsewhere.
        QVERIFY(QDir().mkpath(target()));
        QVERIFY(QFile::link(m_tree->outside(), target() + u"/onnx"_s));
        m_tree->rebase();
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-public"_s, target(), {u"onnx/model.onnx"_s});
        DownloadEngine engine;
        const testutil::RunResult r = testutil::runDownload(engine, d);
        QVERIFY(r.finished);
        QCOMPARE(r.status.ok() ? QString() : r.status.error().codeName(), u"unsafe_path"_s);
        QVERIFY(!QFileInfo::exists(m_tree->outside(u"model.onnx"_s)));
        QVERIFY(!QFileInfo::exists(m_tree->outside(u"model.onnx.incomplete"_s)));
    }

    void linkedFinalFileIsNotReplaced()
    {
        // A finished name that is a link: neither hashed through, nor deleted, nor written through.
        QVERIFY(QDir().mkpath(target()));
        QVERIFY(QFile::link(m_tree->outside(u"secret.txt"_s), target() + u"/config.json"_s));
        m_tree->rebase();
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-public"_s, target(), {u"config.json"_s});
        DownloadEngine engine;
        const testutil::RunResult r = testutil::runDownload(engine, d);
        QVERIFY(r.finished);
        QCOMPARE(r.status.ok() ? QString() : r.status.error().codeName(), u"unsafe_path"_s);
        QVERIFY(QFileInfo(target() + u"/config.json"_s).isSymLink());
    }

    void cancelRemovesNothingOutside()
    {
        // removeFilesNow() of a download whose list names files outside: only the guarded root's
        // own files can go.
        QVERIFY(QDir().mkpath(target()));
        m_tree->write(u"data/models/evil--traversal/config.json"_s, "{}");
        auto ctx = std::make_shared<FileContext>();
        ctx->download = withExtraFile(u"../../../home/.bashrc"_s);
        ctx->download.files.append(RemoteFile{m_tree->outside(u"secret.txt"_s), 11, QString(), QString()});
        ctx->root = GuardedPath::rootAt(target());
        TransferPool transfers;
        QThreadPool blocking;
        ctx->transfers = &transfers;
        ctx->blockingPool = &blocking;
        DownloadJob job(ctx);
        job.removeFilesNow();
        QVERIFY(!QFileInfo::exists(target() + u"/config.json"_s)); // its own file went
    }

    void transferRedirectToAnotherHostGetsNoToken()
    {
        // The data GET (not the resolver HEAD) is sent elsewhere: we follow it ourselves and the
        // token stays behind (QNAM's own redirects kept it, once per chunk and per retry).
        Fault f;
        f.kind = Fault::Kind::Redirect;
        f.listener = Listener::Hub;
        f.method = "GET";
        f.pathContains = u"/resolve/"_s;
        f.location = u"{other}{path}"_s;
        f.times = -1;
        m_hub->addFault(f);
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-gpt2"_s, target(), {u"config.json"_s});
        d.token = QString::fromLatin1(kUserToken);
        DownloadEngine engine;
        const testutil::RunResult r = testutil::runDownload(engine, d);
        QVERIFY(r.finished);
        QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
        QVERIFY(m_hub->requestCount(Listener::Other, u"config.json"_s) >= 1);
        QVERIFY(m_hub->requestsWithAuthorization(Listener::Hub) >= 1); // the Hub's own HEAD had it
    }

    void refusedRedirectsFailAtOnce_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("location");
        QTest::newRow("data GET to file:") << QByteArray("GET") << u"file:///etc/passwd"_s;
        QTest::newRow("data GET off loopback") << QByteArray("GET") << u"http://192.0.2.1/x"_s;
        QTest::newRow("resolver HEAD to file:") << QByteArray("HEAD") << u"file:///etc/passwd"_s;
        QTest::newRow("resolver HEAD off loopback") << QByteArray("HEAD") << u"http://192.0.2.1/x"_s;
    }
    void refusedRedirectsFailAtOnce()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, location);
        Fault f;
        f.kind = Fault::Kind::Redirect;
        f.listener = Listener::Hub;
        f.method = method;
        f.pathContains = u"/resolve/"_s;
        f.location = location;
        f.times = -1;
        m_hub->addFault(f);
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-gpt2"_s, target(), {u"config.json"_s});
        DownloadOptions o;
        o.backoffBaseMs = 1; // were it retried, the retries would show at once in the count below
        o.backoffMaxMs = 1;
        DownloadEngine engine;
        engine.setDefaultOptions(o);
        const testutil::RunResult r = testutil::runDownload(engine, d);
        QVERIFY(r.finished);
        QVERIFY(!r.status.ok());
        QCOMPARE(r.status.error().codeName(), u"invalid_response"_s);
        QVERIFY2(r.status.error().message.contains(location), qPrintable(r.status.error().message));
        QCOMPARE(m_hub->faults().first().fired, 1);
        QVERIFY(!QFileInfo::exists(target() + u"/config.json"_s));
    }

    void safeDownloadStillWorks()
    {
        // The guard costs a real download nothing: LFS through the CDN, partials, journal, rename.
        PinnedDownload d = testutil::pinnedDownload(*m_hub, u"org/tiny-public"_s, target(),
                                                    {u"config.json"_s, u"model.safetensors"_s, u"onnx/model.onnx"_s});
        d.token = QString::fromLatin1(kUserToken);
        DownloadEngine engine;
        const testutil::RunResult r = testutil::runDownload(engine, d);
        QVERIFY(r.finished);
        QVERIFY2(r.status.ok(), qPrintable(r.status.error().toString()));
        for (const RemoteFile &f : d.files) {
            QFile file(target() + u'/' + f.path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), m_hub->fileContent(u"org/tiny-public"_s, u"main"_s, f.path));
        }
        QCOMPARE(QDir(target()).entryList({u"*.incomplete"_s}, QDir::Files | QDir::Hidden), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestDownloadGuard)
#include "tst_downloadguard.moc"
