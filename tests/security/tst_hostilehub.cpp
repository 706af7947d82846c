// What a user runs, against a hostile Hub (docs/security.md, rows 1, 2, 5, 6, 8, 9, 10, 13, 15): the real
// `mistudio models download|preview|quantize|add` in a child process, HF_ENDPOINT pointing at the
// fake Hub's hostile mode, HF_TOKEN set so that a leak would show. Every test checks the exit code
// and the --json error code, and afterwards that nothing outside the data dir was created,
// changed or deleted and that no request to another host (nor to the CDN) carried the token.
#include "sentinel.h"

#include "fakehub/fakehub.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <csignal>

#include <sys/resource.h>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::fakehub;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    // The NDJSON event of that name (download_failed, quantize_failed...), or {}.
    QJsonObject event(const QString &name) const
    {
        for (const QByteArray &line : out.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(u"event"_s).toString() == name)
                return o;
        }
        return {};
    }
};

} // namespace

class TestHostileHub final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<sectest::SentinelTree> m_tree;

    Run mistudio(const QStringList &args, qint64 fileSizeLimit = -1)
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &v : {u"HF_TOKEN_PATH"_s, u"HF_HUB_OFFLINE"_s, u"MISTUDIO_DATABASE_URL"_s,
                                 u"MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS"_s})
            e.remove(v);
        // Whatever the product writes for itself stays in the data dir.
        e.insert(u"HOME"_s, m_tree->dataDir());
        e.insert(u"XDG_CONFIG_HOME"_s, m_tree->dataDir() + u"/config"_s);
        e.insert(u"HF_HOME"_s, m_tree->dataDir() + u"/hf"_s);
        e.insert(u"MISTUDIO_DATA_DIR"_s, m_tree->dataDir());
        e.insert(u"HF_ENDPOINT"_s, m_hub->endpoint().toString());
        e.insert(u"HF_TOKEN"_s, QString::fromLatin1(kUserToken));
        p.setProcessEnvironment(e);
        p.setStandardInputFile(QProcess::nullDevice());
        if (fileSizeLimit >= 0) {
            // ulimit -f in the child only; SIGXFSZ keeps its default action there, so only the
            // product's own handling can turn the limit into an error instead of a kill.
            p.setChildProcessModifier([fileSizeLimit] {
                const rlimit lim{rlim_t(fileSizeLimit), rlim_t(fileSizeLimit)};
                ::setrlimit(RLIMIT_FSIZE, &lim);
                ::signal(SIGXFSZ, SIG_DFL); // not inherited as ignored from whoever runs the test
            });
        }
        p.start(QStringLiteral(MISTUDIO_BINARY), args);
        Run r;
        if (!p.waitForFinished(120'000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QString modelDir(const QString &repo) const
    {
        return m_tree->dataDir() + u"/models/"_s + QString(repo).replace(u'/', u"--"_s);
    }

    // Files (not folders) under a model's folder, relative.
    QStringList filesIn(const QString &dir) const
    {
        QStringList out;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext())
            out << it.next().mid(dir.size() + 1);
        out.sort();
        return out;
    }

    Fault redirect(const QString &location, const QByteArray &method)
    {
        Fault f;
        f.kind = Fault::Kind::Redirect;
        f.listener = Listener::Hub;
        f.method = method;
        f.pathContains = u"/resolve/"_s;
        f.location = location;
        f.times = -1;
        return f;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(QStringLiteral(MISTUDIO_BINARY)), MISTUDIO_BINARY);
        FakeHub::Options o;
        o.fixtures.bigFileBytes = 8LL << 20;
        m_hub = std::make_unique<FakeHub>(o);
        m_hub->addHostileRepos();
        QString error;
        QVERIFY2(m_hub->start(&error), qPrintable(error));
        QFile::remove(u"/tmp/mistudio-hostile-absolute/PWNED.txt"_s);
    }

    void init()
    {
        m_hub->clearFaults();
        m_hub->clearLog();
        m_tree = std::make_unique<sectest::SentinelTree>();
    }

    void cleanup()
    {
        m_tree->verifyUntouched();
        QVERIFY(!QFileInfo::exists(u"/tmp/mistudio-hostile-absolute/PWNED.txt"_s));
        QCOMPARE(m_hub->requestsWithAuthorization(Listener::Other), qint64(0));
        QCOMPARE(m_hub->cdnRequestsWithAuthorization(), qint64(0));
    }

    // Rows 1 and 13: names that leave the folder, hide a newline or an override, or collide.
    void downloadRefusesUnsafeNames_data()
    {
        QTest::addColumn<QString>("repo");
        for (const char *repo : {"evil/traversal", "evil/absolute", "evil/backslash", "evil/newline", "evil/bidi", "evil/case"})
            QTest::newRow(repo) << QString::fromLatin1(repo);
    }
    void downloadRefusesUnsafeNames()
    {
        QFETCH(QString, repo);
        const Run r = mistudio({u"models"_s, u"download"_s, repo, u"--json-progress"_s});
        QCOMPARE(r.exitCode, 7);
        // Refused by the preview the download starts with: no record, no job, no event.
        QVERIFY2(r.err.contains("unsafe_path: Unsafe file name"), r.err.constData());
        QVERIFY(r.event(u"download_failed"_s).isEmpty());
        const Run listed = mistudio({u"models"_s, u"list"_s, u"--json"_s});
        QCOMPARE(listed.json().value(u"total"_s).toInt(), 0);
        QCOMPARE(filesIn(modelDir(repo)), QStringList()); // not a byte written
        QCOMPARE(m_hub->requestCount(Listener::Any, u"/resolve/"_s), qint64(0));
    }

    void previewRefusesUnsafeNames()
    {
        const Run r = mistudio({u"models"_s, u"preview"_s, u"evil/traversal"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 7);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"unsafe_path"_s);
        QVERIFY2(error.value(u"message"_s).toString().contains(u"../../../"_s), r.out.constData());
    }

    // Row 2: the data GET is redirected to another host; the download completes, the token stays.
    void downloadRedirectedToAnotherHost()
    {
        m_hub->addFault(redirect(u"{other}{path}"_s, "GET"));
        const Run r = mistudio({u"models"_s, u"download"_s, u"org/tiny-gpt2"_s, u"--json-progress"_s});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY(m_hub->requestCount(Listener::Other, u"/resolve/"_s) > 0);
        QVERIFY(m_hub->requestsWithAuthorization(Listener::Hub) > 0); // the Hub itself got the token
        QVERIFY(filesIn(modelDir(u"org/tiny-gpt2"_s)).contains(u"config.json"_s));
    }

    // Row 15 (and row 2's loopback rule): a redirect to file: or off loopback fails at once.
    void downloadRefusesRedirects_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("location");
        QTest::newRow("HEAD to file:") << QByteArray("HEAD") << u"file:///etc/passwd"_s;
        QTest::newRow("GET to file:") << QByteArray("GET") << u"file:///etc/passwd"_s;
        QTest::newRow("GET off loopback") << QByteArray("GET") << u"http://192.0.2.1/x"_s;
    }
    void downloadRefusesRedirects()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, location);
        m_hub->addFault(redirect(location, method));
        const Run r = mistudio({u"models"_s, u"download"_s, u"org/tiny-gpt2"_s, u"--json-progress"_s});
        QCOMPARE(r.exitCode, 5);
        const QJsonObject failed = r.event(u"download_failed"_s).value(u"data"_s).toObject();
        QCOMPARE(failed.value(u"error_code"_s).toString(), u"invalid_response"_s);
        QVERIFY2(failed.value(u"error"_s).toString().contains(location), r.out.constData()); // names the target
        // Refused at the first redirect of each file, not after rounds of retries.
        const int files = int(m_hub->files(u"org/tiny-gpt2"_s).size());
        QVERIFY2(m_hub->faults().first().fired <= files, qPrintable(QString::number(m_hub->faults().first().fired)));
    }

    // Row 5: a 64 MiB config.json is cut off at the limit; a 100 MB header after one probe.
    void previewOfHugeConfigIsBounded()
    {
        const Run r = mistudio({u"models"_s, u"preview"_s, u"evil/huge-config"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QString warnings = QString::fromUtf8(QJsonDocument(r.json().value(u"warnings"_s).toArray()).toJson());
        QVERIFY2(warnings.contains(u"config.json is larger than 4194304 bytes"_s), r.out.constData());
        QVERIFY(m_hub->bytesServed(Listener::Cdn, u"/cdn/"_s) < 32LL << 20);
    }

    void previewOfHugeHeaderFails()
    {
        const Run r = mistudio({u"models"_s, u"preview"_s, u"evil/huge-header"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 7);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"invalid_checkpoint"_s);
        QVERIFY2(error.value(u"message"_s).toString().contains(u"exceeds the limit of 25000000"_s), r.out.constData());
        QVERIFY(m_hub->bytesServed(Listener::Cdn, u"/cdn/"_s) <= 100001);
    }

    // Row 5: a body cut short is fetched twice, not six times.
    void shortBodyIsRetriedOnce()
    {
        Fault f;
        f.kind = Fault::Kind::Truncate;
        f.afterBytes = 10;
        f.pathContains = u"/config.json"_s; // the preview asks at the pinned commit
        f.method = "GET";
        f.times = -1;
        m_hub->addFault(f);
        const Run r = mistudio({u"models"_s, u"preview"_s, u"org/tiny-gpt2"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("config.json unreadable"), r.out.constData());
        QCOMPARE(m_hub->faults().first().fired, 2);
    }

    // Row 6: a 1 byte/s drip ends with a typed timeout (after the low-speed window, 15 s).
    void previewOfDripFailsWithTimeout()
    {
        Fault f;
        f.kind = Fault::Kind::Throttle;
        f.bytesPerSecond = 1;
        f.burst = 0;
        f.pathContains = u"/api/models/org/tiny-gpt2"_s;
        f.times = -1;
        m_hub->addFault(f);
        const Run r = mistudio({u"models"_s, u"preview"_s, u"org/tiny-gpt2"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 5);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"timeout"_s);
        QCOMPARE(error.value(u"details"_s).toObject().value(u"reason"_s).toString(), u"low_speed"_s);
        QCOMPARE(m_hub->requestCount(Listener::Hub, u"/api/models/org/tiny-gpt2"_s), qint64(1)); // not retried
    }

    // Row 9: a 128-byte file claiming 1.1 trillion parameters.
    void previewOfBadOffsetsFails()
    {
        const Run r = mistudio({u"models"_s, u"preview"_s, u"evil/bad-offsets"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 7);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"invalid_checkpoint"_s);
        QVERIFY2(!r.out.contains("1.1T") && !r.out.contains("1099511627776"), r.out.constData());
    }

    // Row 10: past `ulimit -f` the download fails with disk_full and stays resumable.
    void fileSizeLimitIsDiskFullAndResumable()
    {
        const Run limited = mistudio({u"models"_s, u"download"_s, u"org/big"_s, u"--json-progress"_s}, 1 << 20);
        QCOMPARE(limited.exitCode, 8);
        const QJsonObject failed = limited.event(u"download_failed"_s).value(u"data"_s).toObject();
        QCOMPARE(failed.value(u"error_code"_s).toString(), u"disk_full"_s);
        const Run shown = mistudio({u"models"_s, u"show"_s, u"org/big"_s, u"--json"_s});
        QCOMPARE(shown.json().value(u"status"_s).toString(), u"failed"_s);
        // With room again, the same command finishes the download.
        const Run again = mistudio({u"models"_s, u"download"_s, u"org/big"_s, u"--json-progress"_s});
        QVERIFY2(again.exitCode == 0, again.out.right(2000).constData());
        QFile f(modelDir(u"org/big"_s) + u"/model.safetensors"_s);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.size(), m_hub->fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s)->size);
    }

    // Row 8: a companion file that is a link to a secret is not copied into the output.
    void quantizeSkipsLinkedCompanions()
    {
        const QString dir = m_tree->dataDir() + u"/checkpoint"_s;
        QString error;
        QVERIFY2(m_hub->writeSnapshot(u"org/tiny-gpt2"_s, u"main"_s, dir, &error), qPrintable(error));
        QVERIFY(QFile::remove(dir + u"/tokenizer.json"_s));
        QVERIFY(QFile::link(m_tree->outside(u"secret.txt"_s), dir + u"/tokenizer.json"_s));
        const Run r = mistudio({u"models"_s, u"quantize"_s, dir, u"--mode"_s, u"bnb-8bit"_s, u"--device"_s, u"cpu"_s,
                                u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.json().value(u"skipped_links"_s).toArray(), QJsonArray{u"tokenizer.json"_s});
        QVERIFY(!QFileInfo::exists(dir + u"/quantized/tokenizer.json"_s));
        QVERIFY(QFileInfo::exists(dir + u"/quantized/tokenizer_config.json"_s)); // plain companions still copied
    }

    // Row 10 for the quantizer: disk_full, nothing published, nothing half-written left.
    void quantizeUnderFileSizeLimitIsDiskFull()
    {
        const QString dir = m_tree->dataDir() + u"/checkpoint"_s;
        QString error;
        QVERIFY2(m_hub->writeSnapshot(u"org/tiny-gpt2"_s, u"main"_s, dir, &error), qPrintable(error));
        const Run r = mistudio({u"models"_s, u"quantize"_s, dir, u"--mode"_s, u"bnb-8bit"_s, u"--device"_s, u"cpu"_s,
                                u"--json"_s},
                               32 << 10);
        QCOMPARE(r.exitCode, 8);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"disk_full"_s);
        QCOMPARE(QDir(dir).entryList({u"*quantized*"_s}, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
    }

    // Row 13: display names.
    void modelNamesAreChecked_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("bidi override") << QString(u"safe"_s + QChar(0x202E) + u"gnp.exe"_s);
        QTest::newRow("newline") << u"two\nlines"_s;
        QTest::newRow("too long") << QString(201, u'n');
    }
    void modelNamesAreChecked()
    {
        QFETCH(QString, name);
        const Run r = mistudio({u"models"_s, u"add"_s, u"org/tiny-gpt2"_s, u"--name"_s, name, u"--json"_s});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"invalid_input"_s);
        QCOMPARE(error.value(u"details"_s).toObject().value(u"field"_s).toString(), u"name"_s);
        QCOMPARE(mistudio({u"models"_s, u"list"_s, u"--json"_s}).json().value(u"total"_s).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHostileHub)
#include "tst_hostilehub.moc"
