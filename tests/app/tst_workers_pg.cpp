// Workers on a shared PostgreSQL catalogue, as processes (docs/deploy.md): one `mistudio serve
// --no-worker` front end and three `mistudio worker` processes (distinct process identities on
// loopback) download 20 models (two of them quantized afterwards) from the fake Hub, whose CDN
// caps each connection so that jobs take a while. One worker is SIGKILLed mid-download; its job
// is taken by another after the lease expires and resumes from the journal. A WebSocket client
// on `serve` sees the progress and the completion of every job although none ran there.
#include "fakehub/fakehub.h"
#include "fakehub/fixtures/fixturerepos.h"
#include "pgtestdb.h"
#include "service/jobevents.h"
#include "store/sqldatabase.h"
#include "store/storefactory.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

constexpr int kModels = 20;
constexpr int kQuantized = 2;       // the first ones are also quantized (bnb-4bit, CPU)
constexpr qint64 kPayloadBytes = 1500 * 1000;
constexpr qint64 kCdnRate = 384 * 1000; // bytes/s per connection

QString repoName(int i)
{
    return u"fleet/model-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
}

QJsonObject httpJson(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
                     const QByteArray &body = {}, int *status = nullptr)
{
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
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

// "bytes=A-B" → [A, B]; B = -1 for an open range.
std::pair<qint64, qint64> parseRange(const QByteArray &range)
{
    const QRegularExpressionMatch m =
        QRegularExpression(u"^bytes=(\\d+)-(\\d*)$"_s).match(QString::fromLatin1(range));
    if (!m.hasMatch())
        return {0, -1};
    return {m.captured(1).toLongLong(), m.captured(2).isEmpty() ? -1 : m.captured(2).toLongLong()};
}

} // namespace

class TestWorkersPg final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void threeWorkersTwentyDownloadsOneKilled();

private:
    QProcessEnvironment env() const;
    bool startProcess(QProcess &p, const QStringList &args, const QRegularExpression &ready, QString *captured);

    fakehub::FakeHub m_hub;
    QTemporaryDir m_home;
    QString m_dataDir;
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
    std::vector<std::unique_ptr<QProcess>> m_processes;
};

void TestWorkersPg::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(MISTUDIO_BINARY)));
    auto scratch = test::ScratchPgDatabase::create();
    QVERIFY2(scratch.ok(), scratch.ok() ? "" : qPrintable(scratch.error().message));
    m_pg = std::move(*scratch);
    m_dataDir = m_home.filePath(u"data"_s);

    // 20 repos: a tiny gpt2 checkpoint (quantizable on the CPU) plus an LFS payload of its own.
    const fakehub::FixtureSet fixtures = fakehub::buildStandardFixtures();
    const fakehub::Repo base = fixtures.repos.value(u"org/tiny-gpt2"_s);
    const fakehub::Commit *baseCommit = base.commit(base.branches.value(u"main"_s));
    QVERIFY(baseCommit);
    for (int i = 0; i < kModels; ++i) {
        fakehub::Repo r;
        r.id = repoName(i);
        r.createdAt = base.createdAt;
        QList<fakehub::RepoFile> files = baseCommit->files.values();
        QByteArray payload(kPayloadBytes, Qt::Uninitialized);
        QRandomGenerator gen(quint32(1000 + i));
        gen.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
        // Stored in LFS, so that it comes from the CDN, whose connections are capped.
        files << fakehub::RepoFile{u"payload.dat"_s, fakehub::MemoryBlob::make(payload), true};
        r.addCommit(u"main"_s, u"fleet"_s, files);
        m_hub.addRepo(r);
    }
    m_hub.setCdnBandwidthPerConnection(kCdnRate);
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
}

void TestWorkersPg::cleanupTestCase()
{
    for (auto &p : m_processes) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(5000);
        }
        // What the processes said, for a failure's diagnosis.
        if (const QByteArray err = p->readAllStandardError(); !err.isEmpty())
            qInfo("%s: %s", qPrintable(p->arguments().value(0)), err.right(2000).constData());
    }
}

