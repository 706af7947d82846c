#include "service/jobrunner.h"

#include "common/repoid.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFutureInterface>
#include <QHostInfo>
#include <QJsonArray>
#include <QRunnable>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

// One run of a job: a resumed job gets a new Execution whose worker first waits for the
// previous one to return, so that two workers never write the same model directory.
struct JobRunner::Execution
{
    JobControl control;
    QMutex commitMutex; // a worker commits its result and a controller stops it, never both
    QFutureInterface<void> done;
};

struct JobRunner::Job
{
    enum class Kind { Download, Quantize };

    QUuid id = QUuid::createUuid();
    QUuid modelId;
    Kind kind = Kind::Download;
    DownloadRequest download; // the token lives here, in memory only
    QuantizeRequest quantize;
    bool requantize = false; // quantizing a ready model: failure or cancel returns it to ready
    bool recovered = false;  // restarted after a crash/restart
    QString device;

    mutable QMutex mutex; // guards the fields below
    QString state = u"queued"_s;
    double progress = 0.0;
    int attempts = 0;
    QString lastError;
    QDateTime createdAt = QDateTime::currentDateTimeUtc();
    QDateTime updatedAt = createdAt;
    std::shared_ptr<Execution> exec;

    QString kindName() const { return kind == Kind::Download ? u"download"_s : u"quantize"_s; }
    void setState(const QString &s, const QString &error = {})
    {
        QMutexLocker lock(&mutex);
        state = s;
        if (!error.isEmpty())
            lastError = error;
        updatedAt = QDateTime::currentDateTimeUtc();
    }
    JobView view() const
    {
        QMutexLocker lock(&mutex);
        return JobView{id, modelId, kindName(), state, progress, device, attempts, lastError,
                       createdAt, updatedAt};
    }
};

namespace {

class FunctionRunnable final : public QRunnable
{
public:
    explicit FunctionRunnable(std::function<void()> f) : m_f(std::move(f)) { setAutoDelete(true); }
    void run() override { m_f(); }

private:
    std::function<void()> m_f;
};

bool isTokenError(ErrorCode c)
{
    return c == ErrorCode::GatedAuthRequired || c == ErrorCode::NeedsToken
        || c == ErrorCode::InvalidToken;
}

// Publishes at most one progress event per interval (and always the last one, on request).
class Throttle
{
public:
    explicit Throttle(int intervalMs) : m_interval(intervalMs) { m_timer.start(); }
    bool due()
    {
        if (m_first || m_timer.elapsed() >= m_interval) {
            m_first = false;
            m_timer.restart();
            return true;
        }
        return false;
    }

private:
    QElapsedTimer m_timer;
    int m_interval;
    bool m_first = true;
};

} // namespace

JobRunner::JobRunner(std::shared_ptr<ModelStore> store, EventBus *bus, Engines engines,
                     ServiceOptions options)
    : m_store(std::move(store))
    , m_bus(bus)
    , m_engines(std::move(engines))
    , m_options(std::move(options))
{
    if (m_options.hostName.isEmpty())
        m_options.hostName = QHostInfo::localHostName();
    m_downloadPool.setMaxThreadCount(std::max(1, m_options.maxConcurrentDownloads));
    m_cpuPool.setMaxThreadCount(std::max(1, m_options.cpuQuantizeThreads));
    if (m_engines.quantize)
        m_gpus = m_engines.quantize->gpus();
    for (qsizetype i = 0; i < m_gpus.size(); ++i) {
        auto pool = std::make_unique<QThreadPool>();
        pool->setMaxThreadCount(1);
        m_gpuPools.push_back(std::move(pool));
    }
}

JobRunner::~JobRunner()
{
    shutdown();
}

void JobRunner::shutdown()
{
    {
        QMutexLocker lock(&m_mutex);
        for (const auto &job : std::as_const(m_jobs)) {
            QMutexLocker jl(&job->mutex);
            if (job->exec)
                job->exec->control.request(JobControl::Request::Shutdown);
        }
    }
    m_downloadPool.waitForDone();
    m_cpuPool.waitForDone();
    for (auto &p : m_gpuPools)
        p->waitForDone();
}

