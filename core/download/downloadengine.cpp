#include "download/downloadengine.h"

#include "download/downloadjob.h"
#include "download/filedownload.h"
#include "download/headresolver.h"
#include "download/tokenbucket.h"
#include "download/transferpool.h"

#include <QThreadPool>
#include <QTimer>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

DownloadEngine::DownloadEngine(QObject *parent)
    : QObject(parent),
      m_bucket(std::make_unique<TokenBucket>(0)),
      m_transfers(new TransferPool(this)),
      m_defaultResolver(new HeadResolver(this)),
      m_resolver(m_defaultResolver),
      m_blockingPool(new QThreadPool(this)),
      m_tick(new QTimer(this))
{
    qRegisterMetaType<DownloadProgress>();
    qRegisterMetaType<Status>();
    // fdatasync, hashing and renames: a couple of threads are plenty and keep the disk queue short.
    m_blockingPool->setMaxThreadCount(2);
    m_tick->setInterval(qMax(100, m_options.progressIntervalMs));
    // Re-armed after each tick (never a periodic timer, whose late tick is followed by an early
    // one): two progress events are always at least the interval apart.
    m_tick->setTimerType(Qt::PreciseTimer);
    m_tick->setSingleShot(true);
    connect(m_tick, &QTimer::timeout, this, &DownloadEngine::handleTick);
}

DownloadEngine::~DownloadEngine()
{
    m_tick->stop();
    // Stop the network first (joins the transfer threads: no more writes), then let the
    // blocking tasks end (they post results to the file objects), then go. Partials stay for a
    // resume, except for downloads whose cancel was still draining: finish that cancel now, so
    // that "cancel, then quit" also leaves nothing behind.
    delete m_transfers;
    m_transfers = nullptr;
    m_blockingPool->waitForDone();
    for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it) {
        if (it->job->isCancelling())
            it->job->removeFilesNow();
        delete it->job;
    }
    m_jobs.clear();
}

void DownloadEngine::setResolver(UrlResolver *resolver)
{
    m_resolver = resolver ? resolver : m_defaultResolver;
}

void DownloadEngine::setDefaultOptions(const DownloadOptions &options)
{
    m_options = options;
    m_tick->setInterval(qMax(100, m_options.progressIntervalMs));
}

void DownloadEngine::setMaxConcurrentDownloads(int n)
{
    m_maxConcurrent = qMax(1, n);
    schedule();
}

void DownloadEngine::setBandwidthLimit(qint64 bytesPerSecond)
{
    m_bucket->setRate(bytesPerSecond);
}

qint64 DownloadEngine::bandwidthLimit() const
{
    return m_bucket->rate();
}

QString DownloadEngine::enqueue(const PinnedDownload &download)
{
    return enqueue(download, m_options);
}

QString DownloadEngine::enqueue(const PinnedDownload &download, const DownloadOptions &options)
{
    auto ctx = std::make_shared<FileContext>();
    ctx->download = download;
    ctx->options = options;
    ctx->transfers = m_transfers;
    ctx->bucket = m_bucket.get();
    ctx->resolver = m_resolver;
    ctx->blockingPool = m_blockingPool;
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto *job = new DownloadJob(ctx, this);
    connect(job, &DownloadJob::finished, this, [this, id](const Status &st) { handleJobFinished(id, st); });
    connect(job, &DownloadJob::paused, this, [this, id] {
        auto it = m_jobs.find(id);
        if (it == m_jobs.end())
            return;
        it->state = State::Paused;
        Q_EMIT stateChanged(id, State::Paused);
        schedule();
    });
    m_jobs.insert(id, Entry{job, State::Queued, false, -1000000});
    m_order.append(id);
    Q_EMIT stateChanged(id, State::Queued);
    schedule();
    return id;
}

DownloadEngine::State DownloadEngine::state(const QString &id) const
{
    return m_jobs.value(id).state;
}

void DownloadEngine::schedule()
{
    int running = 0;
    for (const Entry &e : std::as_const(m_jobs))
        running += e.state == State::Running ? 1 : 0;
    for (const QString &id : std::as_const(m_order)) {
        if (running >= m_maxConcurrent)
            break;
        auto it = m_jobs.find(id);
        if (it == m_jobs.end() || it->state != State::Queued)
            continue;
        it->state = State::Running;
        ++running;
        Q_EMIT stateChanged(id, State::Running);
        it->job->start(); // may finish synchronously (e.g. not enough disk space)
    }
    if (running > 0 && !m_tick->isActive())
        m_tick->start();
    else if (running == 0)
        m_tick->stop();
}

void DownloadEngine::pause(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    if (it->state == State::Queued) {
        it->state = State::Paused;
        Q_EMIT stateChanged(id, State::Paused);
    } else if (it->state == State::Running) {
        it->job->pause(); // → paused() once every transfer has stopped
    }
}

void DownloadEngine::resume(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->state != State::Paused)
        return;
    it->state = State::Queued;
    Q_EMIT stateChanged(id, State::Queued);
    schedule();
}

void DownloadEngine::cancel(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    it->job->cancel(); // → finished(cancelled) once nothing is left
}

void DownloadEngine::emitProgress(const QString &id, Entry &e)
{
    e.lastEmitMs = m_nowMs;
    Q_EMIT progressUpdated(id, e.job->sample());
}

void DownloadEngine::handleTick()
{
    static QElapsedTimer clock;
    if (!clock.isValid())
        clock.start();
    m_nowMs = clock.elapsed();
    const QStringList order = m_order;
    for (const QString &id : order) {
        auto it = m_jobs.find(id);
        if (it != m_jobs.end() && it->state == State::Running)
            emitProgress(id, *it);
    }
    for (const Entry &e : std::as_const(m_jobs)) {
        if (e.state == State::Running) {
            m_tick->start();
            break;
        }
    }
}

void DownloadEngine::handleJobFinished(const QString &id, const Status &status)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    // The last progress (100 % on success) comes first, keeping the ≤ 10 Hz promise.
    const int interval = qMax(100, m_options.progressIntervalMs);
    QTimer::singleShot(interval, Qt::PreciseTimer, this, [this, id, status] {
        auto e = m_jobs.find(id);
        if (e == m_jobs.end())
            return;
        emitProgress(id, *e);
        DownloadJob *job = e->job;
        m_jobs.erase(e);
        m_order.removeAll(id);
        job->deleteLater();
        Q_EMIT downloadFinished(id, status);
        schedule();
    });
    it->state = State::Paused; // out of the running set while the final event waits
}

} // namespace mistudio
