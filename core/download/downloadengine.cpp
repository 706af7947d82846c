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
    m_clock.start();
    // Re-armed after each tick for the time still due (never a periodic timer, whose late tick is
    // followed by an early one). Timers may still fire a little early: emitProgressIfDue() checks
    // the clock, so the interval holds whatever the timer does.
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
        else
            it->job->checkpointNow(); // what landed since the last checkpoint is not fetched again
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
}

void DownloadEngine::setBandwidthLimit(qint64 bytesPerSecond)
{
    m_bucket->setRate(bytesPerSecond);
}

qint64 DownloadEngine::bandwidthLimit() const
{
    return m_bucket->rate();
}

qint64 DownloadEngine::bytesReceived() const
{
    return m_bucket->granted();
}

QString DownloadEngine::start(const PinnedDownload &download)
{
    return start(download, m_options);
}

QString DownloadEngine::start(const PinnedDownload &download, const DownloadOptions &options, UrlResolver *resolver)
{
    auto ctx = std::make_shared<FileContext>();
    ctx->download = download;
    ctx->options = options;
    ctx->root = GuardedPath::rootAt(download.targetDir);
    ctx->transfers = m_transfers;
    ctx->bucket = std::make_shared<TokenBucket>(options.maxBytesPerSecond, m_bucket.get());
    ctx->resolver = resolver ? resolver : m_resolver;
    ctx->blockingPool = m_blockingPool;
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto *job = new DownloadJob(ctx, this);
    connect(job, &DownloadJob::finished, this, [this, id](const Status &st) { handleJobFinished(id, st); });
    connect(job, &DownloadJob::paused, this, [this, id] {
        auto it = m_jobs.find(id);
        if (it == m_jobs.end())
            return;
        it->state = State::Paused;
        armTick();
        Q_EMIT stateChanged(id, State::Paused);
    });
    Entry entry;
    entry.job = job;
    entry.intervalMs = qMax(100, options.progressIntervalMs); // ≤ 10 Hz whatever was asked
    auto it = m_jobs.insert(id, entry);
    m_order.append(id);
    run(id, *it);
    return id;
}

DownloadEngine::State DownloadEngine::state(const QString &id) const
{
    return m_jobs.value(id).state;
}

std::optional<DownloadProgress> DownloadEngine::snapshot(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return std::nullopt;
    DownloadProgress p = it->job->sample();
    p.emittedAtMs = -1; // not an emitted event
    return p;
}

void DownloadEngine::run(const QString &id, Entry &e)
{
    e.state = State::Running;
    e.runningSinceMs = m_clock.elapsed();
    Q_EMIT stateChanged(id, State::Running);
    armTick();
    // May finish synchronously (e.g. not enough disk space): the entry may be finishing after.
    if (auto it = m_jobs.find(id); it != m_jobs.end())
        it->job->start();
}

qint64 DownloadEngine::msUntilEmitAllowed(const Entry &e) const
{
    if (e.lastEmitMs < 0)
        return 0;
    return qMax<qint64>(0, e.lastEmitMs + e.intervalMs - m_clock.elapsed());
}

void DownloadEngine::armTick()
{
    const qint64 now = m_clock.elapsed();
    qint64 next = -1;
    for (const Entry &e : std::as_const(m_jobs)) {
        if (e.state != State::Running || e.finishing)
            continue;
        const qint64 due = qMax<qint64>(0, qMax(e.lastEmitMs, e.runningSinceMs) + e.intervalMs - now);
        next = next < 0 ? due : qMin(next, due);
    }
    if (next < 0)
        m_tick->stop();
    else
        m_tick->start(int(qMax<qint64>(1, next)));
}

void DownloadEngine::pause(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->finishing) // over; only its final event is still to come
        return;
    if (it->state == State::Running)
        it->job->pause(); // → paused() once every transfer has stopped
}

void DownloadEngine::abandon(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->finishing)
        return;
    if (it->state == State::Running)
        it->job->abandon(); // → paused() once every transfer has stopped
}

void DownloadEngine::resume(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->state != State::Paused || it->finishing)
        return;
    run(id, *it);
}

void DownloadEngine::forget(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->state != State::Paused || it->finishing)
        return;
    DownloadJob *job = it->job;
    m_jobs.erase(it);
    m_order.removeAll(id);
    job->deleteLater(); // possibly on the stack of its own paused() signal
    armTick();
}

void DownloadEngine::cancel(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    // Also while the final event waits: then the files go at once and the outcome reported
    // becomes "cancelled" (handleJobFinished), matching what is left on disk.
    it->job->cancel(); // → finished(cancelled) once nothing is left
}

bool DownloadEngine::emitProgressIfDue(const QString &id, Entry &e)
{
    if (msUntilEmitAllowed(e) > 0)
        return false;
    DownloadProgress p = e.job->sample();
    p.emittedAtMs = m_clock.elapsed();
    e.lastEmitMs = p.emittedAtMs;
    Q_EMIT progressUpdated(id, p); // `e` may be gone after this (a slot may enqueue or cancel)
    return true;
}

void DownloadEngine::handleTick()
{
    const QStringList order = m_order;
    for (const QString &id : order) {
        auto it = m_jobs.find(id);
        if (it != m_jobs.end() && it->state == State::Running && !it->finishing)
            emitProgressIfDue(id, *it);
    }
    armTick();
}

void DownloadEngine::handleJobFinished(const QString &id, const Status &status)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    it->finalStatus = status; // a cancel while the final event waits replaces the outcome
    if (it->finishing)
        return;
    it->finishing = true; // out of the running set and the ticks while the final event waits
    qCDebug(lcDownloadTiming, "settled");
    finishWhenDue(id);
    Q_EMIT downloadSettled(id, status);
}

void DownloadEngine::finishWhenDue(const QString &id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    // The last progress (100 % on success) comes first, no sooner than the interval after the
    // previous one; always from the event loop (the job may have finished inside start()).
    QTimer::singleShot(int(msUntilEmitAllowed(*it)), Qt::PreciseTimer, this, [this, id] {
        auto e = m_jobs.find(id);
        if (e == m_jobs.end())
            return;
        if (!emitProgressIfDue(id, *e)) {
            finishWhenDue(id); // the timer fired early: wait for the rest
            return;
        }
        e = m_jobs.find(id);
        if (e == m_jobs.end())
            return;
        const Status status = e->finalStatus;
        DownloadJob *job = e->job;
        m_jobs.erase(e);
        m_order.removeAll(id);
        job->deleteLater();
        qCDebug(lcDownloadTiming, "finished (after the final progress event)");
        Q_EMIT downloadFinished(id, status);
        armTick();
    });
}

} // namespace mistudio
