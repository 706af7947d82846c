#include "service/modelservice.h"

#include "common/namepolicy.h"
#include "common/repoid.h"
#include "service/jobevents.h"
#include "service/deletionpolicy.h"
#include "service/jobworker.h"
#include "service/libraryupgrade.h"
#include "service/modellibrary.h"
#include "service/processidentity.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// How often a delete waiting for another process's job to stop looks again.
constexpr int kSettlePollMs = 100;

bool isQuantizationMode(const QString &m)
{
    return m == u"none"_s || m == u"bnb-4bit"_s || m == u"bnb-8bit"_s;
}

// The 4-bit options apply to bnb-4bit only; anything but the defaults with another mode is
// refused rather than silently ignored.
Status validate4bitOptions(const QString &mode, const QString &quantType, bool doubleQuant)
{
    if (quantType != u"nf4"_s && quantType != u"fp4"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown 4-bit quant type '%1' (nf4, fp4)"_s.arg(quantType),
                           {{u"field"_s, u"bnb_4bit_quant_type"_s}});
    if (mode == u"bnb-4bit"_s)
        return {};
    if (quantType != u"nf4"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"The 4-bit quant type applies to bnb-4bit only (not %1)"_s.arg(mode),
                           {{u"field"_s, u"bnb_4bit_quant_type"_s}});
    if (!doubleQuant)
        return Error::make(ErrorCode::InvalidInput,
                           u"Double quantization applies to bnb-4bit only (not %1)"_s.arg(mode),
                           {{u"field"_s, u"bnb_4bit_use_double_quant"_s}});
    return {};
}

bool isDevice(const QString &d)
{
    static const QRegularExpression cuda(u"^cuda:[0-9]{1,2}$"_s);
    return d == u"auto"_s || d == u"cpu"_s || cuda.match(d).hasMatch();
}

// Whether another record of the same repo exists (it shares the repo folder).
Result<bool> sharesRepo(ModelStore &store, const ModelRecord &record)
{
    const Result<std::vector<ModelRecord>> same = store.byRepo(record.repoId);
    if (!same)
        return same.error();
    return std::any_of(same->begin(), same->end(), [&](const ModelRecord &o) { return o.id != record.id; });
}

JobView viewOf(const JobRecord &j)
{
    JobView v;
    v.id = j.id;
    v.modelId = j.modelId;
    v.kind = jobKindName(j.kind);
    v.state = jobStateName(j.state);
    v.progress = j.progress;
    v.device = j.runDevice.isEmpty() ? (j.kind == JobKind::Quantize ? j.device : QString()) : j.runDevice;
    v.attempts = j.attempts;
    v.lastError = j.lastError;
    v.createdAt = j.createdAt;
    v.updatedAt = j.updatedAt;
    v.ownerHost = j.state == JobState::Running ? j.ownerHost : QString();
    v.requestedStop = j.requestedStop ? stopRequestName(*j.requestedStop) : QString();
    const QJsonObject &d = j.progressDetail;
    v.transfer.downloadedBytes = d.value(u"downloaded_bytes"_s).toInteger();
    v.transfer.totalBytes = d.value(u"total_bytes"_s).toInteger();
    v.transfer.bytesPerSecond = double(d.value(u"speed_bytes_per_sec"_s).toInteger());
    v.transfer.filesDone = d.value(u"files_done"_s).toInt();
    v.transfer.filesTotal = d.value(u"files_total"_s).toInt();
    return v;
}

} // namespace

