// ModelService end to end over a real catalogue (SQLite; PostgreSQL as tst_modelservice_pg), with test engines that write real
// files: the flow, its events, cancel/pause/resume/retry/delete/re-quantize, and recovery
// after a restart (a second service on the same data dir).
#include "serviceharness.h"

#ifdef MISTUDIO_TEST_PG
#include "pgtestdb.h"
#endif

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

struct Harness : test::ServiceHarness
{
    explicit Harness(const QString &dataDir, int chunkDelayMs = 0)
        : ServiceHarness(dataDir, chunkDelayMs, s_databaseUrl)
    {
    }
    static inline QString s_databaseUrl; // empty: SQLite in the data dir
};

QUuid createModel(Harness &h, const QString &repo = u"openai-community/gpt2"_s)
{
    NewModel m;
    m.repoId = repo;
    const Result<ModelRecord> r = h.service->create(m);
    if (!r)
        qFatal("create: %s", qPrintable(r.error().toString()));
    return r->id;
}

} // namespace

class TestModelService final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void downloadFlowEmitsDesignEvents();
    void downloadWithQuantizationChainsAJob();
    void illegalRequestsAreRefused_data();
    void illegalRequestsAreRefused();
    void cancelReturnsToPending();
    void pauseAndResume();
    void pauseResumeChurnCompletes();
    void cancelAndRetryAfterPauseChurn();
    void failedDownloadCanBeRetried();
    void deleteCancelsAndReportsBytesFreed();
    void requantizeReadyModel();
    void requantizeFailureKeepsModelReady();
    void tokenIsNeverPersisted();
    void restartResumesInterruptedDownload();
    void restartKeeps4bitOptions();
    void gatedDownloadWaitsForTokenAfterRestart();
    void gatedDownloadResumesWithStoredToken();
    void previewRunsOffThread();
    void bandwidthLimitReachesTheDownloadBackend();
    void downloadRepoIsOnePolicy();
    void queueAndLibraryUseCases();
    void queueOrderCanChange();
    void variantsLiveSideBySide();
    void upgradeMovesTheOldQuantizedFolder_data();
    void upgradeMovesTheOldQuantizedFolder();

private:
#ifdef MISTUDIO_TEST_PG
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
#endif
};

void TestModelService::init()
{
#ifdef MISTUDIO_TEST_PG
    // A fresh PostgreSQL database per test function; a missing cluster fails, never skips.
    auto db = test::ScratchPgDatabase::create();
    QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().toString()));
    m_pg = std::move(db.value());
    Harness::s_databaseUrl = m_pg->url();
#endif
}

void TestModelService::cleanup()
{
#ifdef MISTUDIO_TEST_PG
    m_pg.reset();
#endif
}

void TestModelService::downloadFlowEmitsDesignEvents()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    const Result<ModelRecord> r = h.service->download(id, {});
    QVERIFY(r.ok());
    QCOMPARE(r->status, ModelStatus::Downloading);
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    // Events reach this thread through its event loop, a moment after the store changed.
    // (job_changed: the job's own state, an extension of the base events: queued, running once
    // a worker claimed it (who runs it, for every process's faces), done.)
    QTRY_COMPARE(h.names(id), (QStringList{u"model_created"_s, u"job_changed"_s, u"status_changed"_s,
                                       u"job_changed"_s, u"download_progress"_s, u"download_completed"_s,
                                       u"job_changed"_s, u"status_changed"_s}));
    QStringList jobStates;
    for (const ModelEvent &e : std::as_const(h.events)) {
        if (const auto *j = e.as<JobChangedEvent>(); j && e.modelId() == id)
            jobStates << jobStateName(j->state);
    }
    QCOMPARE(jobStates, (QStringList{u"queued"_s, u"running"_s, u"done"_s}));
    // Payloads: the base keys (docs/api.md) plus the extras.
    const ModelEvent *progress = nullptr;
    const ModelEvent *completed = nullptr;
    for (const ModelEvent &e : std::as_const(h.events)) {
        if (e.type() == ModelEvent::Type::DownloadProgress)
            progress = &e;
        if (e.type() == ModelEvent::Type::DownloadCompleted)
            completed = &e;
    }
    QVERIFY(progress && completed);
    for (const char *k : {"progress", "downloaded_gb", "total_gb", "speed_mbps", "eta_seconds",
                          "files_done", "files_total", "downloaded_bytes", "total_bytes"})
        QVERIFY2(progress->payload().contains(QLatin1StringView(k)), k);
    QCOMPARE(progress->payload().value(u"progress"_s).toDouble(), 100.0);
    QCOMPARE(progress->channel(), u"model/"_s + id.toString(QUuid::WithoutBraces));
    QVERIFY(completed->payload().value(u"file_path"_s).toString().endsWith(u"openai-community--gpt2"_s));
    QCOMPARE(completed->payload().value(u"size_bytes"_s).toInteger(), 8 * 64 * 1024 + 45);
    const ModelRecord done = h.service->get(id).value();
    QCOMPARE(done.architecture.value(u"model_type"_s).toString(), u"gpt2"_s);
    QCOMPARE(done.commitSha, u"0123456789abcdef0123456789abcdef01234567"_s);
    QVERIFY(h.service->architecture(id).ok());
    QVERIFY(!h.service->activeJob(id));
}

