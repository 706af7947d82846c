#include "quant/threadpool.h"

#include <algorithm>
#include <cerrno>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace mistudio::quant {

ThreadPool::ThreadPool(unsigned threads, PoolPriority priority)
{
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    m_callerWorks = priority == PoolPriority::Normal;
    m_niceIncrement = priority == PoolPriority::Background ? 10 : 0;
    for (unsigned i = m_callerWorks ? 1 : 0; i < threads; ++i)
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
#ifdef __linux__
    if (m_niceIncrement != 0) {
        // this thread only (Linux: a thread id names one thread); raising nice needs no privilege
        const pid_t tid = pid_t(::syscall(SYS_gettid));
        errno = 0;
        const int now = ::getpriority(PRIO_PROCESS, id_t(tid));
        if (errno == 0)
            ::setpriority(PRIO_PROCESS, id_t(tid), std::min(19, now + m_niceIncrement));
    }
#endif
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
    if (m_callerWorks) {
        ++m_active;
        runChunks(lock);
        --m_active;
    }
    m_done.wait(lock, [&] { return m_next >= m_n && m_active == 0; });
    m_fn = nullptr;
}

} // namespace mistudio::quant