Result<ModelRecord> JobRunner::setStatus(const QUuid &id, ModelStatus to, const QString &error,
                                         const QString &jobState)
{
    const Result<ModelRecord> before = m_store->get(id);
    if (!before)
        return before.error();
    Result<ModelRecord> after = m_store->transition(id, to, error);
    if (after)
        m_bus->publish(ModelEvent::statusChanged(id, before->status, to, error, jobState));
    return after;
}

std::shared_ptr<JobRunner::Job> JobRunner::findJob(const QUuid &modelId) const
{
    QMutexLocker lock(&m_mutex);
    return m_jobs.value(modelId);
}

std::optional<JobView> JobRunner::job(const QUuid &modelId) const
{
    if (auto j = findJob(modelId))
        return j->view();
    return std::nullopt;
}

QList<JobView> JobRunner::jobs() const
{
    QList<JobView> out;
    QMutexLocker lock(&m_mutex);
    for (const auto &j : m_jobs)
        out << j->view();
    return out;
}

QThreadPool *JobRunner::poolFor(Job &job)
{
    if (job.kind == Job::Kind::Download)
        return &m_downloadPool;
    QString device = job.quantize.device;
    if (device == u"auto"_s || device.isEmpty())
        device = m_gpus.isEmpty() ? u"cpu"_s : m_gpus.at(m_nextGpu++ % m_gpus.size());
    job.device = device;
    const qsizetype gpu = m_gpus.indexOf(device);
    return gpu >= 0 ? m_gpuPools[size_t(gpu)].get() : &m_cpuPool;
}

void JobRunner::enqueue(const std::shared_ptr<Job> &job, QFuture<void> previous)
{
    auto exec = std::make_shared<Execution>();
    exec->done.reportStarted();
    {
        QMutexLocker lock(&job->mutex);
        job->exec = exec;
        job->state = u"queued"_s;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.insert(job->modelId, job);
    }
    QThreadPool *pool = poolFor(*job);
    pool->start(new FunctionRunnable([this, job, exec, previous]() mutable {
        previous.waitForFinished();
        if (!exec->control.stopRequested()) {
            {
                QMutexLocker lock(&job->mutex);
                job->state = u"running"_s;
                ++job->attempts;
            }
            if (job->kind == Job::Kind::Download)
                runDownload(job, *exec);
            else
                runQuantize(job, *exec);
        }
        exec->done.reportFinished();
    }));
}

void JobRunner::finishJob(const std::shared_ptr<Job> &job, const QString &state,
                          const QString &error)
{
    job->setState(state, error);
    QMutexLocker lock(&m_mutex);
    const auto it = m_jobs.constFind(job->modelId);
    if (it != m_jobs.cend() && it.value() == job)
        m_jobs.erase(it);
}

Result<ModelRecord> JobRunner::startDownload(const ModelRecord &record,
                                             const DownloadRequest &request)
{
    if (findJob(record.id))
        return Error::make(ErrorCode::Conflict, u"The model already has a job; cancel it first"_s,
                           {{u"model_id"_s, record.id.toString(QUuid::WithoutBraces)}});
    if (record.status != ModelStatus::Pending && record.status != ModelStatus::Failed)
        return Error::make(ErrorCode::IllegalTransition,
                           u"A %1 model cannot be downloaded"_s.arg(modelStatusName(record.status)),
                           {{u"status"_s, modelStatusName(record.status)}});
    if (record.status == ModelStatus::Failed) {
        if (auto r = setStatus(record.id, ModelStatus::Pending); !r)
            return r.error();
    }
    ModelPatch patch;
    patch.quantization = request.quantization;
    patch.progress = 0.0;
    patch.errorMessage = QString();
    if (auto r = m_store->update(record.id, patch); !r)
        return r.error();
    Result<ModelRecord> r = setStatus(record.id, ModelStatus::Downloading, {}, u"queued"_s);
    if (!r)
        return r;
    auto job = std::make_shared<Job>();
    job->modelId = record.id;
    job->kind = Job::Kind::Download;
    job->download = request;
    {
        QMutexLocker lock(&m_mutex);
        DownloadRequest remembered = request;
        remembered.hfToken.clear();
        m_lastDownload.insert(record.id, remembered);
    }
    enqueue(job);
    return r;
}

