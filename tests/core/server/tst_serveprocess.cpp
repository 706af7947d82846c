// The headless faces as processes: `mistudio serve` killed with SIGKILL mid-download and
// started again resumes the job and completes it; `mistudio models download` prints the
// WebSocket payloads as NDJSON, exits 0 only when ready, and a re-run after a kill resumes.
#include "fakehub/fakehub.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

QJsonObject httpJson(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
                     const QByteArray &body = {})
{
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o;
}

QByteArray sha256Of(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

int leftoverPartials(const QString &dir)
{
    int n = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        n += it.next().contains(u".incomplete"_s) ? 1 : 0;
    return n;
}

} // namespace

class TestServeProcess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void serveSurvivesSigkillMidDownload();
    void livePeerTakesOverAfterSigkill();
    void cliDownloadNdjsonAndRerunResumes();

private:
    QProcessEnvironment env(const QString &home) const;
    quint16 startServe(QProcess &p, const QString &dataDir, const QMap<QString, QString> &extraEnv = {});
    fakehub::FakeHub m_hub{[] {
        fakehub::FakeHub::Options o;
        o.fixtures.bigFileBytes = 24 * 1000 * 1000;
        return o;
    }()};
    QTemporaryDir m_home;
};

void TestServeProcess::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
    QVERIFY(QFile::exists(QStringLiteral(MISTUDIO_BINARY)));
}

QProcessEnvironment TestServeProcess::env(const QString &home) const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(u"HF_ENDPOINT"_s, m_hub.endpoint().toString());
    e.insert(u"HOME"_s, home);
    e.insert(u"XDG_CONFIG_HOME"_s, home + u"/.config"_s);
    e.remove(u"HF_TOKEN"_s);
    e.remove(u"MISTUDIO_DATABASE_URL"_s);
    return e;
}

quint16 TestServeProcess::startServe(QProcess &p, const QString &dataDir, const QMap<QString, QString> &extraEnv)
{
    QProcessEnvironment e = env(m_home.path());
    for (auto it = extraEnv.begin(); it != extraEnv.end(); ++it)
        e.insert(it.key(), it.value());
    p.setProcessEnvironment(e);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(QStringLiteral(MISTUDIO_BINARY), {u"serve"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dataDir});
    if (!p.waitForStarted(10000))
        return 0;
    QElapsedTimer t;
    t.start();
    QByteArray out;
    while (t.elapsed() < 20000 && !out.contains('\n')) {
        p.waitForReadyRead(200);
        out += p.readAllStandardOutput();
    }
    const QRegularExpressionMatch m = QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
    return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
}

void TestServeProcess::serveSurvivesSigkillMidDownload()
{
    QTemporaryDir data;
    QNetworkAccessManager nam;
    QProcess first;
    const quint16 port = startServe(first, data.path());
    QVERIFY(port != 0);
    auto api = [&](quint16 p, const QString &path) { return QUrl(u"http://127.0.0.1:%1/api/v1%2"_s.arg(p).arg(path)); };
    const QString id = httpJson(nam, "POST", api(port, u"/models"_s), R"({"repo_id":"org/big"})").value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(httpJson(nam, "POST", api(port, u"/models/%1/download"_s.arg(id)), R"({"max_bandwidth":"4M"})")
                 .value(u"status"_s).toString(), u"downloading"_s);
    // Wait until a good part is on disk, then kill it without any chance to clean up.
    double before = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 30000 && before < 35.0) {
        QTest::qWait(200);
        before = httpJson(nam, "GET", api(port, u"/models/%1"_s.arg(id))).value(u"job"_s).toObject().value(u"progress"_s).toDouble();
    }
    QVERIFY2(before >= 35.0 && before < 100.0, qPrintable(QString::number(before)));
    ::kill(pid_t(first.processId()), SIGKILL);
    QVERIFY(first.waitForFinished(10000));
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);

    QProcess second;
    const quint16 port2 = startServe(second, data.path());
    QVERIFY(port2 != 0);
    QJsonObject model = httpJson(nam, "GET", api(port2, u"/models/%1"_s.arg(id)));
    QCOMPARE(model.value(u"status"_s).toString(), u"downloading"_s); // resumed, not left behind
    // A worker thread claims the requeued job right after start; the server may answer first.
    t.restart();
    while (t.elapsed() < 10000 && model.value(u"job"_s).toObject().value(u"state"_s).toString() == u"queued"_s) {
        QTest::qWait(20);
        model = httpJson(nam, "GET", api(port2, u"/models/%1"_s.arg(id)));
    }
    QCOMPARE(model.value(u"job"_s).toObject().value(u"attempts"_s).toInt(), 2);
    t.restart();
    while (t.elapsed() < 60000 && model.value(u"status"_s).toString() == u"downloading"_s) {
        QTest::qWait(200);
        model = httpJson(nam, "GET", api(port2, u"/models/%1"_s.arg(id)));
    }
    qInfo("killed at %.1f%%, second run finished after %lld ms", before, qint64(t.elapsed()));
    QCOMPARE(model.value(u"status"_s).toString(), u"ready"_s);
    const QString file = model.value(u"file_path"_s).toString() + u"/model.safetensors"_s;
    QCOMPARE(sha256Of(file), m_hub.fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s)->sha256);
    QCOMPARE(leftoverPartials(data.path()), 0);
    second.terminate(); // SIGTERM: a clean stop
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 0);
}