ModelService::ModelService(std::shared_ptr<ModelStore> store, std::shared_ptr<JobQueue> jobs,
                           EventBus *bus, Engines engines, ServiceOptions options, QObject *parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_queue(std::move(jobs))
    , m_bus(bus)
    , m_engines(std::move(engines))
    , m_options(std::move(options))
{
    if (m_options.ownerId.isEmpty())
        m_options.ownerId = ProcessIdentity::current().id();
    m_previewPool.setMaxThreadCount(4);
    m_removePool.setMaxThreadCount(2);
    m_stopPool.setMaxThreadCount(4);
    if (m_options.runsJobs)
        m_worker = std::make_unique<JobWorker>(m_store, m_queue, m_bus, m_engines, m_options, &m_tokens);
    m_library = std::make_unique<ModelLibrary>(this, m_store, m_queue, m_bus, m_engines, m_options);
}

ModelService::~ModelService()
{
    shutdown();
}

Status ModelService::start(std::optional<QUuid> onlyModel)
{
    if (Status s = m_options.dataDir.ensureExists(); !s)
        return s;
    if (m_worker) {
        // Older layouts are brought up to date before any job can touch them.
        if (const Result<int> n = LibraryUpgrade(*m_store, m_options.dataDir).run(); !n)
            return n.error();
        return m_worker->start(onlyModel);
    }
    return {};
}

void ModelService::shutdown()
{
    if (m_engines.interruptHubCalls)
        m_engines.interruptHubCalls(); // previews waiting on a slow Hub end now
    if (m_worker)
        m_worker->stop();
    m_library->shutdown(); // after the worker: a finished download may still publish
    m_previewPool.waitForDone();
    m_removePool.waitForDone();
    m_stopPool.waitForDone();
}

QString ModelService::affinity(bool holdsToken) const
{
    // A job whose token this process holds in memory only is run here while this process
    // lives; any other job goes to whichever worker is free (and offers the device asked for).
    // A front end that runs no jobs leaves every job to the workers.
    return m_worker && holdsToken ? m_options.ownerId : QString();
}

void ModelService::wakeWorker()
{
    if (m_worker)
        m_worker->wake();
}

Result<ModelRecord> ModelService::create(const NewModel &model)
{
    const Result<RepoId> repo = RepoId::parse(model.repoId);
    if (!repo)
        return repo.error();
    if (Status s = validateDisplayName(model.name); !s)
        return s.error();
    if (!isQuantizationMode(model.quantization))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization '%1' (none, bnb-4bit, bnb-8bit)"_s.arg(model.quantization),
                           {{u"field"_s, u"quantization"_s}});
    if (const Result<QString> rev = validateRevision(model.revision); !rev)
        return rev.error();
    Result<CommittedChange> c = m_queue->createModel(model, recordEvents());
    if (!c)
        return c.error();
    publishCommitted(m_bus, *c);
    return *c->change.after;
}

Result<ModelPage> ModelService::list(const ModelQuery &query) const
{
    return m_store->list(query);
}

Result<ModelRecord> ModelService::get(const QUuid &id) const
{
    return m_store->get(id);
}

Result<ModelRecord> ModelService::resolve(QStringView idPrefixOrRepo) const
{
    return m_store->resolve(idPrefixOrRepo);
}

Result<QJsonObject> ModelService::architecture(const QUuid &id) const
{
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r.error();
    if (r->architecture.isEmpty())
        return Error::make(ErrorCode::NotFound,
                           u"The architecture is known once the model is downloaded"_s,
                           {{u"status"_s, modelStatusName(r->status)}});
    return r->architecture;
}

Result<ModelRecord> ModelService::enqueue(const ModelRecord &record, const NewJob &job,
                                          const ModelPatch &patch, const QString &token)
{
    // The token is in place before the job can be claimed (by this process: its affinity).
    if (!token.isEmpty())
        m_tokens.put(record.id, token);
    Result<CommittedChange> c = m_queue->enqueue(job, patch, recordEvents());
    if (!c) {
        if (!token.isEmpty())
            m_tokens.forget(record.id);
        if (c.error().code == ErrorCode::Conflict)
            return Error::make(ErrorCode::Conflict,
                               u"The model has a paused job; resume or cancel it first"_s,
                               {{u"model_id"_s, record.id.toString(QUuid::WithoutBraces)}});
        return c.error();
    }
    publishCommitted(m_bus, *c);
    wakeWorker();
    return *c->change.after;
}

