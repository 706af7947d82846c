// workerbench: `mistudio worker` processes over a shared PostgreSQL catalogue (docs/deploy.md).
//
//   workerbench --binary build/ci/bin/mistudio --pg-url-file /tmp/pgstate/url
//               [--models 12] [--payload-bytes 4000000] [--cdn-rate 1000000] [--lease-ms 3000]
//               [--results bench/RESULTS.md]
//
// The fake Hub runs in this process with a per-connection CDN bandwidth cap, so downloads are
// network-bound. This process queues the downloads (as `serve --no-worker` would) and watches
// the catalogue; the workers are separate processes. Runs:
//   1. jobs per minute with 1 worker and with 3 (each --concurrency 2), the same jobs;
//   2. 3 workers with room for 20 downloads at once: one worker SIGKILLed mid-download, the
//      time until its job runs again elsewhere; the latency of the workers' state-change events
//      as this process's relay publishes them (outbox created_at → publication here, both on this
//      host's clock, PostgreSQL's at millisecond resolution); PostgreSQL notifications per second
//      this process heard while the 20 downloads ran.
#include "fakehub/fakehub.h"
#include "fakehub/fixtures/fixturerepos.h"
#include "pgtestdb.h"
#include "service/eventbus.h"
#include "service/eventrelay.h"
#include "service/jobevents.h"
#include "store/cataloguelistener.h"
#include "store/storefactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

struct Settings
{
    QString binary;
    int models = 12;
    qint64 payloadBytes = 4'000'000;
    qint64 cdnRate = 1'000'000;
    int leaseMs = 3000;
};