void TestServeProcess::livePeerTakesOverAfterSigkill()
{
    // Two servers on one data dir, both alive: B must not touch A's running job (the reported
    // defect fetched the same ranges twice). When A is killed, B, which keeps running, takes the
    // job over once A's lease expires and finishes it with the Hub's exact bytes.
    const QMap<QString, QString> shortLease{{u"MISTUDIO_JOB_LEASE_MS"_s, u"3000"_s}};
    QTemporaryDir data;
    QNetworkAccessManager nam;
    QProcess a;
    QProcess b;
    const quint16 portA = startServe(a, data.path(), shortLease);
    QVERIFY(portA != 0);
    auto api = [&](quint16 p, const QString &path) { return QUrl(u"http://127.0.0.1:%1/api/v1%2"_s.arg(p).arg(path)); };
    const QString id = httpJson(nam, "POST", api(portA, u"/models"_s), R"({"repo_id":"org/big"})").value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(httpJson(nam, "POST", api(portA, u"/models/%1/download"_s.arg(id)), R"({"max_bandwidth":"3M"})")
                 .value(u"status"_s).toString(), u"downloading"_s);
    const quint16 portB = startServe(b, data.path(), shortLease);
    QVERIFY(portB != 0);
    auto job = [&](quint16 port) {
        return httpJson(nam, "GET", api(port, u"/models/%1"_s.arg(id))).value(u"job"_s).toObject();
    };
    // B sees A's job through the catalogue, progressing under A's first claim.
    double before = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 30000 && before < 30.0) {
        QTest::qWait(200);
        before = job(portB).value(u"progress"_s).toDouble();
    }
    QVERIFY2(before >= 30.0 && before < 100.0, qPrintable(QString::number(before)));
    QCOMPARE(job(portB).value(u"attempts"_s).toInt(), 1);
    QCOMPARE(job(portB).value(u"state"_s).toString(), u"running"_s);

    ::kill(pid_t(a.processId()), SIGKILL);
    QVERIFY(a.waitForFinished(10000));
    QElapsedTimer takeover;
    takeover.start();
    QJsonObject model;
    int attempts = 0; // of the job while it runs (a ready model shows no active job)
    t.restart();
    while (t.elapsed() < 90000) {
        QTest::qWait(200);
        model = httpJson(nam, "GET", api(portB, u"/models/%1"_s.arg(id)));
        attempts = std::max(attempts, model.value(u"job"_s).toObject().value(u"attempts"_s).toInt());
        if (model.value(u"status"_s).toString() != u"downloading"_s)
            break;
    }
    qInfo("killed at %.1f%%, B finished %lld ms later", before, qint64(takeover.elapsed()));
    QCOMPARE(model.value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(attempts, 2); // A's claim, then B's, once
    const QString file = model.value(u"file_path"_s).toString() + u"/model.safetensors"_s;
    QCOMPARE(sha256Of(file), m_hub.fileInfo(u"org/big"_s, u"main"_s, u"model.safetensors"_s)->sha256);
    QCOMPARE(leftoverPartials(data.path()), 0);
    b.terminate();
    QVERIFY(b.waitForFinished(10000));
    QCOMPARE(b.exitCode(), 0);
}

