// Two ModelService stacks on one catalogue, as two processes sharing a data dir (SQLite) or a
// PostgreSQL database (tst_sharedcatalogue_pg): every job is claimed by one owner at a time, an
// owner that lost its lease commits nothing and stops, pause and cancel reach the process that
// runs the job, a starting stack never takes a live peer's running job, a dead owner's job is
// taken over once its lease expires, and a quantization runs on the device it asked for.
// Each harness has its own owner identity, connections, bus and engines (serviceharness.h).
#include "serviceharness.h"

#ifdef MISTUDIO_TEST_PG
#include "pgtestdb.h"
#endif

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace std::chrono_literals;
using test::ServiceHarness;

namespace {

QUuid createModel(ServiceHarness &h, const QString &repo)
{
    NewModel m;
    m.repoId = repo;
    const Result<ModelRecord> r = h.service->create(m);
    if (!r)
        qFatal("create: %s", qPrintable(r.error().toString()));
    return r->id;
}

// The model's current (or last) job of a kind, as the catalogue holds it.
JobRecord lastJob(ServiceHarness &h, const QUuid &modelId, JobKind kind = JobKind::Download)
{
    JobQuery q;
    q.modelId = modelId;
    q.kind = kind;
    const auto jobs = h.stores.jobs->list(q);
    if (!jobs || jobs->empty())
        qFatal("no job for the model");
    return jobs->back();
}

// Fast timers, so that the tests wait on conditions for fractions of a second.
void quickTimers(ServiceHarness &, ServiceOptions &o)
{
    o.lease = 2000ms;
    o.stopPollInterval = 50ms;
    o.reapInterval = 100ms;
    o.claimPollInterval = 100ms;
}

} // namespace

class TestSharedCatalogue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyJobIsClaimedOnce();
    void frontEndOnlyWritesRequests();
    void lostLeaseCommitsNothingAndStops();
    void pauseAndCancelReachTheRunningProcess();
    void startingStackLeavesALivePeersJobAlone();
    void deadOwnersJobIsTakenOverAfterItsLease();
    void quantizationRunsOnTheRequestedDevice();
    void repoDownloadsRacingJobEndsNeverFail();

private:
    ServiceHarness::Tune tuned(ServiceHarness::Tune extra = {}) const
    {
        return [extra](ServiceHarness &h, ServiceOptions &o) {
            quickTimers(h, o);
            if (extra)
                extra(h, o);
        };
    }
    std::unique_ptr<ServiceHarness> stack(int chunkDelayMs = 0, ServiceHarness::Tune extra = {})
    {
        return std::make_unique<ServiceHarness>(m_dir->path(), chunkDelayMs, m_databaseUrl, tuned(std::move(extra)));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_databaseUrl; // empty: the SQLite file in the data dir
#ifdef MISTUDIO_TEST_PG
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
#endif
};

void TestSharedCatalogue::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
#ifdef MISTUDIO_TEST_PG
    // A fresh database per test function; a missing cluster fails, never skips.
    auto db = test::ScratchPgDatabase::create();
    QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().toString()));
    m_pg = std::move(db.value());
    m_databaseUrl = m_pg->url();
#endif
}

void TestSharedCatalogue::cleanup()
{
#ifdef MISTUDIO_TEST_PG
    m_pg.reset();
#endif
    m_dir.reset();
}

