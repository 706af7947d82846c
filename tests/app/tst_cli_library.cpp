// The library commands and the LAN mirror as users run them: the real `mistudio` binary in
// QProcesses. An HF-cache snapshot imported with `models import-hf-cache` (hard links, a corrupt
// blob refused), `models verify` before and after a file rots, and `mistudio serve --mirror`
// serving that model to `mistudio models download` of another data dir through HF_ENDPOINT,
// killed with SIGKILL mid-download and resumed.
#include "../core/hfcache/hfcachewriter.h"
#include "hub/fileselection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::hfcachetest;

namespace {

const QString kRepo = u"org/model"_s;

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const
    {
        return QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
    }
};

qint64 bytesUnder(const QString &dir)
{
    qint64 n = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        n += it.fileInfo().size();
    }
    return n;
}

} // namespace

class TestCliLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void importsAndRefusesCorruptBlob();
    void verifiesAndReportsRot();
    void mirrorServesOurDownloader();

private:
    QProcessEnvironment env() const;
    Run run(const QStringList &args, const QProcessEnvironment &environment = {}) const;
    bool writeSample(const QString &repo = kRepo) const
    {
        return HfCacheWriter(cacheDir()).writeSnapshot(repo, QString::fromLatin1(kSampleCommit), m_files);
    }
    QString cacheDir() const { return m_dir->path() + u"/hfcache"_s; }
    QString dataA() const { return m_dir->path() + u"/a"_s; }
    QString dataB() const { return m_dir->path() + u"/b"_s; }

    std::unique_ptr<QTemporaryDir> m_dir;
    QList<mistudio::fakehub::RepoFile> m_files = sampleModelFiles();
};

void TestCliLibrary::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QProcessEnvironment TestCliLibrary::env() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(u"HOME"_s, m_dir->path() + u"/home"_s);
    e.insert(u"XDG_CONFIG_HOME"_s, m_dir->path() + u"/home/.config"_s);
    e.remove(u"HF_TOKEN"_s);
    e.remove(u"HF_HOME"_s);
    e.remove(u"HF_HUB_CACHE"_s);
    e.remove(u"MISTUDIO_DATABASE_URL"_s);
    // A killed process's job is taken over after this lease.
    e.insert(u"MISTUDIO_JOB_LEASE_MS"_s, u"1000"_s);
    return e;
}

