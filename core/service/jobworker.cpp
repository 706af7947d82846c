#include "service/jobworker.h"

#include "service/eventbus.h"
#include "service/jobevents.h"
#include "service/jobtask.h"
#include "service/processidentity.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QRunnable>
#include <QTimer>
#include <QWaitCondition>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

struct JobWorker::Running
{
    JobRecord job;
    QString device;
    QString slot; // "download", "cpu" or the GPU
    JobControl control;
    QMutex mutex;
    QWaitCondition ended;
    bool done = false;
};

// The worker's thread: its timers and the claims run here, never on a caller's thread.
class JobWorker::Loop final : public QObject
{
public:
    explicit Loop(JobWorker *w) : m_w(w)
    {
        const ServiceOptions &o = w->m_options;
        const auto heartbeat = o.heartbeatInterval.count() > 0 ? o.heartbeatInterval : o.lease / 3;
        arm(&m_heartbeat, heartbeat, [this] { m_w->heartbeat(); });
        arm(&m_stops, o.stopPollInterval, [this] { m_w->pollStops(); });
        arm(&m_reap, o.reapInterval, [this] { m_w->reap(); });
        arm(&m_claims, o.claimPollInterval, [this] { m_w->claimWhileFree(); });
    }
    void startTimers()
    {
        for (QTimer *t : {&m_heartbeat, &m_stops, &m_reap, &m_claims})
            t->start();
    }
    // In the loop's thread: timers are stopped by the thread that started them.
    void stopTimers()
    {
        for (QTimer *t : {&m_heartbeat, &m_stops, &m_reap, &m_claims})
            t->stop();
    }

private:
    void arm(QTimer *t, std::chrono::milliseconds every, std::function<void()> f)
    {
        t->setParent(this);
        t->setInterval(std::max<qint64>(10, every.count()));
        QObject::connect(t, &QTimer::timeout, this, std::move(f));
    }

    JobWorker *m_w;
    QTimer m_heartbeat;
    QTimer m_stops;
    QTimer m_reap;
    QTimer m_claims;
};

namespace {

qint64 nowMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

class TaskRunnable final : public QRunnable
{
public:
    explicit TaskRunnable(std::function<void()> f) : m_f(std::move(f)) { setAutoDelete(true); }
    void run() override { m_f(); }

private:
    std::function<void()> m_f;
};

JobControl::Request controlFor(StopRequest r)
{
    return r == StopRequest::Pause ? JobControl::Request::Pause : JobControl::Request::Cancel;
}

} // namespace

JobWorker::JobWorker(std::shared_ptr<ModelStore> models, std::shared_ptr<JobQueue> queue,
                     EventBus *bus, Engines engines, ServiceOptions options, TokenVault *tokens)
    : m_models(std::move(models))
    , m_queue(std::move(queue))
    , m_bus(bus)
    , m_engines(std::move(engines))
    , m_options(std::move(options))
    , m_tokens(tokens)
{
    // The kinds and devices it was allowed (`mistudio worker --kinds/--device`), within what
    // its engines can do.
    const QStringList &kinds = m_options.jobKinds;
    const QStringList &devices = m_options.devices;
    m_runsDownloads = kinds.isEmpty() || kinds.contains(jobKindName(JobKind::Download));
    m_runsQuantize = m_engines.quantize && (kinds.isEmpty() || kinds.contains(jobKindName(JobKind::Quantize)));
    if (m_runsQuantize) {
        const QStringList gpus = m_engines.quantize->gpus();
        for (const QString &g : gpus) {
            if (devices.isEmpty() || devices.contains(g) || devices.contains(u"cuda"_s))
                m_gpus << g;
        }
        m_cpuAllowed = devices.isEmpty() || devices.contains(u"cpu"_s);
        m_runsQuantize = m_cpuAllowed || !m_gpus.isEmpty();
    }
    m_identity.id = m_options.ownerId;
    m_identity.host = QHostInfo::localHostName();
    m_identity.pid = QCoreApplication::applicationPid();
    m_identity.role = m_options.role;
    if (m_runsDownloads)
        m_identity.kinds << jobKindName(JobKind::Download);
    if (m_runsQuantize) {
        m_identity.kinds << jobKindName(JobKind::Quantize);
        m_identity.devices = m_gpus;
        if (m_cpuAllowed)
            m_identity.devices << u"cpu"_s;
    }
    m_identity.version = m_options.version;
    m_identity.specVersion = kJobSpecVersion;
    m_downloadPool.setMaxThreadCount(std::max(1, m_options.maxConcurrentDownloads));
    m_cpuPool.setMaxThreadCount(std::max(1, m_options.cpuQuantizeThreads));
    for (qsizetype i = 0; i < m_gpus.size(); ++i) {
        auto pool = std::make_unique<QThreadPool>();
        pool->setMaxThreadCount(1);
        m_gpuPools.push_back(std::move(pool));
    }
}