void TestSharedCatalogue::everyJobIsClaimedOnce()
{
    auto a = stack(5);
    auto b = stack(5);
    QVERIFY(a->service->start().ok());
    QVERIFY(b->service->start().ok());
    // Requests written half by each stack; both run jobs and compete for every claim.
    QList<QUuid> ids;
    for (int i = 0; i < 8; ++i) {
        ServiceHarness &writer = (i % 2) ? *b : *a;
        const QUuid id = createModel(writer, u"org/model-%1"_s.arg(i));
        QVERIFY(writer.service->download(id, {}).ok());
        ids << id;
    }
    for (const QUuid &id : std::as_const(ids))
        QTRY_COMPARE_WITH_TIMEOUT(a->status(id), ModelStatus::Ready, 30000);
    QCOMPARE(a->download->calls.load() + b->download->calls.load(), ids.size());
    for (const QUuid &id : std::as_const(ids)) {
        const JobRecord job = lastJob(*a, id);
        QCOMPARE(job.state, JobState::Done);
        QCOMPARE(job.claimSeq, qint64(1)); // never claimed a second time
        QCOMPARE(job.attempts, 1);
        // One writer per file: a second owner would have appended to the same part file.
        QCOMPARE(QFileInfo(a->service->get(id)->filePath + u"/model.safetensors"_s).size(), 8 * 64 * 1024);
    }
}

void TestSharedCatalogue::frontEndOnlyWritesRequests()
{
    auto worker = stack();
    auto front = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.runsJobs = false; });
    QVERIFY(worker->service->start().ok());
    QVERIFY(front->service->start().ok());
    const QUuid id = createModel(*front, u"org/front"_s);
    QVERIFY(front->service->download(id, {}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(front->status(id), ModelStatus::Ready, 10000);
    QCOMPARE(front->download->calls.load(), 0);
    QCOMPARE(worker->download->calls.load(), 1);
    // The front end's workers view names the process that ran it.
    const auto workers = front->service->workers();
    QVERIFY(workers.ok());
    QVERIFY(std::any_of(workers->begin(), workers->end(),
                        [&](const WorkerRecord &w) { return w.id == worker->ownerId; }));
}

void TestSharedCatalogue::lostLeaseCommitsNothingAndStops()
{
    // A's lease is short and never renewed (no heartbeat, no reaper, no claim poll): it lapses while
    // A still downloads, as it would for a process stalled longer than its lease.
    auto a = stack(20, [](ServiceHarness &, ServiceOptions &o) {
        o.lease = 300ms;
        o.heartbeatInterval = 1h;
        o.reapInterval = 1h;
        o.claimPollInterval = 1h; // the requeued job is left to the other process
    });
    a->download->chunks = 2000;
    QVERIFY(a->service->start().ok());
    const QUuid id = createModel(*a, u"org/lost"_s);
    QVERIFY(a->service->download(id, {}).ok());
    QTRY_COMPARE(lastJob(*a, id).state, JobState::Running);
    const JobRecord claimed = lastJob(*a, id);
    QCOMPARE(claimed.ownerId, a->ownerId);

    // Another process reaps the expired lease and claims the job (claim 2).
    auto b = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.runsJobs = false; });
    WorkerRecord intruder;
    intruder.id = u"other-host/boot/1/1"_s;
    intruder.host = u"other-host"_s;
    intruder.role = u"worker"_s;
    intruder.kinds = {u"download"_s};
    ClaimFilter filter;
    filter.offers.push_back({JobKind::Download, {}, true});
    std::optional<JobRecord> reclaimed;
    qsizetype eventsBeforeReclaim = 0;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
        eventsBeforeReclaim = a->events.size();
        if (!b->stores.jobs->reapExpired({}).ok())
            return false;
        const auto c = b->stores.jobs->claim(intruder, filter, 60s);
        if (c.ok() && c->has_value())
            reclaimed = **c;
        return reclaimed.has_value();
    }()), 10000);
    QCOMPARE(reclaimed->id, claimed.id);
    QCOMPARE(reclaimed->claimSeq, claimed.claimSeq + 1);

    // A learns it at its next fenced write, stops writing, and records nothing.
    QTRY_COMPARE_WITH_TIMEOUT(a->download->stopped.load(), 1, 10000);
    a->service->shutdown(); // nothing of A's may still be running or writing
    const JobRecord after = lastJob(*b, id);
    QCOMPARE(after.state, JobState::Running);
    QCOMPARE(after.ownerId, intruder.id);
    QCOMPARE(after.claimSeq, reclaimed->claimSeq);
    QCOMPARE(b->status(id), ModelStatus::Downloading);
    // Nothing A published after the reclaim speaks of a state change (progress it had in hand
    // before it noticed is all it may add).
    for (qsizetype i = eventsBeforeReclaim; i < a->events.size(); ++i)
        QVERIFY2(a->events[i].isProgress(), qPrintable(a->events[i].name()));
    // A's own end (released at shutdown) was refused by the fence too: still the intruder's.
    QCOMPARE(lastJob(*b, id).ownerId, intruder.id);
}

