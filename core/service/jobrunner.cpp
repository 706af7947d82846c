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

// One run of a job. A resumed job gets a new Execution whose worker first waits for the
// previous one to return, so that two workers never write the same model directory.
struct JobRunner::Execution
{
    JobControl control;
    QMutex commitMutex; // a worker commits its result and a controller stops it, never both
    QFutureInterface<void> done;
    bool started = false;   // a worker claimed it (guarded by Job::mutex)
    bool abandoned = false; // stopped before any worker claimed it (guarded by Job::mutex)
};

struct JobRunner::Job
{
    QUuid id;
    QUuid modelId;
    JobKind kind = JobKind::Download;
    DownloadRequest download; // the token lives here, in memory only
    QuantizeRequest quantize;
    bool requantize = false; // quantizing a ready model: failure or cancel returns it to ready
    bool recovered = false;  // adopted from the jobs table after a restart
    QString device;

    mutable QMutex mutex; // guards the fields below
    JobState state = JobState::Queued;
    double progress = 0.0;
    int attempts = 0;
    QString lastError;
    QDateTime createdAt = QDateTime::currentDateTimeUtc();
    QDateTime updatedAt = createdAt;
    std::shared_ptr<Execution> exec;
    QFuture<void> previous;

    QJsonObject params() const
    {
        if (kind == JobKind::Download)
            return download.toParams();
        QJsonObject o{{u"mode"_s, quantize.mode}, {u"device"_s, quantize.device},
                      {u"requantize"_s, requantize}};
        if (quantize.mode == u"bnb-4bit"_s) {
            o.insert(u"quant_type"_s, quantize.quantType);
            o.insert(u"double_quant"_s, quantize.doubleQuant);
        }
        return o;
    }
    void setState(JobState s, const QString &error = {})
    {
        QMutexLocker lock(&mutex);
        state = s;
        if (!error.isEmpty())
            lastError = error;
        updatedAt = QDateTime::currentDateTimeUtc();
    }
    JobState currentState() const
    {
        QMutexLocker lock(&mutex);
        return state;
    }
    JobView view() const
    {
        QMutexLocker lock(&mutex);
        return JobView{id, modelId, jobKindName(kind), jobStateName(state), progress, device,
                       attempts, lastError, createdAt, updatedAt};
    }
};

namespace {

constexpr std::chrono::milliseconds kLease{10 * 60 * 1000};
constexpr qint64 kLeaseRenewMs = 60 * 1000;

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

// Publishes at most one progress event per interval.
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

JobRunner::JobRunner(std::shared_ptr<ModelStore> store, std::shared_ptr<JobStore> jobs,
                     EventBus *bus, Engines engines, ServiceOptions options)
    : m_store(std::move(store))
    , m_jobStore(std::move(jobs))
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
    // Running jobs stay `running` in the jobs table, owned by this host: the next start
    // requeues them (requeueOwnedBy) and they resume.
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
    if (before->status == to)
        return before;
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
    if (job.kind == JobKind::Download)
        return &m_downloadPool;
    QString device = job.quantize.device;
    if (device == u"auto"_s || device.isEmpty())
        device = m_gpus.isEmpty() ? u"cpu"_s : m_gpus.at(m_nextGpu++ % m_gpus.size());
    job.device = device;
    const qsizetype gpu = m_gpus.indexOf(device);
    return gpu >= 0 ? m_gpuPools[size_t(gpu)].get() : &m_cpuPool;
}

void JobRunner::persistState(const Job &job, JobState state, const QString &error)
{
    // A refused transition means another actor (a cancel, another host) already moved the
    // job; the in-memory view follows the caller either way.
    (void)m_jobStore->transition(job.id, state, error);
}