void TestModelService::downloadWithQuantizationChainsAJob()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    DownloadRequest req;
    req.quantization = u"bnb-4bit"_s;
    QVERIFY(h.service->download(id, req).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(h.status(id) == ModelStatus::Ready, qPrintable(h.names(id).join(u',')), 3000);
    QTRY_VERIFY(h.names(id).contains(u"quantize_completed"_s));
    const QStringList n = h.names(id);
    QVERIFY2(n.indexOf(u"download_completed"_s) < n.indexOf(u"quantize_progress"_s), qPrintable(n.join(u',')));
    QVERIFY(n.contains(u"quantize_completed"_s));
    const ModelRecord r = h.service->get(id).value();
    QCOMPARE(r.quantization, u"bnb-4bit"_s);
    QVERIFY(QFile::exists(r.quantizedPath));
    QVERIFY(r.quantizedPath.contains(u"/quantized/"_s));
}

void TestModelService::illegalRequestsAreRefused_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("code");
    QTest::newRow("download ready") << u"download-ready"_s << int(ErrorCode::IllegalTransition);
    QTest::newRow("quantize pending") << u"quantize-pending"_s << int(ErrorCode::IllegalTransition);
    QTest::newRow("cancel idle") << u"cancel-idle"_s << int(ErrorCode::IllegalTransition);
    QTest::newRow("retry pending") << u"retry-pending"_s << int(ErrorCode::IllegalTransition);
    QTest::newRow("resume idle") << u"resume-idle"_s << int(ErrorCode::IllegalTransition);
    QTest::newRow("bad quantization") << u"bad-quant"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("bad 4-bit type") << u"bad-quant-type"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("fp4 with 8-bit download") << u"fp4-8bit"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("no double quant without quantization") << u"nodq-none"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("fp4 with 8-bit quantize") << u"quantize-fp4-8bit"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("bad repo") << u"bad-repo"_s << int(ErrorCode::InvalidInput);
    QTest::newRow("unknown id") << u"unknown"_s << int(ErrorCode::NotFound);
}

void TestModelService::illegalRequestsAreRefused()
{
    QFETCH(QString, what);
    QFETCH(int, code);
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    Error err;
    if (what == u"download-ready"_s) {
        QVERIFY(h.service->download(id, {}).ok());
        QTRY_COMPARE(h.status(id), ModelStatus::Ready);
        err = h.service->download(id, {}).error();
    } else if (what == u"quantize-pending"_s) {
        err = h.service->quantize(id, {u"bnb-8bit"_s, u"auto"_s}).error();
    } else if (what == u"cancel-idle"_s) {
        err = h.service->cancel(id).error();
    } else if (what == u"retry-pending"_s) {
        err = h.service->retry(id).error();
    } else if (what == u"resume-idle"_s) {
        err = h.service->resume(id).error();
    } else if (what == u"bad-quant"_s) {
        DownloadRequest r;
        r.quantization = u"gguf"_s;
        err = h.service->download(id, r).error();
    } else if (what == u"bad-quant-type"_s) {
        DownloadRequest r;
        r.quantization = u"bnb-4bit"_s;
        r.quantType = u"int4"_s;
        err = h.service->download(id, r).error();
    } else if (what == u"fp4-8bit"_s) {
        DownloadRequest r;
        r.quantization = u"bnb-8bit"_s;
        r.quantType = u"fp4"_s;
        err = h.service->download(id, r).error();
    } else if (what == u"nodq-none"_s) {
        DownloadRequest r;
        r.doubleQuant = false;
        err = h.service->download(id, r).error();
    } else if (what == u"quantize-fp4-8bit"_s) {
        QuantizeRequest q;
        q.mode = u"bnb-8bit"_s;
        q.quantType = u"fp4"_s;
        err = h.service->quantize(id, q).error();
    } else if (what == u"bad-repo"_s) {
        NewModel m;
        m.repoId = u"../etc"_s;
        err = h.service->create(m).error();
    } else {
        err = h.service->download(QUuid::createUuid(), {}).error();
    }
    QCOMPARE(int(err.code), code);
}