void TestSharedCatalogue::pauseAndCancelReachTheRunningProcess()
{
    auto runner = stack(10);
    runner->download->chunks = 2000;
    auto front = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.runsJobs = false; });
    QVERIFY(runner->service->start().ok());
    QVERIFY(front->service->start().ok());
    const QUuid id = createModel(*front, u"org/remote-stop"_s);
    QVERIFY(front->service->download(id, {}).ok());
    QTRY_VERIFY(runner->download->calls.load() == 1 && lastJob(*front, id).state == JobState::Running);

    // Pause from the other process: the runner stops and writes the paused state itself.
    QVERIFY(front->service->pause(id).ok());
    QTRY_COMPARE_WITH_TIMEOUT(lastJob(*front, id).state, JobState::Paused, 10000);
    QCOMPARE(runner->download->stopped.load(), 1);

    // Resume, then cancel from the other process while it runs again.
    QVERIFY(front->service->resume(id).ok());
    QTRY_VERIFY(runner->download->calls.load() == 2 && lastJob(*front, id).state == JobState::Running);
    QVERIFY(front->service->cancel(id).ok());
    QTRY_COMPARE_WITH_TIMEOUT(lastJob(*front, id).state, JobState::Cancelled, 10000);
    QCOMPARE(runner->download->stopped.load(), 2);
    QCOMPARE(front->status(id), ModelStatus::Pending);
}

void TestSharedCatalogue::startingStackLeavesALivePeersJobAlone()
{
    // The reported defect: a second face started on the same catalogue took the first one's
    // running job. Desktop-like A runs a job; serve-like B starts (recovery at start, reaper,
    // claim polls) while it runs.
    auto a = stack(10, [](ServiceHarness &, ServiceOptions &o) { o.role = u"desktop"_s; });
    a->download->chunks = 150;
    QVERIFY(a->service->start().ok());
    const QUuid id = createModel(*a, u"org/peer"_s);
    QVERIFY(a->service->download(id, {}).ok());
    QTRY_COMPARE(lastJob(*a, id).state, JobState::Running);
    auto b = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.role = u"serve"_s; });
    QVERIFY(b->service->start().ok());
    QTRY_COMPARE_WITH_TIMEOUT(b->status(id), ModelStatus::Ready, 30000);
    const JobRecord job = lastJob(*b, id);
    QCOMPARE(job.claimSeq, qint64(1));
    QCOMPARE(job.attempts, 1);
    QCOMPARE(b->download->calls.load(), 0);
    QCOMPARE(a->download->calls.load(), 1);
    QCOMPARE(QFileInfo(b->service->get(id)->filePath + u"/model.safetensors"_s).size(), 150 * 64 * 1024);
}

void TestSharedCatalogue::deadOwnersJobIsTakenOverAfterItsLease()
{
    // A process on another host claimed the job and died: nothing renews its lease. Only the
    // lease's expiry can free the job (its pid means nothing here).
    auto b = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.runsJobs = false; });
    const QUuid id = createModel(*b, u"org/orphan"_s);
    QVERIFY(b->service->download(id, {}).ok());
    WorkerRecord dead;
    dead.id = u"gone-host/boot/7/7"_s;
    dead.host = u"gone-host"_s;
    dead.role = u"worker"_s;
    ClaimFilter filter;
    filter.offers.push_back({JobKind::Download, {}, true});
    const auto claimed = b->stores.jobs->claim(dead, filter, 1500ms);
    QVERIFY(claimed.ok() && claimed->has_value());

    auto survivor = stack();
    QVERIFY(survivor->service->start().ok());
    QTRY_COMPARE_WITH_TIMEOUT(survivor->status(id), ModelStatus::Ready, 15000);
    const JobRecord job = lastJob(*survivor, id);
    QCOMPARE(job.claimSeq, qint64(2));
    QCOMPARE(survivor->download->calls.load(), 1);
}