std::shared_ptr<JobRunner::Job> JobRunner::adopt(const JobRecord &record)
{
    {
        QMutexLocker lock(&m_mutex);
        if (auto existing = m_byJobId.value(record.id))
            return existing;
    }
    auto job = std::make_shared<Job>();
    job->id = record.id;
    job->modelId = record.modelId;
    job->kind = record.kind;
    job->recovered = true;
    job->state = record.state;
    job->attempts = record.attempts;
    job->lastError = record.lastError;
    job->createdAt = record.createdAt;
    job->updatedAt = record.updatedAt;
    if (record.kind == JobKind::Download) {
        job->download = DownloadRequest::fromParams(record.params);
        if (m_engines.storedToken)
            job->download.hfToken = m_engines.storedToken();
    } else {
        job->quantize.mode = record.params.value(u"mode"_s).toString();
        job->quantize.device = record.params.value(u"device"_s).toString(u"auto"_s);
        job->quantize.quantType = record.params.value(u"quant_type"_s).toString(u"nf4"_s);
        job->quantize.doubleQuant = record.params.value(u"double_quant"_s).toBool(true);
        job->requantize = record.params.value(u"requantize"_s).toBool();
    }
    QMutexLocker lock(&m_mutex);
    m_jobs.insert(job->modelId, job);
    m_byJobId.insert(job->id, job);
    return job;
}

void JobRunner::enqueue(const std::shared_ptr<Job> &job)
{
    auto exec = std::make_shared<Execution>();
    exec->done.reportStarted();
    QFuture<void> cancelledRun;
    {
        QMutexLocker lock(&m_mutex);
        cancelledRun = m_cancelledRuns.take(job->modelId);
    }
    {
        QMutexLocker lock(&job->mutex);
        // An abandoned execution never ran and its future is already finished: the new one
        // waits for the execution that really ran last (it may still be draining after a
        // pause), or two workers would write the same files.
        if (job->exec && !job->exec->abandoned)
            job->previous = job->exec->done.future();
        else if (!job->exec)
            job->previous = cancelledRun; // a new job waits for a cancelled one still stopping
        job->exec = exec;
        job->state = JobState::Queued;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.insert(job->modelId, job);
        m_byJobId.insert(job->id, job);
    }
    QThreadPool *pool = poolFor(*job);
    const JobKind kind = job->kind;
    const QString device = job->device;
    pool->start(new FunctionRunnable([this, pool, kind, device] { runSlot(pool, kind, device); }));
}

void JobRunner::runSlot(QThreadPool *, JobKind kind, const QString &device)
{
    // A slot runs the oldest queued job of its kind: with one host that is the job that
    // posted it; with several hosts sharing the jobs table, whichever this host wins.
    const Result<std::optional<JobRecord>> claimed =
        m_jobStore->claim(m_options.hostName, kLease, {kind});
    if (!claimed) {
        qWarning("job slot: cannot claim a %s job: %s", qPrintable(jobKindName(kind)),
                 qPrintable(claimed.error().toString()));
        return;
    }
    if (!claimed.value())
        return;
    const JobRecord record = *claimed.value();
    // Waits for a start/resume that is registering this job right now (see m_registerMutex).
    QMutexLocker registering(&m_registerMutex);
    std::shared_ptr<Job> job;
    {
        QMutexLocker lock(&m_mutex);
        job = m_byJobId.value(record.id);
    }
    if (!job) {
        // Not ours in memory: another host's job, or one a cancel finished between the claim
        // and now (finishJob writes the table before it forgets the job).
        const Result<JobRecord> now = m_jobStore->get(record.id);
        if (!now || now->state != JobState::Running || now->ownerHost != m_options.hostName)
            return;
        job = adopt(record);
    }
    std::shared_ptr<Execution> exec;
    QFuture<void> previous;
    {
        QMutexLocker lock(&job->mutex);
        if (!job->exec) {
            job->exec = std::make_shared<Execution>();
            job->exec->done.reportStarted();
        }
        exec = job->exec;
        previous = job->previous;
        if (exec->abandoned)
            return; // stopped meanwhile; the controller set the job's state
        // Another slot already runs this execution: a slot left over from an earlier run can
        // take a re-queued job's current execution before the slot that run posted arrives.
        // The latecomer must neither run it a second time nor mark a paused job running.
        if (exec->started)
            return;
        exec->started = true;
        job->state = JobState::Running;
        job->attempts = record.attempts;
        if (kind == JobKind::Quantize && !device.isEmpty())
            job->device = device;
    }
    registering.unlock();
    previous.waitForFinished();
    if (!exec->control.stopRequested()) {
        if (kind == JobKind::Download)
            runDownload(job, *exec);
        else
            runQuantize(job, *exec);
    }
    exec->done.reportFinished();
}