Result<ModelRecord> JobRunner::startQuantize(const ModelRecord &record,
                                             const QuantizeRequest &request)
{
    if (findJob(record.id))
        return Error::make(ErrorCode::Conflict, u"The model already has a job; cancel it first"_s);
    if (record.status != ModelStatus::Ready)
        return Error::make(ErrorCode::IllegalTransition,
                           u"Only a ready model can be quantized (it is %1)"_s
                               .arg(modelStatusName(record.status)),
                           {{u"status"_s, modelStatusName(record.status)}});
    if (!m_engines.quantize)
        return Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s);
    const QString device = request.device;
    if (device != u"auto"_s && device != u"cpu"_s && !m_gpus.contains(device))
        return Error::make(ErrorCode::GpuUnavailable, u"No such device: %1"_s.arg(device),
                           {{u"devices"_s, QJsonArray::fromStringList(QStringList{u"cpu"_s} + m_gpus)}});
    Result<ModelRecord> r = setStatus(record.id, ModelStatus::Quantizing, {}, u"queued"_s);
    if (!r)
        return r;
    auto job = std::make_shared<Job>();
    job->modelId = record.id;
    job->kind = Job::Kind::Quantize;
    job->quantize = request;
    job->requantize = true;
    enqueue(job);
    return r;
}

Result<ModelRecord> JobRunner::stop(const QUuid &modelId, StopKind kind)
{
    const auto job = findJob(modelId);
    if (!job)
        return Error::make(ErrorCode::IllegalTransition, u"The model has no active job"_s);
    const QString state = job->view().state;
    const bool waiting = state == u"paused"_s || state == u"needs_token"_s;
    if (kind == StopKind::Pause && waiting)
        return Error::make(ErrorCode::IllegalTransition, u"The job is already %1"_s.arg(state));
    if (kind == StopKind::Pause && job->kind == Job::Kind::Quantize)
        return Error::make(ErrorCode::IllegalTransition,
                           u"A quantization cannot be paused; cancel it instead"_s);
    std::shared_ptr<Execution> exec;
    {
        QMutexLocker lock(&job->mutex);
        exec = job->exec;
    }
    // Holding the commit lock: the worker either committed already (then the record is no
    // longer downloading/quantizing and the transition below fails cleanly) or never will.
    QMutexLocker commit(exec ? &exec->commitMutex : nullptr);
    if (exec)
        exec->control.request(kind == StopKind::Pause ? JobControl::Request::Pause
                                                      : JobControl::Request::Cancel);
    Result<ModelRecord> current = m_store->get(modelId);
    if (!current)
        return current;
    const QString jobState = kind == StopKind::Pause ? u"paused"_s : u"cancelled"_s;
    Result<ModelRecord> r = current.value();
    if (current->status == ModelStatus::Downloading || current->status == ModelStatus::Quantizing) {
        const ModelStatus to = job->requantize ? ModelStatus::Ready : ModelStatus::Pending;
        r = setStatus(modelId, to, {}, jobState);
        if (!r)
            return r;
    }
    if (kind == StopKind::Pause)
        job->setState(u"paused"_s);
    else
        finishJob(job, u"cancelled"_s);
    return r;
}

Result<ModelRecord> JobRunner::cancel(const QUuid &modelId)
{
    return stop(modelId, StopKind::Cancel);
}

Result<ModelRecord> JobRunner::pause(const QUuid &modelId)
{
    return stop(modelId, StopKind::Pause);
}

Result<ModelRecord> JobRunner::resume(const QUuid &modelId, const QString &token)
{
    const auto job = findJob(modelId);
    if (!job)
        return Error::make(ErrorCode::IllegalTransition, u"The model has no paused job"_s);
    const QString state = job->view().state;
    if (state != u"paused"_s && state != u"needs_token"_s)
        return Error::make(ErrorCode::IllegalTransition, u"The job is %1, not paused"_s.arg(state));
    if (!token.isEmpty())
        job->download.hfToken = token;
    if (state == u"needs_token"_s && job->download.hfToken.isEmpty()) {
        const QString stored = m_engines.storedToken ? m_engines.storedToken() : QString();
        if (stored.isEmpty())
            return Error::make(ErrorCode::NeedsToken,
                               u"This gated download needs a Hugging Face token to resume"_s);
        job->download.hfToken = stored;
    }
    Result<ModelRecord> r = setStatus(modelId, ModelStatus::Downloading, {}, u"queued"_s);
    if (!r)
        return r;
    QFuture<void> previous;
    {
        QMutexLocker lock(&job->mutex);
        if (job->exec)
            previous = job->exec->done.future();
    }
    enqueue(job, previous);
    return r;
}