Result<ModelRecord> ModelService::download(const QUuid &id, const DownloadRequest &request)
{
    if (!isQuantizationMode(request.quantization))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization '%1' (none, bnb-4bit, bnb-8bit)"_s.arg(request.quantization),
                           {{u"field"_s, u"quantization"_s}});
    if (Status s = validate4bitOptions(request.quantization, request.quantType, request.doubleQuant); !s)
        return s.error();
    if (!request.revision.isEmpty()) {
        if (const Result<QString> rev = validateRevision(request.revision); !rev)
            return rev.error();
    }
    if (request.update && !isCommitSha(request.commit))
        return Error::make(ErrorCode::InvalidInput, u"An update names the commit it fetches"_s,
                           {{u"field"_s, u"commit"_s}});
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    const bool updatable = request.update && r->status == ModelStatus::Ready;
    if (r->status != ModelStatus::Pending && r->status != ModelStatus::Failed && !updatable)
        return Error::make(ErrorCode::IllegalTransition,
                           u"A %1 model cannot be downloaded"_s.arg(modelStatusName(r->status)),
                           {{u"status"_s, modelStatusName(r->status)}});
    ModelPatch patch;
    patch.quantization = request.quantization;
    return enqueue(*r, NewJob{id, JobKind::Download, request.toParams(), u"auto"_s,
                              affinity(!request.hfToken.isEmpty())},
                   patch, request.hfToken);
}

QFuture<Result<RepoDownload>> ModelService::downloadRepo(const QString &repoId,
                                                         const DownloadRequest &request)
{
    const Result<RepoId> repo = RepoId::parse(repoId);
    if (!repo)
        return QtFuture::makeReadyFuture(Result<RepoDownload>(repo.error()));
    Result<ModelRecord> existing = m_store->resolve(repo->toString());
    if (existing)
        return QtFuture::makeReadyFuture(downloadExisting(*existing, request));
    if (existing.error().code != ErrorCode::NotFound)
        return QtFuture::makeReadyFuture(Result<RepoDownload>(existing.error()));
    return QtConcurrent::run(&m_previewPool, [this, repoId = repo->toString(), request] {
        return downloadPreviewed(repoId, request);
    });
}

Result<RepoDownload> ModelService::downloadExisting(const ModelRecord &record, const DownloadRequest &request)
{
    // Another face or process may move the model between our reads (a job ends, or starts): each
    // answer is taken from facts read after the active-job check, and a request refused because
    // the state moved meanwhile is decided again (a few times, then the refusal stands).
    Result<ModelRecord> r = record;
    for (int round = 0;; ++round) {
        const Result<std::optional<JobRecord>> job = m_queue->active(record.id);
        if (!job)
            return job.error();
        if (*job) {
            const JobState s = (*job)->state;
            if (s == JobState::Paused || s == JobState::NeedsToken) {
                Result<ModelRecord> resumed = resume(record.id, request.hfToken);
                if (resumed)
                    return RepoDownload{RepoDownload::Outcome::Resumed, *resumed, std::nullopt};
                r = resumed.error();
            } else {
                Result<ModelRecord> now = m_store->get(record.id);
                return RepoDownload{RepoDownload::Outcome::AlreadyRunning, now ? *now : record, std::nullopt};
            }
        } else {
            const Result<ModelRecord> now = m_store->get(record.id);
            if (!now)
                return now.error();
            if (now->status == ModelStatus::Ready)
                return RepoDownload{RepoDownload::Outcome::AlreadyReady, *now, std::nullopt};
            r = download(record.id, request);
            if (r)
                return RepoDownload{RepoDownload::Outcome::Started, *r, std::nullopt};
        }
        const ErrorCode code = r.error().code;
        if (round >= 3 || (code != ErrorCode::IllegalTransition && code != ErrorCode::Conflict))
            return r.error();
    }
}

Result<RepoDownload> ModelService::downloadPreviewed(const QString &repoId, const DownloadRequest &request)
{
    if (!m_engines.hub)
        return Error::make(ErrorCode::Internal, u"This build has no Hub client"_s);
    Result<hub::ModelPreview> preview = m_engines.hub->preview(repoId, request.revision, request.hfToken);
    if (!preview)
        return preview.error();
    if (preview->canDownload == false) {
        if (preview->accessError)
            return *preview->accessError;
        return Error::make(ErrorCode::GatedAuthRequired,
                           u"%1 is gated: a Hugging Face token with access is needed"_s.arg(repoId));
    }
    // Someone may have made the record meanwhile (another face, another process).
    if (Result<ModelRecord> again = m_store->resolve(repoId); again)
        return downloadExisting(*again, request);
    NewModel m;
    m.repoId = repoId;
    if (!request.revision.isEmpty())
        m.revision = request.revision;
    m.quantization = request.quantization;
    if (preview->parameterCount > 0)
        m.paramsCount = preview->parameterCount;
    if (preview->architecture)
        m.architecture = preview->architecture->toJson();
    Result<ModelRecord> created = create(m);
    if (!created)
        return created.error();
    // What the Hub said about the repo's access: the LAN mirror serves it by this.
    m_library->noteAccess(created->id, preview->isPrivate ? u"private"_s
                                       : preview->gated.isEmpty() || preview->gated == u"false"_s ? u"public"_s
                                                                                                  : u"gated"_s);
    Result<ModelRecord> r = download(created->id, request);
    if (!r)
        return r.error();
    return RepoDownload{RepoDownload::Outcome::Started, *r, *preview};
}