void JobRunner::finishJob(const std::shared_ptr<Job> &job, JobState state, const QString &error)
{
    job->setState(state, error);
    persistState(*job, state, error);
    QMutexLocker lock(&m_mutex);
    const auto it = m_jobs.constFind(job->modelId);
    if (it != m_jobs.cend() && it.value() == job)
        m_jobs.erase(it);
    m_byJobId.remove(job->id);
}

Result<ModelRecord> JobRunner::startDownload(const ModelRecord &record,
                                             const DownloadRequest &request)
{
    if (record.status != ModelStatus::Pending && record.status != ModelStatus::Failed)
        return Error::make(ErrorCode::IllegalTransition,
                           u"A %1 model cannot be downloaded"_s.arg(modelStatusName(record.status)),
                           {{u"status"_s, modelStatusName(record.status)}});
    if (findJob(record.id))
        return Error::make(ErrorCode::Conflict,
                           u"The model has a paused job; resume or cancel it first"_s,
                           {{u"model_id"_s, record.id.toString(QUuid::WithoutBraces)}});
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
    QMutexLocker registering(&m_registerMutex);
    const Result<JobRecord> created =
        m_jobStore->create(NewJob{record.id, JobKind::Download, request.toParams()});
    if (!created)
        return created.error();
    Result<ModelRecord> r = setStatus(record.id, ModelStatus::Downloading, {}, u"queued"_s);
    if (!r) {
        (void)m_jobStore->transition(created->id, JobState::Cancelled);
        return r;
    }
    auto job = std::make_shared<Job>();
    job->id = created->id;
    job->modelId = record.id;
    job->kind = JobKind::Download;
    job->download = request;
    job->createdAt = created->createdAt;
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
    if (record.status != ModelStatus::Ready)
        return Error::make(ErrorCode::IllegalTransition,
                           u"Only a ready model can be quantized (it is %1)"_s
                               .arg(modelStatusName(record.status)),
                           {{u"status"_s, modelStatusName(record.status)}});
    if (findJob(record.id))
        return Error::make(ErrorCode::Conflict, u"The model already has a job; cancel it first"_s);
    if (!m_engines.quantize)
        return Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s);
    const QString device = request.device;
    if (device != u"auto"_s && device != u"cpu"_s && !m_gpus.contains(device))
        return Error::make(ErrorCode::GpuUnavailable, u"No such device: %1"_s.arg(device),
                           {{u"devices"_s, QJsonArray::fromStringList(QStringList{u"cpu"_s} + m_gpus)}});
    auto job = std::make_shared<Job>();
    job->modelId = record.id;
    job->kind = JobKind::Quantize;
    job->quantize = request;
    job->requantize = true;
    QMutexLocker registering(&m_registerMutex);
    const Result<JobRecord> created =
        m_jobStore->create(NewJob{record.id, JobKind::Quantize, job->params()});
    if (!created)
        return created.error();
    job->id = created->id;
    Result<ModelRecord> r = setStatus(record.id, ModelStatus::Quantizing, {}, u"queued"_s);
    if (!r) {
        (void)m_jobStore->transition(created->id, JobState::Cancelled);
        return r;
    }
    enqueue(job);
    return r;
}

