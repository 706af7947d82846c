#include "quant/threadpool.h"

#include <algorithm>

namespace mistudio::quant {

ThreadPool::ThreadPool(unsigned threads)
{
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threads; ++i)
        m_workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto &t : m_workers)
        t.join();
}

void ThreadPool::runChunks(std::unique_lock<std::mutex> &lock)
{
    // Takes chunks under the lock, runs them without it.
    while (m_fn && m_next < m_n) {
        const size_t begin = m_next;
        const size_t end = std::min(m_n, begin + m_grain);
        m_next = end;
        const auto *fn = m_fn;
        lock.unlock();
        (*fn)(begin, end);
        lock.lock();
    }
}

void ThreadPool::workerLoop()
{
    unsigned long seen = 0;
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
        if (m_stop)
            return;
        seen = m_generation;
        ++m_active;
        runChunks(lock);
        if (--m_active == 0)
            m_done.notify_all();
    }
}

void ThreadPool::parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)> &fn)
{
    if (n == 0)
        return;
    grain = std::max<size_t>(1, grain);
    if (m_workers.empty() || n <= grain) {
        fn(0, n);
        return;
    }
    std::unique_lock lock(m_mutex);
    m_fn = &fn;
    m_n = n;
    m_grain = grain;
    m_next = 0;
    ++m_generation;
    m_wake.notify_all();
    ++m_active;
    runChunks(lock);
    --m_active;
    m_done.wait(lock, [&] { return m_active == 0; });
    m_fn = nullptr;
}

} // namespace mistudio::quant