void TestModelService::cancelReturnsToPending()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 50);
    h.download->chunks = 200;
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
    const Result<ModelRecord> r = h.service->cancel(id);
    QVERIFY(r.ok());
    QCOMPARE(r->status, ModelStatus::Pending);
    QVERIFY(!h.service->activeJob(id));
    // The worker stops and never moves the record afterwards.
    QTest::qWait(300);
    QCOMPARE(h.status(id), ModelStatus::Pending);
    QVERIFY(!h.names(id).contains(u"download_completed"_s));
}

void TestModelService::pauseAndResume()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 20);
    h.download->chunks = 60;
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
    QVERIFY(h.service->pause(id).ok());
    QCOMPARE(h.service->activeJob(id)->state, u"paused"_s);
    QCOMPARE(h.status(id), ModelStatus::Pending);
    QCOMPARE(int(h.service->pause(id).error().code), int(ErrorCode::IllegalTransition));
    QVERIFY(h.service->resume(id).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QCOMPARE(h.download->calls.load(), 2);
    // Resumed, not restarted: the file holds exactly the 60 chunks.
    const QString file = h.service->get(id)->filePath + u"/model.safetensors"_s;
    QCOMPARE(QFileInfo(file).size(), 60 * 64 * 1024);
}

void TestModelService::pauseResumeChurnCompletes()
{
    // A user clicking Pause then Resume quickly: each resume lands while the pause may still be
    // draining the engine, or before any worker claimed the job. Every call is accepted and the
    // download ends ready, resumed from its partial file.
    QTemporaryDir dir;
    Harness h(dir.path(), 2);
    // Long enough (about 2 s of chunks) that the churn never outlasts the download.
    h.download->chunks = 1000;
    h.download->chunkBytes = 4096;
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    for (int i = 0; i < 40; ++i) {
        const Result<ModelRecord> p = h.service->pause(id);
        QVERIFY2(p.ok(), qPrintable(u"pause %1: "_s.arg(i) + (p.ok() ? QString() : p.error().toString())));
        QCOMPARE(h.service->activeJob(id)->state, u"paused"_s);
        const Result<ModelRecord> r = h.service->resume(id);
        QVERIFY2(r.ok(), qPrintable(u"resume %1: "_s.arg(i) + (r.ok() ? QString() : r.error().toString())));
        QCOMPARE(r->status, ModelStatus::Downloading);
    }
    QTRY_COMPARE_WITH_TIMEOUT(h.status(id), ModelStatus::Ready, 30000);
    QVERIFY(!h.service->activeJob(id));
    const QString file = h.service->get(id)->filePath + u"/model.safetensors"_s;
    QCOMPARE(QFileInfo(file).size(), 1000 * 4096);
    // A resume of a job that is not paused is still refused.
    QCOMPARE(int(h.service->resume(id).error().code), int(ErrorCode::IllegalTransition));
}

void TestModelService::cancelAndRetryAfterPauseChurn()
{
    // Pause, resume, cancel in quick succession leave workers that are still stopping; the next
    // download (failing, then retried) must belong to its own job only.
    QTemporaryDir dir;
    Harness h(dir.path(), 2);
    h.download->chunks = 100;
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    for (int i = 0; i < 15; ++i) {
        h.download->failWith = -1;
        QVERIFY(h.service->download(id, {}).ok());
        QVERIFY(h.service->pause(id).ok());
        QVERIFY(h.service->resume(id).ok());
        QVERIFY(h.service->pause(id).ok());
        const Result<ModelRecord> c = h.service->cancel(id);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().toString()));
        QCOMPARE(c->status, ModelStatus::Pending);
        QVERIFY(!h.service->activeJob(id));
        QCOMPARE(int(h.service->resume(id).error().code), int(ErrorCode::IllegalTransition));
        h.download->failWith = int(ErrorCode::NetworkError);
        const Result<ModelRecord> d = h.service->download(id, {});
        QVERIFY2(d.ok(), qPrintable(u"download %1: "_s.arg(i) + (d.ok() ? QString() : d.error().toString())));
        QTRY_COMPARE(h.status(id), ModelStatus::Failed);
        h.download->failWith = -1;
        const Result<ModelRecord> r = h.service->retry(id);
        QVERIFY2(r.ok(), qPrintable(u"retry %1: "_s.arg(i) + (r.ok() ? QString() : r.error().toString())));
        QVERIFY(h.service->cancel(id).ok());
        QCOMPARE(h.status(id), ModelStatus::Pending);
    }
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(h.status(id), ModelStatus::Ready, 30000);
    // One writer at a time: no stopping worker appended to the file the new run completed.
    const QString file = h.service->get(id)->filePath + u"/model.safetensors"_s;
    QCOMPARE(QFileInfo(file).size(), 100 * 64 * 1024);
}