Result<ModelRecord> JobRunner::retry(const ModelRecord &record, const QString &token)
{
    if (record.status != ModelStatus::Failed)
        return Error::make(ErrorCode::IllegalTransition,
                           u"Only a failed model can be retried (it is %1)"_s
                               .arg(modelStatusName(record.status)),
                           {{u"status"_s, modelStatusName(record.status)}});
    DownloadRequest request;
    bool known = false;
    {
        QMutexLocker lock(&m_mutex);
        known = m_lastDownload.contains(record.id);
        request = m_lastDownload.value(record.id);
    }
    if (!known || request.quantization.isEmpty())
        request.quantization = record.quantization;
    request.hfToken = token;
    // A download that is already complete is verified quickly by the engine and not fetched
    // again; the failed step (quantization or architecture) then runs again.
    return startDownload(record, request);
}

QFuture<void> JobRunner::stopForDelete(const QUuid &modelId)
{
    const auto job = findJob(modelId);
    if (!job)
        return QtFuture::makeReadyFuture();
    std::shared_ptr<Execution> exec;
    {
        QMutexLocker lock(&job->mutex);
        exec = job->exec;
    }
    if (exec) {
        QMutexLocker commit(&exec->commitMutex);
        exec->control.request(JobControl::Request::Cancel);
    }
    finishJob(job, u"cancelled"_s);
    return exec ? exec->done.future() : QtFuture::makeReadyFuture();
}

void JobRunner::failModel(const QUuid &id, const Error &error, bool quantizeStep,
                          const QString &mode)
{
    m_bus->publish(quantizeStep ? ModelEvent::quantizeFailed(id, error, mode)
                                : ModelEvent::downloadFailed(id, error));
    (void)setStatus(id, ModelStatus::Failed, error.message);
}

void JobRunner::runDownload(const std::shared_ptr<Job> &job, Execution &exec)
{
    const QUuid id = job->modelId;
    Result<ModelRecord> rec = m_store->get(id);
    if (!rec) {
        finishJob(job, u"failed"_s, rec.error().message);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    if (!repo) {
        QMutexLocker commit(&exec.commitMutex);
        if (!exec.control.stopRequested())
            failModel(id, repo.error(), false, {});
        finishJob(job, u"failed"_s, repo.error().message);
        return;
    }
    DownloadSpec spec;
    spec.modelId = id;
    spec.repoId = rec->repoId;
    spec.revision = job->download.revision.isEmpty() ? rec->revision : job->download.revision;
    spec.pinnedCommit = rec->commitSha;
    spec.include = job->download.include;
    spec.exclude = job->download.exclude;
    spec.connections = job->download.connections;
    spec.maxBytesPerSecond = job->download.maxBytesPerSecond;
    spec.token = job->download.hfToken;
    spec.targetDir = m_options.dataDir.modelDir(repo.value());

    Throttle throttle(m_options.progressIntervalMs);
    QElapsedTimer persistTimer;
    persistTimer.start();
    auto onProgress = [&](const DownloadProgressInfo &p) {
        if (exec.control.stopRequested())
            return;
        const double pct = p.totalBytes > 0 ? 100.0 * double(p.downloadedBytes) / double(p.totalBytes)
                                            : 0.0;
        {
            QMutexLocker lock(&job->mutex);
            job->progress = pct;
        }
        if (throttle.due())
            m_bus->publish(ModelEvent::downloadProgress(id, p));
        if (persistTimer.elapsed() >= 2000) {
            persistTimer.restart();
            ModelPatch patch;
            patch.progress = pct;
            (void)m_store->update(id, patch);
        }
    };

    Result<DownloadOutcome> out = m_engines.download
        ? m_engines.download->download(spec, onProgress, exec.control)
        : Result<DownloadOutcome>(Error::make(ErrorCode::Internal,
                                              u"This build has no download engine"_s));

    QMutexLocker commit(&exec.commitMutex);
    if (exec.control.stopRequested())
        return; // the controller (cancel/pause/delete) or shutdown owns the state now
    if (!out) {
        const Error &e = out.error();
        if (isTokenError(e.code) && job->recovered && job->download.hfToken.isEmpty()) {
            job->setState(u"needs_token"_s, e.message);
            (void)setStatus(id, ModelStatus::Pending, {}, u"needs_token"_s);
            return;
        }
        failModel(id, e, false, {});
        finishJob(job, u"failed"_s, e.message);
        return;
    }
    ModelPatch patch;
    patch.commitSha = out->commitSha;
    patch.filePath = out->dir;
    patch.sizeBytes = std::optional<qint64>(out->sizeBytes);
    patch.progress = 100.0;
    if (m_engines.architecture) {
        Result<QJsonObject> arch = m_engines.architecture->extract(out->dir);
        if (arch)
            patch.architecture = arch.value();
        else
            patch.errorMessage = u"architecture: "_s + arch.error().message;
    }
    (void)m_store->update(id, patch);
    m_bus->publish(ModelEvent::downloadCompleted(id, out->dir, out->sizeBytes, out->commitSha,
                                                 out->files));
    const QString mode = job->download.quantization;
    if (mode.isEmpty() || mode == u"none"_s) {
        (void)setStatus(id, ModelStatus::Ready, {}, u"done"_s);
        finishJob(job, u"done"_s);
        return;
    }
    // Chain the quantization as its own job on the GPU/CPU pool.
    if (!m_engines.quantize) {
        failModel(id, Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s),
                  true, mode);
        finishJob(job, u"failed"_s);
        return;
    }
    (void)setStatus(id, ModelStatus::Quantizing, {}, u"queued"_s);
    finishJob(job, u"done"_s);
    auto next = std::make_shared<Job>();
    next->modelId = id;
    next->kind = Job::Kind::Quantize;
    next->quantize.mode = mode;
    enqueue(next);
}

