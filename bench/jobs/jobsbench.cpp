// The jobs core's latencies over a real catalogue (SQLite file, and PostgreSQL with
// --database-url), two ModelService stacks sharing it as two processes would (own owner
// identities, own connections, own buses; nothing passes between them but the database):
//  - claim-to-start, local: download() on the stack that runs jobs → its engine is called
//    (the worker is woken in-process);
//  - claim-to-start, cross-process: download() written by a front end (no worker) → the
//    runner's engine is called (the runner finds it by its claim poll, default 1 s);
//  - pause, cross-process: pause() on the front end → the runner's engine sees the stop, and →
//    the row reads `paused` (the runner polls stop requests, default every 250 ms).
// Reference measured in the same run: one bare JobQueue::claim() transaction (the SQL floor of
// a claim) and one requestStop() transaction. Default service timers unless told otherwise.
//
//   jobsbench [--runs 40] [--database-url URL] [--results bench/RESULTS.md]

#include "service/modelservice.h"
#include "service/processidentity.h"
#include "store/storefactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace std::chrono_literals;

namespace {

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A download that stamps when it is called and when it sees the stop, and otherwise waits.
class ProbeDownload final : public DownloadBackend
{
public:
    std::atomic<qint64> startedUs{-1};
    std::atomic<qint64> stopSeenUs{-1};

    Result<DownloadOutcome> download(const DownloadSpec &, const std::function<void(const DownloadProgressInfo &)> &,
                                     const JobControl &control) override
    {
        startedUs = nowUs();
        while (!control.stopRequested())
            QThread::usleep(200);
        stopSeenUs = nowUs();
        return Error::make(ErrorCode::Cancelled, u"stopped"_s);
    }
};

struct Stack
{
    Stack(const QString &dataDir, const QString &databaseUrl, bool runsJobs)
    {
        AppConfig cfg;
        cfg.dataDir = dataDir;
        cfg.databaseUrl = databaseUrl;
        owner = ProcessIdentity::current(QUuid::createUuid().toString(QUuid::WithoutBraces)).id();
        Result<Stores> s = openStores(cfg, owner);
        if (!s)
            qFatal("openStores: %s", qPrintable(s.error().toString()));
        stores = *s;
        Engines e;
        e.download = probe;
        ServiceOptions o;
        o.dataDir = DataDir(dataDir);
        o.ownerId = owner;
        o.runsJobs = runsJobs;
        service = std::make_unique<ModelService>(stores.models, stores.jobs, &bus, e, o);
    }
    QString owner;
    EventBus bus;
    Stores stores;
    std::shared_ptr<ProbeDownload> probe = std::make_shared<ProbeDownload>();
    std::unique_ptr<ModelService> service;
};

struct Stats
{
    double p50 = 0, p99 = 0, max = 0;
    int n = 0;
};

Stats stats(std::vector<double> v)
{
    Stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))]; };
    s.p50 = at(0.5);
    s.p99 = at(0.99);
    s.max = v.back();
    s.n = int(v.size());
    return s;
}

bool waitFor(const std::function<bool()> &cond, int timeoutMs = 30000)
{
    const qint64 end = nowUs() + qint64(timeoutMs) * 1000;
    while (!cond()) {
        if (nowUs() > end)
            return false;
        QThread::usleep(200);
    }
    return true;
}

std::optional<JobState> jobState(Stack &s, const QUuid &modelId)
{
    const Result<std::optional<JobRecord>> j = s.stores.jobs->active(modelId);
    if (!j || !j->has_value())
        return std::nullopt;
    return (*j)->state;
}

QUuid newModel(Stack &s, int i)
{
    NewModel m;
    m.repoId = u"bench/model-%1"_s.arg(i);
    const Result<ModelRecord> r = s.service->create(m);
    if (!r)
        qFatal("create: %s", qPrintable(r.error().toString()));
    return r->id;
}

struct Figures
{
    QString backend;
    Stats claimSql, stopSql, localStart, remoteStart, pauseSeen, pauseRow;
};