void TestModelService::failedDownloadCanBeRetried()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    h.download->failWith = int(ErrorCode::NetworkError);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Failed);
    QCOMPARE(h.service->get(id)->errorMessage, u"injected failure"_s);
    QTRY_VERIFY(h.names(id).contains(u"download_failed"_s));
    const auto failed = std::find_if(h.events.cbegin(), h.events.cend(), [](const ModelEvent &e) {
        return e.type() == ModelEvent::Type::DownloadFailed;
    });
    QVERIFY(failed != h.events.cend());
    QCOMPARE(failed->payload().value(u"error"_s).toString(), u"injected failure"_s);
    QCOMPARE(failed->payload().value(u"error_code"_s).toString(), u"network_error"_s);
    h.download->failWith = -1;
    QVERIFY(h.service->retry(id).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QVERIFY(h.service->get(id)->errorMessage.isEmpty());
}

void TestModelService::deleteCancelsAndReportsBytesFreed()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 20);
    h.download->chunks = 500;
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
    QFuture<Result<Removal>> f = h.service->remove(id);
    QTRY_VERIFY(f.isFinished());
    const Result<Removal> removal = f.result();
    QVERIFY(removal.ok());
    const Result<qint64> freed = removal->bytes;
    QVERIFY(freed.value() > 0);
    QCOMPARE(removal->paths.size(), 1);
    QVERIFY(!QDir(dir.path() + u"/models/openai-community--gpt2"_s).exists());
    QCOMPARE(int(h.service->get(id).error().code), int(ErrorCode::NotFound));
    QTRY_VERIFY(h.names(id).contains(u"model_deleted"_s));
    QCOMPARE(h.events.last().payload().value(u"bytes_freed"_s).toInteger(), freed.value());
}

void TestModelService::requantizeReadyModel()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    const Result<ModelRecord> r = h.service->quantize(id, {u"bnb-8bit"_s, u"cpu"_s});
    QVERIFY(r.ok());
    QCOMPARE(r->status, ModelStatus::Quantizing);
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QCOMPARE(h.service->get(id)->quantization, u"bnb-8bit"_s);
    QCOMPARE(h.download->calls.load(), 1); // no second download
    QCOMPARE(int(h.service->quantize(id, {u"bnb-4bit"_s, u"cuda:7"_s}).error().code),
             int(ErrorCode::GpuUnavailable));
}

void TestModelService::requantizeFailureKeepsModelReady()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    h.quantizer->fail = true;
    QVERIFY(h.service->quantize(id, {u"bnb-4bit"_s, u"auto"_s}).ok());
    QTRY_VERIFY(h.names(id).contains(u"quantize_failed"_s));
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QCOMPARE(h.service->get(id)->quantization, u"none"_s);
}

void TestModelService::tokenIsNeverPersisted()
{
    QTemporaryDir dir;
    const QString token = u"hf_SECRETtoken1234567890"_s;
    {
        Harness h(dir.path());
        h.download->gated = true;
        QVERIFY(h.service->start().ok());
        const QUuid id = createModel(h);
        DownloadRequest req;
        req.hfToken = token;
        QVERIFY(h.service->download(id, req).ok());
        QTRY_COMPARE(h.status(id), ModelStatus::Ready);
        QCOMPARE(h.download->tokensSeen, QStringList{token});
        for (const ModelEvent &e : std::as_const(h.events))
            QVERIFY(!QJsonDocument(e.toMessage()).toJson().contains(token.toUtf8()));
        QVERIFY(!QJsonDocument(h.service->activeJob(id) ? h.service->activeJob(id)->toJson()
                                                        : QJsonObject())
                     .toJson()
                     .contains(token.toUtf8()));
        // Every row of both tables, as stored.
        const auto jobs = h.stores.jobs->list({});
        QVERIFY(jobs.ok() && !jobs->empty());
        for (const JobRecord &j : jobs.value())
            QVERIFY(!QJsonDocument(j.toJson()).toJson().contains(token.toUtf8()));
        QVERIFY(!QJsonDocument(h.service->get(id)->toJson()).toJson().contains(token.toUtf8()));
    }
    QDirIterator it(dir.path(), QDir::Files, QDirIterator::Subdirectories);
    int scanned = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(token.toUtf8()), qPrintable(f.fileName()));
        ++scanned;
    }
    // The model files, and with SQLite the database and its journal, were looked at.
    QVERIFY(scanned >= (Harness::s_databaseUrl.isEmpty() ? 3 : 2));
}