void TestServeProcess::cliDownloadNdjsonAndRerunResumes()
{
    QTemporaryDir data;
    auto run = [&](const QStringList &extra, int killAfterProgressEvents) {
        QProcess p;
        p.setProcessEnvironment(env(m_home.path()));
        p.start(QStringLiteral(MISTUDIO_BINARY),
                QStringList{u"models"_s, u"download"_s} + extra + QStringList{u"--json-progress"_s, u"--data-dir"_s, data.path()});
        p.waitForStarted(10000);
        QList<QJsonObject> lines;
        QByteArray buf;
        QElapsedTimer t;
        t.start();
        int progressEvents = 0;
        while (t.elapsed() < 60000 && p.state() != QProcess::NotRunning) {
            p.waitForReadyRead(100);
            buf += p.readAllStandardOutput();
            qsizetype nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
                const QJsonObject o = QJsonDocument::fromJson(buf.left(nl)).object();
                buf.remove(0, nl + 1);
                lines << o;
                if (o.value(u"event"_s).toString() == u"download_progress"_s
                    && o.value(u"data"_s).toObject().value(u"progress"_s).toDouble() > 20.0)
                    ++progressEvents;
            }
            if (killAfterProgressEvents > 0 && progressEvents >= killAfterProgressEvents) {
                ::kill(pid_t(p.processId()), SIGKILL);
                killAfterProgressEvents = 0;
            }
        }
        p.waitForFinished(5000);
        buf += p.readAllStandardOutput();
        for (const QByteArray &l : buf.split('\n')) {
            if (!l.trimmed().isEmpty())
                lines << QJsonDocument::fromJson(l).object();
        }
        return std::make_pair(p.exitStatus() == QProcess::CrashExit ? -9 : p.exitCode(), lines);
    };
    // A small model, start to end: NDJSON lines are the WebSocket messages.
    auto [rc, lines] = run({u"org/tiny-gpt2"_s}, 0);
    QCOMPARE(rc, 0);
    QVERIFY(lines.size() >= 4);
    for (const QJsonObject &l : lines) {
        QVERIFY(l.value(u"channel"_s).toString().startsWith(u"model/"_s));
        QVERIFY(l.contains(u"event"_s) && l.value(u"data"_s).isObject());
    }
    QCOMPARE(lines.last().value(u"event"_s).toString(), u"status_changed"_s);
    QCOMPARE(lines.last().value(u"data"_s).toObject().value(u"status"_s).toString(), u"ready"_s);
    // Again: already there, nothing to do, still 0.
    QCOMPARE(run({u"org/tiny-gpt2"_s}, 0).first, 0);
    // Re-quantize it by repo id through the service (`models quantize ID`).
    {
        QProcess q;
        q.setProcessEnvironment(env(m_home.path()));
        q.start(QStringLiteral(MISTUDIO_BINARY),
                {u"--data-dir"_s, data.path(), u"models"_s, u"quantize"_s, u"org/tiny-gpt2"_s,
                 u"--mode"_s, u"bnb-4bit"_s, u"--device"_s, u"cpu"_s, u"--json-progress"_s});
        QVERIFY(q.waitForFinished(60000));
        QCOMPARE(q.exitCode(), 0);
        const QList<QByteArray> out = q.readAllStandardOutput().trimmed().split('\n');
        QStringList events;
        for (const QByteArray &l : out)
            events << QJsonDocument::fromJson(l).object().value(u"event"_s).toString();
        QVERIFY2(events.contains(u"quantize_completed"_s), qPrintable(events.join(u',')));
        QCOMPARE(QJsonDocument::fromJson(out.last()).object().value(u"data"_s).toObject().value(u"status"_s).toString(), u"ready"_s);
        QVERIFY(QFile::exists(data.path() + u"/models/org--tiny-gpt2/quantized/bnb-4bit-nf4-dq/model.safetensors"_s));
    }
    // A big one killed half-way; the re-run resumes it and ends ready.
    auto killed = run({u"org/big"_s, u"--max-bandwidth"_s, u"6M"_s}, 2);
    QCOMPARE(killed.first, -9);
    auto [rc2, lines2] = run({u"org/big"_s, u"--max-bandwidth"_s, u"6M"_s}, 0);
    QCOMPARE(rc2, 0);
    QCOMPARE(lines2.last().value(u"data"_s).toObject().value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(leftoverPartials(data.path()), 0);
    // A repo that does not exist: a typed failure and its exit code (3 = not found).
    QCOMPARE(run({u"org/does-not-exist"_s}, 0).first, 3);
}

QTEST_GUILESS_MAIN(TestServeProcess)
#include "tst_serveprocess.moc"