struct Outcome
{
    int workers = 0;
    int concurrency = 0;
    int jobs = 0;
    double seconds = 0;
    int peakRunning = 0;
    double deathToResumeMs = -1;
    double deathToDoneMs = -1;
    std::vector<double> latencyMs;
    qint64 notifications = 0;
    qint64 relayed = 0;
    qint64 progress = 0;
    double downloadSeconds = 0; // while downloads ran (first claim → last done)
    bool ok = false;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

void pump(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

QString repoName(int i)
{
    return u"bench/model-%1"_s.arg(i, 2, 10, QLatin1Char('0'));
}

Outcome run(const Settings &s, fakehub::FakeHub &hub, int workerCount, int concurrency, int jobs, bool killOne)
{
    Outcome out;
    out.workers = workerCount;
    out.concurrency = concurrency;
    out.jobs = jobs;
    auto scratch = test::ScratchPgDatabase::create();
    if (!scratch) {
        std::fprintf(stderr, "workerbench: %s\n", qPrintable(scratch.error().message));
        return out;
    }
    QTemporaryDir home;
    AppConfig config;
    config.databaseUrl = (*scratch)->url();
    config.dataDir = home.filePath(u"data"_s);
    Result<Stores> stores = openStores(config, u"bench"_s);
    if (!stores) {
        std::fprintf(stderr, "workerbench: %s\n", qPrintable(stores.error().toString()));
        return out;
    }
    EventBus bus;
    QObject receiver;
    QObject::connect(&bus, &EventBus::eventPublished, &receiver, [&](const ModelEvent &e) {
        if (!e.isProgress() && e.timestamp().isValid())
            out.latencyMs.push_back(double(QDateTime::currentMSecsSinceEpoch() - e.timestamp().toMSecsSinceEpoch()));
    }, Qt::DirectConnection);
    EventRelay::Options ro;
    ro.originId = u"bench"_s;
    EventRelay relay(stores->jobs, stores->models, &bus, std::make_unique<CatalogueListener>(stores->database), ro);
    if (!relay.start())
        return out;

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HF_ENDPOINT"_s, hub.endpoint().toString());
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u".config"_s));
    env.insert(u"MISTUDIO_JOB_LEASE_MS"_s, QString::number(s.leaseMs));
    env.insert(u"MISTUDIO_DOWNLOAD_CHUNK_BYTES"_s, QString::number(1 << 20));
    env.remove(u"HF_TOKEN"_s);
    std::vector<std::unique_ptr<QProcess>> procs;
    QHash<QString, QProcess *> byOwner;
    // The first process records the data directory's identity: start one, then the others.
    for (int i = 0; i < workerCount; ++i) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env);
        p->start(s.binary, {u"worker"_s, u"--concurrency"_s, QString::number(concurrency), u"--database-url"_s,
                            config.databaseUrl, u"--data-dir"_s, config.dataDir});
        QByteArray text;
        QElapsedTimer t;
        t.start();
        QRegularExpressionMatch m;
        while (t.elapsed() < 30000 && !m.hasMatch()) {
            p->waitForReadyRead(100);
            text += p->readAllStandardOutput();
            m = QRegularExpression(u"mistudio: worker (\\S+) on "_s).match(QString::fromUtf8(text));
        }
        if (!m.hasMatch()) {
            std::fprintf(stderr, "workerbench: a worker did not start: %s\n", p->readAllStandardError().constData());
            return out;
        }
        byOwner.insert(m.captured(1), p.get());
        procs.push_back(std::move(p));
    }

    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < jobs; ++i) {
        NewModel m;
        m.repoId = repoName(i);
        const Result<CommittedChange> created = stores->jobs->createModel(m, recordEvents());
        if (!created)
            return out;
        NewJob job{created->change.after->id, JobKind::Download, QJsonObject{{u"connections"_s, 2}}, u"auto"_s, {}};
        if (!stores->jobs->enqueue(job, {}, recordEvents()))
            return out;
    }
    std::optional<JobRecord> victim;
    qint64 killedAtMs = -1;
    qint64 firstClaimMs = -1;
    const qint64 notificationsBefore = relay.counters().notifications;
    while (clock.elapsed() < 600000) {
        pump(20);
        JobQuery all;
        const Result<std::vector<JobRecord>> list = stores->jobs->list(all);
        if (!list)
            continue;
        int running = 0;
        int done = 0;
        for (const JobRecord &j : *list) {
            running += j.state == JobState::Running ? 1 : 0;
            done += j.state == JobState::Done ? 1 : 0;
            if (victim && j.id == victim->id && out.deathToResumeMs < 0 && j.state == JobState::Running
                && j.claimSeq > victim->claimSeq)
                out.deathToResumeMs = double(clock.elapsed() - killedAtMs);
            if (victim && j.id == victim->id && out.deathToDoneMs < 0 && j.state == JobState::Done)
                out.deathToDoneMs = double(clock.elapsed() - killedAtMs);
        }
        if (running > 0 && firstClaimMs < 0)
            firstClaimMs = clock.elapsed();
        out.peakRunning = std::max(out.peakRunning, running);
        if (killOne && !victim) {
            for (const JobRecord &j : *list) {
                if (j.state == JobState::Running && j.progress >= 30 && j.progress <= 70 && byOwner.contains(j.ownerId)) {
                    victim = j;
                    ::kill(pid_t(byOwner.value(j.ownerId)->processId()), SIGKILL);
                    killedAtMs = clock.elapsed();
                    break;
                }
            }
        }
        if (done == jobs) {
            out.ok = true;
            break;
        }
    }
    out.seconds = double(clock.elapsed()) / 1000.0;
    out.downloadSeconds = double(clock.elapsed() - std::max<qint64>(0, firstClaimMs)) / 1000.0;
    pump(300); // the last events
    const EventRelay::Counters c = relay.counters();
    out.notifications = c.notifications - notificationsBefore;
    out.relayed = c.relayed;
    out.progress = c.progress;
    relay.stop();
    for (auto &p : procs) {
        if (p->state() == QProcess::Running) {
            p->terminate();
            p->waitForFinished(40000);
        }
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOption({u"binary"_s, u"The mistudio binary."_s, u"PATH"_s});
    p.addOption({u"pg-url-file"_s, u"File with the cluster URL (tests/pg/pgcluster.sh start DIR writes DIR/url)."_s, u"FILE"_s});
    p.addOption({u"models"_s, u"Downloads in the 1-vs-3 runs."_s, u"N"_s, u"12"_s});
    p.addOption({u"payload-bytes"_s, u"LFS payload per repo."_s, u"BYTES"_s, u"4000000"_s});
    p.addOption({u"cdn-rate"_s, u"Per-connection CDN cap, bytes/s."_s, u"BPS"_s, u"1000000"_s});
    p.addOption({u"lease-ms"_s, u"Job lease of the workers."_s, u"MS"_s, u"3000"_s});
    p.addOption({u"results"_s, u"Append the table to this file."_s, u"FILE"_s});
    p.process(app);
    Settings s;
    s.binary = p.value(u"binary"_s);
    s.models = p.value(u"models"_s).toInt();
    s.payloadBytes = p.value(u"payload-bytes"_s).toLongLong();
    s.cdnRate = p.value(u"cdn-rate"_s).toLongLong();
    s.leaseMs = p.value(u"lease-ms"_s).toInt();
    if (s.binary.isEmpty() || !p.isSet(u"pg-url-file"_s)) {
        std::fprintf(stderr, "workerbench: --binary and --pg-url-file are required\n");
        return 2;
    }
    qputenv("MISTUDIO_TEST_PG_URL_FILE", p.value(u"pg-url-file"_s).toLocal8Bit());

    // 20 repos: the tiny gpt2 checkpoint plus an LFS payload of their own.
    fakehub::FakeHub hub;
    const fakehub::FixtureSet fixtures = fakehub::buildStandardFixtures();
    const fakehub::Repo base = fixtures.repos.value(u"org/tiny-gpt2"_s);
    const fakehub::Commit *baseCommit = base.commit(base.branches.value(u"main"_s));
    for (int i = 0; i < std::max(20, s.models); ++i) {
        fakehub::Repo r;
        r.id = repoName(i);
        QList<fakehub::RepoFile> files = baseCommit->files.values();
        QByteArray payload(s.payloadBytes, Qt::Uninitialized);
        QRandomGenerator gen(quint32(7000 + i));
        gen.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
        files << fakehub::RepoFile{u"payload.dat"_s, fakehub::MemoryBlob::make(payload), true};
        r.addCommit(u"main"_s, u"bench"_s, files);
        hub.addRepo(r);
    }
    hub.setCdnBandwidthPerConnection(s.cdnRate);
    QString error;
    if (!hub.start(&error)) {
        std::fprintf(stderr, "workerbench: %s\n", qPrintable(error));
        return 1;
    }

    QFile loadFile(u"/proc/loadavg"_s);
    const QString loadAverage = loadFile.open(QIODevice::ReadOnly)
        ? QString::fromLatin1(loadFile.readAll()).section(u' ', 0, 2)
        : u"?"_s;
    const Outcome one = run(s, hub, 1, 2, s.models, false);
    const Outcome three = run(s, hub, 3, 2, s.models, false);
    const Outcome kill = run(s, hub, 3, 10, 20, true);
    for (const Outcome *o : {&one, &three, &kill}) {
        if (!o->ok)
            std::fprintf(stderr, "workerbench: the run with %d workers did not finish\n", o->workers);
    }

    auto jpm = [](const Outcome &o) { return o.seconds > 0 ? 60.0 * o.jobs / o.seconds : 0.0; };
    const QString when = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s);
    QString md;
    md += u"\n## workers on a shared PostgreSQL — %1 UTC (bench/workers/workerbench, %2 CPUs, %3)\n\n"_s
              .arg(when).arg(QThread::idealThreadCount()).arg(QSysInfo::prettyProductName());
    md += u"`workerbench --models %1 --payload-bytes %2 --cdn-rate %3 --lease-ms %4`: `mistudio worker` "
          "processes on this host (loopback) share a throwaway PostgreSQL catalogue and data directory; "
          "the in-process fake Hub serves repos of the tiny gpt2 checkpoint plus a %2-byte LFS payload, its "
          "CDN capped at %3 bytes/s per connection (downloads use 2 connections per file), so the work is "
          "network-bound. The bench queues the downloads as a front end would and polls the jobs table "
          "every 20 ms.\n\n"_s
              .arg(s.models).arg(s.payloadBytes).arg(s.cdnRate).arg(s.leaseMs);
    md += u"| run | workers × concurrency | jobs | all done s | jobs/min | peak running | vs 1 worker |\n|---|---|---|---|---|---|---|\n"_s;
    for (const Outcome *o : {&one, &three}) {
        md += u"| %1 | %2 × %3 | %4 | %5 | %6 | %7 | %8× |\n"_s
                  .arg(o == &one ? u"1 worker"_s : u"3 workers"_s)
                  .arg(o->workers).arg(o->concurrency).arg(o->jobs)
                  .arg(o->seconds, 0, 'f', 1).arg(jpm(*o), 0, 'f', 1).arg(o->peakRunning)
                  .arg(jpm(one) > 0 ? jpm(*o) / jpm(one) : 0.0, 0, 'f', 2);
    }
    md += u"\nKill run: 3 workers × 10, 20 downloads at once (peak running %1), one worker SIGKILLed at "
          "30–70 % of a download; lease %2 ms. Load average before the run: %3 (`/proc/loadavg`, shared machine).\n\n"_s.arg(kill.peakRunning).arg(s.leaseMs).arg(loadAverage);
    md += u"| measure | value |\n|---|---|\n"_s;
    md += u"| death → job running on another worker | %1 ms |\n"_s.arg(kill.deathToResumeMs, 0, 'f', 0);
    md += u"| death → that job done | %1 ms |\n"_s.arg(kill.deathToDoneMs, 0, 'f', 0);
    md += u"| cross-process state events relayed here | %1 |\n"_s.arg(kill.latencyMs.size());
    md += u"| their latency p50 / p99 / max (outbox created_at, the transaction's start → published here) | %1 / %2 / %3 ms |\n"_s
              .arg(percentile(kill.latencyMs, 0.5), 0, 'f', 0)
              .arg(percentile(kill.latencyMs, 0.99), 0, 'f', 0)
              .arg(kill.latencyMs.empty() ? -1.0 : *std::max_element(kill.latencyMs.begin(), kill.latencyMs.end()), 0, 'f', 0);
    md += u"| notifications heard while the 20 downloads ran | %1 in %2 s = %3 /s |\n"_s
              .arg(kill.notifications).arg(kill.downloadSeconds, 0, 'f', 1)
              .arg(kill.downloadSeconds > 0 ? double(kill.notifications) / kill.downloadSeconds : 0.0, 0, 'f', 1);
    md += u"| progress events published here (coalesced) | %1 = %2 /s |\n"_s
              .arg(kill.progress)
              .arg(kill.downloadSeconds > 0 ? double(kill.progress) / kill.downloadSeconds : 0.0, 0, 'f', 1);
    std::printf("%s", qPrintable(md));
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (f.open(QIODevice::Append))
            f.write(md.toUtf8());
    }
    return one.ok && three.ok && kill.ok ? 0 : 1;
}