Result<ModelRecord> ModelService::quantize(const QUuid &id, const QuantizeRequest &request)
{
    if (request.mode != u"bnb-4bit"_s && request.mode != u"bnb-8bit"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization mode '%1' (bnb-4bit, bnb-8bit)"_s.arg(request.mode),
                           {{u"field"_s, u"mode"_s}});
    if (Status s = validate4bitOptions(request.mode, request.quantType, request.doubleQuant); !s)
        return s.error();
    if (!isDevice(request.device))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown device '%1' (auto, cpu, cuda:N)"_s.arg(request.device),
                           {{u"field"_s, u"device"_s}});
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    if (r->status != ModelStatus::Ready)
        return Error::make(ErrorCode::IllegalTransition,
                           u"Only a ready model can be quantized (it is %1)"_s
                               .arg(modelStatusName(r->status)),
                           {{u"status"_s, modelStatusName(r->status)}});
    if (m_worker && !m_engines.quantize)
        return Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s);
    if (request.device.startsWith(u"cuda"_s) && !gpus().contains(request.device)) {
        // Another worker sharing the catalogue may have it.
        bool offered = false;
        if (const Result<std::vector<WorkerRecord>> w = workers(); w) {
            for (const WorkerRecord &rec : *w)
                offered = offered || rec.devices.contains(request.device);
        }
        if (!offered)
            return Error::make(ErrorCode::GpuUnavailable,
                               u"No worker has the device %1"_s.arg(request.device),
                               {{u"device"_s, request.device}});
    }
    QJsonObject params{{u"mode"_s, request.mode}, {u"requantize"_s, true}};
    if (request.mode == u"bnb-4bit"_s) {
        params.insert(u"quant_type"_s, request.quantType);
        params.insert(u"double_quant"_s, request.doubleQuant);
    }
    Result<ModelRecord> q = enqueue(*r, NewJob{id, JobKind::Quantize, params, request.device, affinity(false)},
                                    {}, {});
    if (!q && q.error().code == ErrorCode::Conflict)
        return Error::make(ErrorCode::Conflict, u"The model already has a job; cancel it first"_s);
    return q;
}

Result<ModelRecord> ModelService::stop(const QUuid &id, StopRequest request)
{
    Result<CommittedChange> c = m_queue->requestStop(id, request, recordEvents());
    if (!c)
        return c.error();
    publishCommitted(m_bus, *c);
    const JobRecord &job = *c->change.job;
    if (job.state == JobState::Running && m_worker && job.ownerId == m_options.ownerId) {
        // Ours: stop it now and return once it has stopped. (Claimed a moment ago, it may not
        // be running on its thread yet; the request on its row reaches it then anyway.)
        QElapsedTimer waited;
        waited.start();
        while (!m_worker->runs(job.id) && waited.elapsed() < 1000) {
            const Result<JobRecord> now = m_queue->get(job.id);
            if (!now || now->state != JobState::Running)
                break;
            QThread::msleep(2);
        }
        m_worker->stopLocal(job.id, request, m_options.stopWait);
    }
    if (request == StopRequest::Cancel && job.state != JobState::Running)
        m_tokens.forget(id);
    return m_store->get(id);
}

Result<ModelRecord> ModelService::cancel(const QUuid &id)
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r;
    return stop(id, StopRequest::Cancel);
}

Result<ModelRecord> ModelService::pause(const QUuid &id)
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r;
    return stop(id, StopRequest::Pause);
}

QFuture<Result<ModelRecord>> ModelService::cancelAsync(const QUuid &id)
{
    return QtConcurrent::run(&m_stopPool, [this, id] { return cancel(id); });
}

QFuture<Result<ModelRecord>> ModelService::pauseAsync(const QUuid &id)
{
    return QtConcurrent::run(&m_stopPool, [this, id] { return pause(id); });
}

