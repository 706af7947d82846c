// The jobs table as the one authority (docs/jobs.md), one source for both backends: built as
// tst_jobqueue_sqlite and, with MISTUDIO_TEST_PG, as tst_jobqueue_pg. Two SqlDatabase objects
// on one database stand for two processes (separate connections, separate transactions).
#include "store/modelstatus.h"
#include "store/sqldatabase.h"
#include "store/sqljobqueue.h"
#include "store/sqlmodelstore.h"

#ifdef MISTUDIO_TEST_PG
#include "pgtestdb.h"
#endif

#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <set>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace std::chrono_literals;

#define REQUIRE_OK(expr)                                                                           \
    do {                                                                                           \
        const auto &r_ = (expr);                                                                   \
        QVERIFY2(r_.ok(), r_.ok() ? "" : qPrintable(r_.error().toString()));                       \
    } while (false)

#define TAKE_OK(var, expr)                                                                         \
    auto var##_result = (expr);                                                                    \
    QVERIFY2(var##_result.ok(), var##_result.ok() ? "" : qPrintable(var##_result.error().toString())); \
    auto var = std::move(var##_result).value()

#define REQUIRE_ERROR(expr, expected)                                                              \
    do {                                                                                           \
        const auto &r_ = (expr);                                                                   \
        QVERIFY2(!r_.ok(), "expected an error, got success");                                      \
        QCOMPARE(r_.error().codeName(), errorCodeName(expected));                                  \
    } while (false)

namespace {

// One process's view: its own database object (connections) and queue.
struct Process
{
    std::shared_ptr<SqlDatabase> db;
    std::unique_ptr<SqlJobQueue> queue;
    std::unique_ptr<SqlModelStore> models;
    WorkerRecord me;
};

WorkerRecord worker(const QString &id, const QString &host = u"host-a"_s)
{
    WorkerRecord w;
    w.id = id;
    w.host = host;
    w.pid = 1;
    w.role = u"worker"_s;
    w.kinds = {u"download"_s, u"quantize"_s};
    w.specVersion = kJobSpecVersion;
    return w;
}

ClaimFilter downloads()
{
    ClaimFilter f;
    f.offers.push_back({JobKind::Download, {}});
    return f;
}

ClaimFilter quantizeOn(const QStringList &devices, bool acceptAuto = true)
{
    ClaimFilter f;
    f.offers.push_back({JobKind::Quantize, devices, acceptAuto});
    return f;
}

NewJob downloadJob(const QUuid &model, const QString &affinity = {})
{
    return NewJob{model, JobKind::Download, {{u"revision"_s, u"main"_s}}, u"auto"_s, affinity};
}

// Records one outbox event per change, named after what happened to the status, so that tests
// can see what the recorder saw inside the transaction.
std::vector<OutboxEvent> statusEvents(const ModelChange &c)
{
    OutboxEvent e;
    e.modelId = c.after ? c.after->id : c.before->id;
    if (!c.before)
        e.type = u"model_created"_s;
    else if (!c.after)
        e.type = u"model_deleted"_s;
    else if (c.before->status != c.after->status)
        e.type = u"status_changed"_s;
    else
        return {};
    e.payload = QJsonObject{{u"status"_s, c.after ? modelStatusName(c.after->status) : QString()}};
    return {e};
}

// Runs the reaper once; true when it requeued exactly one job.
bool reapOne(Process &p)
{
    auto reaped = p.queue->reapExpired(statusEvents);
    if (!reaped)
        qWarning("reap: %s", qPrintable(reaped.error().toString()));
    return reaped.ok() && reaped->size() == 1;
}

} // namespace

class TestJobQueue final : public QObject
{
    Q_OBJECT

private:
    SqlTarget m_target;
    std::unique_ptr<QTemporaryDir> m_tmp;
#ifdef MISTUDIO_TEST_PG
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
#endif
    Process m_a;
    Process m_b;

    Status open(Process &p, const QString &id, const QString &host = u"host-a"_s)
    {
        auto db = SqlDatabase::open(m_target);
        if (!db)
            return db.error();
        p.db = *db;
        p.queue = std::make_unique<SqlJobQueue>(p.db, id);
        p.models = std::make_unique<SqlModelStore>(p.db);
        p.me = worker(id, host);
        return p.queue->registerWorker(p.me);
    }

    Result<ModelRecord> addModel(const QString &repo = u"org/model"_s)
    {
        NewModel m;
        m.repoId = repo;
        auto c = m_a.queue->createModel(m, statusEvents);
        if (!c)
            return c.error();
        return *c->change.after;
    }

private Q_SLOTS:
    void initTestCase()
    {
#ifdef MISTUDIO_TEST_PG
        const auto url = test::pgClusterUrl();
        QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
#endif
    }

    void init()
    {
#ifdef MISTUDIO_TEST_PG
        if (!m_pg) {
            TAKE_OK(scratch, test::ScratchPgDatabase::create());
            m_pg = std::move(scratch);
        } else {
            REQUIRE_OK(m_pg->reset());
        }
        TAKE_OK(url, DatabaseUrl::parse(m_pg->url()));
        m_target.backend = SqlBackend::Postgres;
        m_target.postgres = url;
#else
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_target.backend = SqlBackend::Sqlite;
        m_target.sqliteFile = m_tmp->filePath(u"mistudio.sqlite3"_s);
#endif
        REQUIRE_OK(open(m_a, u"host-a/boot/100/1"_s));
        REQUIRE_OK(open(m_b, u"host-b/boot/200/1"_s, u"host-b"_s));
    }

    void cleanup()
    {
        m_a = {};
        m_b = {};
        m_tmp.reset();
    }

    void cleanupTestCase()
    {
#ifdef MISTUDIO_TEST_PG
        m_pg.reset();
#endif
    }

    // --- the derivation, as a table ---------------------------------------------------------

    void derivesTheModelStatus_data()
    {
        QTest::addColumn<bool>("downloaded");
        QTest::addColumn<bool>("variantMissing");
        QTest::addColumn<int>("jobKind");  // -1: no job
        QTest::addColumn<int>("jobState");
        QTest::addColumn<ModelStatus>("status");
        QTest::addColumn<bool>("hasError");
        using S = JobState;
        using M = ModelStatus;
        const int dl = int(JobKind::Download), qz = int(JobKind::Quantize);
        QTest::newRow("new") << false << false << -1 << 0 << M::Pending << false;
        QTest::newRow("download queued") << false << false << dl << int(S::Queued) << M::Downloading << false;
        QTest::newRow("download running") << false << false << dl << int(S::Running) << M::Downloading << false;
        QTest::newRow("download paused") << false << false << dl << int(S::Paused) << M::Pending << false;
        QTest::newRow("needs token") << false << false << dl << int(S::NeedsToken) << M::Pending << false;
        QTest::newRow("download failed") << false << false << dl << int(S::Failed) << M::Failed << true;
        QTest::newRow("download cancelled") << false << false << dl << int(S::Cancelled) << M::Pending << false;
        QTest::newRow("downloaded") << true << false << dl << int(S::Done) << M::Ready << false;
        QTest::newRow("quantize running") << true << true << qz << int(S::Running) << M::Quantizing << false;
        QTest::newRow("first quantize failed") << true << true << qz << int(S::Failed) << M::Failed << true;
        QTest::newRow("first quantize cancelled") << true << true << qz << int(S::Cancelled) << M::Pending << false;
        QTest::newRow("re-quantize running") << true << false << qz << int(S::Running) << M::Quantizing << false;
        QTest::newRow("re-quantize failed") << true << false << qz << int(S::Failed) << M::Ready << true;
        QTest::newRow("re-quantize paused") << true << false << qz << int(S::Paused) << M::Ready << false;
        QTest::newRow("quantized") << true << false << qz << int(S::Done) << M::Ready << false;
    }
    void derivesTheModelStatus()
    {
        QFETCH(bool, downloaded);
        QFETCH(bool, variantMissing);
        QFETCH(int, jobKind);
        QFETCH(int, jobState);
        QFETCH(ModelStatus, status);
        QFETCH(bool, hasError);
        ModelFacts f;
        f.downloaded = downloaded;
        f.variantMissing = variantMissing;
        if (jobKind >= 0) {
            JobRecord j;
            j.kind = JobKind(jobKind);
            j.state = JobState(jobState);
            j.lastError = j.state == JobState::Failed ? u"disk full"_s : QString();
            j.progress = 42;
            f.latestJob = j;
        }
        const DerivedModelState d = deriveModelStatus(f);
        QCOMPARE(modelStatusName(d.status), modelStatusName(status));
        QCOMPARE(!d.errorMessage.isEmpty(), hasError);
        if (d.status == ModelStatus::Ready)
            QCOMPARE(d.progress, 100.0);
    }

    // --- requests ----------------------------------------------------------------------------

    void enqueueDerivesTheStatusAndRecordsEventsInOneTransaction()
    {
        TAKE_OK(seq0, m_a.queue->lastEventSeq());
        TAKE_OK(m, addModel());
        QCOMPARE(m.status, ModelStatus::Pending);
        ModelPatch patch;
        patch.quantization = u"bnb-4bit"_s;
        TAKE_OK(c, m_a.queue->enqueue(downloadJob(m.id), patch, statusEvents));
        QCOMPARE(c.change.before->status, ModelStatus::Pending);
        QCOMPARE(c.change.after->status, ModelStatus::Downloading);
        QCOMPARE(c.change.after->quantization, u"bnb-4bit"_s); // the patch, same transaction
        QCOMPARE(c.change.job->state, JobState::Queued);
        QCOMPARE(int(c.events.size()), 1);
        QVERIFY(c.events.front().seq > seq0);

        // The other process reads both events from the outbox, in order, with their origin.
        TAKE_OK(events, m_b.queue->eventsAfter(seq0, 100));
        QCOMPARE(int(events.size()), 2);
        QCOMPARE(events[0].type, u"model_created"_s);
        QCOMPARE(events[1].type, u"status_changed"_s);
        QCOMPARE(events[1].payload.value(u"status"_s).toString(), u"downloading"_s);
        QCOMPARE(events[1].originId, m_a.me.id);
        QVERIFY(events[0].seq < events[1].seq);

        // One active job per model, whoever asks.
        REQUIRE_ERROR(m_b.queue->enqueue(downloadJob(m.id), {}, statusEvents), ErrorCode::Conflict);
        REQUIRE_ERROR(m_a.queue->enqueue(downloadJob(QUuid::createUuid()), {}, statusEvents),
                      ErrorCode::NotFound);
        // A failing recorder rolls the whole change back: no job, no status change.
        TAKE_OK(other, addModel(u"org/other"_s));
        auto throwing = [](const ModelChange &) -> std::vector<OutboxEvent> {
            OutboxEvent bad;
            bad.type = QString(100, u'x'); // longer than the column: the INSERT fails
            return {bad};
        };
#ifdef MISTUDIO_TEST_PG
        REQUIRE_ERROR(m_a.queue->enqueue(downloadJob(other.id), {}, throwing), ErrorCode::DatabaseError);
        TAKE_OK(none, m_a.queue->active(other.id));
        QVERIFY(!none.has_value());
        TAKE_OK(still, m_a.models->get(other.id));
        QCOMPARE(still.status, ModelStatus::Pending);
#else
        Q_UNUSED(throwing); // SQLite does not enforce VARCHAR lengths
#endif
    }

    void claimsEveryJobExactlyOnceUnderContention()
    {
        constexpr int kJobs = 40;
        for (int i = 0; i < kJobs; ++i) {
            TAKE_OK(m, addModel(u"org/m%1"_s.arg(i)));
            REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        }
        struct Outcome
        {
            std::vector<JobRecord> claimed;
            QStringList errors;
        };
        Outcome a, b;
        std::atomic<int> ready{0};
        auto work = [&](Process &p, Outcome &out) {
            (void)p.queue->lastEventSeq(); // this thread's connection, before the race
            ready.fetch_add(1);
            while (ready.load() < 2)
                std::this_thread::yield();
            for (;;) {
                auto job = p.queue->claim(p.me, downloads(), 60s);
                if (!job) {
                    out.errors << job.error().toString();
                    break;
                }
                if (!job->has_value())
                    break;
                out.claimed.push_back(**job);
            }
        };
        QThread *qt = QThread::create([&] { work(m_a, a); });
        std::thread st([&] { work(m_b, b); });
        qt->start();
        st.join();
        QVERIFY(qt->wait(120'000));
        delete qt;
        QVERIFY2(a.errors.isEmpty(), qPrintable(a.errors.join(u'\n')));
        QVERIFY2(b.errors.isEmpty(), qPrintable(b.errors.join(u'\n')));
        std::set<QUuid> ids;
        for (const Outcome *o : {&a, &b}) {
            for (const JobRecord &j : o->claimed) {
                ids.insert(j.id);
                QCOMPARE(j.claimSeq, qint64(1));
                QCOMPARE(j.attempts, 1);
                QCOMPARE(j.state, JobState::Running);
                QCOMPARE(j.ownerId, o == &a ? m_a.me.id : m_b.me.id);
            }
        }
        QCOMPARE(int(a.claimed.size() + b.claimed.size()), kJobs);
        QCOMPARE(int(ids.size()), kJobs);
    }

    void aWorkerThatLostItsLeaseCannotWrite()
    {
        TAKE_OK(m, addModel());
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        TAKE_OK(mine, m_a.queue->claim(m_a.me, downloads(), 200ms));
        QVERIFY(mine.has_value());
        const JobFence fence = mine->fence();

        REQUIRE_OK(m_a.queue->saveProgress(fence, 12.5, {{u"bytes"_s, 125}}));
        TAKE_OK(withProgress, m_b.models->get(m.id));
        QCOMPARE(withProgress.progress, 12.5);

        // A reaper (the other process) requeues it once the lease has passed; B claims it.
        // (QTRY_* evaluates its expression once more after success: reap only until one went.)
        bool reaped = false;
        QTRY_VERIFY_WITH_TIMEOUT(reaped = reaped || reapOne(m_b), 10000);
        TAKE_OK(theirs, m_b.queue->claim(m_b.me, downloads(), 60s));
        QVERIFY(theirs.has_value());
        QCOMPARE(theirs->claimSeq, qint64(2));

        // Every fenced write of the old owner is refused and changes nothing.
        REQUIRE_ERROR(m_a.queue->saveProgress(fence, 99, {}), ErrorCode::LeaseLost);
        REQUIRE_ERROR(m_a.queue->setRunDevice(fence, u"cpu"_s), ErrorCode::LeaseLost);
        REQUIRE_ERROR(m_a.queue->finish(fence, JobState::Done, {}, {}, std::nullopt, statusEvents),
                      ErrorCode::LeaseLost);
        TAKE_OK(owned, m_a.queue->heartbeat(m_a.me.id, 60s));
        QVERIFY(owned.empty()); // the old owner's heartbeat does not list it: it knows it lost it
        TAKE_OK(job, m_a.queue->get(fence.jobId));
        QCOMPARE(job.state, JobState::Running);
        QCOMPARE(job.ownerId, m_b.me.id);
        QCOMPARE(job.progress, 12.5);

        // The new owner's writes go through; its heartbeat keeps the job.
        TAKE_OK(owned2, m_b.queue->heartbeat(m_b.me.id, 60s));
        QCOMPARE(int(owned2.size()), 1);
        TAKE_OK(done, m_b.queue->finish(theirs->fence(), JobState::Done, {}, {}, std::nullopt, statusEvents));
        QCOMPARE(done.change.job->state, JobState::Done);
    }

    void stopRequestsReachTheOwner()
    {
        TAKE_OK(m, addModel());
        // A queued job pauses at once, from any process.
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        TAKE_OK(paused, m_b.queue->requestStop(m.id, StopRequest::Pause, statusEvents));
        QCOMPARE(paused.change.job->state, JobState::Paused);
        QCOMPARE(paused.change.after->status, ModelStatus::Pending);
        REQUIRE_ERROR(m_b.queue->requestStop(m.id, StopRequest::Pause, statusEvents),
                      ErrorCode::IllegalTransition);
        TAKE_OK(nothing, m_a.queue->claim(m_a.me, downloads(), 60s));
        QVERIFY(!nothing.has_value());
        TAKE_OK(resumed, m_a.queue->resume(m.id, {}, statusEvents));
        QCOMPARE(resumed.change.job->state, JobState::Queued);
        QCOMPARE(resumed.change.after->status, ModelStatus::Downloading);

        // A running job: the request waits on the row for its owner.
        TAKE_OK(job, m_a.queue->claim(m_a.me, downloads(), 60s));
        QVERIFY(job.has_value());
        TAKE_OK(asked, m_b.queue->requestStop(m.id, StopRequest::Pause, statusEvents));
        QCOMPARE(asked.change.job->state, JobState::Running);
        QCOMPARE(asked.change.after->status, ModelStatus::Downloading);
        // A cancel replaces a pending pause; a later pause does not replace the cancel.
        REQUIRE_OK(m_b.queue->requestStop(m.id, StopRequest::Cancel, statusEvents));
        REQUIRE_OK(m_b.queue->requestStop(m.id, StopRequest::Pause, statusEvents));
        TAKE_OK(stops, m_a.queue->pendingStops(m_a.me.id));
        QCOMPARE(int(stops.size()), 1);
        QCOMPARE(stops.front().jobId, job->id);
        QVERIFY(stops.front().requestedStop == StopRequest::Cancel);
        TAKE_OK(none, m_b.queue->pendingStops(m_b.me.id));
        QVERIFY(none.empty());
        // The owner honours it and writes the final state.
        TAKE_OK(cancelled, m_a.queue->finish(job->fence(), JobState::Cancelled, {}, {}, std::nullopt,
                                             statusEvents));
        QCOMPARE(cancelled.change.after->status, ModelStatus::Pending);
        QVERIFY(!cancelled.change.job->requestedStop.has_value());
        TAKE_OK(after, m_a.queue->active(m.id));
        QVERIFY(!after.has_value());
        REQUIRE_ERROR(m_a.queue->requestStop(m.id, StopRequest::Cancel, statusEvents),
                      ErrorCode::IllegalTransition);
        // A failed download shows failed with its error; a new job clears it.
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        TAKE_OK(again, m_a.queue->claim(m_a.me, downloads(), 60s));
        TAKE_OK(failed, m_a.queue->finish(again->fence(), JobState::Failed, u"checksum_mismatch"_s, {},
                                          std::nullopt, statusEvents));
        QCOMPARE(failed.change.after->status, ModelStatus::Failed);
        QCOMPARE(failed.change.after->errorMessage, u"checksum_mismatch"_s);
        TAKE_OK(retry, m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        QVERIFY(retry.change.after->errorMessage.isEmpty());
    }

    void aDownloadChainsItsQuantizationAtomically()
    {
        TAKE_OK(m, addModel());
        ModelPatch want;
        want.quantization = u"bnb-8bit"_s;
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), want, statusEvents));
        TAKE_OK(job, m_a.queue->claim(m_a.me, downloads(), 60s));
        ModelPatch files;
        files.filePath = u"/data/models/org--model"_s;
        files.commitSha = QString(40, u'a');
        const NewJob quantize{m.id, JobKind::Quantize, {{u"mode"_s, u"bnb-8bit"_s}}, u"cuda:1"_s, {}};
        TAKE_OK(c, m_a.queue->finish(job->fence(), JobState::Done, {}, files, quantize, statusEvents));
        QCOMPARE(c.change.after->status, ModelStatus::Quantizing);
        QCOMPARE(c.change.after->filePath, u"/data/models/org--model"_s);
        QCOMPARE(c.change.job->kind, JobKind::Quantize);
        QCOMPARE(c.change.job->state, JobState::Queued);

        // The quantization goes only to a worker offering the device it asked for.
        TAKE_OK(onCpu, m_b.queue->claim(m_b.me, quantizeOn({u"cpu"_s, u"cuda:0"_s}), 60s));
        QVERIFY(!onCpu.has_value());
        TAKE_OK(autoOnly, m_b.queue->claim(m_b.me, quantizeOn({}, true), 60s));
        QVERIFY(!autoOnly.has_value());
        QVERIFY(!onCpu.has_value());
        TAKE_OK(onGpu, m_b.queue->claim(m_b.me, quantizeOn({u"cuda:1"_s}), 60s));
        QVERIFY(onGpu.has_value());
        QCOMPARE(onGpu->runDevice, u"cuda:1"_s);
        ModelPatch out;
        out.quantizedPath = u"/data/models/org--model/quantized"_s;
        TAKE_OK(ready, m_b.queue->finish(onGpu->fence(), JobState::Done, {}, out, std::nullopt, statusEvents));
        QCOMPARE(ready.change.after->status, ModelStatus::Ready);
        QCOMPARE(ready.change.after->progress, 100.0);

        // "auto" goes to any device; the worker records where it ran.
        TAKE_OK(m2, addModel(u"org/two"_s));
        REQUIRE_OK(m_a.queue->enqueue({m2.id, JobKind::Quantize, {}, u"auto"_s, {}}, {}, statusEvents));
        TAKE_OK(notNow, m_a.queue->claim(m_a.me, quantizeOn({u"cpu"_s}, false), 60s));
        QVERIFY(!notNow.has_value()); // e.g. every GPU busy: an "auto" job waits for one
        TAKE_OK(anyDevice, m_a.queue->claim(m_a.me, quantizeOn({u"cpu"_s}), 60s));
        QVERIFY(anyDevice.has_value());
        QVERIFY(anyDevice->runDevice.isEmpty());
        REQUIRE_OK(m_a.queue->setRunDevice(anyDevice->fence(), u"cpu"_s));
        TAKE_OK(recorded, m_b.queue->get(anyDevice->id));
        QCOMPARE(recorded.runDevice, u"cpu"_s);
    }

    void aJobWaitsForTheProcessHoldingItsToken()
    {
        TAKE_OK(m, addModel());
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id, m_a.me.id), {}, statusEvents));
        TAKE_OK(notForB, m_b.queue->claim(m_b.me, downloads(), 60s));
        QVERIFY(!notForB.has_value());
        // When A is gone (its worker row too), anyone may run it.
        REQUIRE_OK(m_a.queue->unregisterWorker(m_a.me.id));
        TAKE_OK(forB, m_b.queue->claim(m_b.me, downloads(), 60s));
        QVERIFY(forB.has_value());
    }

    void anOlderWorkerLeavesNewerJobsAlone()
    {
        TAKE_OK(m, addModel());
        TAKE_OK(c, m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        REQUIRE_OK(m_a.db->run(u"UPDATE jobs SET spec_version = ? WHERE id = ?"_s,
                               {kJobSpecVersion + 1, c.change.job->id.toString(QUuid::WithoutBraces)}));
        TAKE_OK(none, m_b.queue->claim(m_b.me, downloads(), 60s));
        QVERIFY(!none.has_value());
        ClaimFilter newer = downloads();
        newer.specVersion = kJobSpecVersion + 1;
        TAKE_OK(some, m_b.queue->claim(m_b.me, newer, 60s));
        QVERIFY(some.has_value());
    }

    void deadOwnersOnThisHostAreRequeuedAtOnce()
    {
        TAKE_OK(m1, addModel(u"org/one"_s));
        TAKE_OK(m2, addModel(u"org/two"_s));
        TAKE_OK(m3, addModel(u"org/three"_s));
        for (const QUuid &id : {m1.id, m2.id, m3.id})
            REQUIRE_OK(m_a.queue->enqueue(downloadJob(id), {}, statusEvents));
        Process dead, alive;
        REQUIRE_OK(open(dead, u"host-a/boot/300/1"_s));
        REQUIRE_OK(open(alive, u"host-a/boot/301/1"_s));
        TAKE_OK(j1, dead.queue->claim(dead.me, downloads(), 60s));
        TAKE_OK(j2, alive.queue->claim(alive.me, downloads(), 60s));
        TAKE_OK(j3, m_b.queue->claim(m_b.me, downloads(), 60s)); // another host
        QVERIFY(j1 && j2 && j3);
        QStringList asked;
        TAKE_OK(requeued, m_a.queue->requeueDeadOwners(
                              u"host-a"_s,
                              [&](const QString &owner) {
                                  asked << owner;
                                  return owner == dead.me.id;
                              },
                              statusEvents));
        QCOMPARE(int(requeued.size()), 1);
        QCOMPARE(requeued.front().change.job->id, j1->id);
        QCOMPARE(requeued.front().change.job->state, JobState::Queued);
        QVERIFY(!asked.contains(m_b.me.id)); // another host's owners are not ours to judge
        TAKE_OK(stillRunning, m_a.queue->get(j2->id));
        QCOMPARE(stillRunning.state, JobState::Running);
        TAKE_OK(workers, m_a.queue->workers(0ms));
        for (const WorkerRecord &w : workers)
            QVERIFY(w.id != dead.me.id);
    }

    void theReaperHonoursAPendingStop()
    {
        TAKE_OK(m, addModel());
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        TAKE_OK(job, m_a.queue->claim(m_a.me, downloads(), 100ms));
        REQUIRE_OK(m_b.queue->requestStop(m.id, StopRequest::Pause, statusEvents));
        // (QTRY_* evaluates its expression once more after success: reap only until one went.)
        bool reaped = false;
        QTRY_VERIFY_WITH_TIMEOUT(reaped = reaped || reapOne(m_b), 10000);
        TAKE_OK(after, m_b.queue->get(job->id));
        QCOMPARE(after.state, JobState::Paused);
        TAKE_OK(model, m_b.models->get(m.id));
        QCOMPARE(model.status, ModelStatus::Pending);
    }

    void reordersTheQueue()
    {
        std::vector<QUuid> jobs;
        for (int i = 0; i < 3; ++i) {
            TAKE_OK(m, addModel(u"org/q%1"_s.arg(i)));
            TAKE_OK(c, m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
            jobs.push_back(c.change.job->id);
        }
        REQUIRE_OK(m_a.queue->reorder(jobs[2], jobs[0])); // the last one first
        REQUIRE_OK(m_a.queue->reorder(jobs[0], std::nullopt)); // the first one last
        std::vector<QUuid> order;
        for (int i = 0; i < 3; ++i) {
            TAKE_OK(j, m_b.queue->claim(m_b.me, downloads(), 60s));
            order.push_back(j->id);
        }
        QCOMPARE(order, (std::vector<QUuid>{jobs[2], jobs[1], jobs[0]}));
        REQUIRE_ERROR(m_a.queue->reorder(jobs[0], std::nullopt), ErrorCode::IllegalTransition);
    }

    void removingAModelRecordsItAndRefusesWhileItsJobRuns()
    {
        TAKE_OK(m, addModel());
        REQUIRE_OK(m_a.queue->enqueue(downloadJob(m.id), {}, statusEvents));
        TAKE_OK(job, m_a.queue->claim(m_a.me, downloads(), 60s));
        REQUIRE_ERROR(m_b.queue->removeModel(m.id, statusEvents), ErrorCode::Conflict);
        REQUIRE_OK(m_a.queue->finish(job->fence(), JobState::Paused, {}, {}, std::nullopt, statusEvents));
        TAKE_OK(seq, m_a.queue->lastEventSeq());
        TAKE_OK(removed, m_b.queue->removeModel(m.id, statusEvents));
        QCOMPARE(int(removed.events.size()), 1);
        QCOMPARE(removed.events.front().type, u"model_deleted"_s);
        REQUIRE_ERROR(m_a.queue->get(job->id), ErrorCode::NotFound);
        REQUIRE_ERROR(m_a.models->get(m.id), ErrorCode::NotFound);
        TAKE_OK(events, m_a.queue->eventsAfter(seq, 10));
        QCOMPARE(int(events.size()), 1);
        QCOMPARE(events.front().originId, m_b.me.id);
    }
};

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