Result<ModelRecord> JobRunner::stop(const QUuid &modelId, StopKind kind)
{
    const auto job = findJob(modelId);
    if (!job)
        return Error::make(ErrorCode::IllegalTransition, u"The model has no active job"_s);
    const JobState state = job->currentState();
    const bool waiting = state == JobState::Paused || state == JobState::NeedsToken;
    if (kind == StopKind::Pause && waiting)
        return Error::make(ErrorCode::IllegalTransition,
                           u"The job is already %1"_s.arg(jobStateName(state)));
    if (kind == StopKind::Pause && job->kind == JobKind::Quantize)
        return Error::make(ErrorCode::IllegalTransition,
                           u"A quantization cannot be paused; cancel it instead"_s);
    std::shared_ptr<Execution> exec;
    {
        QMutexLocker lock(&job->mutex);
        exec = job->exec;
    }
    // Holding the commit lock: the worker either committed already (then the record is no
    // longer downloading/quantizing and nothing below changes it) or never will.
    QMutexLocker commit(exec ? &exec->commitMutex : nullptr);
    if (exec) {
        exec->control.request(kind == StopKind::Pause ? JobControl::Request::Pause
                                                      : JobControl::Request::Cancel);
        QMutexLocker lock(&job->mutex);
        if (!exec->started && !exec->abandoned) {
            exec->abandoned = true;
            exec->done.reportFinished();
        }
    }
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
    if (kind == StopKind::Pause) {
        job->setState(JobState::Paused);
        // The table allows paused only from running: a job no worker has claimed yet passes
        // through running (no slot can claim it any more once it is paused).
        if (!m_jobStore->transition(job->id, JobState::Paused)) {
            (void)m_jobStore->transition(job->id, JobState::Running);
            (void)m_jobStore->transition(job->id, JobState::Paused);
        }
    } else {
        finishJob(job, JobState::Cancelled);
        rememberCancelledRun(*job);
    }
    return r;
}

void JobRunner::rememberCancelledRun(Job &job)
{
    QFuture<void> lastRun;
    {
        QMutexLocker lock(&job.mutex);
        if (job.exec && !job.exec->abandoned)
            lastRun = job.exec->done.future();
        else
            lastRun = job.previous; // an abandoned execution never ran
    }
    if (!lastRun.isValid() || lastRun.isFinished())
        return;
    QMutexLocker lock(&m_mutex);
    for (auto it = m_cancelledRuns.begin(); it != m_cancelledRuns.end();)
        it = it.value().isFinished() ? m_cancelledRuns.erase(it) : std::next(it);
    m_cancelledRuns.insert(job.modelId, lastRun);
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
    const JobState state = job->currentState();
    if (state != JobState::Paused && state != JobState::NeedsToken)
        return Error::make(ErrorCode::IllegalTransition,
                           u"The job is %1, not paused"_s.arg(jobStateName(state)));
    if (!token.isEmpty())
        job->download.hfToken = token;
    if (state == JobState::NeedsToken && job->download.hfToken.isEmpty()) {
        const QString stored = m_engines.storedToken ? m_engines.storedToken() : QString();
        if (stored.isEmpty())
            return Error::make(ErrorCode::NeedsToken,
                               u"This gated download needs a Hugging Face token to resume"_s);
        job->download.hfToken = stored;
    }
    QMutexLocker registering(&m_registerMutex);
    if (const Result<JobRecord> q = m_jobStore->transition(job->id, JobState::Queued); !q)
        return q.error();
    Result<ModelRecord> r = setStatus(modelId, ModelStatus::Downloading, {}, u"queued"_s);
    if (!r) {
        // Back to paused, so that the job stays resumable and no slot runs it.
        (void)m_jobStore->transition(job->id, JobState::Running);
        (void)m_jobStore->transition(job->id, state);
        return r;
    }
    enqueue(job);
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
    if (!known) {
        // After a restart: the parameters of the model's last download job.
        JobQuery q;
        q.modelId = record.id;
        q.kind = JobKind::Download;
        if (const auto jobs = m_jobStore->list(q); jobs && !jobs->empty()) {
            request = DownloadRequest::fromParams(jobs->back().params);
            known = true;
        }
    }
    if (!known || request.quantization.isEmpty())
        request.quantization = record.quantization;
    request.hfToken = token;
    // A download that is already complete is verified by the engine and not fetched again;
    // the failed step (quantization, architecture) then runs again.
    return startDownload(record, request);
}