Result<ModelRecord> ModelService::resume(const QUuid &id, const QString &token)
{
    const Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    const Result<std::optional<JobRecord>> job = m_queue->active(id);
    if (!job)
        return job.error();
    if (!*job || ((*job)->state != JobState::Paused && (*job)->state != JobState::NeedsToken))
        return Error::make(ErrorCode::IllegalTransition,
                           *job ? u"The job is %1, not paused"_s.arg(jobStateName((*job)->state))
                                : u"The model has no paused job"_s);
    const QString previous = m_tokens.get(id);
    if (!token.isEmpty())
        m_tokens.put(id, token);
    if ((*job)->state == JobState::NeedsToken && m_tokens.get(id).isEmpty()) {
        const QString stored = m_engines.storedToken ? m_engines.storedToken() : QString();
        if (stored.isEmpty())
            return Error::make(ErrorCode::NeedsToken,
                               u"This gated download needs a Hugging Face token to resume"_s);
    }
    Result<CommittedChange> c = m_queue->resume(id, affinity(!m_tokens.get(id).isEmpty()), recordEvents());
    if (!c) {
        m_tokens.put(id, previous);
        return c.error();
    }
    publishCommitted(m_bus, *c);
    wakeWorker();
    return *c->change.after;
}

Result<ModelRecord> ModelService::retry(const QUuid &id, const QString &token)
{
    Result<ModelRecord> record = m_store->get(id);
    if (!record)
        return record;
    if (record->status != ModelStatus::Failed)
        return Error::make(ErrorCode::IllegalTransition,
                           u"Only a failed model can be retried (it is %1)"_s
                               .arg(modelStatusName(record->status)),
                           {{u"status"_s, modelStatusName(record->status)}});
    // The parameters of the model's last download (never a token), else the defaults.
    DownloadRequest request;
    JobQuery q;
    q.modelId = id;
    q.kind = JobKind::Download;
    const Result<std::vector<JobRecord>> past = m_queue->list(q);
    if (past && !past->empty())
        request = DownloadRequest::fromParams(past->back().params);
    else
        request.quantization = record->quantization;
    if (request.quantization.isEmpty())
        request.quantization = record->quantization;
    request.hfToken = token;
    // A download that is already complete is verified by the engine and not fetched again;
    // the failed step (quantization, architecture) then runs again.
    return download(id, request);
}

QFuture<void> ModelService::whenSettled(const QUuid &id)
{
    auto queue = m_queue;
    return QtConcurrent::run(&m_removePool, [queue, id] {
        for (;;) {
            const Result<std::optional<JobRecord>> job = queue->active(id);
            if (!job || !*job || (*job)->state != JobState::Running)
                return;
            QThread::msleep(kSettlePollMs);
        }
    });
}

Result<Removal> ModelService::planRemoval(const QUuid &id) const
{
    const Result<ModelRecord> rec = m_store->get(id);
    if (!rec)
        return rec.error();
    const Result<bool> shared = sharesRepo(*m_store, *rec);
    if (!shared)
        return shared.error();
    return DeletionPolicy(m_options.dataDir).plan(*rec, *shared);
}

QFuture<Result<Removal>> ModelService::remove(const QUuid &id)
{
    Result<ModelRecord> rec = m_store->get(id);
    if (!rec)
        return QtFuture::makeReadyFuture(Result<Removal>(rec.error()));
    // The job stops first (this process's own at once; another's when its owner sees the
    // request, or when its lease expires should that owner be gone).
    if (Result<std::optional<JobRecord>> job = m_queue->active(id); job && *job)
        (void)stop(id, StopRequest::Cancel);
    const ModelRecord record = rec.value();
    auto store = m_store;
    auto queue = m_queue;
    EventBus *bus = m_bus;
    const DataDir dataDir = m_options.dataDir;
    const qint64 waitMs = m_options.lease.count() * 2 + 5000;
    return QtConcurrent::run(&m_removePool, [=]() -> Result<Removal> {
        QElapsedTimer waited;
        waited.start();
        for (;;) {
            const Result<std::optional<JobRecord>> job = queue->active(record.id);
            if (!job)
                return job.error();
            if (!*job || (*job)->state != JobState::Running)
                break;
            if (waited.elapsed() > waitMs)
                return Error::make(ErrorCode::Conflict,
                                   u"The job of this model is still running on %1; try again"_s.arg(
                                       (*job)->ownerHost));
            QThread::msleep(kSettlePollMs);
        }
        const Result<bool> shared = sharesRepo(*store, record);
        if (!shared)
            return shared.error();
        Removal removal = DeletionPolicy(dataDir).plan(record, *shared);
        removal.bytes = 0;
        for (const QString &d : std::as_const(removal.paths)) {
            const qint64 n = DeletionPolicy::removeTree(d);
            if (n < 0)
                return Error::make(ErrorCode::IoError, u"Cannot remove '%1'"_s.arg(d), {{u"path"_s, d}});
            removal.bytes += n;
        }
        Result<CommittedChange> c = queue->removeModel(record.id, recordEvents({}, removal.bytes));
        if (!c)
            return c.error();
        publishCommitted(bus, *c);
        return removal;
    });
}