Figures measure(const QString &backend, const QString &databaseUrl, int runs)
{
    QTemporaryDir dir;
    Stack runner(dir.path(), databaseUrl, true);
    Stack front(dir.path(), databaseUrl, false);
    if (!runner.service->start() || !front.service->start())
        qFatal("start failed");
    std::vector<double> localStart, remoteStart, pauseSeen, pauseRow, claimSql, stopSql;
    int n = 0;
    for (int i = 0; i < runs; ++i) {
        // Local: the runner's own request.
        {
            const QUuid id = newModel(runner, n++);
            runner.probe->startedUs = -1;
            const qint64 t0 = nowUs();
            if (!runner.service->download(id, {}))
                qFatal("download");
            if (!waitFor([&] { return runner.probe->startedUs.load() >= 0; }))
                qFatal("local job never started");
            localStart.push_back((runner.probe->startedUs - t0) / 1000.0);
            (void)runner.service->cancel(id); // it ends either way; the next model is new
        }
        // Cross-process: the front end's request, then its pause. A user's request comes at
        // any moment of the runner's claim-poll cycle: a random pause first spreads the phase.
        QThread::msleep(QRandomGenerator::global()->bounded(1000));
        {
            const QUuid id = newModel(front, n++);
            runner.probe->startedUs = -1;
            runner.probe->stopSeenUs = -1;
            const qint64 t0 = nowUs();
            if (!front.service->download(id, {}))
                qFatal("download");
            if (!waitFor([&] { return runner.probe->startedUs.load() >= 0; }))
                qFatal("cross-process job never started");
            remoteStart.push_back((runner.probe->startedUs - t0) / 1000.0);
            if (!waitFor([&] { return jobState(front, id) == JobState::Running; }))
                qFatal("never running");
            const qint64 p0 = nowUs();
            if (!front.service->pause(id))
                qFatal("pause");
            if (!waitFor([&] { return runner.probe->stopSeenUs.load() >= 0; }))
                qFatal("pause never reached the runner");
            pauseSeen.push_back((runner.probe->stopSeenUs - p0) / 1000.0);
            if (!waitFor([&] { return jobState(front, id) == JobState::Paused; }))
                qFatal("never paused");
            pauseRow.push_back((nowUs() - p0) / 1000.0);
            (void)front.service->cancel(id);
        }
    }
    runner.service->shutdown();
    front.service->shutdown();
    // The SQL floors: a claim transaction of a queued job, and a stop request, by a bare queue.
    WorkerRecord bare;
    bare.id = u"bench/bare"_s;
    bare.host = u"bench"_s;
    ClaimFilter filter;
    filter.offers.push_back({JobKind::Download, {}, true});
    for (int i = 0; i < runs; ++i) {
        const QUuid id = newModel(front, n++);
        NewJob job{id, JobKind::Download, {}, u"auto"_s, QString()};
        if (!front.stores.jobs->enqueue(job, {}, {}))
            qFatal("enqueue");
        qint64 t0 = nowUs();
        const auto c = front.stores.jobs->claim(bare, filter, 30s);
        claimSql.push_back((nowUs() - t0) / 1000.0);
        if (!c || !c->has_value())
            qFatal("bare claim found nothing");
        t0 = nowUs();
        if (!front.stores.jobs->requestStop(id, StopRequest::Pause, {}))
            qFatal("requestStop");
        stopSql.push_back((nowUs() - t0) / 1000.0);
        if (!front.stores.jobs->finish((**c).fence(), JobState::Cancelled, {}, {}, std::nullopt, {}))
            qFatal("finish");
    }
    return {backend, stats(claimSql), stats(stopSql), stats(localStart), stats(remoteStart), stats(pauseSeen),
            stats(pauseRow)};
}

QString row(const QString &what, const Stats &s, const Stats &ref)
{
    return u"| %1 | %2 | %3 | %4 | %5 | %6× |"_s.arg(what)
        .arg(s.n)
        .arg(s.p50, 0, 'f', 2)
        .arg(s.p99, 0, 'f', 2)
        .arg(s.max, 0, 'f', 2)
        .arg(ref.p50 > 0 ? s.p50 / ref.p50 : 0.0, 0, 'f', 1);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({u"runs"_s, u"Iterations per measurement"_s, u"N"_s, u"40"_s});
    p.addOption({u"database-url"_s, u"Also measure on this PostgreSQL database (emptied tables are not needed: models are new)"_s, u"URL"_s});
    p.addOption({u"results"_s, u"Append a section to this RESULTS.md"_s, u"FILE"_s});
    p.process(app);
    const int runs = std::max(1, p.value(u"runs"_s).toInt());

    std::vector<Figures> all;
    all.push_back(measure(u"SQLite"_s, {}, runs));
    if (p.isSet(u"database-url"_s))
        all.push_back(measure(u"PostgreSQL"_s, p.value(u"database-url"_s), runs));

    QString out;
    QTextStream ts(&out);
    ts << "\n## jobs core latencies — " << QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s)
       << " UTC (bench/jobs/jobsbench, " << QThread::idealThreadCount() << " CPUs, "
       << QSysInfo::prettyProductName() << ")\n\n"
       << "`jobsbench --runs " << runs << (p.isSet(u"database-url"_s) ? " --database-url URL" : "")
       << "`: two ModelService stacks on one catalogue as two processes (own owner ids, connections and "
          "buses; only the database between them), default timers (claim poll 1 s, stop poll 250 ms). "
          "Ratios against the bare SQL transaction measured in the same run (claim for the starts, "
          "requestStop for the pauses).\n\n"
       << "| backend / latency | n | p50 ms | p99 ms | max ms | p50 vs SQL floor |\n|---|---|---|---|---|---|\n";
    for (const Figures &f : all) {
        ts << row((f.backend + u": bare claim transaction (floor)"_s), f.claimSql, f.claimSql) << "\n"
           << row((f.backend + u": claim-to-start, local request"_s), f.localStart, f.claimSql) << "\n"
           << row((f.backend + u": claim-to-start, other process's request"_s), f.remoteStart, f.claimSql) << "\n"
           << row((f.backend + u": bare requestStop transaction (floor)"_s), f.stopSql, f.stopSql) << "\n"
           << row((f.backend + u": pause from other process → engine stops"_s), f.pauseSeen, f.stopSql) << "\n"
           << row((f.backend + u": pause from other process → row paused"_s), f.pauseRow, f.stopSql) << "\n";
    }
    ts.flush();
    std::fputs(qPrintable(out), stdout);
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (!f.open(QIODevice::Append | QIODevice::Text))
            return 1;
        f.write(out.toUtf8());
    }
    return 0;
}
