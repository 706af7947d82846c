#include "hfcache/parallelrunner.h"

#include <QThread>

#include <chrono>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

ParallelRunner::ParallelRunner(int threads, int progressIntervalMs)
    : m_threads(threads > 0 ? threads : qBound(1, QThread::idealThreadCount(), 4))
    , m_intervalMs(qMax(10, progressIntervalMs))
{}

bool ParallelRunner::addBytes(qint64 bytes)
{
    m_bytesDone.fetch_add(bytes, std::memory_order_relaxed);
    return !stopping();
}

void ParallelRunner::fail(const Error &error)
{
    const std::lock_guard lock(m_mutex);
    if (!m_failed) {
        m_failed = true;
        m_error = error;
    }
    m_stop.store(true);
}

void ParallelRunner::worker(int count, const Job &job)
{
    for (;;) {
        if (stopping())
            break;
        const int index = m_next.fetch_add(1);
        if (index >= count)
            break;
        const Status st = job(index);
        if (!st) {
            fail(st.error());
            break;
        }
        m_filesDone.fetch_add(1);
    }
    const std::lock_guard lock(m_mutex);
    --m_running;
    m_wake.notify_all();
}

Status ParallelRunner::run(int count, qint64 totalBytes, const Job &job, const ProgressFn &progress)
{
    m_next = 0;
    m_filesDone = 0;
    m_bytesDone = 0;
    m_stop = false;
    m_failed = false;
    const int threads = qMin(m_threads, qMax(1, count));
    m_running = threads;
    std::vector<std::thread> pool;
    pool.reserve(size_t(threads));
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([this, count, &job] { worker(count, job); });

    auto snapshot = [&] {
        return Progress{m_bytesDone.load(), totalBytes, m_filesDone.load(), count};
    };
    {
        const auto interval = std::chrono::milliseconds(m_intervalMs);
        auto due = std::chrono::steady_clock::now() + interval;
        std::unique_lock lock(m_mutex);
        while (m_running > 0) {
            m_wake.wait_until(lock, due);
            if (m_running == 0 || !progress || m_stop || std::chrono::steady_clock::now() < due)
                continue;
            due = std::chrono::steady_clock::now() + interval;
            lock.unlock();
            const bool goOn = progress(snapshot());
            lock.lock();
            if (!goOn && !m_failed) {
                m_failed = true;
                m_error = Error::make(ErrorCode::Cancelled, u"Stopped by the caller"_s);
                m_stop = true;
            }
        }
    }
    for (std::thread &t : pool)
        t.join();
    if (m_failed)
        return m_error;
    if (progress)
        progress(snapshot()); // the final figures, once
    return {};
}

} // namespace mistudio::hfcache