void TestModelService::restartResumesInterruptedDownload()
{
    QTemporaryDir dir;
    QUuid id;
    {
        Harness h(dir.path(), 30);
        h.download->chunks = 40;
        QVERIFY(h.service->start().ok());
        id = createModel(h);
        QVERIFY(h.service->download(id, {}).ok());
        QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
        h.service->shutdown(); // like a stop mid-download: the job stays `running`
        QCOMPARE(h.status(id), ModelStatus::Downloading);
    }
    Harness h2(dir.path());
    h2.download->chunks = 40;
    QVERIFY(h2.service->start().ok());
    QTRY_COMPARE(h2.status(id), ModelStatus::Ready);
    QCOMPARE(h2.download->calls.load(), 1);
    QCOMPARE(QFileInfo(h2.service->get(id)->filePath + u"/model.safetensors"_s).size(),
             40 * 64 * 1024);
}

void TestModelService::restartKeeps4bitOptions()
{
    QTemporaryDir dir;
    QUuid id;
    {
        Harness h(dir.path(), 30);
        h.download->chunks = 40;
        QVERIFY(h.service->start().ok());
        id = createModel(h);
        DownloadRequest req;
        req.quantization = u"bnb-4bit"_s;
        req.quantType = u"fp4"_s;
        req.doubleQuant = false;
        QVERIFY(h.service->download(id, req).ok());
        QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
        h.service->shutdown(); // the options now live only in the jobs table
    }
    Harness h2(dir.path());
    h2.download->chunks = 40;
    QVERIFY(h2.service->start().ok());
    QTRY_COMPARE(h2.status(id), ModelStatus::Ready);
    QCOMPARE(h2.service->get(id)->quantization, u"bnb-4bit"_s);
    const QuantizeSpec spec = h2.quantizer->lastSpec();
    QCOMPARE(spec.mode, u"bnb-4bit"_s);
    QCOMPARE(spec.quantType, u"fp4"_s);
    QCOMPARE(spec.doubleQuant, false);
    JobQuery q;
    q.modelId = id;
    q.kind = JobKind::Quantize;
    const auto jobs = h2.stores.jobs->list(q);
    QVERIFY(jobs.ok());
    QCOMPARE(int(jobs->size()), 1);
    QCOMPARE(jobs->front().params.value(u"quant_type"_s).toString(), u"fp4"_s);
    QCOMPARE(jobs->front().params.value(u"double_quant"_s).toBool(true), false);
}

void TestModelService::gatedDownloadWaitsForTokenAfterRestart()
{
    QTemporaryDir dir;
    QUuid id;
    {
        Harness h(dir.path(), 30);
        h.download->chunks = 40;
        h.download->gated = true;
        QVERIFY(h.service->start().ok());
        id = createModel(h);
        DownloadRequest req;
        req.hfToken = u"hf_given_once"_s;
        QVERIFY(h.service->download(id, req).ok());
        QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
        h.service->shutdown();
    }
    Harness h2(dir.path());
    h2.download->gated = true;
    QVERIFY(h2.service->start().ok());
    QTRY_COMPARE(h2.service->activeJob(id) ? h2.service->activeJob(id)->state : QString(),
                 u"needs_token"_s);
    QTRY_COMPARE(h2.status(id), ModelStatus::Pending);
    QCOMPARE(int(h2.service->resume(id).error().code), int(ErrorCode::NeedsToken));
    QVERIFY(h2.service->resume(id, u"hf_again"_s).ok());
    QTRY_COMPARE(h2.status(id), ModelStatus::Ready);
}