QProcessEnvironment TestWorkersPg::env() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(u"HF_ENDPOINT"_s, m_hub.endpoint().toString());
    e.insert(u"HOME"_s, m_home.path());
    e.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u".config"_s));
    e.insert(u"MISTUDIO_JOB_LEASE_MS"_s, u"1500"_s);
    e.insert(u"MISTUDIO_DOWNLOAD_CHUNK_BYTES"_s, QString::number(256 * 1024)); // journal records per 256 KiB
    e.remove(u"HF_TOKEN"_s);
    e.remove(u"MISTUDIO_DATABASE_URL"_s);
    return e;
}

// Starts `mistudio ARGS` and waits for the line matching `ready` (its first group captured).
bool TestWorkersPg::startProcess(QProcess &p, const QStringList &args, const QRegularExpression &ready,
                                 QString *captured)
{
    p.setProcessEnvironment(env());
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(QStringLiteral(MISTUDIO_BINARY),
            args + QStringList{u"--database-url"_s, m_pg->url(), u"--data-dir"_s, m_dataDir});
    if (!p.waitForStarted(10000))
        return false;
    QElapsedTimer t;
    t.start();
    QByteArray out;
    while (t.elapsed() < 30000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(200);
        out += p.readAllStandardOutput();
        const QRegularExpressionMatch m = ready.match(QString::fromUtf8(out));
        if (m.hasMatch()) {
            *captured = m.captured(1);
            return true;
        }
    }
    qWarning("%s did not start: %s %s", qPrintable(args.join(u' ')), out.constData(),
             p.readAllStandardError().constData());
    return false;
}