QFuture<void> JobRunner::stopForDelete(const QUuid &modelId)
{
    const auto job = findJob(modelId);
    if (!job) {
        // A job cancelled just before may still be stopping in the model's directory.
        QMutexLocker lock(&m_mutex);
        const QFuture<void> cancelled = m_cancelledRuns.take(modelId);
        return cancelled.isValid() ? cancelled : QtFuture::makeReadyFuture();
    }
    std::shared_ptr<Execution> exec;
    {
        QMutexLocker lock(&job->mutex);
        exec = job->exec;
    }
    QFuture<void> lastRun = QtFuture::makeReadyFuture();
    if (exec) {
        QMutexLocker commit(&exec->commitMutex);
        exec->control.request(JobControl::Request::Cancel);
        QMutexLocker lock(&job->mutex);
        if (!exec->started && !exec->abandoned) {
            exec->abandoned = true;
            exec->done.reportFinished();
        }
        // An abandoned execution never ran; the one before it may still be draining.
        if (!exec->abandoned)
            lastRun = exec->done.future();
        else if (job->previous.isValid())
            lastRun = job->previous;
    }
    finishJob(job, JobState::Cancelled);
    return lastRun;
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
        finishJob(job, JobState::Failed, rec.error().message);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    if (!repo) {
        QMutexLocker commit(&exec.commitMutex);
        finishJob(job, JobState::Failed, repo.error().message);
        if (!exec.control.stopRequested())
            failModel(id, repo.error(), false, {});
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
    QElapsedTimer leaseTimer;
    leaseTimer.start();
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
        if (leaseTimer.elapsed() >= kLeaseRenewMs) {
            leaseTimer.restart();
            (void)m_jobStore->renewLease(job->id, m_options.hostName, kLease);
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
            persistState(*job, JobState::NeedsToken, e.message);
            (void)setStatus(id, ModelStatus::Pending, {}, u"needs_token"_s);
            job->setState(JobState::NeedsToken, e.message);
            return;
        }
        // The job is gone before the model shows failed, so that a retry right away is accepted.
        finishJob(job, JobState::Failed, e.message);
        failModel(id, e, false, {});
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
        finishJob(job, JobState::Done);
        (void)setStatus(id, ModelStatus::Ready, {}, u"done"_s);
        return;
    }
    // Chain the quantization as its own job on the GPU/CPU pool.
    if (!m_engines.quantize) {
        finishJob(job, JobState::Failed);
        failModel(id, Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s),
                  true, mode);
        return;
    }
    auto next = std::make_shared<Job>();
    next->modelId = id;
    next->kind = JobKind::Quantize;
    next->quantize.mode = mode;
    next->quantize.quantType = job->download.quantType;
    next->quantize.doubleQuant = job->download.doubleQuant;
    QMutexLocker registering(&m_registerMutex);
    const Result<JobRecord> created =
        m_jobStore->create(NewJob{id, JobKind::Quantize, next->params()});
    if (!created) {
        finishJob(job, JobState::Failed, created.error().message);
        failModel(id, created.error(), true, mode);
        return;
    }
    next->id = created->id;
    (void)setStatus(id, ModelStatus::Quantizing, {}, u"queued"_s);
    finishJob(job, JobState::Done);
    enqueue(next);
}