void JobRunner::runQuantize(const std::shared_ptr<Job> &job, Execution &exec)
{
    const QUuid id = job->modelId;
    const QString mode = job->quantize.mode;
    Result<ModelRecord> rec = m_store->get(id);
    if (!rec) {
        finishJob(job, u"failed"_s, rec.error().message);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    QuantizeSpec spec;
    spec.modelId = id;
    spec.mode = mode;
    spec.device = job->device;
    spec.inputDir = rec->filePath;
    spec.outputDir = repo ? m_options.dataDir.quantizedDir(repo.value()) : QString();

    Throttle throttle(m_options.progressIntervalMs);
    auto onProgress = [&](const QuantizeProgressInfo &p) {
        if (exec.control.stopRequested())
            return;
        {
            QMutexLocker lock(&job->mutex);
            job->progress = p.bytesTotal > 0 ? 100.0 * double(p.bytesDone) / double(p.bytesTotal)
                                             : 0.0;
        }
        if (throttle.due())
            m_bus->publish(ModelEvent::quantizeProgress(id, p));
    };
    Result<QuantizeOutcome> out = m_engines.quantize->quantize(spec, onProgress, exec.control);

    QMutexLocker commit(&exec.commitMutex);
    if (exec.control.stopRequested())
        return;
    if (!out) {
        const Error &e = out.error();
        if (job->requantize) {
            m_bus->publish(ModelEvent::quantizeFailed(id, e, mode));
            ModelPatch patch;
            patch.errorMessage = e.message;
            (void)m_store->update(id, patch);
            (void)setStatus(id, ModelStatus::Ready, e.message, u"failed"_s);
        } else {
            failModel(id, e, true, mode);
        }
        finishJob(job, u"failed"_s, e.message);
        return;
    }
    ModelPatch patch;
    patch.quantization = mode;
    patch.quantizedPath = out->filePath;
    patch.errorMessage = QString();
    (void)m_store->update(id, patch);
    m_bus->publish(ModelEvent::quantizeCompleted(id, out->filePath, out->sizeBytes, mode));
    (void)setStatus(id, ModelStatus::Ready, {}, u"done"_s);
    finishJob(job, u"done"_s);
}

Status JobRunner::recover()
{
    // Without a persisted job to resume, a record caught mid-job cannot stay "downloading":
    // it fails with a clear message and can be retried.
    for (ModelStatus s : {ModelStatus::Downloading, ModelStatus::Quantizing}) {
        ModelQuery q;
        q.status = s;
        q.limit = 1000;
        Result<ModelPage> page = m_store->list(q);
        if (!page)
            return page.error();
        for (const ModelRecord &r : page->items) {
            if (findJob(r.id))
                continue;
            (void)setStatus(r.id, ModelStatus::Failed,
                            u"Interrupted by a restart; retry to continue"_s);
        }
    }
    return {};
}

} // namespace mistudio