void TestSharedCatalogue::quantizationRunsOnTheRequestedDevice()
{
    auto gpu0 = stack(0, [](ServiceHarness &h, ServiceOptions &) { h.quantizer->gpuList = {u"cuda:0"_s}; });
    auto gpu1 = stack(0, [](ServiceHarness &h, ServiceOptions &) { h.quantizer->gpuList = {u"cuda:1"_s}; });
    QVERIFY(gpu0->service->start().ok());
    QVERIFY(gpu1->service->start().ok());
    int expected0 = 0;
    int expected1 = 0;
    for (const QString &device : {u"cuda:1"_s, u"cuda:0"_s, u"cuda:1"_s}) {
        const QUuid id = createModel(*gpu0, u"org/quant-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128)));
        QVERIFY(gpu0->service->download(id, {}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(gpu0->status(id), ModelStatus::Ready, 10000);
        QuantizeRequest req;
        req.mode = u"bnb-4bit"_s;
        req.device = device;
        QVERIFY(gpu0->service->quantize(id, req).ok());
        QTRY_COMPARE_WITH_TIMEOUT(lastJob(*gpu0, id, JobKind::Quantize).state, JobState::Done, 10000);
        const JobRecord job = lastJob(*gpu0, id, JobKind::Quantize);
        QCOMPARE(job.device, device);
        QCOMPARE(job.runDevice, device);
        ServiceHarness &ran = device == u"cuda:1"_s ? *gpu1 : *gpu0;
        (device == u"cuda:1"_s ? expected1 : expected0) += 1;
        QCOMPARE(ran.quantizer->lastSpec().device, device);
        QCOMPARE(gpu0->quantizer->calls.load(), expected0);
        QCOMPARE(gpu1->quantizer->calls.load(), expected1);
    }
}

void TestSharedCatalogue::repoDownloadsRacingJobEndsNeverFail()
{
    // "Download this repo" from two faces while the other process's jobs start and end: each
    // answer is one of the policy's outcomes, never an error because the state moved between
    // two reads (a job that ended right after its check gave illegal_transition before).
    auto runner = stack();
    runner->download->chunks = 2;
    auto front = stack(0, [](ServiceHarness &, ServiceOptions &o) { o.runsJobs = false; });
    QVERIFY(runner->service->start().ok());
    QVERIFY(front->service->start().ok());
    QHash<int, int> outcomes;
    auto count = [&](RepoDownload::Outcome o) { return outcomes.value(int(o)); };
    for (int i = 0; i < 20000 && (count(RepoDownload::Outcome::Started) < 20
                                  || count(RepoDownload::Outcome::AlreadyReady) < 20); ++i) {
        ServiceHarness &face = (i % 2) ? *front : *runner;
        const Result<RepoDownload> r = face.service->downloadRepo(u"org/raced"_s, {}).result();
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        ++outcomes[int(r->outcome)];
        if (r->outcome == RepoDownload::Outcome::AlreadyReady) {
            const Result<Removal> gone = face.service->remove(r->model.id).result();
            QVERIFY2(gone.ok(), qPrintable(gone.ok() ? QString() : gone.error().toString()));
        }
    }
    // The loop went through the cycle many times: created, found running, found ready.
    QCOMPARE(count(RepoDownload::Outcome::Started) >= 20, true);
    QCOMPARE(count(RepoDownload::Outcome::AlreadyReady) >= 20, true);
}

QTEST_GUILESS_MAIN(TestSharedCatalogue)
#include "tst_sharedcatalogue.moc"