JobWorker::~JobWorker()
{
    stop();
}

Status JobWorker::start(std::optional<QUuid> onlyModel)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_started)
            return {};
        m_started = true;
        m_onlyModel = onlyModel;
    }
    if (Status s = m_queue->registerWorker(m_identity); !s)
        return s;
    m_lastHeartbeatOkMs = nowMs();
    // What dead processes of this host were running comes back at once; the rest (other hosts,
    // processes that stopped answering) when their leases expire.
    Result<std::vector<CommittedChange>> requeued = m_queue->requeueDeadOwners(
        m_identity.host, &ProcessIdentity::isDeadOnThisHost, recordEvents());
    if (!requeued)
        return requeued.error();
    publishCommitted(m_bus, *requeued);
    // The first claims happen now, on this thread: a started service is already running what it
    // found queued.
    reap();
    claimWhileFree();
    auto *loop = new Loop(this);
    loop->moveToThread(&m_thread);
    {
        QMutexLocker lock(&m_mutex);
        m_loop = loop;
    }
    m_thread.setObjectName(u"mistudio-jobs"_s);
    m_thread.start();
    QMetaObject::invokeMethod(loop, [this] { m_loop->startTimers(); }, Qt::QueuedConnection);
    return {};
}

void JobWorker::stop()
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_started || m_stopping)
            return;
        m_stopping = true;
        for (const auto &run : std::as_const(m_running))
            run->control.request(JobControl::Request::Shutdown);
    }
    if (m_thread.isRunning()) {
        QMetaObject::invokeMethod(m_loop, [this] {
            m_loop->stopTimers();
            m_thread.quit();
        }, Qt::QueuedConnection);
        m_thread.wait();
    }
    Loop *loop = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        std::swap(loop, m_loop);
    }
    delete loop;
    m_downloadPool.waitForDone();
    m_cpuPool.waitForDone();
    for (auto &p : m_gpuPools)
        p->waitForDone();
    if (Status s = m_queue->unregisterWorker(m_identity.id); !s)
        qWarning("jobs: cannot unregister %s: %s", qPrintable(m_identity.id), qPrintable(s.error().toString()));
}

void JobWorker::wake()
{
    QMutexLocker lock(&m_mutex);
    if (m_loop && !m_stopping)
        QMetaObject::invokeMethod(m_loop, [this] { claimWhileFree(); }, Qt::QueuedConnection);
}

std::shared_ptr<JobWorker::Running> JobWorker::find(const QUuid &jobId) const
{
    QMutexLocker lock(&m_mutex);
    return m_running.value(jobId);
}

bool JobWorker::runs(const QUuid &jobId) const
{
    return find(jobId) != nullptr;
}

bool JobWorker::stopLocal(const QUuid &jobId, StopRequest request, std::chrono::milliseconds wait)
{
    const std::shared_ptr<Running> run = find(jobId);
    if (!run)
        return false;
    run->control.request(controlFor(request));
    QMutexLocker lock(&run->mutex);
    QDeadlineTimer deadline(wait);
    while (!run->done) {
        if (!run->ended.wait(&run->mutex, deadline))
            break;
    }
    return run->done;
}

ClaimFilter JobWorker::freeSlots() const
{
    ClaimFilter f;
    f.onlyModel = m_onlyModel;
    if (m_runsDownloads && m_downloadsBusy < std::max(1, m_options.maxConcurrentDownloads))
        f.offers.push_back({JobKind::Download, {}, false});
    if (m_runsQuantize) {
        ClaimFilter::Offer q{JobKind::Quantize, {}, false};
        for (const QString &g : m_gpus) {
            if (!m_gpusBusy.contains(g))
                q.devices << g;
        }
        const bool cpuFree = m_cpuAllowed && m_cpuBusy < std::max(1, m_options.cpuQuantizeThreads);
        if (cpuFree)
            q.devices << u"cpu"_s;
        // "auto" means a GPU where this worker has one, the CPU otherwise.
        q.acceptAuto = m_gpus.isEmpty() ? cpuFree : q.devices.size() > (cpuFree ? 1 : 0);
        if (!q.devices.isEmpty())
            f.offers.push_back(q);
    }
    return f;
}