void TestModelService::gatedDownloadResumesWithStoredToken()
{
    QTemporaryDir dir;
    QUuid id;
    {
        Harness h(dir.path(), 30);
        h.download->chunks = 40;
        h.download->gated = true;
        QVERIFY(h.service->start().ok());
        id = createModel(h);
        DownloadRequest req;
        req.hfToken = u"hf_given_once"_s;
        QVERIFY(h.service->download(id, req).ok());
        QTRY_VERIFY(h.names(id).contains(u"download_progress"_s));
        h.service->shutdown();
    }
    Harness h2(dir.path());
    h2.download->gated = true;
    h2.storedToken = u"hf_stored"_s;
    QVERIFY(h2.service->start().ok());
    QTRY_COMPARE(h2.status(id), ModelStatus::Ready);
    QCOMPARE(h2.download->tokensSeen, QStringList{u"hf_stored"_s});
}

void TestModelService::previewRunsOffThread()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QFuture<Result<hub::ModelPreview>> ok = h.service->preview(u"openai-community/gpt2"_s);
    QFuture<Result<hub::ModelPreview>> missing = h.service->preview(u"nobody/missing"_s);
    QFuture<Result<hub::ModelPreview>> invalid = h.service->preview(u"bad repo!"_s);
    QTRY_VERIFY(ok.isFinished() && missing.isFinished() && invalid.isFinished());
    QCOMPARE(ok.result()->modelType, u"gpt2"_s);
    QCOMPARE(int(missing.result().error().code), int(ErrorCode::RepoNotFound));
    QCOMPARE(int(invalid.result().error().code), int(ErrorCode::InvalidInput));
}

void TestModelService::bandwidthLimitReachesTheDownloadBackend()
{
    // The global cap is the download backend's (the process's one download session): the
    // service hands every change straight on, live, a negative one as "no cap".
    QTemporaryDir dir;
    Harness h(dir.path());
    QCOMPARE(h.download->bandwidthLimit.load(), qint64(-1));
    h.service->setBandwidthLimit(30'000'000);
    QCOMPARE(h.download->bandwidthLimit.load(), qint64(30'000'000));
    h.service->setBandwidthLimit(-5);
    QCOMPARE(h.download->bandwidthLimit.load(), qint64(0));
}

void TestModelService::downloadRepoIsOnePolicy()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 20);
    h.download->chunks = 40;
    QVERIFY(h.service->start().ok());
    auto ask = [&](const QString &repo, const QString &token = {}) {
        DownloadRequest r;
        r.hfToken = token;
        QFuture<Result<RepoDownload>> f = h.service->downloadRepo(repo, r);
        f.waitForFinished();
        return f.result();
    };
    // A repo the Hub does not know, or a gated one without a token: no record is left behind.
    QCOMPARE(int(ask(u"nobody/missing"_s).error().code), int(ErrorCode::RepoNotFound));
    h.preview->gated = true;
    QCOMPARE(int(ask(u"org/gated"_s).error().code), int(ErrorCode::GatedAuthRequired));
    QCOMPARE(h.service->list({})->total, 0);
    // With the token: made from the preview (its parameter count known at once) and started.
    const Result<RepoDownload> started = ask(u"org/gated"_s, u"hf_secret"_s);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    QCOMPARE(started->outcome, RepoDownload::Outcome::Started);
    QCOMPARE(started->model.paramsCount.value_or(0), qint64(124439808));
    QVERIFY(started->preview.has_value());
    const QUuid id = started->model.id;
    // Asked again while it runs: nothing changes; paused: resumed; ready: nothing to do.
    QCOMPARE(ask(u"org/gated"_s)->outcome, RepoDownload::Outcome::AlreadyRunning);
    QVERIFY(h.service->pause(id).ok());
    QCOMPARE(ask(u"org/gated"_s)->outcome, RepoDownload::Outcome::Resumed);
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QCOMPARE(ask(u"org/gated"_s)->outcome, RepoDownload::Outcome::AlreadyReady);
    QCOMPARE(h.service->list({})->total, 1);
    QCOMPARE(h.download->tokensSeen.first(), u"hf_secret"_s);
}