void TestWorkersPg::threeWorkersTwentyDownloadsOneKilled()
{
    // --- a job of a newer format, first in the queue: no worker of this version may take it -----
    AppConfig catalogue;
    catalogue.databaseUrl = m_pg->url();
    catalogue.dataDir = m_dataDir;
    Result<Stores> stores = openStores(catalogue, u"test"_s);
    QVERIFY2(stores.ok(), stores.ok() ? "" : qPrintable(stores.error().toString()));
    const std::shared_ptr<JobQueue> jobs = stores->jobs;
    const Result<CommittedChange> future = jobs->createModel(NewModel{{}, u"fleet/from-the-future"_s}, recordEvents());
    QVERIFY(future.ok());
    const Result<CommittedChange> futureJob = jobs->enqueue(
        NewJob{future->change.after->id, JobKind::Download, {}, u"auto"_s, {}}, {}, recordEvents());
    QVERIFY(futureJob.ok());
    QVERIFY(stores->database->run(u"UPDATE jobs SET spec_version = ? WHERE id = ?"_s,
                                  {kJobSpecVersion + 1, futureJob->change.job->id.toString(QUuid::WithoutBraces)})
                .ok());

    // --- the processes ---------------------------------------------------------------------
    m_processes.push_back(std::make_unique<QProcess>());
    QString portText;
    QVERIFY(startProcess(*m_processes.back(), {u"serve"_s, u"--no-worker"_s, u"--port"_s, u"0"_s},
                         QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)/api/v1"_s), &portText));
    const quint16 port = quint16(portText.toUInt());
    QHash<QString, QProcess *> workers; // owner id → process
    for (int i = 0; i < 3; ++i) {
        m_processes.push_back(std::make_unique<QProcess>());
        QString owner;
        QVERIFY(startProcess(*m_processes.back(), {u"worker"_s, u"--concurrency"_s, u"2"_s},
                             QRegularExpression(u"mistudio: worker (\\S+) on "_s), &owner));
        workers.insert(owner, m_processes.back().get());
    }
    QCOMPARE(workers.size(), 3); // distinct identities
    {
        // A worker given another data directory (the shared storage not mounted there) refuses
        // to run rather than write files the others cannot see.
        QProcess stray;
        stray.setProcessEnvironment(env());
        stray.start(QStringLiteral(MISTUDIO_BINARY), {u"worker"_s, u"--database-url"_s, m_pg->url(), u"--data-dir"_s,
                                                     m_home.filePath(u"not-mounted"_s)});
        QVERIFY(stray.waitForFinished(30000));
        QCOMPARE(stray.exitStatus(), QProcess::NormalExit);
        QVERIFY(stray.exitCode() != 0);
        const QByteArray err = stray.readAllStandardError();
        QVERIFY2(err.contains("is not the catalogue's shared data directory"), err.constData());
    }

    QNetworkAccessManager nam;
    auto api = [&](const QString &path) { return QUrl(u"http://127.0.0.1:%1/api/v1%2"_s.arg(port).arg(path)); };
    const QJsonArray registered = httpJson(nam, "GET", api(u"/workers"_s)).value(u"workers"_s).toArray();
    QSet<QString> jobRunners;
    for (const QJsonValue &w : registered) {
        const QJsonObject o = w.toObject();
        if (o.value(u"role"_s).toString() == u"worker"_s
            && o.value(u"kinds"_s).toArray().contains(u"download"_s))
            jobRunners.insert(o.value(u"id"_s).toString());
    }
    QCOMPARE(jobRunners, QSet<QString>(workers.keyBegin(), workers.keyEnd()));

    // --- a WebSocket client on serve, subscribed to every model -------------------------------
    QWebSocket ws;
    QHash<QString, QStringList> seen; // model id → event names, in order
    QHash<QString, int> progressSeen;
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &text) {
        const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString channel = m.value(u"channel"_s).toString();
        if (!channel.startsWith(u"model/"_s))
            return;
        const QString id = channel.mid(6);
        const QString event = m.value(u"event"_s).toString();
        if (event == u"download_progress"_s || event == u"quantize_progress"_s)
            ++progressSeen[id];
        QString name = event;
        if (event == u"status_changed"_s)
            name += u':' + m.value(u"data"_s).toObject().value(u"status"_s).toString();
        seen[id] << name;
    });
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(port)));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 10000);

    QStringList ids;
    for (int i = 0; i < kModels; ++i) {
        int status = 0;
        const QJsonObject m = httpJson(nam, "POST", api(u"/models"_s),
                                       QJsonDocument(QJsonObject{{u"repo_id"_s, repoName(i)}}).toJson(), &status);
        QCOMPARE(status, 201);
        ids << m.value(u"id"_s).toString();
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{u"action"_s, u"subscribe"_s},
                                                                       {u"channel"_s, QString(u"model/"_s + ids.last())}})
                                                 .toJson(QJsonDocument::Compact)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(ws.isValid(), true, 1000);
    QTest::qWait(0);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kModels; ++i) {
        QJsonObject body{{u"connections"_s, 2}};
        if (i < kQuantized)
            body.insert(u"quantization"_s, u"bnb-4bit"_s);
        int status = 0;
        httpJson(nam, "POST", api(u"/models/%1/download"_s.arg(ids[i])), QJsonDocument(body).toJson(), &status);
        QCOMPARE(status, 202);
    }

    // --- kill one worker while it downloads ----------------------------------------------------
    std::optional<JobRecord> victim;
    QElapsedTimer t;
    t.start();
    while (!victim && t.elapsed() < 60000) {
        JobQuery running;
        running.states = {JobState::Running};
        running.kind = JobKind::Download;
        if (const auto list = jobs->list(running); list) {
            for (const JobRecord &j : *list) {
                if (j.progress >= 45.0 && j.progress <= 90.0 && workers.contains(j.ownerId)) {
                    victim = j;
                    break;
                }
            }
        }
        if (!victim)
            QTest::qWait(50);
    }
    QVERIFY2(victim, "no download seen between 45 and 90 %");
    QProcess *killed = workers.value(victim->ownerId);
    ::kill(pid_t(killed->processId()), SIGKILL);
    QVERIFY(killed->waitForFinished(10000));
    QCOMPARE(killed->exitStatus(), QProcess::CrashExit);
    // Every request the hub logs from here on comes from another process.
    qint64 killSeq = 0;
    for (const fakehub::LogEntry &e : m_hub.log())
        killSeq = std::max(killSeq, e.seq);
    qInfo("killed worker %s at %.1f%% of model %s", qPrintable(victim->ownerId), victim->progress,
          qPrintable(victim->modelId.toString(QUuid::WithoutBraces)));

    // --- every model ends ready with the Hub's bytes -------------------------------------------
    QElapsedTimer settle;
    settle.start();
    int ready = 0;
    while (settle.elapsed() < 180000) {
        const QJsonObject page = httpJson(nam, "GET", api(u"/models?limit=100&status=ready"_s));
        ready = page.value(u"total"_s).toInt();
        if (ready == kModels)
            break;
        QTest::qWait(250);
    }
    QCOMPARE(ready, kModels);
    qInfo("%d models ready %lld ms after the first request", kModels, qint64(clock.elapsed()));
    for (int i = 0; i < kModels; ++i) {
        const QJsonObject m = httpJson(nam, "GET", api(u"/models/%1"_s.arg(ids[i])));
        const QString dir = m.value(u"file_path"_s).toString();
        // The files the download recorded, byte for byte the Hub's.
        const Result<QList<ModelFileRecord>> recorded = stores->models->files(QUuid::fromString(ids[i]));
        QVERIFY(recorded.ok());
        QStringList paths;
        for (const ModelFileRecord &r : *recorded) {
            const std::optional<fakehub::FileInfo> f = m_hub.fileInfo(repoName(i), u"main"_s, r.path);
            QVERIFY2(f && sha256Of(dir + u'/' + r.path) == f->sha256, qPrintable(dir + u'/' + r.path));
            paths << r.path;
        }
        QVERIFY2(paths.contains(u"model.safetensors"_s) && paths.contains(u"payload.dat"_s),
                 qPrintable(paths.join(u',')));
        if (i < kQuantized)
            QVERIFY2(!m.value(u"quantized_path"_s).toString().isEmpty(), qPrintable(ids[i]));
    }

    // All the others were claimed from behind it: the newer-format job was never taken.
    const Result<JobRecord> untouched = jobs->get(futureJob->change.job->id);
    QVERIFY(untouched.ok());
    QCOMPARE(untouched->state, JobState::Queued);
    QCOMPARE(untouched->claimSeq, qint64(0));

    // --- exactly one owner at a time (the outbox: who committed each transition) -----------------
    const Result<std::vector<OutboxEvent>> events = jobs->eventsAfter(0, 100000);
    QVERIFY(events.ok());
    std::map<QString, std::vector<std::pair<QString, QString>>> perJob; // job → (state, origin)
    QString completedBy; // who finished the victim's download
    for (const OutboxEvent &e : *events) {
        if (e.type == u"job_changed"_s) {
            const QJsonObject j = e.payload.value(u"job"_s).toObject();
            perJob[j.value(u"id"_s).toString()].push_back({j.value(u"state"_s).toString(), e.originId});
        }
        if (e.type == u"download_completed"_s && e.modelId == victim->modelId)
            completedBy = e.originId;
    }
    QVERIFY(!perJob.empty());
    for (const auto &[job, transitions] : perJob) {
        QString owner; // the process holding the job now, empty when none does
        for (const auto &[state, origin] : transitions) {
            if (state == u"running"_s) {
                QVERIFY2(owner.isEmpty(), qPrintable(u"job %1 claimed by %2 while %3 held it"_s.arg(job, origin, owner)));
                owner = origin;
            } else if (state == u"done"_s) {
                QCOMPARE(origin, owner); // only the holder finishes it
                owner.clear();
            } else if (state == u"queued"_s) {
                owner.clear(); // released, or reaped after its lease expired
            }
        }
        // A download followed by its quantization ends in the transaction that queues the next
        // job (whose events that transaction records): it must not be left running.
        if (!owner.isEmpty()) {
            const Result<JobRecord> j = jobs->get(QUuid::fromString(job));
            QVERIFY(j.ok());
            QCOMPARE(j->state, JobState::Done);
        }
    }
    const Result<JobRecord> victimJob = jobs->get(victim->id);
    QVERIFY(victimJob.ok());
    QCOMPARE(victimJob->state, JobState::Done);
    QVERIFY(victimJob->claimSeq >= 2);
    QVERIFY(!completedBy.isEmpty());
    QVERIFY(completedBy != victim->ownerId);
    QVERIFY(workers.contains(completedBy));

    // --- no byte range fetched by two owners at once (the fake Hub's log) ------------------------
    // Each payload is unique to its repo (the tiny checkpoints are shared, so their CDN paths are
    // too). Requests for overlapping bytes of one payload never overlap in time: a job's bytes are
    // fetched again only after its previous owner stopped (killed, or its lease lost). The
    // victim's successor resumed from the journal: it fetched less than the whole payload again.
    struct Fetch
    {
        qint64 from, to, startMs, endMs;
    };
    QHash<QString, QString> payloadRepo; // CDN path → repo
    for (int i = 0; i < kModels; ++i)
        payloadRepo.insert(u"/cdn/"_s + QString::fromLatin1(m_hub.fileInfo(repoName(i), u"main"_s, u"payload.dat"_s)->sha256),
                           repoName(i));
    const int victimIndex = ids.indexOf(victim->modelId.toString(QUuid::WithoutBraces));
    QVERIFY(victimIndex >= 0);
    QHash<QString, QList<Fetch>> fetched;
    qint64 refetched = 0; // victim payload bytes asked for after the kill
    for (const fakehub::LogEntry &e : m_hub.log()) {
        if (e.listener != fakehub::Listener::Cdn || e.method != "GET" || !payloadRepo.contains(e.path))
            continue;
        auto [from, to] = parseRange(e.range);
        if (to < 0)
            to = kPayloadBytes - 1;
        if (payloadRepo.value(e.path) == repoName(victimIndex) && e.seq > killSeq)
            refetched += to - from + 1;
        QList<Fetch> &list = fetched[e.path];
        for (const Fetch &f : std::as_const(list)) {
            if (to < f.from || from > f.to)
                continue;
            // One owner's end game: an idle connection takes the second half of a piece in flight
            // (same end, another start; the log may list either first). Two owners would both
            // fetch a piece from its start.
            if (from != f.from && to == f.to)
                continue;
            QVERIFY2(e.elapsedMs > f.endMs || f.startMs > e.lastMs,
                     qPrintable(u"%1 (%2): bytes %3-%4 fetched at %5-%6 ms while %7-%8 was at %9-%10 ms"_s
                                    .arg(e.path, payloadRepo.value(e.path)).arg(from).arg(to).arg(e.elapsedMs).arg(e.lastMs)
                                    .arg(f.from).arg(f.to).arg(f.startMs).arg(f.endMs)));
        }
        list.push_back({from, to, e.elapsedMs, e.lastMs});
    }
    QCOMPARE(fetched.size(), kModels);
    qInfo("the victim's successor fetched %lld of %lld payload bytes", refetched, kPayloadBytes);
    QVERIFY(refetched > 0 && refetched < kPayloadBytes);

    // --- the WebSocket client on serve saw every job, although all ran on workers ---------------
    for (const QString &id : std::as_const(ids)) {
        QTRY_VERIFY2_WITH_TIMEOUT(seen.value(id).contains(u"status_changed:ready"_s), qPrintable(id), 10000);
        QVERIFY2(seen.value(id).contains(u"download_completed"_s), qPrintable(seen.value(id).join(u',')));
        QVERIFY2(progressSeen.value(id) > 0, qPrintable(seen.value(id).join(u',')));
    }
    for (int i = 0; i < kQuantized; ++i)
        QVERIFY2(seen.value(ids[i]).contains(u"quantize_completed"_s), qPrintable(seen.value(ids[i]).join(u',')));

    // --- SIGTERM drains the workers left --------------------------------------------------------
    for (auto it = workers.begin(); it != workers.end(); ++it) {
        if (it.value() == killed)
            continue;
        it.value()->terminate();
        QVERIFY(it.value()->waitForFinished(30000));
        QCOMPARE(it.value()->exitStatus(), QProcess::NormalExit);
        QCOMPARE(it.value()->exitCode(), 0);
    }
    ws.close();
}

QTEST_GUILESS_MAIN(TestWorkersPg)
#include "tst_workers_pg.moc"