void JobRunner::runQuantize(const std::shared_ptr<Job> &job, Execution &exec)
{
    const QUuid id = job->modelId;
    const QString mode = job->quantize.mode;
    Result<ModelRecord> rec = m_store->get(id);
    if (!rec) {
        finishJob(job, JobState::Failed, rec.error().message);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    QuantizeSpec spec;
    spec.modelId = id;
    spec.mode = mode;
    spec.quantType = job->quantize.quantType;
    spec.doubleQuant = job->quantize.doubleQuant;
    spec.device = job->device;
    spec.inputDir = rec->filePath;
    spec.outputDir = repo ? m_options.dataDir.quantizedDir(repo.value()) : QString();

    Throttle throttle(m_options.progressIntervalMs);
    QElapsedTimer leaseTimer;
    leaseTimer.start();
    auto onProgress = [&](const QuantizeProgressInfo &p) {
        if (exec.control.stopRequested())
            return;
        if (leaseTimer.elapsed() >= kLeaseRenewMs) {
            leaseTimer.restart();
            (void)m_jobStore->renewLease(job->id, m_options.hostName, kLease);
        }
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
        finishJob(job, JobState::Failed, e.message);
        if (job->requantize) {
            m_bus->publish(ModelEvent::quantizeFailed(id, e, mode));
            ModelPatch patch;
            patch.errorMessage = e.message;
            (void)m_store->update(id, patch);
            (void)setStatus(id, ModelStatus::Ready, e.message, u"failed"_s);
        } else {
            failModel(id, e, true, mode);
        }
        return;
    }
    ModelPatch patch;
    patch.quantization = mode;
    patch.quantizedPath = out->filePath;
    patch.errorMessage = QString();
    (void)m_store->update(id, patch);
    m_bus->publish(ModelEvent::quantizeCompleted(id, out->filePath, out->sizeBytes, mode));
    finishJob(job, JobState::Done);
    (void)setStatus(id, ModelStatus::Ready, {}, u"done"_s);
}

Status JobRunner::recover(std::optional<QUuid> onlyModel)
{
    QMutexLocker registering(&m_registerMutex);
    // 1. What this host was running when it stopped goes back to the queue.
    if (const Result<int> n = m_jobStore->requeueOwnedBy(m_options.hostName); !n)
        return n.error();
    // 2. Queued jobs run again: downloads resume from their partial files, quantizations
    //    restart from their inputs. The record shows the step the job is at.
    JobQuery queued;
    queued.states = {JobState::Queued};
    const Result<std::vector<JobRecord>> pending = m_jobStore->list(queued);
    if (!pending)
        return pending.error();
    for (const JobRecord &rec : pending.value()) {
        if (onlyModel && rec.modelId != *onlyModel)
            continue;
        const Result<ModelRecord> model = m_store->get(rec.modelId);
        if (!model) {
            (void)m_jobStore->transition(rec.id, JobState::Cancelled, u"model gone"_s);
            continue;
        }
        std::shared_ptr<Job> job = adopt(rec);
        const ModelStatus want = rec.kind == JobKind::Download ? ModelStatus::Downloading
                                                               : ModelStatus::Quantizing;
        if (model->status == ModelStatus::Failed)
            (void)setStatus(rec.modelId, ModelStatus::Pending);
        if (rec.kind == JobKind::Quantize && model->status == ModelStatus::Ready)
            job->requantize = true;
        if (!setStatus(rec.modelId, want, {}, u"queued"_s)) {
            finishJob(job, JobState::Cancelled, u"the model's state changed"_s);
            continue;
        }
        enqueue(job);
    }
    // 3. Paused jobs and those waiting for a token wait; their records are re-startable.
    JobQuery waiting;
    waiting.states = {JobState::Paused, JobState::NeedsToken};
    const Result<std::vector<JobRecord>> held = m_jobStore->list(waiting);
    if (!held)
        return held.error();
    for (const JobRecord &rec : held.value()) {
        if (onlyModel && rec.modelId != *onlyModel)
            continue;
        if (!m_store->get(rec.modelId)) {
            (void)m_jobStore->transition(rec.id, JobState::Cancelled, u"model gone"_s);
            continue;
        }
        adopt(rec);
        (void)setStatus(rec.modelId, ModelStatus::Pending, {}, jobStateName(rec.state));
    }
    // 4. A record caught mid-job without a job to resume cannot stay "downloading": it fails
    //    with a clear message and can be retried.
    for (ModelStatus s : {ModelStatus::Downloading, ModelStatus::Quantizing}) {
        ModelQuery q;
        q.status = s;
        q.limit = 1000;
        Result<ModelPage> page = m_store->list(q);
        if (!page)
            return page.error();
        for (const ModelRecord &r : page->items) {
            if (findJob(r.id) || (onlyModel && r.id != *onlyModel))
                continue;
            (void)setStatus(r.id, ModelStatus::Failed,
                            u"Interrupted by a restart; retry to continue"_s);
        }
    }
    return {};
}

} // namespace mistudio