void JobWorker::claimWhileFree()
{
    for (;;) {
        ClaimFilter filter;
        {
            QMutexLocker lock(&m_mutex);
            if (m_stopping)
                return;
            filter = freeSlots();
        }
        if (filter.offers.empty())
            return;
        CommittedChange recorded;
        Result<std::optional<JobRecord>> claimed =
            m_queue->claim(m_identity, filter, m_options.lease, recordEvents(), &recorded.events);
        if (!claimed) {
            qWarning("jobs: cannot claim: %s", qPrintable(claimed.error().toString()));
            return;
        }
        if (!claimed->has_value())
            return;
        publishCommitted(m_bus, recorded);
        launch(**claimed);
    }
}

void JobWorker::launch(const JobRecord &job)
{
    auto run = std::make_shared<Running>();
    run->job = job;
    QThreadPool *pool = &m_downloadPool;
    {
        QMutexLocker lock(&m_mutex);
        if (job.kind == JobKind::Download) {
            run->slot = u"download"_s;
            ++m_downloadsBusy;
        } else {
            QString device = job.runDevice; // set by the claim when the job asked for one
            if (device.isEmpty()) {
                for (const QString &g : m_gpus) {
                    if (!m_gpusBusy.contains(g)) {
                        device = g;
                        break;
                    }
                }
                if (device.isEmpty())
                    device = u"cpu"_s;
            }
            run->device = device;
            run->slot = device;
            if (device == u"cpu"_s) {
                ++m_cpuBusy;
                pool = &m_cpuPool;
            } else {
                m_gpusBusy.insert(device);
                pool = m_gpuPools[size_t(m_gpus.indexOf(device))].get();
            }
        }
        m_running.insert(job.id, run);
        if (m_stopping)
            run->control.request(JobControl::Request::Shutdown);
    }
    if (job.kind == JobKind::Quantize && job.runDevice.isEmpty()) {
        if (Status s = m_queue->setRunDevice(job.fence(), run->device); !s)
            run->control.request(JobControl::Request::Lost);
    }
    // A stop asked before we claimed it (a reaped job whose owner died) is honoured at once.
    if (job.requestedStop)
        run->control.request(controlFor(*job.requestedStop));
    pool->start(new TaskRunnable([this, run] {
        const JobTaskContext context{*m_queue, *m_models, m_bus, m_engines, m_options, *m_tokens,
                                     m_identity.id};
        JobTask(context, run->job, run->device, run->control).run();
        release(run);
    }));
}

void JobWorker::release(const std::shared_ptr<Running> &run)
{
    bool stopping = false;
    {
        QMutexLocker lock(&m_mutex);
        m_running.remove(run->job.id);
        if (run->slot == u"download"_s)
            --m_downloadsBusy;
        else if (run->slot == u"cpu"_s)
            --m_cpuBusy;
        else
            m_gpusBusy.remove(run->slot);
        stopping = m_stopping;
    }
    {
        QMutexLocker lock(&run->mutex);
        run->done = true;
        run->ended.wakeAll();
    }
    if (!stopping)
        wake();
}

void JobWorker::heartbeat()
{
    Result<std::vector<OwnedJob>> owned = m_queue->heartbeat(m_identity.id, m_options.lease);
    QMutexLocker lock(&m_mutex);
    if (!owned) {
        // Without a heartbeat for a whole lease we cannot know that anything is still ours.
        qWarning("jobs: heartbeat failed: %s", qPrintable(owned.error().toString()));
        if (nowMs() - m_lastHeartbeatOkMs > m_options.lease.count()) {
            for (const auto &run : std::as_const(m_running))
                run->control.request(JobControl::Request::Lost);
        }
        return;
    }
    m_lastHeartbeatOkMs = nowMs();
    for (const auto &run : std::as_const(m_running)) {
        const auto it = std::find_if(owned->begin(), owned->end(), [&](const OwnedJob &o) {
            return o.jobId == run->job.id && o.claimSeq == run->job.claimSeq;
        });
        if (it == owned->end())
            run->control.request(JobControl::Request::Lost);
        else if (it->requestedStop)
            run->control.request(controlFor(*it->requestedStop));
    }
}

void JobWorker::pollStops()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_running.isEmpty())
            return;
    }
    Result<std::vector<OwnedJob>> stops = m_queue->pendingStops(m_identity.id);
    if (!stops)
        return;
    for (const OwnedJob &o : *stops) {
        if (const std::shared_ptr<Running> run = find(o.jobId); run && o.requestedStop)
            run->control.request(controlFor(*o.requestedStop));
    }
}

void JobWorker::reap()
{
    Result<std::vector<CommittedChange>> reaped = m_queue->reapExpired(recordEvents());
    if (!reaped) {
        qWarning("jobs: reaper: %s", qPrintable(reaped.error().toString()));
        return;
    }
    publishCommitted(m_bus, *reaped);
    if (!reaped->empty())
        claimWhileFree();
}

} // namespace mistudio