void TestModelService::queueAndLibraryUseCases()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 20);
    h.download->chunks = 400;
    QVERIFY(h.service->start().ok());
    // Three downloads, two run at once (the default), one waits in the queue.
    QList<QUuid> ids;
    for (int i = 0; i < 3; ++i) {
        const QUuid id = createModel(h, u"org/q%1"_s.arg(i));
        QVERIFY(h.service->download(id, {}).ok());
        ids << id;
    }
    // Pause all: every job stops and keeps its bytes, shown while paused.
    QTRY_VERIFY(h.service->activeJob(ids[0])->transfer.downloadedBytes > 0);
    QCOMPARE(h.service->pauseAll(), 3);
    for (const QUuid &id : ids)
        QCOMPARE(h.service->activeJob(id)->state, u"paused"_s);
    const qint64 kept = h.service->activeJob(ids[0])->transfer.downloadedBytes;
    QVERIFY(kept > 0);
    QCOMPARE(h.service->activeJob(ids[0])->transfer.totalBytes, 400 * 64 * 1024);
    QCOMPARE(h.service->resumeAll(), 3);
    const Result<CatalogueStats> stats = h.service->stats();
    QVERIFY(stats.ok());
    QCOMPARE(stats->total, qint64(3));
    QCOMPARE(stats->byStatus.value(ModelStatus::Downloading), qint64(3));
    QTRY_VERIFY_WITH_TIMEOUT(h.status(ids[0]) == ModelStatus::Ready && h.status(ids[1]) == ModelStatus::Ready
                                 && h.status(ids[2]) == ModelStatus::Ready,
                             60000);
    QCOMPARE(h.service->stats()->byStatus.value(ModelStatus::Ready), qint64(3));
    QVERIFY(h.service->stats()->sizeBytes > 3 * 400 * 64 * 1024);
    // Card and search come from the Hub backend, off this thread.
    QFuture<Result<QString>> card = h.service->modelCard(u"org/q0"_s);
    QFuture<Result<QList<hub::SearchHit>>> hits = h.service->search(u"gpt"_s, 2);
    QTRY_VERIFY(card.isFinished() && hits.isFinished());
    QVERIFY(card.result()->startsWith(u"# org/q0"_s));
    QCOMPARE(hits.result()->size(), 2);
    QCOMPARE(int(h.service->search(u"x"_s, 0).result().error().code), int(ErrorCode::InvalidInput));
}

void TestModelService::queueOrderCanChange()
{
    QTemporaryDir dir;
    Harness h(dir.path(), 5);
    h.download->chunks = 20;
    // No worker yet: the three jobs wait, then run one at a time in the order asked.
    QList<QUuid> ids;
    for (int i = 0; i < 3; ++i) {
        const QUuid id = createModel(h, u"org/o%1"_s.arg(i));
        QVERIFY(h.service->download(id, {}).ok());
        ids << id;
    }
    QVERIFY(h.service->moveInQueue(ids[2], ids[0]).ok());
    QVERIFY(h.service->moveInQueue(ids[0], std::nullopt).ok());
    QCOMPARE(int(h.service->moveInQueue(QUuid::createUuid(), std::nullopt).error().code),
             int(ErrorCode::IllegalTransition));
    QList<QUuid> order;
    for (const JobView &j : h.service->jobs())
        order << j.modelId;
    QCOMPARE(order, (QList<QUuid>{ids[2], ids[1], ids[0]}));
}