QFuture<Result<hub::ModelPreview>> ModelService::preview(const QString &repoId, const QString &revision,
                                                          const QString &token)
{
    if (const Result<RepoId> repo = RepoId::parse(repoId); !repo)
        return QtFuture::makeReadyFuture(Result<hub::ModelPreview>(repo.error()));
    if (!revision.isEmpty()) {
        if (const Result<QString> rev = validateRevision(revision); !rev)
            return QtFuture::makeReadyFuture(Result<hub::ModelPreview>(rev.error()));
    }
    auto backend = m_engines.hub;
    return QtConcurrent::run(&m_previewPool, [backend, repoId, revision, token]() {
        if (!backend)
            return Result<hub::ModelPreview>(
                Error::make(ErrorCode::Internal, u"This build has no Hub client"_s));
        return backend->preview(repoId, revision, token);
    });
}

QFuture<Result<QString>> ModelService::modelCard(const QString &repoId, const QString &revision,
                                                 const QString &token)
{
    if (const Result<RepoId> repo = RepoId::parse(repoId); !repo)
        return QtFuture::makeReadyFuture(Result<QString>(repo.error()));
    auto backend = m_engines.hub;
    return QtConcurrent::run(&m_previewPool, [backend, repoId, revision, token]() {
        if (!backend)
            return Result<QString>(Error::make(ErrorCode::Internal, u"This build has no Hub client"_s));
        return backend->modelCard(repoId, revision, token);
    });
}

QFuture<Result<QList<hub::SearchHit>>> ModelService::search(const QString &query, int limit)
{
    if (limit < 1 || limit > 100)
        return QtFuture::makeReadyFuture(Result<QList<hub::SearchHit>>(
            Error::make(ErrorCode::InvalidInput, u"The limit must be from 1 to 100"_s)));
    auto backend = m_engines.hub;
    return QtConcurrent::run(&m_previewPool, [backend, query, limit]() {
        if (!backend)
            return Result<QList<hub::SearchHit>>(
                Error::make(ErrorCode::Internal, u"This build has no Hub client"_s));
        return backend->search(query, limit);
    });
}

Status ModelService::moveInQueue(const QUuid &modelId, const std::optional<QUuid> &beforeModelId)
{
    const Result<std::optional<JobRecord>> job = m_queue->active(modelId);
    if (!job)
        return job.error();
    if (!*job)
        return Error::make(ErrorCode::IllegalTransition, u"The model has no queued job"_s);
    std::optional<QUuid> before;
    if (beforeModelId) {
        const Result<std::optional<JobRecord>> other = m_queue->active(*beforeModelId);
        if (!other)
            return other.error();
        if (!*other || (*other)->state != JobState::Queued)
            return Error::make(ErrorCode::IllegalTransition, u"The other model has no queued job"_s);
        before = (*other)->id;
    }
    return m_queue->reorder((*job)->id, before);
}

int ModelService::pauseAll()
{
    int n = 0;
    for (const JobView &j : jobs()) {
        if (j.state == u"queued"_s || j.state == u"running"_s)
            n += pause(j.modelId).ok() ? 1 : 0;
    }
    return n;
}

int ModelService::resumeAll()
{
    int n = 0;
    for (const JobView &j : jobs()) {
        if (j.state == u"paused"_s)
            n += resume(j.modelId).ok() ? 1 : 0;
    }
    return n;
}