Run TestCliLibrary::run(const QStringList &args, const QProcessEnvironment &environment) const
{
    QProcess p;
    p.setProcessEnvironment(environment.isEmpty() ? env() : environment);
    p.start(QStringLiteral(MISTUDIO_BINARY), args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestCliLibrary::importsAndRefusesCorruptBlob()
{
    QVERIFY(writeSample());
    // A second repo whose shard rotted in the cache.
    QVERIFY(writeSample(u"org/rotten"_s));
    QFile blob(HfCacheWriter(cacheDir()).blobPath(u"org/rotten"_s, m_files[0]));
    QVERIFY(blob.open(QIODevice::ReadWrite) && blob.seek(100) && blob.write("!") == 1);
    blob.close();

    const Run dry = run({u"models"_s, u"import-hf-cache"_s, u"--path"_s, cacheDir(), u"--dry-run"_s, u"--json"_s,
                         u"--data-dir"_s, dataA()});
    QCOMPARE(dry.exitCode, 0);
    QCOMPARE(dry.json().value(u"snapshots"_s).toArray().size(), 2);
    QVERIFY(!QFileInfo::exists(dataA() + u"/models"_s) || QDir(dataA() + u"/models"_s).isEmpty());

    const Run ok = run({u"models"_s, u"import-hf-cache"_s, kRepo, u"--path"_s, cacheDir(), u"--json"_s,
                        u"--data-dir"_s, dataA()});
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    const QJsonObject imported = ok.json().value(u"imported"_s).toArray().at(0).toObject();
    QCOMPARE(imported[u"model"_s][u"status"_s].toString(), u"ready"_s);
    QCOMPARE(imported[u"model"_s][u"commit_sha"_s].toString(), QString::fromLatin1(kSampleCommit));
    const QJsonObject stats = imported[u"import"_s].toObject();
    qInfo("import-hf-cache: %d files, %lld bytes, bytes copied %lld, %lld ms", int(m_files.size()),
          stats.value(u"bytes_total"_s).toInteger(), stats.value(u"bytes_copied"_s).toInteger(),
          stats.value(u"elapsed_ms"_s).toInteger());
    QCOMPARE(stats.value(u"bytes_copied"_s).toInteger(), 0); // hard links
    QCOMPARE(stats.value(u"hard_linked"_s).toInt(), m_files.size());

    const Run bad = run({u"models"_s, u"import-hf-cache"_s, u"org/rotten"_s, u"--path"_s, cacheDir(),
                         u"--data-dir"_s, dataA()});
    QCOMPARE(bad.exitCode, 7); // integrity
    QVERIFY2(bad.err.contains(m_files[0].path.toUtf8()), bad.err.constData());
    const Run list = run({u"models"_s, u"list"_s, u"--json"_s, u"--data-dir"_s, dataA()});
    QCOMPARE(list.exitCode, 0);
    QVERIFY(!list.out.contains("org/rotten"));
    QVERIFY(list.out.contains("org/model"));
}

void TestCliLibrary::verifiesAndReportsRot()
{
    QVERIFY(writeSample());
    QCOMPARE(run({u"models"_s, u"import-hf-cache"_s, u"--path"_s, cacheDir(), u"--data-dir"_s, dataA()}).exitCode, 0);
    const Run ok = run({u"models"_s, u"verify"_s, kRepo, u"--data-dir"_s, dataA()});
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    QVERIFY2(ok.out.contains("org/model: ok"), ok.out.constData());
    // The model's copy of a file is replaced by other bytes (the cache's blob stays).
    const QString file = dataA() + u"/models/org--model/"_s + m_files[0].path;
    QVERIFY(QFile::remove(file));
    QVERIFY(HfCacheWriter::writeFile(file, QByteArray(m_files[0].size(), 'x')));
    const Run bad = run({u"models"_s, u"verify"_s, u"--all"_s, u"--json"_s, u"--data-dir"_s, dataA()});
    QCOMPARE(bad.exitCode, 7);
    const QJsonObject v = bad.json().value(u"verified"_s).toArray().at(0).toObject();
    QCOMPARE(v[u"state"_s].toString(), u"failed"_s);
    // The state is stored: `models show` reports it.
    const Run show = run({u"models"_s, u"show"_s, kRepo, u"--json"_s, u"--data-dir"_s, dataA()});
    QCOMPARE(show.exitCode, 0);
    QVERIFY2(show.out.contains("\"verification\":{\"state\":\"failed\""), show.out.constData());
}

void TestCliLibrary::mirrorServesOurDownloader()
{
    QVERIFY(writeSample());
    QCOMPARE(run({u"models"_s, u"import-hf-cache"_s, u"--path"_s, cacheDir(), u"--data-dir"_s, dataA()}).exitCode, 0);

    QProcess serve;
    serve.setProcessEnvironment(env());
    serve.start(QStringLiteral(MISTUDIO_BINARY),
                {u"serve"_s, u"--mirror"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dataA()});
    QByteArray printed;
    QVERIFY(QTest::qWaitFor([&] {
        printed += serve.readAllStandardOutput();
        return printed.contains("HF_ENDPOINT") || serve.state() == QProcess::NotRunning;
    }, 20000));
    const QRegularExpressionMatch port = QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(printed));
    QVERIFY2(port.hasMatch(), printed.constData());

    QProcessEnvironment client = env();
    client.insert(u"HF_ENDPOINT"_s, u"http://127.0.0.1:"_s + port.captured(1));
    // First attempt, slowed down, killed with SIGKILL once some bytes have arrived.
    QProcess first;
    first.setProcessEnvironment(client);
    first.start(QStringLiteral(MISTUDIO_BINARY), {u"models"_s, u"download"_s, kRepo, u"--max-bandwidth"_s, u"20K"_s,
                                                  u"--data-dir"_s, dataB()});
    QVERIFY(first.waitForStarted());
    QVERIFY2(QTest::qWaitFor([&] { return bytesUnder(dataB() + u"/models"_s) > 30000 || first.state() == QProcess::NotRunning; }, 60000),
             "no bytes arrived");
    QVERIFY2(first.state() == QProcess::Running, first.readAllStandardError().constData());
    const qint64 partial = bytesUnder(dataB() + u"/models"_s);
    first.kill(); // SIGKILL: no chance to pause or clean up
    QVERIFY(first.waitForFinished());
    qint64 total = 0;
    for (const auto &f : m_files)
        total += f.size();
    QVERIFY2(partial < total, "the first attempt finished before it was killed");

    const Run second = run({u"models"_s, u"download"_s, kRepo, u"--data-dir"_s, dataB()}, client);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    serve.terminate();
    QVERIFY(serve.waitForFinished(10000));
    // Every file a download selects from the repo (the Hub client's own rule), byte for byte,
    // and the same commit as the mirror's.
    QList<mistudio::hub::RepoFile> listed;
    for (const auto &f : m_files)
        listed << mistudio::hub::RepoFile{f.path, f.size(), QString::fromLatin1(f.gitOid()),
                                          f.lfs ? QString::fromLatin1(f.blob->sha256Hex()) : QString(), {}};
    const mistudio::hub::FileSelection selected = mistudio::hub::selectFiles(listed, false);
    QVERIFY(selected.files.size() >= 5); // shards, index, config, tokenizer
    for (const mistudio::hub::RepoFile &s : selected.files) {
        const auto &f = *std::find_if(m_files.begin(), m_files.end(), [&](const auto &x) { return x.path == s.path; });
        QVERIFY2(HfCacheWriter::readFile(dataB() + u"/models/org--model/"_s + f.path) == f.blob->readAll(),
                 qPrintable(f.path));
    }
    const Run show = run({u"models"_s, u"show"_s, kRepo, u"--json"_s, u"--data-dir"_s, dataB()}, client);
    QVERIFY2(show.out.contains(QByteArray(kSampleCommit)), show.out.constData());
    qInfo("mirror download: killed at %lld of %lld bytes, resumed to the end", partial, total);
}

QTEST_GUILESS_MAIN(TestCliLibrary)
#include "tst_cli_library.moc"