void TestModelService::variantsLiveSideBySide()
{
    QTemporaryDir dir;
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QUuid id = createModel(h);
    QVERIFY(h.service->download(id, {}).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    // Estimates for "which variant?" come from the downloaded headers.
    const Result<QList<hub::SizeEstimate>> estimates = h.service->estimateVariants(id);
    QVERIFY(estimates.ok());
    QCOMPARE(estimates->size(), 3);
    // Two variants, one after the other: the second does not replace the first.
    QVERIFY(h.service->quantize(id, {u"bnb-8bit"_s, u"cpu"_s}).ok());
    QTRY_COMPARE(h.status(id), ModelStatus::Ready);
    QuantizeRequest fp4{u"bnb-4bit"_s, u"cpu"_s, u"fp4"_s, false};
    QVERIFY(h.service->quantize(id, fp4).ok());
    QTRY_VERIFY(h.status(id) == ModelStatus::Ready && !h.service->activeJob(id));
    const Result<std::vector<VariantRecord>> vs = h.service->variants(id);
    QVERIFY(vs.ok());
    QCOMPARE(int(vs->size()), 2);
    QCOMPARE(vs->at(0).name(), u"bnb-8bit"_s);
    QCOMPARE(vs->at(1).name(), u"bnb-4bit-fp4"_s);
    const QString models = dir.path() + u"/models/openai-community--gpt2/quantized/"_s;
    QCOMPARE(vs->at(0).path, models + u"bnb-8bit"_s);
    QVERIFY(QFileInfo::exists(models + u"bnb-8bit/model_4bit.safetensors"_s));
    QVERIFY(QFileInfo::exists(models + u"bnb-4bit-fp4/model_4bit.safetensors"_s));
    QCOMPARE(vs->at(0).sizeBytes, qint64(1000));
    // The model's size on disk counts both (the Delete dialog and the catalogue show that).
    const ModelRecord m = *h.service->get(id);
    QCOMPARE(m.variantsSizeBytes, qint64(2000));
    QCOMPARE(m.toJson().value(u"disk_size_bytes"_s).toInteger(), *m.sizeBytes + 2000);
    QCOMPARE(m.quantization, u"bnb-4bit"_s);
    // One variant goes; the other stays and becomes the model's current one.
    QFuture<Result<qint64>> gone = h.service->removeVariant(id, u"bnb-4bit-fp4"_s);
    gone.waitForFinished();
    QCOMPARE(gone.result().value(), qint64(1000));
    QVERIFY(!QFileInfo::exists(models + u"bnb-4bit-fp4"_s));
    QVERIFY(QFileInfo::exists(models + u"bnb-8bit/model_4bit.safetensors"_s));
    QCOMPARE(h.service->get(id)->quantization, u"bnb-8bit"_s);
    QCOMPARE(int(h.service->removeVariant(id, u"bnb-4bit-nf4-dq"_s).result().error().code),
             int(ErrorCode::NotFound));
    QVERIFY(h.service->removeVariant(id, u"bnb-8bit"_s).result().ok());
    QCOMPARE(h.service->get(id)->quantization, u"none"_s);
    QCOMPARE(h.service->get(id)->status, ModelStatus::Ready);
    QVERIFY(h.service->variants(id)->empty());
}

void TestModelService::upgradeMovesTheOldQuantizedFolder_data()
{
    QTest::addColumn<int>("crashedAt"); // 0: not at all, 1: after moving aside, 2: after moving into place
    QTest::newRow("fresh") << 0;
    QTest::newRow("crashed after the first rename") << 1;
    QTest::newRow("crashed before the catalogue") << 2;
}

void TestModelService::upgradeMovesTheOldQuantizedFolder()
{
    QFETCH(int, crashedAt);
    // A model quantized by an older version: quantized/ holds the checkpoint itself.
    QTemporaryDir dir;
    QUuid id;
    const QString modelDir = dir.path() + u"/models/openai-community--gpt2"_s;
    {
        Harness h(dir.path());
        id = createModel(h);
        ModelPatch p;
        p.filePath = modelDir;
        p.quantization = u"bnb-4bit"_s;
        p.quantizedPath = modelDir + u"/quantized/model.safetensors"_s;
        QVERIFY(h.stores.models->update(id, p).ok());
    }
    QVERIFY(QDir().mkpath(modelDir + u"/quantized"_s));
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    };
    write(modelDir + u"/quantized/config.json"_s,
          R"({"quantization_config":{"quant_method":"bitsandbytes","load_in_4bit":true,)"
          R"("bnb_4bit_quant_type":"nf4","bnb_4bit_use_double_quant":true}})");
    write(modelDir + u"/quantized/model.safetensors"_s, QByteArray(4096, 'q'));
    if (crashedAt >= 1)
        QVERIFY(QDir().rename(modelDir + u"/quantized"_s, modelDir + u"/quantized.upgrading"_s));
    if (crashedAt >= 2) {
        QVERIFY(QDir().mkpath(modelDir + u"/quantized"_s));
        QVERIFY(QDir().rename(modelDir + u"/quantized.upgrading"_s, modelDir + u"/quantized/bnb-4bit-nf4-dq"_s));
    }
    Harness h(dir.path());
    QVERIFY(h.service->start().ok());
    const QString variantDir = modelDir + u"/quantized/bnb-4bit-nf4-dq"_s;
    QVERIFY(QFileInfo::exists(variantDir + u"/model.safetensors"_s));
    QVERIFY(!QFileInfo::exists(modelDir + u"/quantized.upgrading"_s));
    QVERIFY(!QFileInfo::exists(modelDir + u"/quantized/model.safetensors"_s));
    const Result<std::vector<VariantRecord>> vs = h.service->variants(id);
    QCOMPARE(int(vs->size()), 1);
    QCOMPARE(vs->front().name(), u"bnb-4bit-nf4-dq"_s);
    QVERIFY(vs->front().sizeBytes >= 4096);
    QCOMPARE(h.service->get(id)->quantizedPath, variantDir + u"/model.safetensors"_s);
}

QTEST_GUILESS_MAIN(TestModelService)
#include "tst_modelservice.moc"