Result<CatalogueStats> ModelService::stats() const
{
    return m_store->stats();
}

Result<QList<ModelFileRecord>> ModelService::files(const QUuid &id) const
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r.error();
    return m_store->files(id);
}

Result<std::vector<VariantRecord>> ModelService::variants(const QUuid &id) const
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r.error();
    return m_store->variants(id);
}

Result<QList<hub::SizeEstimate>> ModelService::estimateVariants(const QUuid &id) const
{
    const Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r.error();
    if (r->filePath.isEmpty())
        return Error::make(ErrorCode::IllegalTransition, u"The model is not downloaded yet"_s);
    if (!m_engines.architecture)
        return Error::make(ErrorCode::Internal, u"This build cannot read checkpoints"_s);
    return m_engines.architecture->estimateSizes(r->filePath);
}

QFuture<Result<qint64>> ModelService::removeVariant(const QUuid &id, const QString &variant)
{
    const Result<ModelRecord> rec = m_store->get(id);
    if (!rec)
        return QtFuture::makeReadyFuture(Result<qint64>(rec.error()));
    if (const Result<std::optional<JobRecord>> job = m_queue->active(id); !job || *job)
        return QtFuture::makeReadyFuture(Result<qint64>(
            job ? Error::make(ErrorCode::Conflict, u"The model has a job; wait for it or cancel it first"_s)
                : job.error()));
    auto store = m_store;
    const DataDir dataDir = m_options.dataDir;
    const ModelRecord record = *rec;
    return QtConcurrent::run(&m_removePool, [store, dataDir, record, variant]() -> Result<qint64> {
        const Result<std::vector<VariantRecord>> all = store->variants(record.id);
        if (!all)
            return all.error();
        const auto it = std::find_if(all->begin(), all->end(), [&](const VariantRecord &v) { return v.name() == variant; });
        if (it == all->end())
            return Error::make(ErrorCode::NotFound, u"The model has no variant '%1'"_s.arg(variant),
                               {{u"variant"_s, variant}});
        const Result<bool> shared = sharesRepo(*store, record);
        if (!shared)
            return shared.error();
        qint64 freed = 0;
        if (const QString dir = DeletionPolicy(dataDir).insideModels(it->path); !dir.isEmpty() && !*shared) {
            freed = DeletionPolicy::removeTree(dir);
            if (freed < 0)
                return Error::make(ErrorCode::IoError, u"Cannot remove '%1'"_s.arg(dir), {{u"path"_s, dir}});
        }
        if (Status s = store->removeVariant(record.id, variant); !s)
            return s.error();
        // The model's base fields name its newest remaining variant (none when it was the last).
        if (record.quantizedPath.startsWith(it->path)) {
            ModelPatch patch;
            patch.quantization = u"none"_s;
            patch.quantizedPath = QString();
            for (const VariantRecord &v : *all) {
                if (v.name() == variant)
                    continue;
                patch.quantization = v.variant.mode;
                const QString file = v.path + u"/model.safetensors"_s;
                patch.quantizedPath = QFileInfo::exists(file) ? file : v.path;
            }
            if (Result<ModelRecord> u = store->update(record.id, patch); !u)
                return u.error();
        }
        return freed;
    });
}

std::optional<JobView> ModelService::activeJob(const QUuid &modelId) const
{
    const Result<std::optional<JobRecord>> j = m_queue->active(modelId);
    if (!j || !*j)
        return std::nullopt;
    return viewOf(**j);
}

QList<JobView> ModelService::jobs() const
{
    JobQuery q;
    q.states = {JobState::Queued, JobState::Running, JobState::Paused, JobState::NeedsToken};
    QList<JobView> out;
    if (const Result<std::vector<JobRecord>> all = m_queue->list(q); all) {
        for (const JobRecord &j : *all)
            out << viewOf(j);
    }
    return out;
}

QStringList ModelService::gpus() const
{
    return m_worker ? m_worker->gpus() : QStringList();
}

void ModelService::setBandwidthLimit(qint64 bytesPerSecond)
{
    if (m_engines.download)
        m_engines.download->setBandwidthLimit(qMax<qint64>(0, bytesPerSecond));
}

Result<std::vector<WorkerRecord>> ModelService::workers() const
{
    return m_queue->workers(m_options.lease);
}

} // namespace mistudio
